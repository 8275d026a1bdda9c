"""Merging another copy's files into this machine's: real files written by the
real store, refusals that leave every byte alone, journals, git's driver and
Syncthing's conflict copies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tuireader.core import locations
from tuireader.core.annotations import NOTE_SEPARATOR
from tuireader.core.journal import HEADER
from tuireader.core.merge import (
    MergeError,
    MergeSummary,
    find_sync_conflicts,
    merge_annotation_files,
    merge_driver,
    merge_journal_files,
    merge_other_copy,
    merge_sync_conflict,
)
from tuireader.core.store import AnnotationStore

T1, T2, T3 = (f"2026-03-01T09:0{minute}:00.000000Z" for minute in (1, 2, 3))


def store_at(path: Path) -> AnnotationStore:
    store = AnnotationStore(path)
    assert store.load() == []
    return store


@pytest.fixture
def live() -> Path:
    """This machine's annotations file: starred A, noted P, read X."""
    path = locations.annotations_file()
    store = store_at(path)
    store.set_star("2107.09652", True)
    store.set_note("2201.12944", "mine")
    store.mark_read(["2301.00001"])
    return path


@pytest.fixture
def other(tmp_path: Path, live: Path) -> Path:
    """The other machine's copy (written after this one's): starred B, tagged
    B, noted P differently, read Y and Z."""
    path = tmp_path / "desktop" / "annotations.toml"
    store = store_at(path)
    store.set_star("2201.00001", True)
    store.set_tag("2201.00001", "ml", True)
    store.set_note("2201.12944", "theirs")
    store.mark_read(["2301.00002", "2301.00003"])
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_another_copy_is_merged_with_its_read_marks(live: Path, other: Path) -> None:
    before = live.read_bytes()
    summary = merge_other_copy(live, other)
    assert summary == MergeSummary(
        stars=1, notes=1, both_notes=1, tags=1, read_marks=2, changed=True
    )
    assert summary.describe() == (
        "merged 1 star, 1 note (kept both texts), 1 tag, 2 read marks from the other copy"
    )
    merged = store_at(live)
    assert merged.starred_ids() == {"2107.09652", "2201.00001"}
    assert merged.get("2201.12944").note == f"theirs{NOTE_SEPARATOR}mine"
    assert merged.tagged("ml") == {"2201.00001"}
    assert merged.read_ids() == {"2301.00001", "2301.00002", "2301.00003"}
    assert live.with_name("annotations.toml.bak").read_bytes() == before
    assert live.with_name("read-marks.txt.bak").exists()


def test_merging_the_same_copy_twice_changes_nothing_the_second_time(
    live: Path, other: Path
) -> None:
    merge_other_copy(live, other)
    files = snapshot(live.parent)
    inodes = {name: os.stat(live.with_name(name)).st_ino for name in files}
    summary = merge_other_copy(live, other)
    assert summary == MergeSummary()
    assert summary.describe() == "nothing new in the other copy"
    assert snapshot(live.parent) == files
    assert {name: os.stat(live.with_name(name)).st_ino for name in files} == inodes


def test_a_dry_run_says_the_same_and_writes_nothing(live: Path, other: Path) -> None:
    files = snapshot(live.parent)
    summary = merge_other_copy(live, other, dry_run=True)
    assert summary.stars == 1 and summary.read_marks == 2
    assert summary.describe(dry_run=True).startswith("would merge 1 star, 1 note")
    assert summary.describe(dry_run=True).endswith("(dry run: nothing written)")
    assert snapshot(live.parent) == files


def test_a_store_open_during_the_merge_keeps_the_merge(live: Path, other: Path) -> None:
    """The running app's store saves by re-reading the file under the same
    lock: a change made after the merge keeps what the merge brought."""
    running = store_at(live)
    merge_other_copy(live, other)
    running.set_star("2401.00001", True)
    running.mark_read(["2401.00002"])
    after = store_at(live)
    assert after.starred_ids() == {"2107.09652", "2201.00001", "2401.00001"}
    assert after.read_ids() >= {"2301.00002", "2401.00002"}


REFUSED = {
    "damaged-toml": (b'version = 1\n[papers."2107.09652"\nstarred = true\n', "not valid TOML"),
    "binary": (bytes(range(256)), "not valid TOML"),
    "no-version": (b'title = "a config file"\n', "no format version"),
    "not-ours": (b"version = 1\n[server]\nport = 8080\n", "not a tuireader annotations file"),
    "wrong-types": (b'version = 1\n[papers."2107.09652"]\nstarred = "yes"\n', "not a bool"),
    "newer-version": (b"version = 2\n[papers]\n", r"newer tuireader \(format 2\)"),
    "newer-journal": (b"# tuireader read marks, format 2\n", r"newer tuireader \(format 2\)"),
}


