"""The annotations store against the real file in a per-test XDG data folder."""

from __future__ import annotations

import errno
import itertools
import os
import random
import re
import resource
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tuireader.core import files, locations
from tuireader.core.store import AnnotationStore, StoreError

TRICKY_NOTE = 'Line one\n  "quoted" and \'single\' and """triple"""\nback\\slash \\n é ☃ [red]x[/]'
CORRUPT_NAME = re.compile(r"annotations\.corrupt-\d{8}-\d{6}(-\d+)?\.toml")


@pytest.fixture
def path() -> Path:
    return locations.annotations_file()


def fresh(path: Path) -> AnnotationStore:
    """A new store object on the file, as another run of the app would make."""
    store = AnnotationStore(path)
    assert store.load() == []
    return store


def leftovers(path: Path) -> list[Path]:
    return list(path.parent.glob(f".{path.name}.*"))


# Round trip -------------------------------------------------------------------


def test_default_path_is_in_the_xdg_data_folder(isolated_user_dirs: dict[str, Path]) -> None:
    store = AnnotationStore()
    assert store.path == isolated_user_dirs["XDG_DATA_HOME"] / "tuireader" / "annotations.toml"


def test_round_trip_through_the_file(path: Path) -> None:
    store = fresh(path)
    starred = store.set_star("2107.09652v2", True, "Evaluating Large Language Models")
    assert starred.starred and starred.title == "Evaluating Large Language Models"
    noted = store.set_note("https://arxiv.org/abs/2107.09652", TRICKY_NOTE)
    assert noted.note == TRICKY_NOTE and noted.starred  # the star is kept, the title too
    assert noted.title == "Evaluating Large Language Models"
    store.set_star("hep-th/9901001", True, "An old-style ID")
    store.set_note("0704.0001", "only a note", "First of its kind")

    again = fresh(path)
    assert again.all() == store.all()
    assert again.starred_ids() == {"2107.09652", "hep-th/9901001"}
    assert again.noted_ids() == {"2107.09652", "0704.0001"}
    assert again.get("2107.09652v9") == store.get("2107.09652")

    text = path.read_text(encoding="utf-8")
    assert text.startswith("version = 1\n")
    tables = re.findall(r'^\[papers\."([^"]+)"\]$', text, flags=re.MULTILINE)
    assert tables == sorted(tables) == ["0704.0001", "2107.09652", "hep-th/9901001"]
    assert 'title = "Evaluating Large Language Models"' in text
    assert 'note = """' in text  # multi-line notes read as written
    entry = tomllib.loads(text)["papers"]["2107.09652"]
    assert entry["note"] == TRICKY_NOTE
    assert {"starred_at", "note_at", "updated_at"} <= entry.keys()
    assert entry["updated_at"] == max(entry["starred_at"], entry["note_at"])


def test_cleared_values_keep_their_time_so_a_merge_cannot_bring_them_back(path: Path) -> None:
    store = fresh(path)
    store.set_star("2107.09652", True, "T")
    store.set_note("2107.09652", "keep me")
    unstarred = store.set_star("2107.09652", False)
    assert not unstarred.starred and unstarred.note == "keep me"
    assert fresh(path).get("2107.09652") == unstarred
    deleted = store.set_note("2107.09652", "  \n\t ")  # blank text deletes the note
    assert (deleted.starred, deleted.note) == (False, None)
    assert store.starred_ids() == set() and store.noted_ids() == set()
    table = tomllib.loads(path.read_text())["papers"]["2107.09652"]
    assert table["starred"] is False and "note" not in table
    assert table["note_at"] > table["starred_at"]  # when each was cleared
    assert fresh(path).get("2107.09652") == deleted


