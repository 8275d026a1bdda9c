"""Opening a library file: checked against the digests' key, the newest
day first (for the first screen), then the whole library and its columns."""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from tuireader.core.cache import paper_from_record
from tuireader.core.library import Library, positions_of
from tuireader.core.library_file.contents import (
    FIELDS,
    WORD_ARRAYS,
    Key,
    Opened,
    footer_stamp,
)
from tuireader.core.library_file.mapped import Blobs, BlobTexts, MappedPapers, PaperRows
from tuireader.core.library_file.sections import Damaged, SectionReader
from tuireader.core.masks import Tables
from tuireader.core.model import LoadWarning
from tuireader.core.search_columns import SearchColumns, TextColumn
from tuireader.core.word_index import WordArrays, WordIndex

#: What a damaged file can raise while it is read.
_DAMAGE = (ValueError, TypeError, KeyError, IndexError, EOFError)


class LibraryReader:
    """A library file found written for the digests as they are now."""

    def __init__(self, target: Path, sections: SectionReader) -> None:
        self._target = target
        self._sections = sections
        self._footer = sections.footer

    @classmethod
    def open(cls, target: Path, key: Key | None = None) -> LibraryReader | None:
        """The file ``target`` if it was written for ``key`` (None: for any);
        None when there is none or it is stale. Raises :class:`Damaged` otherwise."""
        try:
            sections = SectionReader(target)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise Damaged(f"cannot read it ({error.strerror or error})") from error
        footer = sections.footer
        if any(footer.get(name) != value for name, value in footer_stamp().items()):
            raise Damaged("written by another version of tuireader or Python")
        if not _is_key(footer.get("key")):
            raise Damaged("written for no digests")
        return cls(target, sections) if key is None or footer["key"] == key else None

    @property
    def key(self) -> Key:
        """The digests it was written for."""
        key: Key = self._footer["key"]
        return key

    @property
    def sections(self) -> SectionReader:
        return self._sections

    def newest_day(self) -> Library:
        """The papers of the newest day only, decoded at once: what the
        first screen shows while the rest is opened."""
        try:
            sizes = self._sections.array("date_sizes")
            if not sizes.size:
                return Library()
            day = date.fromordinal(int(self._sections.array("date_keys")[0]))
            records = self._sections.bytes_of("records")
            ends = self._sections.array("records_ends")[: int(sizes[0])].tolist()
            starts = [0, *ends[:-1]]
            papers = [
                paper_from_record(marshal.loads(records[start:end]))
                for start, end in zip(starts, ends, strict=True)
            ]
        except _DAMAGE as error:
            raise Damaged(f"inconsistent ({error})") from error
        ids = tuple(paper.id for paper in papers)
        return Library({paper.id: paper for paper in papers}, {day: ids}, ids)

    def read(self) -> Opened:
        """The whole library and its search columns. Raises :class:`Damaged`."""
        try:
            opened = _opened(self._sections, self._footer)
        except _DAMAGE as error:
            raise Damaged(f"inconsistent ({error})") from error
        self._sections.release()
        with contextlib.suppress(OSError):
            os.utime(self._target)  # recently used: kept when others are pruned
        return opened


def _is_key(key: object) -> bool:
    """Whether ``key`` is a :data:`Key`: [path, size, mtime] per digest."""
    return isinstance(key, list) and all(
        isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and all(type(value) is int for value in entry[1:])
        for entry in key
    )