@pytest.mark.parametrize(("data", "reason"), REFUSED.values(), ids=REFUSED)
def test_a_file_that_cannot_be_merged_is_refused_and_nothing_is_written(
    live: Path, tmp_path: Path, data: bytes, reason: str
) -> None:
    files = snapshot(live.parent)
    bad = tmp_path / "bad.toml"
    bad.write_bytes(data)
    with pytest.raises(MergeError, match=reason):
        merge_other_copy(live, bad)
    assert snapshot(live.parent) == files


@pytest.mark.parametrize("name", ["missing.toml", "a-folder"])
def test_a_missing_file_or_a_folder_is_refused(live: Path, tmp_path: Path, name: str) -> None:
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(MergeError, match="no such file|folder"):
        merge_other_copy(live, tmp_path / name)


def test_a_damaged_journal_beside_the_other_copy_refuses_both(live: Path, other: Path) -> None:
    other.with_name("read-marks.txt").write_text("some notes of mine\n")
    files = snapshot(live.parent)
    with pytest.raises(MergeError, match="not a tuireader read journal"):
        merge_other_copy(live, other)
    assert snapshot(live.parent) == files


def test_a_damaged_file_here_is_not_merged_into(live: Path, other: Path) -> None:
    live.write_bytes(b"version = 1\n[papers\n")
    with pytest.raises(MergeError, match="cannot merge into .* cannot be read"):
        merge_annotation_files(live, other)
    assert live.read_bytes() == b"version = 1\n[papers\n"


def test_this_machines_own_file_is_refused(live: Path) -> None:
    for own in (live, live.with_name("read-marks.txt")):
        with pytest.raises(MergeError, match="this machine's own file"):
            merge_other_copy(live, own)


def test_into_no_file_yet(tmp_path: Path, other: Path) -> None:
    fresh = tmp_path / "new" / "annotations.toml"
    summary = merge_other_copy(fresh, other)
    assert summary.stars == 1 and summary.read_marks == 2
    assert store_at(fresh).starred_ids() == {"2201.00001"}
    assert not fresh.with_name("annotations.toml.bak").exists()  # there was nothing to keep


# Read journals --------------------------------------------------------------------------


def journal(path: Path, *lines: str, header: str = HEADER) -> Path:
    path.write_text(header + "".join(line + "\n" for line in lines))
    return path


def test_journals_merge_to_the_latest_mark_per_paper(tmp_path: Path) -> None:
    ours = journal(
        tmp_path / "ours.txt",
        f"2107.09652 read {T1}",
        f"2107.09652 unread {T3}",  # superseded lines go
        f"2201.12944 read {T2}",
        "this line is damaged",  # kept as it is
        "2201.00001 rea",  # torn by a crash: says nothing
    )
    theirs = journal(
        tmp_path / "theirs.txt",
        f"2201.12944 unread {T3}",
        f"2107.09652 read {T2}",
        f"2301.00001 read {T1}",
    )
    assert merged_lines(ours, theirs) == [
        HEADER,
        f"2107.09652 unread {T3}\n",
        f"2201.12944 unread {T3}\n",
        f"2301.00001 read {T1}\n",
        "this line is damaged\n",
    ]
    assert merged_lines(theirs, ours) == merged_lines(ours, theirs)


def test_a_read_journal_given_alone_merges_into_this_machines(live: Path, tmp_path: Path) -> None:
    marks = journal(tmp_path / "read-marks.txt", f"2301.00009 read {T1}")
    assert merge_other_copy(live, marks).read_marks == 1
    assert merge_other_copy(live, marks) == MergeSummary()
    assert store_at(live).read_ids() == {"2301.00001", "2301.00009"}


def test_a_read_and_an_unread_mark_at_one_time_read_wins(tmp_path: Path) -> None:
    ours = journal(tmp_path / "a.txt", f"2107.09652 unread {T1}")
    theirs = journal(tmp_path / "b.txt", f"2107.09652 read {T1}")
    assert merged_lines(ours, theirs)[1:] == [f"2107.09652 read {T1}\n"]
    assert merged_lines(theirs, ours)[1:] == [f"2107.09652 read {T1}\n"]


def merged_lines(ours: Path, theirs: Path) -> list[str]:
    """The lines of a copy of ``ours`` once ``theirs`` is merged into it (the
    originals stay as they are, to merge the other way round too)."""
    copy = ours.with_name(f"merged-{ours.name}-{theirs.name}")
    shutil.copyfile(ours, copy)
    merge_journal_files(copy, theirs)
    return copy.read_text(encoding="utf-8").splitlines(keepends=True)


# Git's driver ---------------------------------------------------------------------------


