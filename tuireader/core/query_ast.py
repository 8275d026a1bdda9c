"""The query AST: the node classes, :class:`QueryError`, and walks over a
tree. A module of its own so that the parser, the writer and the evaluator
share the nodes without importing one another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

TextField = Literal["any", "title", "authors", "abstract", "note"]
IsState = Literal["starred", "unread", "read", "noted", "tagged"]

IS_STATES: tuple[IsState, ...] = get_args(IsState)


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
