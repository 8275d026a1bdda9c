"""A library of papers merged from any mix of digest files and folders.

One paper per version-less arXiv ID: a paper listed by several digests
(cross-lists, new versions) is one paper that knows every date it appeared
on, and each of those dates still lists it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import operator
import os
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tuireader.core.discovery import Stamp, digest_files, stamp_of
from tuireader.core.formats import ParseResult, parse_file
from tuireader.core.model import PAPER_FIELDS, Digest, LoadWarning, Paper, parse_arxiv_id
from tuireader.core.parallel import parse_in_order

#: Each file's parse result as of its stamp: what :func:`reload_library` reuses.
LoadedFiles = Mapping[Path, tuple[Stamp, ParseResult]]


@dataclass(frozen=True)
class Library:
    """An immutable snapshot of the papers loaded so far."""

    papers: Mapping[str, Paper] = field(default_factory=dict)
    by_date: Mapping[date, tuple[str, ...]] = field(default_factory=dict)
    #: Every paper once, at its newest date, newest dates first.
    ordered_ids: tuple[str, ...] = ()
    warnings: tuple[LoadWarning, ...] = ()
    #: Per date, the papers each category's digest listed (a cross-listed
    #: paper under every category that listed it).
    by_category: Mapping[date, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    #: The papers in ``ordered_ids`` order: listed once by the snapshot that
    #: made the library (a million lookups), or decoded from a mapped library
    #: file as each is read.
    rows: Sequence[Paper] | None = None
    #: Each paper's position in ``ordered_ids``, when the snapshot knew it.
    position: Mapping[str, int] | None = None

    @property
    def dates(self) -> tuple[date, ...]:
        """Every date with papers, newest first."""
        return tuple(self.by_date)

    @property
    def categories(self) -> tuple[str, ...]:
        """Every category a digest was for, sorted."""
        return tuple(sorted({c for listed in self.by_category.values() for c in listed}))

    def __len__(self) -> int:
        return len(self.papers)

    def ordered_papers(self) -> Sequence[Paper]:
        if self.rows is not None:
            return self.rows
        return [self.papers[paper_id] for paper_id in self.ordered_ids]

    def positions(self) -> Mapping[str, int]:
        """Each paper's position in ``ordered_ids``."""
        return positions_of(self.ordered_ids) if self.position is None else self.position

    def papers_on(self, day: date) -> list[Paper]:
        return [self.papers[paper_id] for paper_id in self.by_date.get(day, ())]

    def find(self, text: str) -> Paper | None:
        """Look a paper up by ID, versioned ID or arXiv URL."""
        parsed = parse_arxiv_id(text)
        return self.papers.get(parsed[0]) if parsed else None


