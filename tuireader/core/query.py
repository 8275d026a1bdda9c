"""The search query language: query text to a small AST, and back.

Bare words and ``"quoted phrases"`` must each match somewhere; field terms
narrow where (``ti:`` ``au:`` ``abs:`` ``note:``) or test something else
(``cat:`` ``id:`` ``tag:`` ``is:`` ``date:``); ``-`` or ``NOT`` negates a
term, ``OR`` joins alternatives, juxtaposition (or ``AND``) joins terms that
must all match, and AND binds tighter than OR; parentheses group. The grammar::

    query    = [ or_expr ] ;
    or_expr  = and_expr , { "OR" , and_expr } ;
    and_expr = unary , { [ "AND" ] , unary } ;
    unary    = ( "-" | "NOT" ) , unary | "(" , or_expr , ")" | term ;
    term     = word | phrase | field , ":" , ( word | phrase ) ;
    field    = "ti" | "title" | "au" | "author" | "abs" | "abstract" | "cat"
             | "category" | "id" | "tag" | "note" | "is" | "date" ;
    phrase   = '"' , { any character but '"' } , '"' ;
    word     = a run of non-space characters, not starting with '"', "(",
               ")" or "-", ending before a ")" that does not close a "("
               opened inside the word ;

``OR``, ``AND`` and ``NOT`` are operators only in capitals and standing alone
(``or`` is a word). ``(`` opens a group only at the start of a term, so
``f(x)`` is one word; ``-`` negates only directly before a term. Field names
are case-insensitive; a word whose prefix is no field (``arXiv:2107.09652``)
is a plain word. ``is:`` takes starred, unread, read, noted or tagged;
``date:`` takes ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or a range of them
with ``..`` and either end left open.

The parser is hand-written and linear: it runs on every keystroke. Anything
it cannot make sense of raises :class:`QueryError` with the offset of the
problem; it never returns a query that matches everything by accident.

Texts are folded like the papers' fields (:func:`tuireader.core.text.fold`),
repeated until stable so that :func:`to_text` can write every parsed text
back, and a phrase keeps its inner spaces, collapsed to one. Nothing is
simplified: duplicate terms stay, and ``--x`` is ``Not(Not(x))``. An
``id:`` value is lowercased, and an arXiv URL or an ``arXiv:`` prefix in it
is reduced to the ID. Phrases have no escapes: to write back a text holding
a '"' that needs quotes, :func:`to_text` uses the fullwidth quote U+FF02,
which folds to '"'.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple, get_args

from tuireader.core.model import parse_arxiv_id
from tuireader.core.text import fold

__all__ = [
    "And",
    "Category",
    "DateRange",
    "IdPrefix",
    "Is",
    "IsState",
    "MAX_DEPTH",
    "Node",
    "Not",
    "Or",
    "QueryError",
    "Tag",
    "Text",
    "TextField",
    "conjuncts",
    "normalise",
    "normalise_tag",
    "parse",
    "positive_texts",
    "to_text",
    "valid_tag",
]

TextField = Literal["any", "title", "authors", "abstract", "note"]
IsState = Literal["starred", "unread", "read", "noted", "tagged"]

IS_STATES: tuple[IsState, ...] = get_args(IsState)
TAG_MAX_LENGTH = 40
TAG_PUNCTUATION = "-_/.+"
#: Groups and negations nested deeper than this are refused (no RecursionError).
MAX_DEPTH = 100


@dataclass(frozen=True, slots=True)
class Text:
    """A word or phrase to find in a field ("any" = title, authors,
    id/categories or abstract)."""

    text: str  # folded, stripped, inner whitespace collapsed; never empty
    field: TextField = "any"


@dataclass(frozen=True, slots=True)
class Category:
    value: str  # as typed, stripped (compared case-insensitively)


@dataclass(frozen=True, slots=True)
class IdPrefix:
    value: str  # lowercased, stripped; may carry a version ("2107.09652v2")


@dataclass(frozen=True, slots=True)
class Tag:
    name: str  # normalised tag name


@dataclass(frozen=True, slots=True)
class Is:
    state: IsState


@dataclass(frozen=True, slots=True)
class DateRange:
    start: date | None  # inclusive; never both None
    end: date | None


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]  # >= 2, none of them an And


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]  # >= 2, none of them an Or


Node = Text | Category | IdPrefix | Tag | Is | DateRange | Not | And | Or


class QueryError(ValueError):
    """A query that cannot be parsed: where (0-based offset) and why."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[QueryError], tuple[int, str]]:
        return QueryError, (self.position, self.message)


# --- Tags, shared with the tag editor ---------------------------------------


def normalise_tag(name: str) -> str:
    """A tag name as stored: folded and stripped."""
    return _fold_fully(name).strip()


def valid_tag(name: str) -> str | None:
    """Why ``name`` (already normalised) is not a valid tag name, or None."""
    if not name:
        return "tag name is empty"
    if len(name) > TAG_MAX_LENGTH:
        return f"tag name is longer than {TAG_MAX_LENGTH} characters"
    if not name[0].isalnum():
        return "tag name must start with a letter or digit"
    for char in name:
        if not (char.isalnum() or char in TAG_PUNCTUATION):
            return f"tag name cannot contain {char!r}"
    if normalise_tag(name) != name:
        return "tag name must be lowercase, without accents"
    return None


# --- Parsing -----------------------------------------------------------------

