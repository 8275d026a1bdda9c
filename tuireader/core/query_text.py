"""The AST back to query text: canonical, so that ``parse(to_text(n)) == n``."""

from __future__ import annotations

import calendar
from datetime import date

from tuireader.core.query_ast import (
    And,
    Category,
    DateRange,
    IdPrefix,
    Is,
    Node,
    Not,
    Or,
    Tag,
    Text,
)
from tuireader.core.query_parser import FIELD_PREFIX, FIELDS, OPERATORS, plain_value

_FIELD_NAMES = {"title": "ti", "authors": "au", "abstract": "abs", "note": "note"}


def to_text(node: Node) -> str:
    """Canonical query text: ``parse(to_text(n)) == n`` for every ``n`` that
    :func:`parse` returns (and equals :func:`normalise` of any other node
    whose values parse() could have produced)."""
    if isinstance(node, Text):
        if node.field == "any":
            return node.text if _plain_word(node.text) else _quoted_text(node.text)
        value = node.text if plain_value(node.text) else _quoted_text(node.text)
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


def _plain_word(text: str) -> bool:
    """Whether ``text`` reads back unquoted as a bare word."""
    if not plain_value(text) or text[0] == "-" or text in OPERATORS:
        return False
    match = FIELD_PREFIX.match(text)
    return match is None or match.group(1).lower() not in FIELDS


def _quoted_text(text: str) -> str:
    # A phrase holds no '"'; a fullwidth one folds back to it.
    return '"' + text.replace('"', "\uff02") + '"'


def _literal_value(value: str) -> str:
    """A value kept as typed (not folded): quoted only when it must be."""
    if plain_value(value):
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