class LibraryBuilder:
    """Merges digests one by one; :meth:`snapshot` can be taken at any time.

    A load adds the newest days first, so the papers' order (each at its
    newest date) only grows at its end: the builder keeps that order, each
    paper's position and the papers in it as digests come, and a snapshot
    copies them (~40 ms at a million papers, where building them again took
    ~0.35 s a snapshot, a fifth of a cold load). A digest newer than one
    added before breaks that; the next snapshot builds them again.
    """

    def __init__(self) -> None:
        self._papers: dict[str, Paper] = {}
        self._by_date: dict[date, dict[str, None]] = {}
        self._by_category: dict[date, dict[str, dict[str, None]]] = {}
        self._warnings: list[LoadWarning] = []
        #: Each file's result as of its stamp, for :func:`reload_library`.
        self._files: dict[Path, tuple[Stamp, ParseResult]] = {}
        #: The order so far (while ``_in_order``), positions and papers in it.
        self._ordered: list[str] = []
        self._position: dict[str, int] = {}
        self._rows: list[Paper] = []
        self._in_order = True
        self._oldest: date | None = None
        #: Each day's listings as the last snapshot had them, and the days
        #: changed since.
        self._day_ids: dict[date, tuple[str, ...]] = {}
        self._category_ids: dict[date, dict[str, tuple[str, ...]]] = {}
        self._touched: set[date] = set()

    def add(self, result: ParseResult, path: Path | None = None, stamp: Stamp = None) -> None:
        """Merge a parsed file; with its ``path`` (and ``stamp`` taken before
        it was parsed), :func:`reload_library` can reuse it later."""
        self._warnings.extend(result.warnings)
        if result.digest is not None:
            self.add_digest(result.digest)
        if path is not None:
            self._files[path] = (stamp, result)

    @property
    def files(self) -> LoadedFiles:
        """The files added with their path, for a later reload (keep this,
        not the builder: its merge tables are the library's size again)."""
        return self._files

    def add_digest(self, digest: Digest) -> None:
        day = digest.date
        listed = self._by_date.setdefault(day, {})
        in_category = self._by_category.setdefault(day, {}).setdefault(digest.category, {})
        self._touched.add(day)
        # The order grows at its end only while no day comes after an older one.
        in_order = self._in_order and (self._oldest is None or day <= self._oldest)
        self._in_order, self._oldest = in_order, day if in_order else self._oldest
        papers, position, ordered, rows = self._papers, self._position, self._ordered, self._rows
        for paper in digest.papers:
            known = papers.get(paper.id)
            if known is not None:
                paper = merge_papers(known, paper)
                if in_order:
                    rows[position[paper.id]] = paper
            elif in_order:
                position[paper.id] = len(ordered)
                ordered.append(paper.id)
                rows.append(paper)
            papers[paper.id] = paper
            listed[paper.id] = None
            in_category[paper.id] = None

    def warn(self, warning: LoadWarning) -> None:
        self._warnings.append(warning)

    def snapshot(self) -> Library:
        for day in self._touched:
            self._day_ids[day] = tuple(self._by_date[day])
            listings = sorted(self._by_category[day].items())
            self._category_ids[day] = {name: tuple(ids) for name, ids in listings}
        self._touched.clear()
        days = sorted(self._by_date, reverse=True)
        by_date = {day: self._day_ids[day] for day in days}
        if not self._in_order:
            self._order(by_date.values())
        return Library(
            dict(self._papers),
            by_date,
            tuple(self._ordered),
            tuple(self._warnings),
            {day: self._category_ids[day] for day in days},
            list(self._rows),  # here, not on the UI thread
            dict(self._position),
        )

    def _order(self, listings: Iterable[Sequence[str]]) -> None:
        """Build the order, positions and papers in it again (from each
        day's listing, newest first), for digests to extend from here."""
        self._ordered = list(first_listed(listings))
        self._position = positions_of(self._ordered)
        self._rows = [self._papers[paper_id] for paper_id in self._ordered]
        self._in_order, self._oldest = True, min(self._by_date, default=None)


#: IDs put in a dict per step: one C call over a million IDs holds the GIL
#: for 0.15 s, and a key pressed meanwhile waits for it.
_IDS_PER_STEP = 65536


