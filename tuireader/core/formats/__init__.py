"""Digest formats: detection by content and a registry.

A format is one module exposing a :class:`DigestFormat`; adding a third format
means writing that module and listing it in :data:`FORMATS`.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import BinaryIO

from tuireader.core.formats import arxiv_api, arxiv_listing
from tuireader.core.formats.base import DigestFormat, Lines, ParseContext
from tuireader.core.model import Digest, LoadWarning

#: Bytes looked at to tell a text file from a binary one.
_SNIFF_BYTES = 8192


FORMATS: tuple[DigestFormat, ...] = (arxiv_listing.FORMAT, arxiv_api.FORMAT)


@dataclass(frozen=True, slots=True)
class ParseResult:
    """A parsed file: its digest (``None`` when it was skipped) and warnings."""

    digest: Digest | None
    warnings: tuple[LoadWarning, ...]


def parse_file(path: str | os.PathLike[str]) -> ParseResult:
    """Parse one digest file, streaming it line by line.

    Never raises for bad input: unreadable, binary, empty or unrecognised
    files give ``digest=None`` and a warning that names the file.
    """
    source = str(path)
    warnings: list[LoadWarning] = []
    try:
        with _open_for_reading(path) as handle:
            if looks_binary(handle.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]):
                return _skipped(source, "binary file, skipped")
            return parse_lines(_decoded_lines(handle, source, warnings), source, warnings)
    except OSError as error:
        return _skipped(source, f"cannot read: {error.strerror or error}")


def looks_binary(head: bytes) -> bool:
    """True for images, archives and the like; a stray NUL or escape in a
    digest is hostile text to clean, not a reason to skip the whole file."""
    if not head:
        return False
    controls = sum(head.count(bytes([byte])) for byte in _BINARY_BYTES)
    return head.count(0) > len(head) // 100 or controls > len(head) // 10


_BINARY_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1b")


def parse_text(text: str, source: str = "<text>") -> ParseResult:
    """Parse a digest held in memory (tests, stdin)."""
    return parse_lines(enumerate(text.splitlines(), start=1), source)


def parse_lines(
    lines: Lines, source: str, warnings: list[LoadWarning] | None = None
) -> ParseResult:
    """Find the header on the first non-blank line, then let its format read on."""
    warnings = [] if warnings is None else warnings
    for number, line in lines:
        line = line.removeprefix("\ufeff").strip()
        if not line:
            continue
        for digest_format in FORMATS:
            header = digest_format.read_header(line)
            if header is not None:
                context = ParseContext(source, header, warnings)
                papers = tuple(digest_format.read_papers(lines, context))
                digest = Digest(header.date, header.category, source, digest_format.name, papers)
                return ParseResult(digest, tuple(warnings))
        warnings.append(LoadWarning(source, number, "not a digest (no known header), skipped"))
        return ParseResult(None, tuple(warnings))
    return _skipped(source, "empty file, skipped", tuple(warnings))


def _open_for_reading(path: str | os.PathLike[str]) -> io.BufferedReader:
    """Open without blocking forever on a FIFO that nothing writes to (it reads
    as empty); a pipe with a writer, as from ``<(command)``, still reads."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags | nonblocking)
    try:
        if nonblocking:
            os.set_blocking(descriptor, True)
        # peek() returns at most one buffer, which defaults to the file
        # system's block size (often 4 KiB): ask for all the sniffed bytes.
        return open(descriptor, "rb", buffering=_SNIFF_BYTES)
    except BaseException:
        os.close(descriptor)
        raise


def _decoded_lines(handle: BinaryIO, source: str, warnings: list[LoadWarning]) -> Lines:
    """Decode each line on its own so one bad byte costs one line, not the file."""
    for number, raw in enumerate(handle, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            warnings.append(LoadWarning(source, number, "invalid UTF-8, replaced with \ufffd"))
            text = raw.decode("utf-8", errors="replace")
        yield number, text.rstrip("\r\n")


def _skipped(source: str, message: str, earlier: tuple[LoadWarning, ...] = ()) -> ParseResult:
    return ParseResult(None, (*earlier, LoadWarning(source, 0, message)))
