"""A library loaded from digests, kept in a library file and opened again,
as a warm start does."""

from __future__ import annotations

import os
from pathlib import Path

from tuireader.core import library_file
from tuireader.core.library import Library, LibraryBuilder, load_progressively
from tuireader.core.search import SearchIndex


def load(paths: list[str | os.PathLike[str]]) -> tuple[Library, SearchIndex, LibraryBuilder]:
    """The library under ``paths`` loaded the slow way, indexed for the file."""
    builder = LibraryBuilder()
    for progress in load_progressively(paths):
        builder = progress.builder
    library = builder.snapshot()
    index = SearchIndex(library.ordered_papers())
    index.index_words()
    return library, index, builder


def keep(folder: Path, paths: list[str | os.PathLike[str]]) -> tuple[Library, Path]:
    """Load ``paths`` and write their library file into ``folder``."""
    library, index, builder = load(paths)
    key = library_file.key_of(builder.files)
    assert key is not None
    target = library_file.location(folder, paths)
    assert library_file.write(target, key, library, index)
    return library, target


def reopened(folder: Path, paths: list[str | os.PathLike[str]]) -> library_file.Opened:
    """The library file of ``paths``, opened as a warm start opens it."""
    reader = fresh(folder, paths)
    assert reader is not None, "no library file that fits"
    return reader.read()


def fresh(folder: Path, paths: list[str | os.PathLike[str]]) -> library_file.LibraryReader | None:
    """The library file of ``paths`` if it fits their digests as they are."""
    found = library_file.kept(folder, paths)
    assert found.warning is None
    if found.reader is None or library_file.fit(found.reader, paths) != library_file.Fit.FRESH:
        return None
    return found.reader
