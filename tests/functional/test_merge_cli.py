"""``tuireader merge`` and ``tuireader merge-driver``, run as a user (and git) would."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import assert_clean_success, assert_one_line_error, run, saved

from tuireader.core import locations
from tuireader.core.annotations import NOTE_SEPARATOR
from tuireader.core.store import AnnotationStore

SUMMARY = "merged 1 star, 1 note (kept both texts), 1 tag, 2 read marks from the other copy\n"


def data_files() -> dict[str, bytes]:
    folder = locations.data_dir()
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.fixture
def other(tmp_path: Path) -> Path:
    """This machine has a star, a note and a read mark; the other copy (beside
    its read marks, as on the other machine) was changed later."""
    assert run("star", "2107.09652").returncode == 0
    assert run("note", "2201.12944", "mine").returncode == 0
    assert run("read", "2301.00001").returncode == 0
    path = tmp_path / "from-the-desktop" / "annotations.toml"
    store = AnnotationStore(path)
    assert store.load() == []
    store.set_star("2201.00001", True)
    store.set_tag("2201.00001", "ml", True)
    store.set_note("2201.12944", "theirs")
    store.mark_read(["2301.00002", "2301.00003"])
    return path


def test_merge_prints_one_line_and_merges(other: Path) -> None:
    done = run("merge", str(other))
    assert_clean_success(done)
    assert done.stdout == SUMMARY
    store = saved()
    assert store.starred_ids() == {"2107.09652", "2201.00001"}
    assert store.get("2201.12944").note == f"theirs{NOTE_SEPARATOR}mine"
    assert store.read_ids() == {"2301.00001", "2301.00002", "2301.00003"}


def test_merge_twice_changes_nothing_the_second_time(other: Path) -> None:
    assert run("merge", str(other)).stdout == SUMMARY
    files = data_files()
    again = run("merge", str(other))
    assert_clean_success(again)
    assert again.stdout == "nothing new in the other copy\n"
    assert data_files() == files


def test_dry_run_prints_the_summary_and_changes_nothing(other: Path) -> None:
    files = data_files()
    done = run("merge", "--dry-run", str(other))
    assert_clean_success(done)
    assert done.stdout == (
        "would merge 1 star, 1 note (kept both texts), 1 tag, 2 read marks from the other "
        "copy (dry run: nothing written)\n"
    )
    assert data_files() == files


GARBAGE = {
    "damaged-toml": (b"version = 1\n[papers\n", "not valid TOML"),
    "not-toml": (b"\x00\xff\xfe binary", "not valid TOML"),
    "no-version": (b'name = "x"\n', "no format version"),
    "newer-version": (b"version = 9\n[papers]\n", "newer tuireader (format 9)"),
}


@pytest.mark.parametrize(("data", "reason"), GARBAGE.values(), ids=GARBAGE)
def test_merge_refuses_garbage_with_exit_2(
    other: Path, tmp_path: Path, data: bytes, reason: str
) -> None:
    files = data_files()
    bad = tmp_path / "bad.toml"
    bad.write_bytes(data)
    line = assert_one_line_error(run("merge", str(bad)), 2)
    assert reason in line and str(bad) in line
    assert data_files() == files


def test_merge_refuses_a_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    line = assert_one_line_error(run("merge", str(tmp_path / "nope.toml")), 2)
    assert "no such file" in line
    assert_one_line_error(run("merge"), 2)
    assert not locations.annotations_file().exists()


def test_merge_of_a_syncthing_conflict_copy_moves_it_aside(other: Path) -> None:
    live = locations.annotations_file()
    copy = live.with_name("annotations.sync-conflict-20260301-101112-ABCDEFG.toml")
    copy.write_bytes(other.read_bytes())
    held = copy.read_bytes()

    done = run("merge", str(copy))
    assert_clean_success(done)
    assert done.stdout.startswith("merged 1 star, 1 note (kept both texts), 1 tag from the other")
    moved = [path for path in live.parent.iterdir() if ".merged-" in path.name]
    assert len(moved) == 1 and moved[0].read_bytes() == held and not copy.exists()
    assert done.stdout.rstrip().endswith(f"; moved it to {moved[0].name}")
    assert saved().starred_ids() == {"2107.09652", "2201.00001"}


def test_merge_driver_exit_status(tmp_path: Path, other: Path) -> None:
    base, ours, theirs = tmp_path / "O", tmp_path / "A", tmp_path / "B"
    base.write_bytes(b"")
    ours.write_bytes(locations.annotations_file().read_bytes())
    theirs.write_bytes(other.read_bytes())
    done = run("merge-driver", str(base), str(ours), str(theirs))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert b"theirs" in ours.read_bytes() and b"mine" in ours.read_bytes()

    theirs.write_bytes(b"<<<<<<< not a file of ours\n")
    kept = ours.read_bytes()
    assert "cannot merge" in assert_one_line_error(
        run("merge-driver", str(base), str(ours), str(theirs)), 2
    )
    assert ours.read_bytes() == kept
    assert_one_line_error(run("merge-driver", str(base), str(ours)), 2)
