"""The parse cache: an unchanged digest file is never parsed twice.

One entry per digest file in the user cache folder, keyed by the file's
absolute path and checked against its size and modification time, so a new
or changed file re-parses only itself and a deleted one simply drops out.

Entries are ``marshal`` data of plain tuples, not pickles: loading a damaged
or tampered cache can fail but can never run code. Any entry that fails to
load, or was written by another format or Python version, is ignored and
rebuilt. The cache is an optimisation, so failing to write it is not an error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import marshal
import operator
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tuireader.core import locations
from tuireader.core.files import replacing
from tuireader.core.formats import ParseResult, parse_file
from tuireader.core.model import Digest, LoadWarning, Paper

#: Bump when Digest or the parser's output changes; a change to Paper's
#: fields (names, order or types) changes the schema in every entry's stamp.
FORMAT_VERSION = 5  # 5: no LaTeX readable words (search finds them)


def schema_of(record: type) -> tuple[tuple[str, str], ...]:
    """A record's fields by name and type, in order: papers are stored as
    positional tuples, so two same-typed fields swapped must not load."""
    return tuple((field.name, str(field.type)) for field in dataclasses.fields(record))


_STAMP = (FORMAT_VERSION, sys.version_info[:2], schema_of(Paper))
_SUFFIX = ".digest"

#: (absolute path, size, mtime in ns): an entry is fresh while its file's are these.
Key = tuple[str, int, int]


class ParseCache:
    """A drop-in for :func:`parse_file` that remembers what it parsed."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or locations.cache_dir() / "parsed"
        self.hits = 0
        self.misses = 0

    def __call__(self, path: Path) -> ParseResult:
        key = self.key_of(path)
        if key is None:
            return parse_file(path)
        cached = self.read(key)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        result = parse_file(path)
        self._write(self._entry_path(key[0]), encode(key, result))
        return result

    def key_of(self, path: Path) -> Key | None:
        """What an entry must match: the file's absolute path, size and mtime
        (``None`` when the file cannot be looked at: the parser says why)."""
        try:
            status = path.stat()
        except OSError:
            return None
        return (str(path.absolute()), status.st_size, status.st_mtime_ns)

    def read(self, key: Key) -> ParseResult | None:
        """The entry for ``key``, or ``None`` when it is missing, stale or damaged."""
        try:
            return decode(self._entry_path(key[0]).read_bytes(), key)
        except OSError:
            return None

    def refresh(self, path: Path) -> tuple[bool, bytes | None]:
        """Make sure ``path`` has a fresh entry, parsing it unless it has one:
        (whether it was parsed, ``None`` once the entry is written, or the
        entry's bytes when it could not be). For a worker process, which
        hands back bytes, not papers: a fresh entry is cheaper to load
        (marshal) than a pickled digest."""
        key = self.key_of(path)
        if key is None:
            return True, encode(None, parse_file(path))
        entry = self._entry_path(key[0])
        with contextlib.suppress(OSError):
            if _is_fresh(entry.read_bytes(), key):
                return False, None
        data = encode(key, parse_file(path))
        return True, None if self._write(entry, data) else data

    def probably_stale(self, paths: Sequence[Path]) -> list[tuple[Path, int]]:
        """The files (and their sizes, in order) that will most likely need a parse:
        no entry, or one older than the file; and all of them when an entry
        looks written by another version. A guess from one ``stat`` per file
        (reading entries would take as long as loading them): it only
        decides what to parse where, the key still decides what is fresh."""
        sized: list[tuple[Path, int, bool]] = []
        for path in paths:
            try:
                status = path.stat()
                entry = self._entry_path(str(path.absolute()))
            except OSError:
                continue  # no file to parse: the parser only warns
            try:
                written = entry.stat().st_mtime_ns
            except OSError:
                written = -1
            sized.append((path, status.st_size, written < status.st_mtime_ns))
        sample = next((path for path, _, stale in sized if not stale), None)
        every = sample is not None and not self._current(sample)
        return [(path, size) for path, size, stale in sized if stale or every]

    def _current(self, path: Path) -> bool:
        """Whether ``path``'s entry was written by this version (a new
        tuireader or Python leaves every entry stale, and none newer)."""
        try:
            stamp = marshal.loads(self._entry_path(str(path.absolute())).read_bytes())[0]
            return bool(tuple(stamp) == _STAMP)
        except Exception:  # noqa: BLE001 - damaged: only this entry is stale
            return True

    def _entry_path(self, absolute: str) -> Path:
        digest = hashlib.blake2b(absolute.encode("utf-8", "surrogateescape"), digest_size=16)
        return self.folder / f"{digest.hexdigest()}{_SUFFIX}"

    def _write(self, entry: Path, data: bytes) -> bool:
        try:
            with replacing(entry, durable=False) as handle:
                handle.write(data)
            return True
        except OSError:
            # Not only "missing": with a file where the folder should be, the
            # clean-up fails too (ENOTDIR), and a cache must never stop a load.
            return False