def first_listed(groups: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Every ID once, in the order the groups (a day's listing each) first
    list it, built a group at a time (the UI thread gets its turns)."""
    listed: dict[str, None] = {}
    for ids in groups:
        listed.update(dict.fromkeys(ids))
    return tuple(listed)


def positions_of(ids: Sequence[str]) -> dict[str, int]:
    """Each ID's position in ``ids``, built a slice at a time (see above)."""
    position: dict[str, int] = {}
    for start in range(0, len(ids), _IDS_PER_STEP):
        stop = min(start + _IDS_PER_STEP, len(ids))
        position.update(zip(ids[start:stop], range(start, stop), strict=True))
    return position


def merge_papers(known: Paper, other: Paper) -> Paper:
    """Merge two listings of one paper: the newest version's text, every date,
    and any field that only one of them knows (as :data:`PAPER_FIELDS` says).

    Works on the papers' values, read in one call each (a walk over the
    fields and ``dataclasses.replace`` took 1.6 times as long, and a cold
    load at a million papers merges ~90,000 listings).
    """
    known_values, other_values = _values(known), _values(other)
    if _freshness(other_values) > _freshness(known_values):
        merged, older = list(other_values), known_values
    else:
        merged, older = list(known_values), other_values
    for n in _FILLED:
        if not merged[n] and older[n]:
            merged[n] = older[n]
    for n, name in _UNITED:
        if older[n]:
            merged[n] = _union(name, merged[n], older[n])
    return Paper(*merged)


#: Paper's fields in its constructor's order, and where each merge rule applies.
_NAMES = tuple(field.name for field in dataclasses.fields(Paper))
_values = operator.attrgetter(*_NAMES)
_FILLED = tuple(_NAMES.index(f.name) for f in PAPER_FIELDS if f.merge == "fill")
_UNITED = tuple((_NAMES.index(f.name), f.name) for f in PAPER_FIELDS if f.merge == "union")
_VERSION, _DATES = _NAMES.index("version"), _NAMES.index("dates")


def _union(name: str, mine: tuple[Any, ...], theirs: tuple[Any, ...]) -> tuple[Any, ...]:
    if name == "extra":  # (name, value) pairs: the newer listing's value of a name wins
        return tuple(dict(theirs + mine).items())
    if name == "dates":
        return tuple(sorted(set(mine + theirs)))
    return tuple(dict.fromkeys(mine + theirs))


def _freshness(values: tuple[Any, ...]) -> tuple[int, int, date]:
    """Newer version first, then the richer listing, then the later date."""
    richness = sum(1 for n in _FILLED if values[n])
    return (values[_VERSION] or 0, richness, max(values[_DATES], default=date.min))


Parser = Callable[[Path], ParseResult]


@dataclass(frozen=True)
class LoadProgress:
    """How far a load has come; the builder can be snapshotted at any step."""

    done: int
    total: int
    builder: LibraryBuilder


def load_progressively(
    paths: Iterable[str | os.PathLike[str]], parse: Parser = parse_file, workers: int = 1
) -> Generator[LoadProgress, None, None]:
    """Load file by file, yielding after each so a UI can show papers early.

    Files whose path names a date go newest first, so the top of the list (the
    newest papers) fills in first; the result does not depend on the order.
    With a :class:`~tuireader.core.cache.ParseCache` and ``workers`` > 1,
    uncached files are parsed in that many processes (see
    :mod:`tuireader.core.parallel`); close the generator to stop them early.

    Raises :class:`LibraryError` at once for a path that does not exist.
    """
    builder = LibraryBuilder()
    files = _digest_files(paths, builder)
    stamps = [stamp_of(path) for path in files]  # before parsing: a later change is seen
    yield LoadProgress(0, len(files), builder)
    with contextlib.closing(parse_in_order(files, parse, workers)) as results:
        loaded = zip(files, stamps, results, strict=True)
        for done, (path, stamp, result) in enumerate(loaded, start=1):
            builder.add(result, path, stamp)
            yield LoadProgress(done, len(files), builder)


def reload_library(
    previous: LoadedFiles,
    paths: Iterable[str | os.PathLike[str]],
    parse: Parser = parse_file,
    workers: int = 1,
) -> LibraryBuilder | None:
    """The digests under ``paths`` as they are now, parsing only the files
    that are new or changed (size or time) since ``previous`` was loaded and
    reusing the others' results: no cache is read for them, so a new digest
    costs its own parse and one merge in memory. Deleted files drop out.
    None when no file came, changed or went.

    Raises :class:`LibraryError` for a path that no longer exists.
    """
    builder = LibraryBuilder()
    files = _digest_files(paths, builder)
    stamps = [stamp_of(path) for path in files]
    reused = [_unchanged(previous, path, stamp) for path, stamp in zip(files, stamps, strict=True)]
    stale = [path for path, result in zip(files, reused, strict=True) if result is None]
    if not stale and files == list(previous):
        return None
    parsed = dict(zip(stale, parse_in_order(stale, parse, workers), strict=True))
    for path, stamp, result in zip(files, stamps, reused, strict=True):
        builder.add(result or parsed[path], path, stamp)
    return builder


def _unchanged(files: LoadedFiles, path: Path, stamp: Stamp) -> ParseResult | None:
    """The file's earlier result, if it has not changed since."""
    known = files.get(path)
    return known[1] if known and stamp is not None and known[0] == stamp else None


def _digest_files(paths: Iterable[str | os.PathLike[str]], builder: LibraryBuilder) -> list[Path]:
    """The digest files under ``paths`` in load order; folders that cannot
    be read become the builder's warnings."""
    files, warnings = digest_files(paths)
    for warning in warnings:
        builder.warn(warning)
    return files


def load_library(
    paths: Iterable[str | os.PathLike[str]], parse: Parser = parse_file, workers: int = 1
) -> Library:
    """Load every digest under ``paths`` into one library."""
    builder = LibraryBuilder()
    for progress in load_progressively(paths, parse, workers):
        builder = progress.builder
    return builder.snapshot()
