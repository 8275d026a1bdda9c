"""Two machines' data, kept in git: real clones, real commits, real merges."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

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
