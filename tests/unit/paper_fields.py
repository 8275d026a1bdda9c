"""Walk a paper's fields generically, so a field added later is checked too."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator
from datetime import date


def texts_in(value: object) -> Iterator[str]:
    """Every string inside a value: dataclass fields and tuples, recursively."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from texts_in(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from texts_in(item)
    else:
        assert isinstance(value, int | date | None), f"unchecked type {type(value)}"


def control_characters(text: str) -> list[str]:
    """What a terminal could act on: controls (but the abstract's line breaks),
    format characters (bidi, zero width) and line/paragraph separators."""
    return [
        char
        for char in text
        if char != "\n" and unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}
    ]