def encode(key: Key | None, result: ParseResult) -> bytes:
    """An entry's bytes (with no key: for a result handed over, not stored)."""
    warnings = tuple((w.source, w.line, w.message) for w in result.warnings)
    entry_data: Any = (_STAMP, key, _digest_to(result.digest), warnings)
    return marshal.dumps(entry_data)


def decode(data: bytes, key: Key | None = None) -> ParseResult | None:
    """The result an entry holds, or ``None`` when it is damaged, of another
    version or (given ``key``) of another file or state of the file."""
    try:
        stamp, stored_key, digest, warnings = marshal.loads(data)
        if tuple(stamp) != _STAMP or (key is not None and tuple(stored_key) != key):
            return None
        return ParseResult(_digest_from(digest), tuple(LoadWarning(*w) for w in warnings))
    except Exception:  # noqa: BLE001 - any damage to a cache entry means "re-parse"
        return None


def _is_fresh(data: bytes, key: Key) -> bool:
    """Whether an entry is this version's for ``key`` (without rebuilding papers)."""
    try:
        stamp, stored_key, _, _ = marshal.loads(data)
        return bool(tuple(stamp) == _STAMP and tuple(stored_key) == key)
    except Exception:  # noqa: BLE001 - damaged means stale
        return False


def _digest_to(digest: Digest | None) -> tuple[object, ...] | None:
    if digest is None:
        return None
    papers = tuple(paper_record(paper) for paper in digest.papers)
    return (digest.date.toordinal(), digest.category, digest.source, digest.format, papers)


def _digest_from(data: Sequence[Any] | None) -> Digest | None:
    """Rebuild a digest from marshalled data; a wrong shape or type raises,
    which the caller takes as a damaged entry."""
    if data is None:
        return None
    day, category, source, digest_format, papers = data
    if not all(isinstance(text, str) for text in (category, source, digest_format)):
        raise TypeError("not a digest entry")
    return Digest(
        date.fromordinal(day),
        category,
        source,
        digest_format,
        tuple(map(paper_from_record, papers)),
    )


def paper_record(paper: Paper) -> tuple[Any, ...]:
    """A paper as plain values for marshal (dates as ordinals), fields in order."""
    values = _paper_values(paper)  # one call: half the time of a getattr per field
    return (*values[:-1], _ordinals(values[-1]))


def paper_from_record(fields: Sequence[Any]) -> Paper:
    """The paper :func:`paper_record` gave (a wrong shape raises)."""
    values = list(fields)
    values[-1] = _dates(values[-1])
    return Paper(*values)


@functools.lru_cache(maxsize=4096)
def _ordinals(days: tuple[date, ...]) -> tuple[int, ...]:
    """A paper's dates as ordinals (the papers of one day share their dates)."""
    return tuple(day.toordinal() for day in days)


@functools.lru_cache(maxsize=4096)
def _dates(ordinals: tuple[int, ...]) -> tuple[date, ...]:
    """A paper's dates from ordinals; the papers of one day share one tuple
    (a library has a few hundred days: ~8 MB less at 100,000 papers)."""
    return tuple(map(date.fromordinal, ordinals))


_PAPER_FIELDS = tuple(Paper.__dataclass_fields__)
_paper_values = operator.attrgetter(*_PAPER_FIELDS)
assert _PAPER_FIELDS[-1] == "dates", "the cache stores dates last, as ordinals"
