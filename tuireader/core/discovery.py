"""Finding digest files: which files under the folders a user named are
digests, and the order a load adds them in (newest first, by the date in
their path), with a warning for each folder that cannot be read."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from tuireader.core.model import LoadWarning

DIGEST_SUFFIXES = (".md", ".markdown", ".txt")
#: A file's size and modification time, or None when it cannot be read.
Stamp = tuple[int, int] | None


class LibraryError(Exception):
    """A path the user named cannot be used at all (missing, not a digest)."""


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | LoadWarning]:
    """Yield the digest files under ``paths`` (recursively, sorted), and a
    warning for each folder that cannot be read or is a symlink loop.

    Raises :class:`LibraryError` for a path that does not exist.
    """
    seen: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise LibraryError(f"no such file or folder: {raw}")
        if path.is_dir():
            yield from _walk(path, seen)
        else:
            yield path


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | LoadWarning]:
    try:
        status = folder.stat()
        if (status.st_dev, status.st_ino) in seen:
            yield LoadWarning(str(folder), 0, "folder already visited (symlink loop?), skipped")
            return
        seen.add((status.st_dev, status.st_ino))
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        yield LoadWarning(str(folder), 0, f"cannot read folder: {error.strerror or error}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(Path(entry.path), seen)
        elif entry.name.lower().endswith(DIGEST_SUFFIXES):
            # Not only regular files: a dangling link, a link loop or a FIFO
            # named like a digest gets a warning from the parser, not silence.
            yield Path(entry.path)


def digest_files(
    paths: Iterable[str | os.PathLike[str]],
) -> tuple[list[Path], list[LoadWarning]]:
    """The digest files under ``paths`` in the order a load adds them: newest
    first by the date in their path (so the top of the list fills in first);
    and a warning for each folder that cannot be read."""
    files: list[Path] = []
    warnings: list[LoadWarning] = []
    for item in discover(paths):
        if isinstance(item, LoadWarning):
            warnings.append(item)
        else:
            files.append(item)
    files.sort(key=_date_in_path, reverse=True)
    return files, warnings


def stamp_of(path: Path) -> Stamp:
    """A file's size and modification time (None when it cannot be looked at)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?([0-3]\d)(?!\d)")


def _date_in_path(path: Path) -> str:
    """The last date in a digest's path ("cs.CV/2022/01/20220131.md", "2021-07-21.md"),
    as YYYYMMDD, or "" (sorted last) when there is none."""
    found = _PATH_DATE.findall(path.as_posix())
    return "".join(found[-1]) if found else ""
