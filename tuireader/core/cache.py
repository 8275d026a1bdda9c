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
import hashlib
import marshal
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tuireader.core import locations
from tuireader.core.formats import ParseResult, parse_file
from tuireader.core.model import Digest, LoadWarning, Paper

#: Bump when Digest or the parser's output changes; a change to Paper's
#: fields (names, order or types) changes the schema in every entry's stamp.
FORMAT_VERSION = 3


def schema_of(record: type) -> tuple[tuple[str, str], ...]:
    """A record's fields by name and type, in order: papers are stored as
    positional tuples, so two same-typed fields swapped must not load."""
    return tuple((field.name, str(field.type)) for field in dataclasses.fields(record))


_STAMP = (FORMAT_VERSION, sys.version_info[:2], schema_of(Paper))
_SUFFIX = ".digest"


class ParseCache:
    """A drop-in for :func:`parse_file` that remembers what it parsed."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or locations.cache_dir() / "parsed"
        self.hits = 0
        self.misses = 0

    def __call__(self, path: Path) -> ParseResult:
        try:
            status = path.stat()
        except OSError:
            return parse_file(path)
        key = (str(path.absolute()), status.st_size, status.st_mtime_ns)
        entry = self._entry_path(key[0])
        cached = self._read(entry, key)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        result = parse_file(path)
        self._write(entry, key, result)
        return result

    def _entry_path(self, absolute: str) -> Path:
        digest = hashlib.blake2b(absolute.encode("utf-8", "surrogateescape"), digest_size=16)
        return self.folder / f"{digest.hexdigest()}{_SUFFIX}"

    def _read(self, entry: Path, key: tuple[str, int, int]) -> ParseResult | None:
        try:
            stamp, stored_key, digest, warnings = marshal.loads(entry.read_bytes())
            if tuple(stamp) != _STAMP or tuple(stored_key) != key:
                return None
            return ParseResult(_digest_from(digest), tuple(LoadWarning(*w) for w in warnings))
        except Exception:  # noqa: BLE001 - any damage to a cache entry means "re-parse"
            return None

    def _write(self, entry: Path, key: tuple[str, int, int], result: ParseResult) -> None:
        warnings = tuple((w.source, w.line, w.message) for w in result.warnings)
        entry_data: Any = (_STAMP, key, _digest_to(result.digest), warnings)
        data = marshal.dumps(entry_data)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}")
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, entry)
        except OSError:
            # Not only "missing": with a file where the folder should be, the
            # clean-up fails too (ENOTDIR), and a cache must never stop a load.
            with contextlib.suppress(OSError):
                temporary.unlink()


def _digest_to(digest: Digest | None) -> tuple[object, ...] | None:
    if digest is None:
        return None
    papers = tuple(_paper_to(paper) for paper in digest.papers)
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
        date.fromordinal(day), category, source, digest_format, tuple(map(_paper_from, papers))
    )


def _paper_to(paper: Paper) -> tuple[object, ...]:
    fields = [getattr(paper, name) for name in _PAPER_FIELDS]
    fields[-1] = tuple(day.toordinal() for day in paper.dates)
    return tuple(fields)


def _paper_from(fields: Sequence[Any]) -> Paper:
    values = list(fields)
    values[-1] = tuple(map(date.fromordinal, values[-1]))
    return Paper(*values)


_PAPER_FIELDS = tuple(Paper.__dataclass_fields__)
assert _PAPER_FIELDS[-1] == "dates", "the cache stores dates last, as ordinals"
