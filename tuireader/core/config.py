"""User settings in ``config.toml``: where the digests live, the theme."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from tuireader.core import locations
from tuireader.core.files import atomic_write


@dataclass(frozen=True)
class Config:
    """Settings with their defaults; ``problem`` says why the file was ignored."""

    digests: tuple[str, ...] = ()
    theme: str | None = None
    problem: str | None = field(default=None, compare=False)


def load_config(path: Path | None = None) -> Config:
    """Read the settings; a missing file is the defaults, a broken one too
    (with ``problem`` set, and the file left untouched for the user to fix)."""
    path = path or locations.config_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Config(problem=f"{path}: {error}")
    digests = data.get("digests", [])
    if isinstance(digests, str):
        digests = [digests]
    theme = data.get("theme")
    if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
        return Config(problem=f"{path}: 'digests' must be a list of folder paths")
    return Config(tuple(digests), theme if isinstance(theme, str) else None)


def save_theme(theme: str, path: Path | None = None) -> None:
    """Remember the theme, keeping every other setting in the file as it was."""
    path = path or locations.config_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    data["theme"] = theme
    atomic_write(path, tomli_w.dumps(data).encode("utf-8"))
