"""Query text to the AST (:mod:`tuireader.core.query_ast`): a tokenizer and
a recursive-descent parser, hand-written and linear because they run on every
keystroke. The grammar is in :mod:`tuireader.core.query`."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from tuireader.core.model import parse_arxiv_id
from tuireader.core.query_ast import (
    IS_STATES,
    And,
    Category,
    DateRange,
    IdPrefix,
    Is,
    IsState,
    Node,
    Not,
    Or,
    QueryError,
    Tag,
    Text,
    TextField,
)
from tuireader.core.tags import normalise_tag, valid_tag
from tuireader.core.text import balanced, fold_fully

#: Groups and negations nested deeper than this are refused (no RecursionError).
MAX_DEPTH = 100

#: Field names as typed, to what they search (also read by the query writer).
FIELDS = {
    "ti": "title",
    "title": "title",
    "au": "authors",
    "author": "authors",
    "abs": "abstract",
    "abstract": "abstract",
    "note": "note",
    "cat": "cat",
    "category": "cat",
    "id": "id",
    "tag": "tag",
    "is": "is",
    "date": "date",
}
_TEXT_FIELDS: dict[str, TextField] = {
    "title": "title",
    "authors": "authors",
    "abstract": "abstract",
    "note": "note",
}
_IS_STATES: dict[str, IsState] = {state: state for state in IS_STATES}
FIELD_PREFIX = re.compile(r"([A-Za-z]+):")
OPERATORS = frozenset({"OR", "AND", "NOT"})
# Most of a word: up to a space or parenthesis (\s is exactly str.isspace()).
_PLAIN = re.compile(r"[^\s()]+")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")

_IS_CHOICES = ", ".join(f"is:{state}" for state in IS_STATES[:-1]) + f" or is:{IS_STATES[-1]}"

_TERM, _END = "term", "end"


class _Token(NamedTuple):
    kind: str  # _TERM, _END, "(", ")", "-", "OR", "AND", "NOT"
    start: int
    node: Node | None = None


def parse(query: str) -> Node | None:
    """The AST of ``query``; None when it is blank. Raises QueryError."""
    parser = _Parser(query)
    if parser.token.kind == _END:
        return None
    node = parser.or_expr(0)
    if parser.token.kind == ")":
        raise QueryError(parser.token.start, "unmatched )")
    return node


class _Parser:
    """Recursive descent over a lazy token stream, so that the first problem
    from the left is the one reported."""

    __slots__ = ("_tokens", "previous", "token")

    def __init__(self, query: str) -> None:
        self._tokens = _tokenize(query)
        self.previous: _Token | None = None
        self.token = next(self._tokens)

    def advance(self) -> None:
        self.previous, self.token = self.token, next(self._tokens)

    def or_expr(self, depth: int) -> Node:
        children: list[Node] = []
        while True:
            child = self.and_expr(depth)
            if isinstance(child, Or):
                children.extend(child.children)
            else:
                children.append(child)
            if self.token.kind != "OR":
                break
            self.advance()
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self, depth: int) -> Node:
        children: list[Node] = []
        while True:
            child = self.unary(depth)
            if isinstance(child, And):
                children.extend(child.children)
            else:
                children.append(child)
            kind = self.token.kind
            if kind == "OR" or kind == ")" or kind == _END:
                break
            if kind == "AND":
                self.advance()
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self, depth: int) -> Node:
        token = self.token
        kind = token.kind
        if kind == _TERM:
            self.advance()
            assert token.node is not None
            return token.node
        if kind == "-" or kind == "NOT" or kind == "(":
            if depth >= MAX_DEPTH:
                raise QueryError(token.start, "too deeply nested")
            self.advance()
            if kind != "(":
                return Not(self.unary(depth + 1))
            if self.token.kind == ")":
                raise QueryError(token.start, "empty parentheses")
            node = self.or_expr(depth + 1)
            if self.token.kind != ")":
                raise QueryError(token.start, "unclosed (: add a )")
            self.advance()
            return node
        raise self.missing_term()

    def missing_term(self) -> QueryError:
        """Why there is an operator, a ")" or the end where a term belongs."""
        token, previous = self.token, self.previous
        before = previous.kind if previous is not None else None
        if before == "OR" or before == "AND":
            assert previous is not None
            if token.kind == "OR" or token.kind == "AND":
                return QueryError(
                    token.start, f"a term is missing between {before} and {token.kind}"
                )
            return QueryError(previous.start, f"{before} needs a term after it")
        if before == "NOT" or before == "-":
            assert previous is not None
            return QueryError(previous.start, f"{before} needs a term after it")
        if token.kind == "OR" or token.kind == "AND":
            return QueryError(token.start, f"{token.kind} needs a term before it")
        if token.kind == ")":
            return QueryError(token.start, "unmatched )")
        assert previous is not None and before == "("
        return QueryError(previous.start, "unclosed (: add a )")


def _tokenize(query: str) -> Iterator[_Token]:
    """Tokens, terms already made into nodes; a final _END token."""
    n = len(query)
    i = 0
    while i < n and query[i].isspace():
        i += 1
    negated = False  # directly after "-": the next word is a term, even "OR"
    while i < n:
        char = query[i]
        start = i
        if char == "(" or char == ")":
            yield _Token(char, start)
            i += 1
        elif char == "-":
            if i + 1 == n or query[i + 1].isspace() or query[i + 1] == ")":
                raise QueryError(start, "- must be followed directly by a term")
            yield _Token("-", start)
            i += 1
            negated = True
            continue  # no spaces to skip
        elif char == '"':
            i = _closing_quote(query, i) + 1
            text = _text_value(query[start + 1 : i - 1])
            if not text:
                raise QueryError(start, "empty phrase")
            yield _Token(_TERM, start, Text(text))
        else:
            match = FIELD_PREFIX.match(query, i)
            field = FIELDS.get(match.group(1).lower()) if match else None
            if match is not None and field is not None:
                i, node = _field_term(query, start, match.end(), field)
                yield _Token(_TERM, start, node)
            else:
                i = _word_end(query, i)
                word = query[start:i]
                if word in OPERATORS and not negated:
                    yield _Token(word, start)
                else:
                    text = _text_value(word)
                    if not text:
                        raise QueryError(start, f"nothing to search for in {word!r}")
                    yield _Token(_TERM, start, Text(text))
        negated = False
        while i < n and query[i].isspace():
            i += 1
    yield _Token(_END, n)


def _word_end(query: str, i: int) -> int:
    """Where the word starting at ``i`` ends: at a space, or at a ")" that
    does not close a "(" opened inside the word."""
    plain = _PLAIN.match(query, i)
    if plain is not None:
        i = plain.end()
    depth = 0
    n = len(query)
    while i < n:
        char = query[i]
        if char == "(":
            depth += 1
        elif char == ")":
            if not depth:
                break
            depth -= 1
        elif char.isspace():
            break
        i += 1
    return i


def _closing_quote(query: str, opening: int) -> int:
    closing = query.find('"', opening + 1)
    if closing < 0:
        raise QueryError(opening, 'unclosed quote: add a closing "')
    return closing


def _field_term(query: str, start: int, value_start: int, field: str) -> tuple[int, Node]:
    """The node of the field term at ``start`` and where it ends."""
    prefix = query[start:value_start]
    if query.startswith('"', value_start):
        end = _closing_quote(query, value_start) + 1
        value = query[value_start + 1 : end - 1]
        value_start += 1
    elif query.startswith("(", value_start):
        raise QueryError(
            value_start, f"{prefix} cannot take a group: write ({prefix}a OR {prefix}b)"
        )
    else:
        end = _word_end(query, value_start)
        value = query[value_start:end]
    stripped = value.strip()
    if not stripped:
        raise QueryError(start, f"{prefix} needs a value")
    value_start += len(value) - len(value.lstrip())
    term = query[start:end]
    if field in ("cat", "id") and '"' in stripped and not plain_value(stripped):
        # Kept as typed, such a value could be written neither bare nor quoted.
        raise QueryError(value_start, f'a {prefix} value with " needs its parentheses closed')
    node: Node
    if field == "cat":
        node = Category(stripped)
    elif field == "id":
        node = IdPrefix(_id_value(stripped))
    elif field == "tag":
        name = normalise_tag(stripped)
        problem = valid_tag(name)
        if problem is not None:
            raise QueryError(value_start, f"{problem} in {term}")
        node = Tag(name)
    elif field == "is":
        state = _IS_STATES.get(fold_fully(stripped))
        if state is None:
            raise QueryError(value_start, f"unknown {term}: use {_IS_CHOICES}")
        node = Is(state)
    elif field == "date":
        node = _date_range(stripped, value_start, term)
    else:
        text = _text_value(stripped)
        if not text:
            raise QueryError(start, f"{prefix} needs a value")
        node = Text(text, _TEXT_FIELDS[field])
    if isinstance(node, IdPrefix) and not node.value:
        raise QueryError(start, f"{prefix} needs a value")
    return end, node


def plain_value(value: str) -> bool:
    """Whether ``value`` reads back whole, unquoted, after ``field:``: no
    spaces, and parentheses balanced, so that it neither stops early nor
    swallows a ")" that follows it."""
    if not value or value[0] in '"(' or any(char.isspace() for char in value):
        return False
    return balanced(value, "(", ")")


def _text_value(raw: str) -> str:
    return " ".join(fold_fully(raw).split())


def _id_value(value: str) -> str:
    """An ID prefix: lowercased; an arXiv URL or an "arXiv:" prefix is
    reduced to the ID (with its version, if given)."""
    if "arxiv.org/" in value.lower():
        parsed = parse_arxiv_id(value)
        if parsed is not None:
            paper_id, version = parsed
            value = paper_id if version is None else f"{paper_id}v{version}"
    value = value.lower().strip()
    while value.startswith("arxiv:"):
        value = value.removeprefix("arxiv:").strip()
    return value


def _date_range(value: str, position: int, term: str) -> DateRange:
    if ".." not in value:
        return DateRange(
            _date_bound(value, position, term, last=False),
            _date_bound(value, position, term, last=True),
        )
    left, _, right = value.partition("..")
    right_position = position + len(left) + 2
    if not left.strip() and not right.strip():
        raise QueryError(position, f"a range needs a start or an end in {term}")
    start = _date_bound(left, position, term, last=False) if left.strip() else None
    end = _date_bound(right, right_position, term, last=True) if right.strip() else None
    if start is not None and end is not None and end < start:
        raise QueryError(right_position, f"range ends before it starts in {term}")
    return DateRange(start, end)


def _date_bound(value: str, position: int, term: str, *, last: bool) -> date:
    """The first (or ``last``) day of a year, month or day."""
    position += len(value) - len(value.lstrip())
    match = _DATE.fullmatch(value.strip())
    if match is None:
        raise QueryError(position, f"not a date in {term}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    if year < 1:
        raise QueryError(position, f"year must be 0001–9999 in {term}")
    if month_text is None:
        return date(year, 12, 31) if last else date(year, 1, 1)
    month = int(month_text)
    if not 1 <= month <= 12:
        raise QueryError(position + match.start(2), f"month must be 01–12 in {term}")
    days = calendar.monthrange(year, month)[1]
    if day_text is None:
        return date(year, month, days if last else 1)
    day = int(day_text)
    if not 1 <= day <= days:
        raise QueryError(position + match.start(3), f"day must be 01–{days:02d} in {term}")
    return date(year, month, day)
