"""User settings in ``config.toml``: digest folders, theme, reading, saved searches.

The file is the user's to edit by hand: every key is optional, a wrong value
is reported and its default used, and when tuireader writes a setting (the
theme, a saved search) every other key and comment-free value is kept.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from tuireader.core import locations
from tuireader.core.files import atomic_write

FORMAT_VERSION = 1
#: Seconds a paper must rest in the detail pane before it counts as read.
MARK_READ_AFTER = 1.5


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A query kept under a name; a watch marks its papers in every list."""

    name: str
    query: str
    watch: bool = False


@dataclass(frozen=True)
class Config:
    """Settings with their defaults; ``problems`` says what was ignored, and why."""

    digests: tuple[str, ...] = ()
    theme: str | None = None
    mark_read_after: float = MARK_READ_AFTER
    latex: bool = True
    searches: tuple[SavedSearch, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def problem(self) -> str | None:
        return "; ".join(self.problems) or None

    @property
    def watches(self) -> tuple[SavedSearch, ...]:
        return tuple(search for search in self.searches if search.watch)


def load_config(path: Path | None = None) -> Config:
    """Read the settings; a missing file is the defaults, a broken one too
    (with ``problems`` set, and the file left untouched for the user to fix)."""
    path = path or locations.config_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Config(problems=(f"{path}: {error}",))
    problems: list[str] = []

    def setting(name: str, kinds: tuple[type, ...], default: Any, what: str) -> Any:
        value = data.get(name, default)
        if not isinstance(value, kinds) or isinstance(value, bool) != (bool in kinds):
            problems.append(f"{path}: '{name}' must be {what}")
            return default
        return value

    digests = setting("digests", (list, str), [], "a list of folder paths")
    digests = [digests] if isinstance(digests, str) else digests
    if not all(isinstance(d, str) for d in digests):
        problems.append(f"{path}: 'digests' must be a list of folder paths")
        digests = []
    theme = setting("theme", (str,), None, "a theme name") if "theme" in data else None
    after = setting("mark_read_after", (int, float), MARK_READ_AFTER, "a number of seconds")
    if after < 0:
        problems.append(f"{path}: 'mark_read_after' must be 0 (off) or more seconds")
        after = MARK_READ_AFTER
    latex = setting("latex", (bool,), True, "true or false")
    searches = _searches(data.get("searches", []), path, problems)
    return Config(tuple(digests), theme, float(after), latex, searches, tuple(problems))


def _searches(value: object, path: Path, problems: list[str]) -> tuple[SavedSearch, ...]:
    if not isinstance(value, list):
        problems.append(f"{path}: 'searches' must be a list of [[searches]] tables")
        return ()
    searches: dict[str, SavedSearch] = {}
    for number, table in enumerate(value, start=1):
        name = table.get("name") if isinstance(table, dict) else None
        query = table.get("query") if isinstance(table, dict) else None
        watch = table.get("watch", False) if isinstance(table, dict) else False
        if not (isinstance(name, str) and name.strip() and isinstance(query, str)):
            problems.append(f"{path}: search {number} needs a name and a query")
        elif not isinstance(watch, bool):
            problems.append(f"{path}: 'watch' of search {name!r} must be true or false")
        else:
            searches.setdefault(name.strip(), SavedSearch(name.strip(), query, watch))
    return tuple(searches.values())


def save_theme(theme: str, path: Path | None = None) -> None:
    """Remember the theme, keeping every other setting in the file as it was."""
    _update({"theme": theme}, path)


def save_searches(searches: tuple[SavedSearch, ...], path: Path | None = None) -> None:
    """Write the saved searches (in their order: keys 1-9 follow it)."""
    tables = [
        {"name": s.name, "query": s.query, **({"watch": True} if s.watch else {})} for s in searches
    ]
    _update({"searches": tables}, path)


def _update(settings: dict[str, Any], path: Path | None) -> None:
    path = path or locations.config_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    data = {"version": FORMAT_VERSION} | data | settings
    if not data.get("searches"):
        data.pop("searches", None)
    atomic_write(path, tomli_w.dumps(data).encode("utf-8"))