def test_the_driver_tells_the_files_apart_by_content(tmp_path: Path, other: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    base, ours, theirs = (checkout / name for name in ("O", "A", "B"))
    base.write_bytes(b"")
    journal(ours, f"2107.09652 read {T1}")
    journal(theirs, f"2201.12944 read {T2}")
    assert merge_driver(base, ours, theirs).read_marks == 1
    assert ours.read_text() == HEADER + f"2107.09652 read {T1}\n2201.12944 read {T2}\n"

    ours.write_bytes(b"")
    theirs.write_bytes(other.read_bytes())
    assert merge_driver(base, ours, theirs).stars == 1
    assert ours.read_bytes() == other.read_bytes()
    assert sorted(path.name for path in checkout.iterdir()) == ["A", "B", "O"]  # no lock, no .bak


def test_the_driver_refuses_a_journal_against_annotations(tmp_path: Path, other: Path) -> None:
    base, ours, theirs = (tmp_path / name for name in ("O", "A", "B"))
    base.write_bytes(b"")
    journal(ours, f"2107.09652 read {T1}")
    theirs.write_bytes(other.read_bytes())
    with pytest.raises(MergeError, match="an annotations file and a read journal"):
        merge_driver(base, ours, theirs)


# Syncthing's conflict copies ------------------------------------------------------------


def conflict_of(live: Path, source: Path, name: str) -> Path:
    copy = live.with_name(name)
    copy.write_bytes(source.read_bytes())
    return copy


def test_conflict_copies_are_found_beside_the_real_files(tmp_path: Path, other: Path) -> None:
    synced = tmp_path / "Sync"
    synced.mkdir()
    real = synced / "annotations.toml"
    real.write_bytes(other.read_bytes())
    link = tmp_path / "data" / "annotations.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    names = [
        "annotations.sync-conflict-20260301-101112-ABCDEFG.toml",
        "read-marks.sync-conflict-20260301-101112-ABCDEFG.txt",
        "annotations.sync-conflict-20260228-090000-ABCDEFG.merged-20260301-120000.toml",
        "annotations.toml.bak",
        "other.sync-conflict-20260301-101112-ABCDEFG.toml",
    ]
    for name in names:
        (synced / name).write_text("")
    assert find_sync_conflicts(link) == [synced / names[0], synced / names[1]]
    assert find_sync_conflicts(tmp_path / "nowhere" / "annotations.toml") == []


def test_a_conflict_copy_is_merged_then_moved_aside_never_deleted(live: Path, other: Path) -> None:
    copy = conflict_of(live, other, "annotations.sync-conflict-20260301-101112-ABCDEFG.toml")
    held = copy.read_bytes()
    assert merge_sync_conflict(copy, live, dry_run=True).stars == 1
    assert copy.exists() and find_sync_conflicts(live) == [copy]

    summary = merge_sync_conflict(copy, live)
    assert summary.stars == 1 and summary.moved_to is not None
    assert not copy.exists() and summary.moved_to.read_bytes() == held
    assert summary.moved_to.name.startswith(
        "annotations.sync-conflict-20260301-101112-ABCDEFG.merged-"
    )
    assert summary.describe().endswith(f"; moved it to {summary.moved_to.name}")
    assert find_sync_conflicts(live) == []
    assert store_at(live).starred_ids() == {"2107.09652", "2201.00001"}


def test_a_conflict_copy_of_the_journal(live: Path, tmp_path: Path) -> None:
    marks = journal(tmp_path / "j.txt", f"2301.00009 read {T1}")
    copy = conflict_of(live, marks, "read-marks.sync-conflict-20260301-101112-ABCDEFG.txt")
    summary = merge_sync_conflict(copy)  # the live file from the copy's name
    assert summary.read_marks == 1 and not copy.exists()
    assert store_at(live).is_read("2301.00009")


def test_tuireader_merge_of_a_conflict_copy_moves_it_aside(live: Path, other: Path) -> None:
    copy = conflict_of(live, other, "annotations.sync-conflict-20260301-101112-ABCDEFG.toml")
    summary = merge_other_copy(live, copy)
    assert summary.stars == 1 and summary.moved_to is not None and not copy.exists()
    assert summary.read_marks == 0  # the read-marks.txt beside it is this machine's own


def test_three_way_from_files_does_not_double_a_note_changed_on_one_side(
    live: Path, tmp_path: Path
) -> None:
    base = tmp_path / "base.toml"
    base.write_bytes(live.read_bytes())
    theirs = tmp_path / "theirs" / "annotations.toml"
    theirs.parent.mkdir()
    theirs.write_bytes(live.read_bytes())
    store_at(live).set_note("2201.12944", "mine, finished")  # changed here only
    store_at(theirs).set_star("2107.09652", False)  # and the star there only

    summary = merge_annotation_files(live, theirs, base)
    assert (summary.unstars, summary.notes) == (1, 0)
    merged = store_at(live)
    assert merged.get("2201.12944").note == "mine, finished"
    assert merged.starred_ids() == set()
