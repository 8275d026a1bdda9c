"""A library file extended with new days' digests: the daily case.

Each morning new digests land. Loading every digest again to add them (and
holding a million papers in memory while the file is rewritten) took 14 s
and 4.7 GB at a million papers; here only the new files are parsed, and the
file is rewritten in one streamed pass that copies the other papers'
records, folded texts and word ids from the old file as they are.

The result is the file a load of every digest would have written (the tests
compare them) when the new files are all a load needs: none changed or went,
every folder could be read, and they are the newest, for new days (a load
adds the newest first). Anything else is left to a load from the digests.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from tuireader.core.cache import paper_record
from tuireader.core.discovery import digest_files, stamp_of
from tuireader.core.formats import ParseResult
from tuireader.core.library import Library, LibraryBuilder, first_listed, merge_papers, positions_of
from tuireader.core.library_file.contents import Key, Opened
from tuireader.core.library_file.mapped import Blobs
from tuireader.core.library_file.reading import LibraryReader
from tuireader.core.library_file.sections import SectionWriter
from tuireader.core.library_file.writing import (
    BYTES_PER_DIGEST_BYTE,
    finish,
    replace,
    write_listings,
    write_tables,
)
from tuireader.core.masks import Tables
from tuireader.core.model import Paper
from tuireader.core.search_columns import SearchColumns
from tuireader.core.word_merge import extend_words

#: Bytes of the old file copied per write (its pages let go after each).
_BYTES_PER_COPY = 1 << 26
T = TypeVar("T")


@dataclass(frozen=True)
class Addition:
    """The digest files added since a library file was written (in load
    order), and the key of all of them now."""

    files: list[Path]
    key: Key


def addition(paths: Iterable[str | os.PathLike[str]], key: Key) -> Addition | None:
    """What was added under ``paths`` since the file of ``key`` was written,
    if a library file can be extended with it; None otherwise (or if nothing
    was). Raises ``LibraryError`` for a path that does not exist."""
    files, warnings = digest_files(paths)
    stamps = ((str(path), stamp_of(path)) for path in files)
    now = {path: stamp for path, stamp in stamps if stamp is not None}
    if warnings or len(now) != len(files):
        return None  # a folder or file could not be looked at
    if any(now.get(path) != (size, mtime) for path, size, mtime in key):
        return None  # one changed or went
    known = {path for path, _size, _mtime in key}
    added = [path for path in files if str(path) not in known]
    if not added or files[: len(added)] != added:
        return None  # nothing new, or not all newer than the rest
    return Addition(added, sorted([path, *stamp] for path, stamp in now.items()))


def extend(
    target: Path,
    reader: LibraryReader,
    opened: Opened,
    added: Addition,
    results: Sequence[ParseResult],
) -> bool:
    """Write to ``target`` the library file of ``opened`` (read by ``reader``)
    with the parsed ``results`` of ``added``'s files. False when they are not
    for new days only (or it could not be written): then load the digests."""
    plan = _Plan.of(opened.library, results)
    if plan is None:
        return False
    new = {str(path) for path in added.files}
    added_bytes = sum(int(size) for path, size, _mtime in added.key if path in new)
    size = reader.sections.size + BYTES_PER_DIGEST_BYTE * added_bytes
    return replace(target, lambda out: plan.write(out, reader, opened, added.key), size)


@dataclass(frozen=True)
class _Plan:
    """The extended library, and where its papers come from: each old
    position's new one (-1 where a new listing changed the paper), and the
    new or changed papers with their positions, ascending; and each
    paper's position by ID."""

    library: Library
    new_of_old: npt.NDArray[np.int64]
    papers: list[Paper]
    at: npt.NDArray[np.int64]
    position: dict[str, int]

    @classmethod
    def of(cls, old: Library, results: Sequence[ParseResult]) -> _Plan | None:
        builder = LibraryBuilder()
        for result in results:
            builder.add(result)
        new = builder.snapshot()
        if not old.by_date.keys().isdisjoint(new.by_date):
            return None
        # A load adds the newest files first: the old listings merge into the new.
        papers = {
            paper_id: merge_papers(paper, old.papers[paper_id]) if paper_id in old.papers else paper
            for paper_id, paper in new.papers.items()
        }
        by_date = dict(sorted({**old.by_date, **new.by_date}.items(), reverse=True))
        categories = {**old.by_category, **new.by_category}
        ordered = first_listed(by_date.values())
        library = Library(
            {},  # the papers are in the files, old and new
            by_date,
            ordered,
            new.warnings + old.warnings,
            {day: categories[day] for day in by_date},
        )
        position = positions_of(ordered)
        new_of_old = np.fromiter(
            (-1 if paper_id in papers else position[paper_id] for paper_id in old.ordered_ids),
            np.int64,
            len(old.ordered_ids),
        )
        at = sorted(position[paper_id] for paper_id in papers)
        changed = [papers[ordered[i]] for i in at]
        return cls(library, new_of_old, changed, np.array(at, np.int64), position)

    def write(self, out: SectionWriter, reader: LibraryReader, opened: Opened, key: Key) -> None:
        sections, ids = reader.sections, self.library.ordered_ids
        count = out.texts("ids", ids)
        source = np.full(count, -1, np.int64)
        kept = np.flatnonzero(self.new_of_old >= 0)
        source[self.new_of_old[kept]] = kept

        def blobs(name: str, new: list[bytes]) -> None:
            old = Blobs(sections.bytes_of(name), sections.array(f"{name}_ends"))
            pieces, ends = _spliced(old, source, new)
            out.joined(name, _releasing(pieces, partial(sections.release, name)), ends)

        blobs("records", [marshal.dumps(paper_record(paper)) for paper in self.papers])
        added = SearchColumns.of(self.papers).text_columns  # the new papers' folded texts
        for field, column in opened.columns.text_columns.items():
            texts = list(added[field].texts(range(len(self.papers))))
            blobs(field, [text.encode("utf-8", "surrogatepass") for text in texts])
            if column.words is None:
                raise ValueError(f"the {field} are not indexed")
            words = extend_words(column.words.arrays(), self.new_of_old, texts, self.at)
            out.array(f"{field}_vocabulary", words.vocabulary)
            for name in ("word_ids", "posting_texts"):
                section = f"{field}_{name}"
                pieces = _releasing(getattr(words, name), partial(sections.release, section))
                out.pieces(section, np.int32, pieces)
            out.array(f"{field}_bounds", words.bounds)
            out.array(f"{field}_posting_starts", words.posting_starts)
        if opened.columns.tables is None:
            raise ValueError("no mask tables")
        tables = self._tables(opened.columns.tables)
        write_tables(out, tables)
        library = self.library
        write_listings(out, library, self.position)
        finish(out, key, count, library.warnings, tables.names, library.categories)

    def _tables(self, old: Tables) -> Tables:
        """The old papers' categories and days at their new positions, and
        the new or changed papers'."""
        names = list(old.names)
        code = {name: n for n, name in enumerate(names)}
        (codes, code_owners), (days, day_owners) = old.categories, old.days
        moved = self.new_of_old[code_owners]
        added = [
            (code.setdefault(category.lower(), len(code)), at)
            for paper, at in zip(self.papers, self.at.tolist(), strict=True)
            for category in paper.categories
        ]
        names += list(code)[len(names) :]
        dated = [
            (day.toordinal(), at)
            for paper, at in zip(self.papers, self.at.tolist(), strict=True)
            for day in paper.dates
        ]
        moved_days = self.new_of_old[day_owners]
        return Tables(
            names,
            _joined(codes[moved >= 0], moved[moved >= 0], added),
            _joined(days[moved_days >= 0], moved_days[moved_days >= 0], dated),
        )


