"""``tuireader star``, ``note`` and ``export --starred``, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tuireader.core import locations
from tuireader.core.store import AnnotationStore


def run(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuireader", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def saved() -> AnnotationStore:
    store = AnnotationStore()
    assert store.load() == []
    return store


def test_star_and_unstar_any_form_of_id() -> None:
    done = run("star", "2107.09652v2", "https://arxiv.org/abs/2201.12944", "hep-th/9901001")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert saved().starred_ids() == {"2107.09652", "2201.12944", "hep-th/9901001"}

    done = run("star", "--remove", "arXiv:2107.09652", "hep-th/9901001v1")
    assert (done.returncode, done.stderr) == (0, "")
    assert saved().starred_ids() == {"2201.12944"}


def test_note_from_argument_from_stdin_and_deleted() -> None:
    assert run("note", "2107.09652", "look at [red]Fig. 3[/] \\o/").returncode == 0
    assert saved().get("2107.09652").note == "look at [red]Fig. 3[/] \\o/"

    text = 'first line\n  "quoted", """triple""" and é\n'
    done = run("note", "https://arxiv.org/pdf/2107.09652v1.pdf", "-", stdin=text)
    assert (done.returncode, done.stderr) == (0, "")
    assert saved().get("2107.09652").note == text.rstrip()

    assert run("note", "2107.09652", "").returncode == 0
    assert saved().get("2107.09652").note is None


@pytest.mark.parametrize(
    "arguments",
    [("star", "not-an-id"), ("star",), ("note", "12345", "text"), ("note", "2107.09652")],
    ids=["bad-star-id", "no-id", "bad-note-id", "no-text"],
)
def test_bad_arguments_are_one_line_and_exit_2(arguments: tuple[str, ...]) -> None:
    done = run(*arguments)
    assert done.returncode == 2
    assert done.stderr.startswith("tuireader: ") and done.stderr.count("\n") == 1
    assert not locations.annotations_file().exists()


def test_an_unusable_data_folder_is_one_line_and_exit_1() -> None:
    locations.data_dir().write_text("a file where the data folder should be")
    done = run("star", "2107.09652")
    assert done.returncode == 1
    assert done.stderr.startswith("tuireader: could not save") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_a_full_disk_leaves_the_file_as_it_was() -> None:
    """Writing past a small file-size limit fails as a full disk would, even as root."""
    assert run("star", "2107.09652").returncode == 0
    path = locations.annotations_file()
    before = path.read_bytes()
    limited = textwrap.dedent(
        f"""
        import resource, signal, sys
        from tuireader.cli import main
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({len(before) + 10}, {len(before) + 10}))
        sys.exit(main(["note", "2107.09652", "a note far longer than the limit " * 9]))
        """
    )
    done = subprocess.run([sys.executable, "-c", limited], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith("tuireader: could not save") and done.stderr.count("\n") == 1
    assert path.read_bytes() == before
    assert list(path.parent.glob(f".{path.name}.*")) == []


def test_a_corrupt_file_is_moved_aside_with_a_warning() -> None:
    path = locations.annotations_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"version = 1\n[papers.")
    done = run("star", "2107.09652")
    assert done.returncode == 0
    (moved,) = path.parent.glob("annotations.corrupt-*.toml")
    assert done.stderr.startswith("tuireader: warning: ") and str(moved) in done.stderr
    assert moved.read_bytes() == b"version = 1\n[papers."
    assert saved().starred_ids() == {"2107.09652"}


def test_export_carries_stars_and_notes(samples_dir: Path) -> None:
    assert run("star", "2107.09652").returncode == 0
    assert run("note", "2107.09652", "starred and noted").returncode == 0
    assert run("note", "2201.12944", "only noted").returncode == 0

    done = run("export", "-q", str(samples_dir))
    records = {record["id"]: record for record in json.loads(done.stdout)}
    assert (records["2107.09652"]["starred"], records["2107.09652"]["note"]) == (
        True,
        "starred and noted",
    )
    assert (records["2201.12944"]["starred"], records["2201.12944"]["note"]) == (
        False,
        "only noted",
    )
    assert (records["2201.12961"]["starred"], records["2201.12961"]["note"]) == (False, None)

    starred = json.loads(run("export", "--starred", "-q", str(samples_dir)).stdout)
    assert [record["id"] for record in starred] == ["2107.09652"]
    markdown = run("export", "--starred", "-f", "markdown", "-q", str(samples_dir)).stdout
    assert markdown.count("## ★ ") == 1 and "starred and noted" in markdown


def test_star_and_note_do_not_import_textual() -> None:
    check = (
        "import sys; from tuireader.cli import main; "
        "assert main(['star', '2107.09652']) == 0; "
        "assert main(['note', '2107.09652', 'x']) == 0; "
        "assert not [m for m in sys.modules if m.startswith('textual')], 'textual imported'"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
