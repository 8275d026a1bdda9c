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
from pathlib import Path

from tuireader.core.library import LoadedFiles, discover, stamp_of
from tuireader.core.library_file.contents import SUFFIX, Key, Opened
from tuireader.core.library_file.extending import Addition, addition, extend
from tuireader.core.library_file.reading import LibraryReader
from tuireader.core.library_file.sections import Damaged
from tuireader.core.library_file.writing import KEPT, write
from tuireader.core.model import LoadWarning

__all__ = ["KEPT", "SUFFIX", "Addition", "Damaged", "Key", "LibraryReader", "Lookup", "Opened"]
__all__ += ["addition", "current_key", "damaged", "extend", "key_of", "location", "look_up"]
__all__ += ["write"]


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


@dataclass(frozen=True)
class Lookup:
    """What a start finds: the library file if it fits the digests as they
    are now, or else the stale one (to be extended, if digests were only
    added); their key; and a warning if the file was damaged."""

    reader: LibraryReader | None
    key: Key | None
    warning: LoadWarning | None = None
    stale: LibraryReader | None = None


def look_up(folder: Path, paths: Sequence[str | os.PathLike[str]]) -> Lookup:
    """Find the library file of ``paths`` in ``folder``, fresh or stale.
    Raises ``LibraryError`` for a path that does not exist."""
    target = location(folder, paths)
    if not target.exists():  # a first start: no need to look at every file twice
        return Lookup(None, None)
    key = current_key(paths)
    try:
        reader = LibraryReader.open(target)
    except Damaged as error:
        return Lookup(None, key, damaged(target, error))
    if reader is None or key is None:
        return Lookup(None, key)
    if reader.key == key:
        return Lookup(reader, key)
    return Lookup(None, key, stale=reader)


def damaged(target: Path, error: Damaged) -> LoadWarning:
    """The warning for a library file that cannot be used."""
    return LoadWarning(str(target), 0, f"library file {error}; rebuilt from the digests")
