"""Read marks: an append-only journal of lines beside ``annotations.toml``.

A heavy user marks ~100,000 papers read a year. As TOML tables, rewritten on
every mark, that would be a 10 MB file rewritten per keystroke; as a journal,
marking a paper appends one line::

    # tuireader read marks, format 1
    2107.09652 read 2026-11-21T08:02:11.318207Z
    2201.12944 unread 2026-11-21T08:05:40.102934Z

For each paper the line with the latest time wins, wherever it stands in the
file, so two machines' journals merge by keeping every line of both (git's
built-in ``union`` merge driver does exactly that). When superseded lines
outnumber the live ones the file is rewritten with one line per paper (an
``unread`` line too: it must still beat an older ``read`` from another copy).

Appends happen under a lock and are fsynced before a mark is acknowledged; a
crash can only leave a torn last line, which is ignored (and a line break is
written before the next append). Lines that cannot be read are reported and
kept: the file is never compacted over them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from filelock import FileLock

from tuireader.core.files import atomic_write, move_aside

FORMAT_VERSION = 1
HEADER_PREFIX = "# tuireader read marks, format "
HEADER = f"{HEADER_PREFIX}{FORMAT_VERSION}\n"
READ, UNREAD = "read", "unread"
#: Compact once the file holds this many more lines than papers...
COMPACT_SLACK = 2000
#: ...and more than this many lines per paper.
COMPACT_RATIO = 2
_TIME_LENGTH = len("2026-11-21T08:02:11.318207Z")


def timestamp(at: datetime) -> str:
    """A fixed-width UTC time, so that times compare as strings (fast to load)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _torn(parts: list[str]) -> bool:
    """A line cut short by a crash (and ended by the next append): it says
    nothing, and is no damage to report."""
    if len(parts) == 2:
        return READ.startswith(parts[1]) or UNREAD.startswith(parts[1])
    if len(parts) == 3:
        return parts[1] in (READ, UNREAD) and len(parts[2]) < _TIME_LENGTH
    return len(parts) == 1


class JournalError(Exception):
    """The journal cannot be used; the message says why."""


class Mark(NamedTuple):
    """The latest word on one paper: read or not, and when it was said.
    A tuple: loading 100,000 of them must take well under 150 ms."""

    read: bool
    at: str


