"""What the list shows: every paper, the unread ones, a day, a month, a tag, …

A scope is a small value with a text key (``day:2021-07-21/cs.CV``), so that
it can be remembered in ``state.toml`` and compared cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["all", "unread", "starred", "noted", "tag", "day", "month", "saved", "similar"]
_FIXED: dict[str, str] = {
    "all": "All papers",
    "unread": "Unread",
    "starred": "Starred",
    "noted": "With notes",
}


@dataclass(frozen=True, slots=True)
class Scope:
    """``value`` is the tag, the day (ISO), the month (``YYYY-MM``), the saved
    search's name or the paper whose similar papers are listed; ``category``
    narrows a day or month to one category."""

    kind: Kind
    value: str = ""
    category: str = ""

    @property
    def key(self) -> str:
        key = self.kind if not self.value else f"{self.kind}:{self.value}"
        return f"{key}/{self.category}" if self.category else key

    @classmethod
    def from_key(cls, key: str) -> Scope | None:
        """The scope a key names, or None for a key this version does not know."""
        head, _, category = key.partition("/")
        kind, _, value = head.partition(":")
        if kind in _FIXED and not value and not category:
            return cls(kind)  # type: ignore[arg-type]
        if kind in ("tag", "saved", "similar") and value and not category:
            return cls(kind, value)  # type: ignore[arg-type]
        try:
            if kind == "day":
                return cls.of_day(date.fromisoformat(value), category)
            if kind == "month":
                year, month = value.split("-")
                return cls.of_month(int(year), int(month), category)
        except ValueError:
            return None
        return None

    @classmethod
    def of_day(cls, day: date, category: str = "") -> Scope:
        return cls("day", day.isoformat(), category)

    @classmethod
    def of_month(cls, year: int, month: int, category: str = "") -> Scope:
        if not 1 <= month <= 12:
            raise ValueError(f"no month {month}")
        return cls("month", f"{year:04d}-{month:02d}", category)

    @property
    def day(self) -> date | None:
        return date.fromisoformat(self.value) if self.kind == "day" else None

    @property
    def month(self) -> tuple[int, int] | None:
        if self.kind != "month":
            return None
        year, month = self.value.split("-")
        return int(year), int(month)

    @property
    def label(self) -> str:
        """How people call it, for titles and messages."""
        if self.kind in _FIXED:
            name = _FIXED[self.kind]
        elif self.kind == "day" and self.day:
            name = f"{self.day:%a %d %b %Y}"
        elif self.kind == "month" and self.month:
            name = f"{date(*self.month, 1):%B %Y}"
        elif self.kind == "tag":
            name = f"tag {self.value}"
        elif self.kind == "saved":
            name = f"search “{self.value}”"
        else:
            name = f"papers like {self.value}"
        return f"{name}, {self.category}" if self.category else name


ALL = Scope("all")
UNREAD = Scope("unread")
STARRED = Scope("starred")
NOTED = Scope("noted")
