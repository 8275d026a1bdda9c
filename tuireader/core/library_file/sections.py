"""The library file's layout: named numpy arrays and a JSON footer.

    b"TUIRLIB\\n"  footer offset (u64)  footer length (u64)
    array, array, ... (each at an 8-byte-aligned offset)
    footer: JSON, with {"sections": {name: [offset, dtype, count]}}

Arrays are written as they come (a blob of texts or records is streamed,
never joined whole in memory) and read back as views of one ``mmap``, so
opening a file of gigabytes costs what is read, not what is there.
"""

from __future__ import annotations

import json
import mmap
import struct
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

MAGIC = b"TUIRLIB\n"
_HEAD = struct.Struct("<8sQQ")
_ALIGN = 8
#: Separates texts in a text column: control characters never survive the
#: parser's cleaning, so no text holds one.
SEPARATOR = "\0"


class Damaged(Exception):
    """The file is not a whole library file of ours."""


class SectionWriter:
    """Writes arrays one after another, then the footer that names them."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._sections: dict[str, tuple[int, str, int]] = {}
        stream.write(_HEAD.pack(MAGIC, 0, 0))

    def array(self, name: str, values: npt.NDArray[Any]) -> None:
        values = np.ascontiguousarray(values)
        offset = self._aligned()
        self._stream.write(values.data.cast("B"))
        self._sections[name] = (offset, values.dtype.str, int(values.size))

    def pieces(self, name: str, dtype: npt.DTypeLike, pieces: Iterable[npt.NDArray[Any]]) -> None:
        """One array written a piece at a time (never whole in memory)."""
        offset, count, kind = self._aligned(), 0, np.dtype(dtype)
        for piece in pieces:
            self._stream.write(np.ascontiguousarray(piece, kind).data.cast("B"))
            count += piece.size
        self._sections[name] = (offset, kind.str, count)

    def texts(self, name: str, texts: Iterable[str]) -> int:
        """Texts joined by :data:`SEPARATOR`; returns how many there were.
        Raises ValueError for a text holding the separator."""
        offset, count, size = self._aligned(), 0, 0
        for text in texts:
            if SEPARATOR in text:
                raise ValueError(f"a text of {name} holds the column separator")
            data = (SEPARATOR if count else "").encode() + text.encode("utf-8", "surrogatepass")
            self._stream.write(data)
            count, size = count + 1, size + len(data)
        self._sections[name] = (offset, "|u1", size)
        return count

    def blobs(self, name: str, blobs: Iterable[bytes | memoryview]) -> None:
        """Byte strings back to back, and where each ends (``<name>_ends``)."""
        offset, ends, size = self._aligned(), array("q"), 0
        for blob in blobs:
            self._stream.write(blob)
            size += len(blob)
            ends.append(size)
        self._sections[name] = (offset, "|u1", size)
        self.array(f"{name}_ends", np.frombuffer(ends, dtype=np.int64))

    def joined(
        self, name: str, pieces: Iterable[bytes | memoryview], ends: npt.NDArray[np.int64]
    ) -> None:
        """Byte strings written as pieces of any size (runs of them), with
        where each ends (``<name>_ends``). Raises ValueError if they differ."""
        offset, size = self._aligned(), 0
        for piece in pieces:
            self._stream.write(piece)
            size += len(piece)
        if size != (int(ends[-1]) if ends.size else 0):
            raise ValueError(f"the pieces of {name} do not add up")
        self._sections[name] = (offset, "|u1", size)
        self.array(f"{name}_ends", ends)

    def finish(self, footer: dict[str, Any]) -> None:
        data = json.dumps({**footer, "sections": self._sections}).encode()
        offset = self._aligned()
        self._stream.write(data)
        self._stream.seek(0)
        self._stream.write(_HEAD.pack(MAGIC, offset, len(data)))

    def _aligned(self) -> int:
        position = self._stream.tell()
        padding = -position % _ALIGN
        self._stream.write(b"\0" * padding)
        return position + padding


class SectionReader:
    """The arrays of a mapped file, and its footer."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as stream:
            try:
                self._map = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError as error:  # an empty file cannot be mapped
                raise Damaged("empty file") from error
        if len(self._map) < _HEAD.size:
            raise Damaged("too short")
        magic, offset, length = _HEAD.unpack_from(self._map)
        if magic != MAGIC:
            raise Damaged("not a library file")
        if offset + length > len(self._map) or not length:
            raise Damaged("truncated")
        try:
            self.footer: dict[str, Any] = json.loads(self._map[offset : offset + length])
            sections = self.footer["sections"]
            self._sections = {
                name: (int(start), np.dtype(dtype), int(count))
                for name, (start, dtype, count) in sections.items()
            }
        except (ValueError, KeyError, TypeError) as error:
            raise Damaged(f"unreadable footer ({error})") from error
        for name, (start, dtype, count) in self._sections.items():
            if start < _HEAD.size or start + dtype.itemsize * count > offset:
                raise Damaged(f"section {name} lies outside the file")

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self._map)

    def release(self, name: str | None = None) -> None:
        """Let go of the pages read so far, of one section or all (they stay
        in the page cache): opening reads or checks whole columns once, and
        those pages need not count as this process's memory until a search
        reads them again."""
        if name is None:
            self._let_go(0, len(self._map))
            return
        start, dtype, count = self._section(name)
        self._let_go(start, start + dtype.itemsize * count)

    def chunks(self, name: str, size: int = 1 << 24) -> Iterator[npt.NDArray[Any]]:
        """A large array a piece of ``size`` bytes at a time, each piece's
        pages let go of once looked at (to check a column without holding it)."""
        start, dtype, count = self._section(name)
        step = max(1, size // dtype.itemsize)
        for first in range(0, count, step):
            offset = start + first * dtype.itemsize
            piece = min(step, count - first)
            yield np.frombuffer(self._map, dtype=dtype, count=piece, offset=offset)
            self._let_go(offset, offset + piece * dtype.itemsize)

    def _let_go(self, start: int, end: int) -> None:
        """``MADV_DONTNEED`` from ``start`` to ``end`` (where the system has it:
        elsewhere the pages count until the system takes them back)."""
        aligned = start - start % mmap.PAGESIZE
        if end > aligned and hasattr(mmap, "MADV_DONTNEED"):
            self._map.madvise(mmap.MADV_DONTNEED, aligned, end - aligned)

    def array(self, name: str) -> npt.NDArray[Any]:
        start, dtype, count = self._section(name)
        return np.frombuffer(self._map, dtype=dtype, count=count, offset=start)

    def _section(self, name: str) -> tuple[int, np.dtype[Any], int]:
        try:
            return self._sections[name]
        except KeyError:
            raise Damaged(f"no section {name}") from None

    def bytes_of(self, name: str) -> memoryview:
        """A section's bytes, as a view of the mapped file."""
        return self.array(name).view(np.uint8).data

    def texts(self, name: str, count: int) -> list[str]:
        """A text column of ``count`` texts, one string each."""
        texts = str(self.bytes_of(name), "utf-8", "surrogatepass").split(SEPARATOR)
        if len(texts) != max(count, 1):
            raise Damaged(f"{name} holds {len(texts)} texts, not {count}")
        return texts if count else []
