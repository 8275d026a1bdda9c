"""Two machines' data, kept in git: real clones, real commits, real merges."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tuireader.core.annotations import NOTE_SEPARATOR
from tuireader.core.store import AnnotationStore

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=folder,
        env=os.environ | GIT_ENV,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture
def machines(tmp_path: Path) -> tuple[Path, Path]:
    """Two clones of one repository holding the data folder, as README sets it up."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--bare", "-b", "main", str(origin))
    first, second = tmp_path / "laptop", tmp_path / "desktop"
    git(tmp_path, "clone", str(origin), str(first))
    (first / ".gitattributes").write_text("read-marks.txt merge=union\n")
    git(first, "add", ".gitattributes")
    git(first, "commit", "-m", "tuireader data")
    git(first, "push", "origin", "main")
    git(tmp_path, "clone", str(origin), str(second))
    return first, second


def store_in(clone: Path) -> AnnotationStore:
    store = AnnotationStore(clone / "annotations.toml")
    assert store.load() == []
    return store


def commit_all(clone: Path, message: str) -> None:
    git(clone, "add", "-A")
    git(clone, "commit", "-m", message)


def test_read_marks_of_two_machines_merge_without_a_conflict(
    machines: tuple[Path, Path],
) -> None:
    laptop, desktop = machines
    store_in(laptop).mark_read(["2107.09652", "2201.12944"])
    commit_all(laptop, "morning on the laptop")
    git(laptop, "push")
    git(desktop, "pull")

    on_desktop = store_in(desktop)
    on_desktop.mark_read(["2201.00001", "2201.00002"])
    on_desktop.mark_read(["2107.09652"], read=False)  # read again later, on the desktop
    commit_all(desktop, "evening on the desktop")

    store_in(laptop).mark_read(["2301.00001", "2301.00002"])
    commit_all(laptop, "next morning on the laptop")
    git(laptop, "push")

    merge = git(desktop, "pull", "--no-rebase")
    assert "CONFLICT" not in merge.stdout
    assert "<<<<<<<" not in (desktop / "read-marks.txt").read_text()
    merged = store_in(desktop)
    assert merged.read_ids() == {
        "2201.12944",
        "2201.00001",
        "2201.00002",
        "2301.00001",
        "2301.00002",
    }
    merged.mark_read(["2401.00001"])  # and the merged file takes new marks
    assert store_in(desktop).is_read("2401.00001")


# The tuireader merge driver ------------------------------------------------------------

#: As README sets it up, but running this checkout's tuireader.
DRIVER = f"{shlex.quote(sys.executable)} -m tuireader merge-driver %O %A %B"
A, B, C = "2107.09652", "2201.12944", "2201.00001"  # overlapping: changed on both machines
LAPTOP_ONLY, DESKTOP_ONLY, UNTOUCHED = "2301.00001", "2301.00002", "2301.00003"
E = "2201.00005"  # starred on the desktop, starred and unstarred later on the laptop


