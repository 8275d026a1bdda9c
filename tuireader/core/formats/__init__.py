"""Digest formats: detection by content and a registry.

A format is one module exposing a :class:`DigestFormat`; adding a third format
means writing that module and listing it in :data:`FORMATS`.
"""

from __future__ import annotations

import dataclasses
import io
import operator
import os
import typing
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any, BinaryIO

from tuireader.core.formats import arxiv_api, arxiv_listing
from tuireader.core.formats.base import DigestFormat, Lines, ParseContext
from tuireader.core.model import Digest, LoadWarning, Paper
from tuireader.core.text import is_safe, strip_unsafe

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
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
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
                papers = tuple(map(_cleaned, digest_format.read_papers(lines, context)))
                digest = Digest(header.date, header.category, source, digest_format.name, papers)
                return ParseResult(digest, tuple(warnings))
        warnings.append(LoadWarning(source, number, "not a digest (no known header), skipped"))
        return ParseResult(None, tuple(warnings))
    return _skipped(source, "empty file, skipped", tuple(warnings))


def _cleaned(paper: Paper) -> Paper:
    """The paper with every text in every field safe for a terminal.

    Formats clean what they parse, but one missed field (a URL, an unknown
    field, a field added later) would put escape sequences on the user's
    screen; so every field is checked here, generically, on the way out.
    Two ``is_safe`` passes over all the paper's text decide the common case;
    anything else is cleaned field by field, however nested.
    """
    if _all_safe(paper):
        return paper
    values = _paper_values(paper)
    cleaned: dict[str, Any] = dict(zip(_PAPER_FIELDS, map(_clean_value, values), strict=True))
    return dataclasses.replace(paper, **cleaned)


def _all_safe(paper: Paper) -> bool:
    """Whether every text of the paper is safe.

    Fields typed as texts are joined in C, quicker than a walk in Python
    (~3 instead of ~5.5 us a paper with the checks); a value of another type
    fails the join, so the paper is cleaned field by field. The single texts
    (mostly ASCII: the fast check) are checked apart from the tuples' (names,
    categories, links); other fields (numbers, dates, pairs) are walked as in
    ``_clean_value``.
    """
    others = _other_values(paper)
    texts = [value for value in others if type(value) is str]
    for value in others:
        if type(value) is tuple:
            for item in value:
                if type(item) is str:
                    texts.append(item)
                elif type(item) is tuple:
                    texts.extend(item)  # a non-str inside fails the join: the slow path
    try:
        singles = " ".join(filter(None, _text_values(paper)))
        return is_safe(singles) and is_safe(
            " ".join(chain(chain.from_iterable(_texts_values(paper)), texts))
        )
    except TypeError:
        return False


def _clean_value(value: object) -> object:
    if isinstance(value, str):
        return strip_unsafe(value)
    if isinstance(value, tuple):
        return tuple(map(_clean_value, value))
    return value


_PAPER_FIELDS = tuple(field.name for field in dataclasses.fields(Paper))
_paper_values = operator.attrgetter(*_PAPER_FIELDS)


def _getter(names: list[str]) -> Callable[[Paper], tuple[Any, ...]]:
    """``operator.attrgetter``, always giving a tuple, however many ``names``."""
    if len(names) == 1:
        get_one = operator.attrgetter(names[0])
        return lambda paper: (get_one(paper),)
    return operator.attrgetter(*names) if names else lambda paper: ()


_PAPER_HINTS = typing.get_type_hints(Paper)
_TEXT_FIELDS = [name for name, hint in _PAPER_HINTS.items() if hint in (str, str | None)]
_TEXTS_FIELDS = [name for name, hint in _PAPER_HINTS.items() if hint == tuple[str, ...]]
_text_values = _getter(_TEXT_FIELDS)
_texts_values = _getter(_TEXTS_FIELDS)
_other_values = _getter([n for n in _PAPER_FIELDS if n not in (*_TEXT_FIELDS, *_TEXTS_FIELDS)])


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
        return io.BufferedReader(io.FileIO(descriptor, "rb"), buffer_size=_SNIFF_BYTES)
    except BaseException:
        os.close(descriptor)
        raise


def _decoded_lines(handle: BinaryIO, source: str, warnings: list[LoadWarning]) -> Lines:
    """Decode a block of whole lines at a time (decoding line by line costs a
    tenth of the parse); a block with a bad byte is decoded line by line, so
    one bad byte costs one line, not the file, and is reported only if the
    parser reads that far. Blocks keep memory bounded for huge files. Only
    ``\n`` ends a line, as in the file's own terms."""
    first = 1
    while block := handle.read(_BLOCK_BYTES):
        block += handle.readline()  # end the block at a line's end
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            raw_lines = block.removesuffix(b"\n").split(b"\n")
            for number, raw in enumerate(raw_lines, start=first):
                yield number, _decoded_line(raw, source, number, warnings).removesuffix("\r")
            first += len(raw_lines)
            continue
        lines = text.removesuffix("\n").split("\n")
        if "\r" in text:
            lines = [line.removesuffix("\r") for line in lines]
        yield from enumerate(lines, start=first)  # no Python per line: a few % of the parse
        first += len(lines)


_BLOCK_BYTES = 1 << 18


def _decoded_line(raw: bytes, source: str, number: int, warnings: list[LoadWarning]) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append(LoadWarning(source, number, "invalid UTF-8, replaced with \ufffd"))
        return raw.decode("utf-8", errors="replace")


def _skipped(source: str, message: str, earlier: tuple[LoadWarning, ...] = ()) -> ParseResult:
    return ParseResult(None, (*earlier, LoadWarning(source, 0, message)))