_FIELDS = {
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
_FIELD_PREFIX = re.compile(r"([A-Za-z]+):")
_OPERATORS = frozenset({"OR", "AND", "NOT"})
# Most of a word: up to a space or parenthesis (\s is exactly str.isspace()).
_PLAIN = re.compile(r"[^\s()]+")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")

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
            match = _FIELD_PREFIX.match(query, i)
            field = _FIELDS.get(match.group(1).lower()) if match else None
            if match is not None and field is not None:
                i, node = _field_term(query, start, match.end(), field)
                yield _Token(_TERM, start, node)
            else:
                i = _word_end(query, i)
                word = query[start:i]
                if word in _OPERATORS and not negated:
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
        state = _IS_STATES.get(_fold_fully(stripped))
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


_IS_CHOICES = ", ".join(f"is:{state}" for state in IS_STATES[:-1]) + f" or is:{IS_STATES[-1]}"


def _fold_fully(text: str) -> str:
    """``fold`` until nothing changes (once or twice, in practice), so that a
    parsed text folds to itself and :func:`to_text` can write it back."""
    for _ in range(8):
        folded = fold(text)
        if folded == text:
            break
        text = folded
    return text


def _text_value(raw: str) -> str:
    return " ".join(_fold_fully(raw).split())


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


# --- Writing back, and helpers for the evaluator ----------------------------

_FIELD_NAMES = {"title": "ti", "authors": "au", "abstract": "abs", "note": "note"}


def to_text(node: Node) -> str:
    """Canonical query text: ``parse(to_text(n)) == n`` for every ``n`` that
    :func:`parse` returns (and equals :func:`normalise` of any other node
    whose values parse() could have produced)."""
    if isinstance(node, Text):
        if node.field == "any":
            return node.text if _plain_word(node.text) else _quoted_text(node.text)
        value = node.text if _plain_value(node.text) else _quoted_text(node.text)
        return f"{_FIELD_NAMES[node.field]}:{value}"
    if isinstance(node, Category):
        return "cat:" + _literal_value(node.value)
    if isinstance(node, IdPrefix):
        return "id:" + _literal_value(node.value)
    if isinstance(node, Tag):
        return "tag:" + _literal_value(node.name)
    if isinstance(node, Is):
        return "is:" + node.state
    if isinstance(node, DateRange):
        return "date:" + _date_text(node)
    if isinstance(node, Not):
        child = node.child
        return f"-({to_text(child)})" if isinstance(child, And | Or) else "-" + to_text(child)
    if isinstance(node, And):
        return " ".join(
            f"({to_text(child)})" if isinstance(child, And | Or) else to_text(child)
            for child in node.children
        )
    return " OR ".join(
        f"({to_text(child)})" if isinstance(child, Or) else to_text(child)
        for child in node.children
    )


def _plain_value(value: str) -> bool:
    """Whether ``value`` reads back whole, unquoted, after ``field:``: no
    spaces, and parentheses balanced, so that it neither stops early nor
    swallows a ")" that follows it."""
    if not value or value[0] in '"(':
        return False
    depth = 0
    for char in value:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
        elif char.isspace():
            return False
    return depth == 0


def _plain_word(text: str) -> bool:
    """Whether ``text`` reads back unquoted as a bare word."""
    if not _plain_value(text) or text[0] == "-" or text in _OPERATORS:
        return False
    match = _FIELD_PREFIX.match(text)
    return match is None or match.group(1).lower() not in _FIELDS


def _quoted_text(text: str) -> str:
    # A phrase holds no '"'; a fullwidth one folds back to it.
    return '"' + text.replace('"', "\uff02") + '"'


def _literal_value(value: str) -> str:
    """A value kept as typed (not folded): quoted only when it must be."""
    if _plain_value(value):
        return value
    if '"' in value:
        raise ValueError(f"no query text reads back as {value!r}")
    return f'"{value}"'


def _date_text(node: DateRange) -> str:
    start, end = node.start, node.end
    if start is not None and start == end:
        return start.isoformat()
    first = "" if start is None else _first_day_text(start)
    last = "" if end is None else _last_day_text(end)
    return first if first == last else f"{first}..{last}"


def _first_day_text(day: date) -> str:
    if day.day != 1:
        return day.isoformat()
    return f"{day.year:04d}" if day.month == 1 else f"{day.year:04d}-{day.month:02d}"


def _last_day_text(day: date) -> str:
    if day.day != calendar.monthrange(day.year, day.month)[1]:
        return day.isoformat()
    return f"{day.year:04d}" if day.month == 12 else f"{day.year:04d}-{day.month:02d}"


def normalise(node: Node) -> Node:
    """``node`` as :func:`parse` would build it: nested Ands and Ors flattened
    into their parents (Not(Not(x)) is kept)."""
    if isinstance(node, Not):
        return Not(normalise(node.child))
    if isinstance(node, And | Or):
        kind = type(node)
        children: list[Node] = []
        for child in map(normalise, node.children):
            if type(child) is kind:
                children.extend(child.children)
            else:
                children.append(child)
        return children[0] if len(children) == 1 else kind(tuple(children))
    return node


def positive_texts(node: Node | None) -> list[Text]:
    """The Text nodes not under a Not, in query order (for highlighting and ranking)."""
    found: list[Text] = []
    stack = [] if node is None else [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Text):
            found.append(current)
        elif isinstance(current, And | Or):
            stack.extend(reversed(current.children))
    return found


def conjuncts(node: Node | None) -> tuple[Node, ...]:
    """The terms that must all match: () for None, an And's children, else (node,)."""
    if node is None:
        return ()
    if isinstance(node, And):
        return node.children
    return (node,)
