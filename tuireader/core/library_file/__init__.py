"""The library file: the merged library and its search columns, kept on disk
so that a warm start maps one file instead of reading every digest's cache
entry, merging the papers and folding their text again.

One file per set of folders opened, in the cache folder, valid while every
digest file under them has the size and modification time it had when the
file was written (the key). A load that finds none, or a stale one, goes the
slow way and writes a new one; the write replaces the old file atomically,
so an app that has the old one open keeps reading it. What a warm start
decodes at once is the IDs and the short searched columns (titles, authors,
keys); papers are decoded when drawn or exported, and abstracts read from
the file only for the candidates a search tests.

A file of another format, Python or Paper schema, or one damaged or foreign,
raises :class:`Damaged`: the caller warns, loads the slow way and rewrites it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from tuireader.core.discovery import discover, stamp_of
from tuireader.core.library import LoadedFiles
from tuireader.core.library_file.contents import SUFFIX, Key, Opened
from tuireader.core.library_file.extending import Addition, addition, extend
from tuireader.core.library_file.reading import LibraryReader
from tuireader.core.library_file.sections import Damaged
from tuireader.core.library_file.writing import KEPT, NoRoom, write
from tuireader.core.model import LoadWarning

__all__ = ["KEPT", "SUFFIX", "Addition", "Damaged", "Fit", "Key", "Kept", "LibraryReader", "NoRoom"]
__all__ += ["Opened", "addition", "current_key", "damaged", "extend", "fit", "key_of", "kept"]
__all__ += ["location", "write"]


def location(folder: Path, paths: Iterable[str | os.PathLike[str]]) -> Path:
    """The library file for the folders ``paths`` (in that order)."""
    names = "\n".join(str(Path(path).expanduser().absolute()) for path in paths)
    digest = hashlib.blake2b(names.encode("utf-8", "surrogateescape"), digest_size=16)
    return folder / f"{digest.hexdigest()}{SUFFIX}"


def key_of(files: LoadedFiles) -> Key | None:
    """The key of a library loaded from ``files`` (None if one could not be
    looked at: then no key can tell whether it changed)."""
    stamps = [[str(path), *stamp] for path, (stamp, _result) in files.items() if stamp]
    return sorted(stamps) if len(stamps) == len(files) else None


def current_key(paths: Iterable[str | os.PathLike[str]]) -> Key | None:
    """The key of the digest files under ``paths`` as they are now (one
    ``stat`` per file). Raises ``LibraryError`` for a missing path."""
    stamps = []
    for item in discover(paths):
        if isinstance(item, Path):
            stamp = stamp_of(item)
            if stamp is None:
                return None
            stamps.append([str(item), *stamp])
    return sorted(stamps)


class Fit(Enum):
    """How a library file fits the digests as they are now."""

    FRESH = "written for them"
    NEW_DAYS = "they gained new days since: extend it"
    STALE = "they changed otherwise: read them again"


@dataclass(frozen=True)
class Kept:
    """The library file kept for a set of folders (written for whatever
    digests: see :func:`fit`), or the warning if it is damaged."""

    reader: LibraryReader | None
    warning: LoadWarning | None = None


def kept(folder: Path, paths: Sequence[str | os.PathLike[str]]) -> Kept:
    """The library file of ``paths`` in ``folder``, opened (not yet read)."""
    target = location(folder, paths)
    try:
        return Kept(LibraryReader.open(target))
    except Damaged as error:
        return Kept(None, damaged(target, error))


def fit(reader: LibraryReader, paths: Sequence[str | os.PathLike[str]]) -> Fit:
    """Whether ``reader``'s file fits the digests under ``paths`` now (a
    ``stat`` of each). Raises ``LibraryError`` for a path that does not exist."""
    key = current_key(paths)
    if key is not None and key == reader.key:
        return Fit.FRESH
    return Fit.NEW_DAYS if addition(paths, reader.key) else Fit.STALE


def damaged(target: Path, error: Damaged) -> LoadWarning:
    """The warning for a library file that cannot be used."""
    return LoadWarning(str(target), 0, f"library file {error}; rebuilt from the digests")
