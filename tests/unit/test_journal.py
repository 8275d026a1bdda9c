"""Read marks in ``read-marks.txt``, through the store, against real files.

The journal is appended to, never rewritten but to compact it; the latest line
for a paper wins by its time, so copies merged line by line (git's union
driver) mean what both machines said.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tuireader.core import journal, locations
from tuireader.core.store import AnnotationStore, ReadOnlyError, StoreError


@pytest.fixture
def path() -> Path:
    return locations.annotations_file()


def fresh(path: Path) -> AnnotationStore:
    store = AnnotationStore(path)
    assert store.load() == []
    return store


def journal_lines(store: AnnotationStore) -> list[str]:
    return store.journal.path.read_text().splitlines()


def test_marks_are_appended_one_line_each(path: Path) -> None:
    store = fresh(path)
    assert store.journal.path == path.with_name("read-marks.txt")
    store.mark_read(["2107.09652v2"])
    store.mark_read(["2201.12944", "hep-th/9901001"])
    store.mark_read(["2107.09652"], read=False)
    lines = journal_lines(store)
    assert lines[0] == "# tuireader read marks, format 1"
    assert [line.rsplit(" ", 1)[0] for line in lines[1:]] == [
        "2107.09652 read",
        "2201.12944 read",
        "hep-th/9901001 read",
        "2107.09652 unread",
    ]
    assert fresh(path).read_ids() == {"2201.12944", "hep-th/9901001"}
    assert store.read_ids() == {"2201.12944", "hep-th/9901001"}


def test_marking_what_is_already_marked_writes_nothing(path: Path) -> None:
    store = fresh(path)
    assert store.mark_read(["2107.09652"], read=False) == []  # unread already
    assert not store.journal.path.exists()
    store.mark_read(["2107.09652"])
    size = store.journal.path.stat().st_size
    assert store.mark_read(["2107.09652"]) == []
    assert store.journal.path.stat().st_size == size


def test_the_latest_time_wins_wherever_the_line_stands(path: Path) -> None:
    """Lines merged from another machine come in any order."""
    path.parent.mkdir(parents=True)
    (path.parent / "read-marks.txt").write_text(
        "# tuireader read marks, format 1\n"
        "2107.09652 unread 2026-11-21T09:00:00.000000Z\n"
        "2107.09652 read 2026-11-21T08:00:00.000000Z\n"  # older, though later in the file
        "2201.12944 read 2026-11-21T08:00:00.000000Z\n"
        "2201.12944 unread 2026-11-21T07:00:00.000000Z\n"
    )
    assert fresh(path).read_ids() == {"2201.12944"}


def test_a_torn_last_line_is_ignored_and_the_next_append_starts_afresh(path: Path) -> None:
    store = fresh(path)
    store.mark_read(["2107.09652"])
    with open(store.journal.path, "a") as handle:
        handle.write("2201.12944 read 2026-11-2")  # a crash mid-write
    again = fresh(path)
    assert again.read_ids() == {"2107.09652"}
    again.mark_read(["2201.00001"])
    lines = journal_lines(again)
    assert lines[-2] == "2201.12944 read 2026-11-2" and lines[-1].startswith("2201.00001 read ")
    assert fresh(path).read_ids() == {"2107.09652", "2201.00001"}


def test_bad_lines_are_reported_kept_and_never_compacted_away(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = fresh(path)
    store.mark_read(["2107.09652"])
    with open(store.journal.path, "a") as handle:
        handle.write("this is not a mark\n2201.12944 maybe 2026-11-21T08:00:00.000000Z\n")
    again = AnnotationStore(path)
    (message,) = again.load()
    assert "2 line(s)" in message and "line 3, 4" in message and "kept" in message
    monkeypatch.setattr(journal, "COMPACT_SLACK", 0)
    for _ in range(3):
        again.mark_read(["2201.00001"])
        again.mark_read(["2201.00001"], read=False)
    assert "this is not a mark" in store.journal.path.read_text()


def test_a_file_that_is_no_journal_is_moved_aside(path: Path) -> None:
    path.parent.mkdir(parents=True)
    other = path.parent / "read-marks.txt"
    other.write_text("my shopping list\n")
    store = AnnotationStore(path)
    (message,) = store.load()
    (moved,) = path.parent.glob("read-marks.corrupt-*.txt")
    assert str(moved) in message and moved.read_text() == "my shopping list\n"
    store.mark_read(["2107.09652"])
    assert fresh(path).read_ids() == {"2107.09652"}


def test_a_newer_journal_is_read_but_never_written(path: Path) -> None:
    path.parent.mkdir(parents=True)
    other = path.parent / "read-marks.txt"
    content = (
        "# tuireader read marks, format 7\n"
        "2107.09652 read 2026-11-21T08:00:00.000000Z\n"
        "2201.12944 read 2026-11-21T08:00:00.000000Z extra words\n"
    )
    other.write_text(content)
    store = AnnotationStore(path)
    problems = store.load()
    assert any("newer tuireader" in problem for problem in problems)
    assert store.read_only and store.read_ids() == {"2107.09652"}
    with pytest.raises(ReadOnlyError, match="upgraded"):
        store.mark_read(["2201.00001"])
    with pytest.raises(ReadOnlyError):
        store.set_star("2201.00001", True)
    assert other.read_text() == content and not path.exists()


def test_compaction_keeps_one_line_per_paper_unread_ones_too(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "COMPACT_SLACK", 10)
    store = fresh(path)
    for round_number in range(4):
        store.mark_read([f"2201.{n:05d}" for n in range(5)])
        store.mark_read(["2201.00000"], read=False)
        if round_number < 3:
            store.mark_read(["2201.00000"])
    lines = journal_lines(store)
    assert len(lines) < 20  # compacted at least once
    ids = [line.split()[0] for line in lines[1:]]
    assert len(ids) == len(set(ids)) or lines[0].startswith("#")
    assert "2201.00000 unread" in store.journal.path.read_text()
    assert fresh(path).read_ids() == {f"2201.{n:05d}" for n in range(1, 5)}


def test_two_instances_see_each_others_marks_when_they_write(path: Path) -> None:
    first, second = fresh(path), fresh(path)
    first.mark_read(["2107.09652"])
    second.mark_read(["2201.12944"])
    second.mark_read(["2107.09652"], read=False)  # later than the first's mark
    first.mark_read(["2201.00001"])  # catches up while appending
    assert first.read_ids() == {"2201.12944", "2201.00001"}
    assert fresh(path).read_ids() == first.read_ids()


def test_an_instance_follows_a_compaction_by_another(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = fresh(path), fresh(path)
    first.mark_read(["2107.09652"])
    monkeypatch.setattr(journal, "COMPACT_SLACK", 0)
    second.mark_read(["2201.12944"])  # catches up, appends, then compacts (replaces the file)
    monkeypatch.setattr(journal, "COMPACT_SLACK", 10_000)
    first.mark_read(["2201.00001"])
    assert first.read_ids() == {"2107.09652", "2201.12944", "2201.00001"}
    assert fresh(path).read_ids() == first.read_ids()


def test_a_failed_append_keeps_the_marks_and_retries_them(
    path: Path, file_size_limit: object
) -> None:
    store = fresh(path)
    store.mark_read(["2107.09652"])
    size = store.journal.path.stat().st_size
    file_size_limit(size)  # type: ignore[operator]
    with pytest.raises(StoreError, match="read-marks.txt"):
        store.mark_read([f"2201.{n:05d}" for n in range(100)])
    assert store.pending == 100 and len(store.read_ids()) == 101  # shown at once
    file_size_limit(2**40)  # type: ignore[operator]
    store.retry()
    assert store.pending == 0
    assert len(fresh(path).read_ids()) == 101


CHILD = """
import sys, time
from pathlib import Path
from tuireader.core.store import AnnotationStore