def _joined(
    values: npt.NDArray[np.int64], owners: npt.NDArray[np.int64], added: list[tuple[int, int]]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    more = np.array(added, np.int64).reshape(-1, 2)
    joined = np.concatenate((owners, more[:, 1])).astype(np.intp)
    return np.concatenate((values, more[:, 0])), joined


def _spliced(
    old: Blobs, source: npt.NDArray[np.int64], new: list[bytes]
) -> tuple[Iterator[bytes | memoryview], npt.NDArray[np.int64]]:
    """The blobs of a new order, as pieces: runs of old blobs (where
    ``source`` has their old positions, one after another) copied in slices
    of at most :data:`_BYTES_PER_COPY`, and the ``new`` ones (where it has
    -1); and where each blob ends."""
    is_old = source >= 0
    sizes = np.empty(source.size, np.int64)
    sizes[is_old] = old.sizes(source[is_old])
    sizes[~is_old] = [len(blob) for blob in new]
    ends = np.cumsum(sizes)
    apart = ~is_old[1:] | ~is_old[:-1] | (np.diff(source) != 1)
    firsts = [0, *(np.flatnonzero(apart) + 1).tolist()] if source.size else []
    lasts = [first - 1 for first in firsts[1:]] + [source.size - 1]

    def pieces() -> Iterator[bytes | memoryview]:
        fresh = iter(new)
        for first, last in zip(firsts, lasts, strict=True):
            if not is_old[first]:
                yield next(fresh)
                continue
            run = old.span(int(source[first]), int(source[last]))
            for start in range(0, len(run), _BYTES_PER_COPY):
                yield run[start : start + _BYTES_PER_COPY]

    return pieces(), ends


def _releasing(pieces: Iterable[T], release: Callable[[], None]) -> Iterator[T]:
    """``pieces``, letting go of the old file's pages read for each once it
    is written: a rewrite of gigabytes never holds them all as its memory."""
    for piece in pieces:
        yield piece
        release()
