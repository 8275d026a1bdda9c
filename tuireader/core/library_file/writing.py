"""Writing a library file: streamed column by column into a temporary
file that then replaces the old one, so no reader ever sees half a file."""

from __future__ import annotations

import contextlib
import marshal
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tuireader.core.cache import paper_record
from tuireader.core.files import replacing
from tuireader.core.library import Library
from tuireader.core.library_file.contents import SUFFIX, WORD_ARRAYS, Key, footer_stamp
from tuireader.core.library_file.sections import SectionWriter
from tuireader.core.masks import Tables
from tuireader.core.model import LoadWarning
from tuireader.core.search import SearchIndex

#: Library files kept: one per set of folders opened, the most recently used.
KEPT = 3
#: Free space a library file leaves on its disk: it is a cache, and a full
#: disk would fail whatever else the user saves meanwhile.
SPARE_BYTES = 1 << 30
#: A library file's bytes per byte of its digests, with a margin (2.4 measured).
BYTES_PER_DIGEST_BYTE = 3


class NoRoom(Exception):
    """Too little free disk space to write a library file (says how much)."""


def write(target: Path, key: Key, library: Library, index: SearchIndex) -> bool:
    """Keep ``library`` (indexed by ``index``, its abstracts' words too) in
    ``target`` for ``key``; False when it could not be written (the file is
    an optimisation: that is no error). Raises :class:`NoRoom`, writing
    nothing, when the disk has too little space for it. Prunes all but
    :data:`KEPT` files."""
    size = BYTES_PER_DIGEST_BYTE * sum(int(size) for _path, size, _mtime in key)
    return replace(target, lambda out: _write(out, key, library, index), size)


def replace(target: Path, fill: Callable[[SectionWriter], None], size: int) -> bool:
    """Replace ``target`` with what ``fill`` writes, about ``size`` bytes
    (False when it could not: the old file stays; :class:`NoRoom` when the
    disk could not hold it); prunes all but :data:`KEPT` files."""
    check_room(target.parent, size)
    try:
        with replacing(target, durable=False) as stream:
            fill(SectionWriter(stream))
    except (OSError, ValueError):
        return False
    _prune(target.parent)
    return True


def check_room(folder: Path, size: int) -> None:
    """Raise :class:`NoRoom` unless ``size`` more bytes leave
    :data:`SPARE_BYTES` free on the disk of ``folder`` (or of its nearest
    existing parent: it is made when written)."""
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    try:
        free = shutil.disk_usage(existing).free
    except OSError:
        return  # not known: the write itself will tell
    if free - size < SPARE_BYTES:
        raise NoRoom(
            f"A library file for fast starts needs about {_size(size)}, and "
            f"{_size(free)} is free on the disk of {folder}: starts read every digest."
        )


def _size(count: int) -> str:
    return f"{count / 2**30:.1f} GB" if count >= 2**30 else f"{max(count, 0) / 2**20:.0f} MB"


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
    write_tables(out, columns.tables)
    write_listings(out, library, index.position)
    finish(out, key, count, library.warnings, columns.tables.names, library.categories)


def write_tables(out: SectionWriter, tables: Tables) -> None:
    arrays: dict[str, npt.NDArray[Any]] = {
        "category_codes": tables.categories[0],
        "category_owners": tables.categories[1],
        "day_ordinals": tables.days[0],
        "day_owners": tables.days[1],
    }
    for name, values in arrays.items():
        out.array(name, values)


def write_listings(out: SectionWriter, library: Library, position: Mapping[str, int]) -> None:
    """The papers each day lists, and each day's each category, by position."""
    dates = [((day.toordinal(),), ids) for day, ids in library.by_date.items()]
    _write_groups(out, "date", dates, position)
    code = {name: n for n, name in enumerate(library.categories)}
    listings = [
        ((day.toordinal(), code[name]), ids)
        for day, listed in library.by_category.items()
        for name, ids in listed.items()
    ]
    _write_groups(out, "listing", listings, position)


def finish(
    out: SectionWriter,
    key: Key,
    count: int,
    warnings: Sequence[LoadWarning],
    table_names: Sequence[str],
    listing_names: Sequence[str],
) -> None:
    """The footer: what wrote the file, for which digests, and its names."""
    out.finish(
        {
            **footer_stamp(),
            "key": key,
            "count": count,
            "warnings": [[w.source, w.line, w.message] for w in warnings],
            "listing_names": list(listing_names),
            "table_names": list(table_names),
        }
    )


def _write_groups(
    out: SectionWriter,
    name: str,
    groups: Sequence[tuple[tuple[int, ...], Sequence[str]]],
    position: Mapping[str, int],
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
