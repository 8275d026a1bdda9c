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

import contextlib
import dataclasses
import hashlib
import marshal
import os
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tuireader.core.cache import paper_record, schema_of
from tuireader.core.library import Library, LoadedFiles, discover, stamp_of
from tuireader.core.library_file.mapped import Blobs, BlobTexts, MappedPapers, PaperRows
from tuireader.core.library_file.sections import Damaged, SectionReader, SectionWriter
from tuireader.core.masks import Tables
from tuireader.core.model import LoadWarning, Paper
from tuireader.core.search import SearchIndex
from tuireader.core.search_columns import SearchColumns, TextColumn
from tuireader.core.word_index import WordArrays, WordIndex

__all__ = ["Damaged", "Key", "Lookup", "Opened", "current_key", "key_of", "location"]
__all__ += ["look_up", "read", "write"]

FORMAT_VERSION = 1
SUFFIX = ".tlib"
#: Library files kept: one per set of folders opened, the most recently used.
KEPT = 3

#: The searched fields, each kept as its texts and their word index.
FIELDS = ("titles", "authors", "keys", "abstracts")
#: The arrays of each field's word index, by their names in WordArrays.
WORD_ARRAYS = tuple(field.name for field in dataclasses.fields(WordArrays))
#: Every digest file's [path, size, mtime in ns], sorted.
Key = list[list[Any]]


@dataclass(frozen=True)
class Opened:
    """A library read from its file, and the columns to search it with."""

    library: Library
    columns: SearchColumns


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


def _footer_stamp() -> dict[str, Any]:
    schema = [list(pair) for pair in schema_of(Paper)]
    return {"format": FORMAT_VERSION, "python": list(sys.version_info[:2]), "schema": schema}


def read(target: Path, key: Key) -> Opened | None:
    """The library in ``target`` if it was written for ``key``; None when
    there is no file or it is stale. Raises :class:`Damaged` otherwise."""
    try:
        sections = SectionReader(target)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise Damaged(f"cannot read it ({error.strerror or error})") from error
    footer = sections.footer
    stamp = _footer_stamp()
    if any(footer.get(name) != value for name, value in stamp.items()):
        raise Damaged("written by another version of tuireader or Python")
    if footer.get("key") != key:
        return None
    try:
        opened = _opened(sections, footer)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise Damaged(f"inconsistent ({error})") from error
    sections.release()
    with contextlib.suppress(OSError):
        os.utime(target)  # recently used: kept when others are pruned
    return opened


def _opened(sections: SectionReader, footer: dict[str, Any]) -> Opened:
    count = int(footer["count"])
    ids = tuple(sections.texts("ids", count))
    position = dict(zip(ids, range(count), strict=True))
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
    if sizes.size != len(keys) or sizes.sum() != positions.size or np.any(positions >= count):
        raise ValueError(f"{name} listings do not add up")
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
    if bounds.size != count + 1 or bounds[-1] != words.word_ids.size or np.any(np.diff(bounds) < 0):
        raise ValueError(f"the {field}' word index does not fit")
    if starts.size != known + 1 or starts[-1] != words.posting_texts.size:
        raise ValueError(f"the {field}' postings do not fit")
    if np.any(np.diff(starts) < 0) or starts[0] != 0 or words.word_ids.size != starts[-1]:
        raise ValueError(f"the {field}' postings do not fit")
    for name, bound in (("word_ids", known), ("posting_texts", count)):
        for piece in sections.chunks(f"{field}_{name}"):
            if piece.size and (piece.max() >= bound or piece.min() < 0):
                raise ValueError(f"the {field}' {name} point past the end")
    return WordIndex.from_arrays(words)


def write(target: Path, key: Key, library: Library, index: SearchIndex) -> bool:
    """Keep ``library`` (indexed by ``index``, its abstracts' words too) in
    ``target`` for ``key``; False when it could not be written (the file is
    an optimisation: that is no error). Prunes all but :data:`KEPT` files."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as stream:
            _write(SectionWriter(stream), key, library, index)
        os.replace(temporary, target)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    _prune(target.parent)
    return True


def _write(out: SectionWriter, key: Key, library: Library, index: SearchIndex) -> None:
    columns = index.columns()
    if columns.tables is None:
        raise ValueError("no mask tables")
    count = out.texts("ids", columns.ids)
    papers = library.ordered_papers()
    out.blobs("records", (marshal.dumps(paper_record(paper)) for paper in papers))
    for field, column in columns.text_columns.items():
        if column.words is None:
            raise ValueError(f"the {field} are not indexed yet")
        texts = column.texts(range(count))
        out.blobs(field, (text.encode("utf-8", "surrogatepass") for text in texts))
        words = column.words.arrays()
        for name in WORD_ARRAYS:
            out.array(f"{field}_{name}", getattr(words, name))
    tables = columns.tables
    arrays: dict[str, npt.NDArray[Any]] = {
        "category_codes": tables.categories[0],
        "category_owners": tables.categories[1],
        "day_ordinals": tables.days[0],
        "day_owners": tables.days[1],
    }
    for name, values in arrays.items():
        out.array(name, values)
    position = index.position
    dates = [((day.toordinal(),), ids) for day, ids in library.by_date.items()]
    _write_groups(out, "date", dates, position)
    listing_names = sorted({name for listed in library.by_category.values() for name in listed})
    code = {name: n for n, name in enumerate(listing_names)}
    listings = [
        ((day.toordinal(), code[name]), ids)
        for day, listed in library.by_category.items()
        for name, ids in listed.items()
    ]
    _write_groups(out, "listing", listings, position)
    warnings = [[w.source, w.line, w.message] for w in library.warnings]
    out.finish(
        {
            **_footer_stamp(),
            "key": key,
            "count": count,
            "warnings": warnings,
            "listing_names": listing_names,
            "table_names": tables.names,
        }
    )


def _write_groups(
    out: SectionWriter,
    name: str,
    groups: Sequence[tuple[tuple[int, ...], Sequence[str]]],
    position: dict[str, int] | Any,
) -> None:
    out.array(f"{name}_keys", np.array([keys for keys, _ in groups], np.int64).ravel())
    out.array(f"{name}_sizes", np.array([len(ids) for _, ids in groups], np.int64))
    listed = (position[paper_id] for _, ids in groups for paper_id in ids)
    out.array(f"{name}_positions", np.fromiter(listed, np.int64))


def _prune(folder: Path) -> None:
    """Remove all but the :data:`KEPT` most recently used library files."""
    with contextlib.suppress(OSError):
        files = sorted(folder.glob(f"*{SUFFIX}"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in files[KEPT:]:
            old.unlink(missing_ok=True)


@dataclass(frozen=True)
class Lookup:
    """What a start finds: the library file's contents if it fits the digests
    as they are now, their key, and a warning if the file was damaged."""

    opened: Opened | None
    key: Key | None
    warning: LoadWarning | None = None


def look_up(folder: Path, paths: Sequence[str | os.PathLike[str]]) -> Lookup:
    """Open the library file of ``paths`` in ``folder`` if it is fresh.
    Raises ``LibraryError`` for a path that does not exist."""
    target = location(folder, paths)
    key = current_key(paths)
    if key is None:
        return Lookup(None, None)
    try:
        return Lookup(read(target, key), key)
    except Damaged as error:
        warning = LoadWarning(str(target), 0, f"library file {error}; rebuilt from the digests")
        return Lookup(None, key, warning)