class ReadJournal:
    """The journal file and this process's view of it.

    ``read`` is the set of papers marked read, updated in place: test
    membership from any thread, but iterate it only on the thread that marks.
    """

    def __init__(self, path: Path, lock_timeout: float) -> None:
        self.path = path
        #: Held by every writer of the file (appends, compaction, a merge).
        self.lock = FileLock(
            path.with_name(path.name + ".lock"), timeout=lock_timeout, poll_interval=0.001
        )
        self.marks: dict[str, Mark] = {}
        self.read: set[str] = set()
        self.newer_format: int | None = None
        self.bad_lines: list[int] = []
        #: The latest time of any line read.
        self._latest = ""
        self._pending: list[str] = []
        #: The file's identity and how much of it has been read (whole lines).
        self._seen: tuple[int, int] = (0, 0)
        self._lines = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def load(self) -> str | None:
        """Read the file; returns a message when something in it was wrong."""
        self.marks.clear()
        self.read.clear()
        self._seen, self._lines, self.bad_lines, self._latest = (0, 0), 0, [], ""
        try:
            self._catch_up()
        except JournalError as problem:
            with self.lock:
                moved = move_aside(self.path)
            self.marks.clear()
            self.read.clear()
            self._seen, self._lines, self._latest = (0, 0), 0, ""
            return f"{self.path} could not be read ({problem}); moved it to {moved}"
        except OSError as error:
            return f"{self.path} could not be read: {error.strerror or error}"
        if self.bad_lines:
            lines = ", ".join(map(str, self.bad_lines[:5]))
            return (
                f"{self.path}: {len(self.bad_lines)} line(s) could not be read "
                f"(line {lines}); they are kept as they are and ignored"
            )
        return None

    def mark(self, paper_ids: Iterable[str], read: bool, at: datetime) -> None:
        """Mark papers read or unread as of ``at``: shown at once, on disk when
        this returns (``OSError`` if not: the marks stay pending and are
        written with the next ones)."""
        when = timestamp(at)
        word = READ if read else UNREAD
        for paper_id in paper_ids:
            self._apply(paper_id, Mark(read, when))
            self._pending.append(f"{paper_id} {word} {when}\n")
        self.flush()

    def flush(self) -> None:
        """Append the pending lines, after reading what others appended."""
        if not self._pending:
            return
        with self.lock:
            self._catch_up()
            self._append(self._pending)
            self._pending.clear()
            if self._lines > COMPACT_RATIO * len(self.marks) + COMPACT_SLACK and not self.bad_lines:
                self._compact()

    def catch_up(self) -> bool:
        """Read what other processes appended (or rewrote) since the last look;
        True if there was anything."""
        before = self._seen
        self._catch_up()
        return self._seen != before

    # The file ---------------------------------------------------------------------

    def _catch_up(self) -> None:
        """Read the lines appended since the last look, or the whole file if it
        was replaced (another process compacted it)."""
        try:
            status = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError):
            self._seen = (0, 0)
            return
        identity, offset = self._seen
        if status.st_ino != identity or status.st_size < offset:
            self.marks.clear()
            self.read.clear()
            offset, self._lines, self.bad_lines, self._latest = 0, 0, [], ""
        if status.st_size == offset:
            self._seen = (status.st_ino, offset)
            return
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            data = handle.read()
        complete = data.rfind(b"\n") + 1  # a torn last line is not read (yet)
        self._read_lines(data[:complete], first_line=self._lines + 1)
        self._seen = (status.st_ino, offset + complete)
        for line in self._pending:  # our own marks beat what we just read only if later
            paper_id, word, when = line.split()
            self._apply(paper_id, Mark(word == READ, when))

    def _read_lines(self, data: bytes, first_line: int) -> None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
        lines = text.split("\n")[:-1]
        if first_line == 1 and lines:
            self._check_header(lines[0])
        marks, changed = self.marks, set()
        # Lines are mostly in time order (appended as marks are made): a line
        # later than every line before it needs no comparison.
        latest, new = self._latest, tuple.__new__
        for number, line in enumerate(lines, start=first_line):
            parts = line.split(" ")
            if len(parts) == 3:
                paper_id, word, when = parts
                if (word == READ or word == UNREAD) and len(when) == _TIME_LENGTH:
                    if when >= latest:
                        latest = when
                    elif (known := marks.get(paper_id)) is not None and when < known.at:
                        continue
                    marks[paper_id] = new(Mark, (word == READ, when))
                    changed.add(paper_id)
                    continue
            if line and not line.startswith("#") and not _torn(parts):
                self.bad_lines.append(number)
        self._latest = latest
        self._lines += len(lines)
        self._update_read(changed)

    def _update_read(self, changed: set[str]) -> None:
        """The set of read papers after ``changed`` papers got new marks: in
        place (others may hold it), rebuilt whole when most changed."""
        if len(changed) > len(self.read) // 2:
            self.read.clear()
            self.read.update(paper for paper, mark in self.marks.items() if mark.read)
            return
        for paper in changed:
            if self.marks[paper].read:
                self.read.add(paper)
            else:
                self.read.discard(paper)

    def _check_header(self, line: str) -> None:
        version = header_version(line)
        if version > FORMAT_VERSION:
            self.newer_format = version

    def _apply(self, paper_id: str, mark: Mark) -> None:
        known = self.marks.get(paper_id)
        if known is not None and known.at > mark.at:
            return
        self.marks[paper_id] = mark
        self._latest = max(self._latest, mark.at)
        if mark.read:
            self.read.add(paper_id)
        else:
            self.read.discard(paper_id)

    def _append(self, lines: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as handle:
            size = handle.tell()
            prefix = HEADER if size == 0 else ""
            if size and not self._ends_with_newline(size):
                prefix = "\n"  # after a torn line, left by a crash
            data = (prefix + "".join(lines)).encode("utf-8")
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            status = os.fstat(handle.fileno())
        self._seen = (status.st_ino, status.st_size)
        self._lines += len(lines) + (prefix == HEADER)

    def _ends_with_newline(self, size: int) -> bool:
        with open(self.path, "rb") as handle:
            handle.seek(size - 1)
            return handle.read(1) == b"\n"

    def _compact(self) -> None:
        """One line per paper (the latest), sorted, replacing the file atomically."""
        atomic_write(self.path, journal_bytes(self.marks))
        self._seen = (os.stat(self.path).st_ino, os.stat(self.path).st_size)
        self._lines = len(self.marks) + 1


# Whole journals, for merging two copies ----------------------------------------------


def header_version(line: str) -> int:
    """The format version a journal's first line gives; ``JournalError`` if none."""
    if not line.startswith(HEADER_PREFIX):
        raise JournalError("not a tuireader read journal")
    version = line.removeprefix(HEADER_PREFIX).strip()
    if not version.isdigit():
        raise JournalError("no format version")
    return int(version)


def read_marks(data: bytes) -> tuple[dict[str, Mark], list[str]]:
    """The latest mark of each paper in a journal's bytes, and the lines that
    could not be read, as they are (torn lines and comments say nothing).
    ``JournalError`` if the bytes are no journal, or one of a newer format."""
    if not data.strip():
        return {}, []
    lines = data.decode("utf-8", errors="surrogateescape").split("\n")
    if not lines[-1]:
        lines.pop()
    version = header_version(lines[0])
    if version > FORMAT_VERSION:
        raise JournalError(f"written by a newer tuireader (format {version})")
    marks: dict[str, Mark] = {}
    kept: list[str] = []
    for line in lines[1:]:
        parts = line.split(" ")
        if len(parts) == 3 and len(parts[2]) == _TIME_LENGTH and parts[2][-1] == "Z":
            paper_id, word, when = parts
            if word in (READ, UNREAD):
                known = marks.get(paper_id)
                if known is None or when >= known.at:  # as the reader: the last line of a tie
                    marks[paper_id] = Mark(word == READ, when)
                continue
        if line and not line.startswith("#") and not _torn(parts):
            kept.append(line)
    return marks, kept


def merged_marks(ours: Mapping[str, Mark], theirs: Mapping[str, Mark]) -> dict[str, Mark]:
    """Per paper the later mark; of two at the same time, ``read``."""
    merged = dict(ours)
    for paper_id, mark in theirs.items():
        known = merged.get(paper_id)
        if known is None or (mark.at, mark.read) > (known.at, known.read):
            merged[paper_id] = mark
    return merged


def journal_bytes(marks: Mapping[str, Mark], kept: Iterable[str] = ()) -> bytes:
    """A compacted journal: the header, one line per paper (sorted), then the
    lines ``kept`` as they were (unreadable ones are never dropped)."""
    lines = [
        f"{paper_id} {READ if mark.read else UNREAD} {mark.at}\n"
        for paper_id, mark in sorted(marks.items())
    ]
    lines.extend(f"{line}\n" for line in kept)
    return (HEADER + "".join(lines)).encode("utf-8", errors="surrogateescape")