store = AnnotationStore(Path(sys.argv[1]))
assert store.load() == []
print("ready", flush=True)
sys.stdin.readline()
for number in range(int(sys.argv[2]), 600, 2):
    store.mark_read([f"2301.{number:05d}"])
    if number % 6 == 0:
        store.set_star(f"2301.{number:05d}", True)
    if number % 8 < 2:
        time.sleep(0.002)  # now and then, long enough for the other to take the lock
"""


def test_two_processes_marking_at_once_lose_nothing(path: Path) -> None:
    """The app and the CLI (or two apps) mark papers at the same moment."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(parity)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for parity in (0, 1)
    ]
    for child in children:
        assert child.stdout and child.stdout.readline() == "ready\n"
    for child in children:
        assert child.stdin
        child.stdin.write("go\n")
        child.stdin.close()
    for child in children:
        assert child.wait(timeout=60) == 0
    store = fresh(path)
    assert store.read_ids() == {f"2301.{n:05d}" for n in range(600)}
    assert store.starred_ids() == {f"2301.{n:05d}" for n in range(0, 600, 6)}
    writers = [int(line.split()[0][-1]) % 2 for line in journal_lines(store)[1:]]
    assert sum(a != b for a, b in zip(writers, writers[1:], strict=False)) > 10  # interleaved


ZYGOTE = """
import itertools, os, sys
from pathlib import Path
from tuireader.core import journal
from tuireader.core.store import AnnotationStore

journal.COMPACT_SLACK = 50  # compact often, so kills land in compactions too
path = Path(sys.argv[1])
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            store = AnnotationStore(path)
            store.load()
            for number in itertools.count(int(line)):
                store.mark_read([f"2101.{number:05d}"], read=number % 3 != 0)
                os.write(1, b"ack %d\\n" % number)
        finally:
            os._exit(1)
    os.write(1, b"pid %d\\n" % pid)
    os.waitpid(pid, 0)
    os.write(1, b"done\\n")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_kill_9_never_loses_an_acknowledged_mark(path: Path) -> None:
    """A child marks papers in a tight loop (compacting now and then) and is
    killed at a random moment, 150 times; each time the journal must load,
    without complaint, and hold every acknowledged mark."""
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert zygote.stdin and zygote.stdout
    acknowledged: list[int] = []
    start, rng = 0, random.Random(20261127)

    def read_line() -> tuple[bytes, int]:
        kind, _, number = zygote.stdout.readline().strip().partition(b" ")  # type: ignore[union-attr]
        if kind == b"ack":
            acknowledged.append(int(number))
        return kind, int(number or -1)

    try:
        for _ in range(150):
            zygote.stdin.write(b"%d\n" % start)
            zygote.stdin.flush()
            seen: dict[bytes, int] = {}
            while not {b"pid", b"ack"} <= seen.keys():
                kind, number = read_line()
                assert kind != b"done", "the child died before marking"
                seen[kind] = number
            time.sleep(rng.uniform(0, 0.004))
            os.kill(seen[b"pid"], signal.SIGKILL)
            while read_line()[0] != b"done":
                pass
            store = AnnotationStore(path)
            assert store.load() == []
            for number in acknowledged:
                paper = f"2101.{number:05d}"
                assert (paper in store.read_ids()) == (number % 3 != 0), f"lost mark {number}"
            start = max(acknowledged) + 1
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=10)
    assert len(acknowledged) >= 150