@pytest.fixture
def driven(tmp_path: Path) -> tuple[Path, Path]:
    """Two clones with the merge driver set for both files, sharing a first
    day of stars, notes, tags and read marks."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--bare", "-b", "main", str(origin))
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    git(tmp_path, "clone", str(origin), str(laptop))
    (laptop / ".gitattributes").write_text(
        "annotations.toml merge=tuireader\nread-marks.txt merge=tuireader\n"
    )
    (laptop / ".gitignore").write_text("*.lock\n*.bak\n")
    day_one = store_in(laptop)
    day_one.set_star(A, True)
    day_one.set_note(B, "first thoughts")
    day_one.set_note(UNTOUCHED, "a draft")
    day_one.set_star(UNTOUCHED, True)
    day_one.set_tag(C, "ml", True)
    day_one.mark_read([A, C])
    commit_all(laptop, "day one")
    git(laptop, "push", "origin", "main")
    git(tmp_path, "clone", str(origin), str(desktop))
    for clone in (laptop, desktop):
        git(clone, "config", "merge.tuireader.name", "tuireader annotations and read marks")
        git(clone, "config", "merge.tuireader.driver", DRIVER)
    return laptop, desktop


def pull(clone: Path) -> subprocess.CompletedProcess[str]:
    merge = git(clone, "pull", "--no-rebase", "origin", "main")
    assert "CONFLICT" not in merge.stdout + merge.stderr
    assert git(clone, "status", "--porcelain").stdout == ""
    for name in ("annotations.toml", "read-marks.txt"):
        assert "<<<<<<<" not in (clone / name).read_text()
    return merge


def test_both_machines_changes_merge_field_by_field(driven: tuple[Path, Path]) -> None:
    laptop, desktop = driven
    # Evening, on the desktop.
    evening = store_in(desktop)
    evening.set_star(A, False)
    evening.set_star(E, True)
    evening.set_star(DESKTOP_ONLY, True)
    evening.set_note(B, "the desktop's thoughts")
    evening.set_tag(C, "cv", True)
    evening.set_star(UNTOUCHED, False)  # only the desktop touches this paper
    evening.mark_read([DESKTOP_ONLY])
    evening.mark_read([A], read=False)
    commit_all(desktop, "evening on the desktop")
    # Next morning, on the laptop: later, so its changes of the same fields win.
    morning = store_in(laptop)
    morning.set_star(A, False)
    morning.set_star(A, True)  # starred again: later than the desktop's unstar
    morning.set_star(E, True)
    morning.set_star(E, False)  # unstarred: later than the desktop's star
    morning.set_star(LAPTOP_ONLY, True)
    morning.set_note(B, "the laptop's thoughts")
    morning.set_note(LAPTOP_ONLY, "only on the laptop")
    morning.set_tag(C, "ml", False)
    morning.set_tag(C, "nlp", True)
    morning.mark_read([LAPTOP_ONLY])
    commit_all(laptop, "morning on the laptop")
    git(laptop, "push")

    pull(desktop)

    merged = store_in(desktop)
    assert merged.starred_ids() == {A, LAPTOP_ONLY, DESKTOP_ONLY}  # the later change of A, E
    assert merged.get(B).note == f"the laptop's thoughts{NOTE_SEPARATOR}the desktop's thoughts"
    assert merged.get(LAPTOP_ONLY).note == "only on the laptop"
    assert merged.get(UNTOUCHED).note == "a draft"  # changed on neither: not doubled
    assert not merged.get(UNTOUCHED).starred  # unstarred on one side only: stays so
    assert merged.get(C).tags == {"cv", "nlp"}  # ml removed on the laptop, cv added here
    assert merged.read_ids() == {C, LAPTOP_ONLY, DESKTOP_ONLY}  # A: unread on the desktop
    marks = (desktop / "read-marks.txt").read_text()
    assert marks.count("# tuireader read marks") == 1

    # The laptop takes the merge as it is, and both machines agree.
    git(desktop, "push")
    pull(laptop)
    assert (laptop / "annotations.toml").read_bytes() == (desktop / "annotations.toml").read_bytes()
    assert store_in(laptop).read_ids() == merged.read_ids()


def test_a_change_on_one_side_only_is_taken_as_it_is(driven: tuple[Path, Path]) -> None:
    """The merge base is git's: a note tidied on one machine after a merge
    that kept both texts is not doubled again, however old the other copy."""
    laptop, desktop = driven
    store_in(desktop).set_note(B, "the desktop's thoughts")
    commit_all(desktop, "desktop")
    store_in(laptop).set_note(B, "the laptop's thoughts")
    commit_all(laptop, "laptop")
    git(laptop, "push")
    pull(desktop)
    git(desktop, "push")
    pull(laptop)

    store_in(laptop).set_note(B, "tidied: one note")  # the laptop tidies the combined note
    commit_all(laptop, "tidy")
    store_in(desktop).set_star(DESKTOP_ONLY, True)  # the desktop works on something else
    store_in(desktop).set_note(UNTOUCHED, "a draft, finished")
    commit_all(desktop, "other work")
    git(laptop, "push")

    pull(desktop)

    merged = store_in(desktop)
    assert merged.get(B).note == "tidied: one note"
    assert merged.get(UNTOUCHED).note == "a draft, finished"
    assert merged.starred_ids() == {A, UNTOUCHED, DESKTOP_ONLY}


def test_a_file_the_driver_cannot_merge_is_left_as_a_conflict(
    driven: tuple[Path, Path],
) -> None:
    laptop, desktop = driven
    store_in(desktop).set_star(DESKTOP_ONLY, True)
    commit_all(desktop, "desktop")
    ours = (desktop / "annotations.toml").read_bytes()
    (laptop / "annotations.toml").write_text("version = 1\n[papers\n")  # damaged by hand
    commit_all(laptop, "oops")
    git(laptop, "push")

    with pytest.raises(subprocess.CalledProcessError) as failed:
        git(desktop, "pull", "--no-rebase", "origin", "main")
    assert "CONFLICT" in failed.value.stdout
    assert (desktop / "annotations.toml").read_bytes() == ours  # untouched, no markers
    git(desktop, "merge", "--abort")