def _opened(sections: SectionReader, footer: dict[str, Any]) -> Opened:
    count = int(footer["count"])
    ids = tuple(sections.texts("ids", count))
    position = positions_of(ids)
    if len(position) != count:
        raise ValueError("an ID is there twice")
    papers = MappedPapers(ids, position, _blobs(sections, "records", count))
    rows = PaperRows(papers)
    by_date = {
        date.fromordinal(day): tuple(map(ids.__getitem__, listed))
        for (day,), listed in _groups(sections, "date", 1, count)
    }
    by_category: dict[date, dict[str, tuple[str, ...]]] = {}
    names = list(footer["listing_names"])
    for (day, code), listed in _groups(sections, "listing", 2, count):
        by_category.setdefault(date.fromordinal(day), {})[names[code]] = tuple(
            map(ids.__getitem__, listed)
        )
    warnings = tuple(LoadWarning(str(s), int(n), str(m)) for s, n, m in footer["warnings"])
    library = Library(papers, by_date, ids, warnings, by_category, rows)
    titles, authors, keys, abstracts = (_column(sections, field, count) for field in FIELDS)
    columns = SearchColumns(
        ids,
        titles,
        authors,
        keys,
        abstracts,
        papers=rows,
        tables=_tables(sections, list(footer["table_names"]), count),
        position=position,
    )
    return Opened(library, columns)


def _blobs(sections: SectionReader, name: str, count: int) -> Blobs:
    blobs = Blobs(sections.bytes_of(name), sections.array(f"{name}_ends"))
    if len(blobs) != count:
        raise ValueError(f"{name} holds {len(blobs)} entries, not {count}")
    return blobs


def _groups(
    sections: SectionReader, name: str, width: int, count: int
) -> Iterable[tuple[list[int], list[int]]]:
    """Listings kept as groups: each group's ``width`` values, and its positions."""
    keys = sections.array(f"{name}_keys").reshape(-1, width)
    sizes = sections.array(f"{name}_sizes")
    positions = sections.array(f"{name}_positions")
    if sizes.size != len(keys) or sizes.sum() != positions.size:
        raise ValueError(f"{name} listings do not add up")
    if positions.size and (positions.max() >= count or positions.min() < 0):
        raise ValueError(f"{name} listings point past the end")
    chunks = np.split(positions, np.cumsum(sizes)[:-1]) if sizes.size else []
    return zip(keys.tolist(), (chunk.tolist() for chunk in chunks), strict=True)


def _tables(sections: SectionReader, names: list[str], count: int) -> Tables:
    flat = [sections.array(name) for name in ("category_codes", "category_owners")]
    days = [sections.array(name) for name in ("day_ordinals", "day_owners")]
    for values, owners in (flat, days):
        if values.size != owners.size or (owners.size and owners.max() >= count):
            raise ValueError("the mask tables do not fit")
    if flat[0].size and flat[0].max() >= len(names):
        raise ValueError("a category code has no name")
    return Tables(names, (flat[0], flat[1]), (days[0], days[1]))


def _column(sections: SectionReader, field: str, count: int) -> TextColumn:
    texts = BlobTexts(_blobs(sections, field, count))
    return TextColumn(texts, count, _words(sections, field, count))


def _words(sections: SectionReader, field: str, count: int) -> WordIndex:
    words = WordArrays(*(sections.array(f"{field}_{name}") for name in WORD_ARRAYS))
    vocabulary, bounds, starts = words.vocabulary, words.bounds, words.posting_starts
    known = int(np.count_nonzero(vocabulary == ord("\n")))
    if bounds.size != count + 1 or bounds[0] != 0 or bounds[-1] != words.word_ids.size:
        raise ValueError(f"the {field}' word index does not fit")
    if np.any(np.diff(bounds) < 0):
        raise ValueError(f"the {field}' word index does not fit")
    if starts.size != known + 1 or starts[-1] != words.posting_texts.size:
        raise ValueError(f"the {field}' postings do not fit")
    if np.any(np.diff(starts) < 0) or starts[0] != 0 or words.word_ids.size != starts[-1]:
        raise ValueError(f"the {field}' postings do not fit")
    for name, bound in (("word_ids", known), ("posting_texts", count)):
        for piece in sections.chunks(f"{field}_{name}"):
            if piece.size and (piece.max() >= bound or piece.min() < 0):
                raise ValueError(f"the {field}' {name} point past the end")
    return WordIndex.from_arrays(words, partial(_let_go, sections, field))


def _let_go(sections: SectionReader, field: str) -> None:
    """Let go of the pages of ``field``'s word ids and postings read so far."""
    for name in ("word_ids", "posting_texts"):
        sections.release(f"{field}_{name}")
