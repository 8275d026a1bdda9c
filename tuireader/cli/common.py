"""What every command shares: errors, loading the library, the user's store."""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NoReturn, TypeVar

from tuireader.core import library_file, locations
from tuireader.core.cache import ParseCache
from tuireader.core.collector import collector_paused
from tuireader.core.config import load_config
from tuireader.core.discovery import LibraryError
from tuireader.core.library import Library, load_library
from tuireader.core.model import Paper
from tuireader.core.parallel import worker_count
from tuireader.core.search import SearchIndex
from tuireader.core.search_columns import SearchColumns
from tuireader.core.store import AnnotationStore

#: Warnings shown on stderr before the rest is summarised.
WARNINGS_SHOWN = 5


class UsageError(Exception):
    """Wrong arguments or unusable paths: one line on stderr, exit 2."""


class NotFound(Exception):
    """Nothing to show or to change (an unknown date, no match): one line, exit 1."""


class Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line, not usage plus a line."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def warn(message: str) -> None:
    print(f"tuireader: warning: {message}", file=sys.stderr)


def resolve_paths(paths: Sequence[str]) -> list[str]:
    """The paths given, else the configured digest folders, else the samples."""
    if paths:
        return list(paths)
    config = load_config()
    if config.problem:
        warn(f"ignoring config: {config.problem}")
    return list(config.digests) or [str(locations.bundled_samples())]


@dataclass(frozen=True)
class Loaded:
    """A library, and its search columns when it came from the library file
    (already folded and indexed: a search reads only what it needs)."""

    library: Library
    columns: SearchColumns | None = None

    def index(self) -> SearchIndex:
        """A search index over every paper, in library order."""
        return SearchIndex(self.columns or self.library.ordered_papers())


def load(paths: Sequence[str], *, quiet: bool = False) -> Library:
    """Load the library for a command; warnings go to stderr, summarised."""
    return load_searchable(paths, quiet=quiet).library


def load_searchable(paths: Sequence[str], *, quiet: bool = False) -> Loaded:
    """Load the library for a command, from the app's library file when it
    fits the digests as they are (a command never writes it: the app does),
    else from the digests; warnings go to stderr, summarised."""
    resolved = resolve_paths(paths)
    for path in paths:
        if os.path.isfile(path) and not os.access(path, os.R_OK):
            raise UsageError(f"cannot read {path}: permission denied")
    try:
        with collector_paused():
            loaded = _from_library_file(resolved) or Loaded(
                load_library(resolved, ParseCache(), worker_count())
            )
    except LibraryError as error:
        raise UsageError(str(error)) from None
    library = loaded.library
    if not quiet:
        for warning in library.warnings[:WARNINGS_SHOWN]:
            warn(str(warning))
        hidden = len(library.warnings) - WARNINGS_SHOWN
        if hidden > 0:
            warn(f"… and {hidden} more")
    return loaded


def _from_library_file(paths: Sequence[str]) -> Loaded | None:
    found = library_file.kept(locations.cache_dir() / "library", paths)
    if found.reader is None or library_file.fit(found.reader, paths) != library_file.Fit.FRESH:
        return None
    try:
        opened = found.reader.read()
    except library_file.Damaged:
        return None  # the app warns and rebuilds it; here, the digests will do
    return Loaded(opened.library, opened.columns)


def configured_library() -> Library | None:
    """The configured digests, to check IDs against; None when none are
    configured (the samples are not worth a check) or they cannot be loaded."""
    digests = load_config().digests
    if not digests:
        return None
    try:
        return load(digests, quiet=True)
    except UsageError as error:
        warn(f"cannot check IDs against your digests: {error}")
        return None


def annotation_store() -> AnnotationStore:
    """The user's stars and notes; a problem with the file is a warning."""
    store = AnnotationStore()
    for problem in store.load():
        if problem != store.read_only:
            warn(problem)
    return store


#: Lines joined into one write. With ``PYTHONUNBUFFERED`` set (as some
#: shells and IDEs do), every write is a system call: a pipe's reader, jq
#: say, would be woken once per paper.
LINES_PER_WRITE = 4096


def write_lines(lines: Iterable[str]) -> None:
    """Write ``lines`` (each ending in a newline) to stdout, a few thousand a write."""
    lines = iter(lines)
    while chunk := "".join(itertools.islice(lines, LINES_PER_WRITE)):
        sys.stdout.write(chunk)


Item = TypeVar("Item")


def limited(items: Sequence[Item], limit: int) -> Sequence[Item]:
    """The first ``limit`` of a ranking (0: all); says on stderr when some
    are left out, so a pipe never silently gets a partial list."""
    limit = limit or len(items)
    if limit < len(items):
        print(f"tuireader: showing {limit} of {len(items)}; --limit 0 for all", file=sys.stderr)
    return items[:limit]


def find_paper(library: Library, text: str) -> Paper:
    """The paper an ID, versioned ID or URL names; NotFound otherwise."""
    paper = library.find(text)
    if paper is None:
        raise NotFound(f"no paper {text} in the library")
    return paper