def test_an_entry_with_nothing_is_not_written(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('version = 1\n[papers."2107.09652"]\ntitle = "Only a title"\n')
    store = fresh(path)
    assert store.get("2107.09652").is_empty
    store.set_star("2201.00001", True)
    assert "2107.09652" not in tomllib.loads(path.read_text())["papers"]


def test_toggle_and_note_normalisation(path: Path) -> None:
    store = fresh(path)
    assert store.toggle_star("2107.09652").starred
    assert not store.toggle_star("2107.09652").starred
    assert store.set_note("2107.09652", "a\r\nb\n\n").note == "a\nb"
    assert store.set_note("2107.09652", None).note is None
    assert store.get("2107.09652").note is None
    with pytest.raises(ValueError, match="not an arXiv ID"):
        store.set_star("not an id", True)


def test_backup_holds_the_previous_version(path: Path) -> None:
    store = fresh(path)
    store.set_star("2107.09652", True)
    assert not store.backup_path.exists()  # nothing came before
    first = path.read_bytes()
    store.set_note("2107.09652", "second")
    assert store.backup_path.read_bytes() == first
    assert tomllib.loads(store.backup_path.read_text())["papers"]["2107.09652"]["starred"]


def test_a_change_that_changes_nothing_writes_nothing(path: Path) -> None:
    store = fresh(path)
    store.set_star("2107.09652", False)
    store.set_note("2107.09652", "")
    assert not path.exists()
    store.set_star("2107.09652", True)
    before = path.read_bytes()
    store.set_star("2107.09652", True)  # already starred: the timestamp stays
    assert path.read_bytes() == before


# Corrupt files ----------------------------------------------------------------

VALID = textwrap.dedent(
    """\
    version = 1

    [papers."2107.09652"]
    title = "A title long enough that cutting the file in half breaks it"
    starred = true
    starred_at = 2024-05-01T10:00:00Z
    note = \"\"\"
    first line
    second line\"\"\"
    note_at = 2024-05-01T10:00:00Z
    updated_at = 2024-05-01T10:00:00Z
    """
).encode()

CORRUPT = {
    "garbage": b"\x00\xff\xfe not toml at all [[[",
    "half-a-file": VALID[: len(VALID) // 2],
    "wrong-type": VALID.replace(b"starred = true", b'starred = "yes"'),
    "note-not-a-string": VALID.replace(b'note = """', b'note = 12\nx = """'),
    "papers-not-a-table": b'version = 1\npapers = "none"\n',
    "bad-paper-id": VALID.replace(b"2107.09652", b"2107.09652v3"),
    "no-version": VALID.replace(b"version = 1", b""),
}


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_corrupt_file_is_moved_aside_untouched(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = AnnotationStore(path)
    (message,) = store.load()

    assert "\n" not in message
    (moved,) = path.parent.glob("annotations.corrupt-*.toml")
    assert CORRUPT_NAME.fullmatch(moved.name)
    assert str(moved) in message and str(path) in message
    assert moved.read_bytes() == content
    assert not path.exists()

    assert store.all() == {}
    store.set_star("2201.00001", True)  # a fresh store works
    assert fresh(path).starred_ids() == {"2201.00001"}
    assert moved.read_bytes() == content


def test_corrupt_file_never_clobbers_an_earlier_one(path: Path) -> None:
    path.parent.mkdir(parents=True)
    now = datetime.now()
    earlier = {}
    for seconds in range(3):  # whatever second the load happens in, its name is taken
        name = f"annotations.corrupt-{now + timedelta(seconds=seconds):%Y%m%d-%H%M%S}.toml"
        earlier[path.with_name(name)] = f"earlier {seconds}".encode()
    for old, content in earlier.items():
        old.write_bytes(content)
    path.write_bytes(b"garbage =")

    (message,) = AnnotationStore(path).load()

    assert all(old.read_bytes() == content for old, content in earlier.items())
    (moved,) = set(path.parent.glob("annotations.corrupt-*.toml")) - set(earlier)
    assert CORRUPT_NAME.fullmatch(moved.name) and moved.name.count("-") == 3
    assert moved.read_bytes() == b"garbage =" and str(moved) in message


def test_valid_hand_edits_are_accepted(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'version = 1\n[papers."2107.09652"]\nstarred = true\n')
    assert fresh(path).starred_ids() == {"2107.09652"}
    path.write_bytes(b"")  # an empty file holds nothing to lose
    assert fresh(path).all() == {}


def test_a_corrupt_file_that_cannot_be_moved_is_never_written_over(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage = [")

    def refuse(self: Path, target: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    with monkeypatch.context() as patch:
        patch.setattr(Path, "rename", refuse)
        store = AnnotationStore(path)
        (message,) = store.load()
    assert "nor moved aside" in message and "Permission denied" in message

    with pytest.raises(StoreError, match="cannot be read or moved aside"):
        store.set_star("2107.09652", True)
    assert path.read_bytes() == b"garbage = ["
    # The user deals with it; a new run of the reader then saves again.
    path.unlink()
    fresh(path).set_star("2107.09652", True)
    assert fresh(path).starred_ids() == {"2107.09652"}


def test_load_removes_temporary_files_left_by_a_crash(path: Path) -> None:
    fresh(path).set_star("2107.09652", True)
    crumbs = [path.with_name(f".{path.name}.abc123"), path.with_name(f".{path.name}.bak.x")]
    for crumb in crumbs:
        crumb.write_bytes(b"half")
    assert fresh(path).starred_ids() == {"2107.09652"}
    assert leftovers(path) == []


# Failed saves -----------------------------------------------------------------


def test_failed_save_keeps_the_change_and_retries_it(
    path: Path, file_size_limit: Callable[[int], None]
) -> None:
    store = fresh(path)
    store.set_star("2107.09652", True, "Starred before the disk filled up")
    before = path.read_bytes()
    file_size_limit(len(before) + 20)  # the backup fits, the new file does not

    with pytest.raises(StoreError) as failure:
        store.set_note("2107.09652", "a long note " * 20)
    assert str(path) in str(failure.value) and "\n" not in str(failure.value)
    assert store.get("2107.09652").note == ("a long note " * 20).rstrip()
    assert store.pending == 1
    with pytest.raises(StoreError):  # the next change retries, and fails again
        store.set_star("2201.00001", True)
    assert store.pending == 2 and store.starred_ids() == {"2107.09652", "2201.00001"}
    assert path.read_bytes() == before  # never truncated
    assert leftovers(path) == []

    file_size_limit(resource.RLIM_INFINITY)
    store.retry()
    assert store.pending == 0
    again = fresh(path)
    assert again.all() == store.all() and again.starred_ids() == {"2107.09652", "2201.00001"}


def test_failed_replace_keeps_the_old_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = fresh(path)
    store.set_star("2107.09652", True)
    before = path.read_bytes()

    def disk_full(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(files.os, "replace", disk_full)
        with pytest.raises(StoreError, match="No space left on device"):
            store.set_star("2201.00001", True)
    assert path.read_bytes() == before and leftovers(path) == []
    assert store.starred_ids() == {"2107.09652", "2201.00001"}
    store.set_note("2201.00001", "the next change saves both")
    assert fresh(path).starred_ids() == {"2107.09652", "2201.00001"}


def test_unusable_folder_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    store = AnnotationStore(blocker / "annotations.toml")
    assert store.load() == []  # nothing there yet: an empty store
    with pytest.raises(StoreError, match="could not save"):
        store.set_star("2107.09652", True)
    assert store.starred_ids() == {"2107.09652"} and store.pending == 1

    blocker.unlink()  # the user fixes it
    store.retry()
    assert fresh(blocker / "annotations.toml").starred_ids() == {"2107.09652"}


# Two instances ----------------------------------------------------------------


def test_two_instances_keep_each_others_changes(path: Path) -> None:
    first, second = fresh(path), fresh(path)
    first.set_star("2107.09652", True, "First")
    second.set_note("2107.09652", "a note from the second")  # same paper, other field
    second.set_star("2201.00001", True, "Second")
    assert first.get("2201.00001").is_empty  # not re-read until it saves or loads
    first.set_star("2201.00002", True)
    assert first.starred_ids() == {"2107.09652", "2201.00001", "2201.00002"}
    assert first.get("2107.09652").note == "a note from the second"
    assert fresh(path).all() == first.all()


def test_an_old_pending_change_does_not_overwrite_a_newer_one(path: Path) -> None:
    early, late = fresh(path), fresh(path)
    early.set_star("2107.09652", True)
    good = path.read_bytes()

    path.write_bytes(b"being edited = [")  # the early instance cannot save for a while
    with pytest.raises(StoreError, match="not saving over"):
        early.set_note("2107.09652", "written first, saved last")
    path.write_bytes(good)
    late.set_note("2107.09652", "written last")

    early.retry()  # its change is older than the file's: the file wins
    assert early.pending == 0
    assert early.get("2107.09652").note == "written last"
    assert fresh(path).get("2107.09652").note == "written last"

    late.set_star("2107.09652", False)  # and a newer change wins over an older entry
    early.set_star("2201.00001", True)
    assert not fresh(path).get("2107.09652").starred


CHILD = """
import sys, time
from pathlib import Path
from tuireader.core.store import AnnotationStore

store = AnnotationStore(Path(sys.argv[1]))
assert store.load() == []
print("ready", flush=True)
sys.stdin.readline()
for number in range(int(sys.argv[2]), 500, 2):
    store.set_star(f"2301.{number:05d}", True, f"Paper {number}")
    if number % 8 < 2:
        time.sleep(0.002)  # now and then, long enough for the other to take the lock
"""


def test_two_processes_starring_500_papers_lose_none(path: Path) -> None:
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
    for child in children:  # both start together, so their saves interleave
        assert child.stdin
        child.stdin.write("go\n")
        child.stdin.close()
    for child in children:
        assert child.wait(timeout=60) == 0
    store = fresh(path)
    assert store.starred_ids() == {f"2301.{n:05d}" for n in range(500)}
    assert store.get("2301.00499").title == "Paper 499"
    by_time = sorted(store.all().items(), key=lambda item: item[1].starred_at)  # type: ignore[arg-type, return-value]
    writers = [int(paper_id[-1]) % 2 for paper_id, _ in by_time]
    assert sum(a != b for a, b in itertools.pairwise(writers)) > 20  # they did interleave


def test_a_symlinked_file_stays_a_symlink(path: Path, tmp_path: Path) -> None:
    """Users keep the file in git or a synced folder and link it in."""
    synced = tmp_path / "synced" / "annotations.toml"
    synced.parent.mkdir()
    store = fresh(path)
    store.set_star("2107.09652", True, "A paper")
    path.rename(synced)
    path.symlink_to(synced)
    store = fresh(path)
    store.set_note("2201.12944", "kept in the synced copy")
    assert path.is_symlink() and path.resolve() == synced
    on_disk = tomllib.loads(synced.read_text())["papers"]
    assert on_disk["2107.09652"]["starred"] and on_disk["2201.12944"]["note"]


# Crashes ----------------------------------------------------------------------

# Forks one saving child per line it reads (the number to start at), reports
# "pid N", and "done" once that child is dead. Forking this small process is
# far cheaper than starting Python, so 200 kills take a second or two. Each
# child prints "ack N" after save N returned, then saves N + 1, until killed.
ZYGOTE = """
import itertools, os, sys
from pathlib import Path
from tuireader.core.store import AnnotationStore

path, papers = Path(sys.argv[1]), [f"2101.{n:05d}" for n in range(8)]
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            store = AnnotationStore(path)
            store.load()
            for number in itertools.count(int(line)):
                store.set_note(papers[number % 8], f"{number}\\nsaved by a doomed child")
                os.write(1, b"ack %d\\n" % number)
        finally:
            os._exit(1)
    os.write(1, b"pid %d\\n" % pid)
    os.waitpid(pid, 0)
    os.write(1, b"done\\n")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_kill_9_never_loses_an_acknowledged_save(path: Path) -> None:
    """A child saves in a tight loop and is killed at a random moment, 200
    times; each time the file must load and hold every acknowledged save."""
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert zygote.stdin and zygote.stdout
    acknowledged: dict[str, int] = {}  # paper -> the last save of it acknowledged
    start, acks, rng = 0, 0, random.Random(20240501)

    def read_line() -> tuple[bytes, int]:
        nonlocal acks
        kind, _, number = zygote.stdout.readline().strip().partition(b" ")
        if kind == b"ack":
            acknowledged[f"2101.{int(number) % 8:05d}"] = int(number)
            acks += 1
        return kind, int(number or -1)

    try:
        for _ in range(200):
            zygote.stdin.write(b"%d\n" % start)
            zygote.stdin.flush()
            seen: dict[bytes, int] = {}
            while not {b"pid", b"ack"} <= seen.keys():  # it is saving: now kill it, any moment
                kind, number = read_line()
                assert kind != b"done", "the child died before saving"
                seen[kind] = number
            time.sleep(rng.uniform(0, 0.004))
            os.kill(seen[b"pid"], signal.SIGKILL)
            while read_line()[0] != b"done":
                pass

            store = AnnotationStore(path)
            assert store.load() == []
            saved = {key: int(a.note.split()[0]) for key, a in store.all().items()}
            for paper, number in acknowledged.items():
                assert saved[paper] >= number, f"lost save {number} of {paper}"
            start = max(saved.values()) + 1
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=10)
    assert acks >= 200  # every round was killed while saving, not while starting
    assert len(leftovers(path)) <= 2
