"""What every digest format shares: the header it reads and the parse context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from tuireader.core.model import LoadWarning, Paper


@dataclass(frozen=True, slots=True)
class Header:
    """What a digest's first line says: the day and the category."""

    date: date
    category: str


@dataclass
class ParseContext:
    """Collects warnings for one file, each naming its line."""

    source: str
    header: Header
    warnings: list[LoadWarning] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(LoadWarning(self.source, line, message))


Lines = Iterator[tuple[int, str]]


@dataclass(frozen=True, slots=True)
class DigestFormat:
    """A digest format: how to recognise its header and read its papers."""

    name: str
    read_header: Callable[[str], Header | None]
    read_papers: Callable[[Lines, ParseContext], Iterator[Paper]]
