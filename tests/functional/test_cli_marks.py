"""``tuireader read`` and ``tuireader tag``, and the warning of ``star``,
``note``, ``read`` and ``tag`` for an ID the configured digests do not list."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from cli_helpers import (
    API_FILE,
    LG_IDS,
    SAMPLES,
    assert_clean_success,
    assert_one_line_error,
    configure_digests,
    library_of,
    run,
    saved,
    write_lg_digest,
)

from tuireader.core import locations

# read ---------------------------------------------------------------------------


def journal_times() -> list[str]:
    """The time stamp of each read mark in the journal, in order."""
    path = locations.data_dir() / "read-marks.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split()[2] for line in lines if not line.startswith("#")]


def test_read_by_id_marks_any_form_of_id() -> None:
    done = run("read", "2107.09652v2", "https://arxiv.org/abs/2201.12944", "hep-th/9901001")
    assert_clean_success(done)
    assert done.stdout == ""
    assert saved().read_ids() == {"2107.09652", "2201.12944", "hep-th/9901001"}


def test_read_by_id_round_trip_with_unread() -> None:
    assert run("read", "2107.09652", "2201.12944").returncode == 0
    done = run("read", "--unread", "arXiv:2107.09652v1")
    assert_clean_success(done)
    assert saved().read_ids() == {"2201.12944"}


def test_read_by_id_reads_no_digest_and_no_textual() -> None:
    check = (
        "import sys, tuireader.cli.common as common\n"
        "def boom(*a, **k): raise AssertionError('digests loaded')\n"
        "common.load_library = boom\n"
        "from tuireader.cli import main\n"
        "assert main(['read', '2107.09652']) == 0\n"
        "assert main(['read', '--unread', '2107.09652']) == 0\n"
        "assert main(['tag', '2107.09652', 'x']) == 0\n"
        "assert main(['tag', '--list']) == 0\n"
        "assert not [m for m in sys.modules if m.startswith('textual')], 'textual imported'\n"
        "assert not [m for m in sys.modules if m.startswith('sklearn')], 'sklearn imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("day", ["2021-07-21", "2022-01-31"])
def test_read_a_date_marks_every_paper_of_it_in_one_batch(day: str) -> None:
    expected = {paper.id for paper in library_of().papers_on(date.fromisoformat(day))}
    done = run("read", "--date", day, "--verbose")
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == (f"marked {len(expected)} papers read\n", "")
    assert saved().read_ids() == expected
    assert len(set(journal_times())) == 1  # one apply: one batch, one time

    quiet = run("read", "--date", day)
    assert_clean_success(quiet)
    assert quiet.stdout == ""


def test_read_a_date_then_unread_it() -> None:
    assert run("read", "2107.09652").returncode == 0
    assert run("read", "--date", "2022-01-31").returncode == 0
    done = run("read", "--date", "2022-01-31", "--unread", "-v")
    assert done.returncode == 0
    assert done.stdout == "marked 39 papers unread\n"
    assert saved().read_ids() == {"2107.09652"}


def test_read_a_date_says_how_many_already_were() -> None:
    assert run("read", "2201.12944", "2201.12961").returncode == 0
    done = run("read", "-v", "--date", "2022-01-31")
    assert done.stdout == "marked 39 papers read (2 already were)\n"


def test_read_a_date_and_category_marks_that_digest_only(tmp_path: Path) -> None:
    lg = write_lg_digest(tmp_path / "lg")
    done = run("read", "--date", "2022-01-31", "--category", "cs.LG", str(SAMPLES), str(lg), "-v")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "marked 3 papers read\n"
    assert saved().read_ids() == set(LG_IDS)

    other = run("read", "--date", "2022-01-31", "--category", "cs.LG", str(SAMPLES))
    line = assert_one_line_error(other, 1)
    assert line == "tuireader: no cs.LG papers on 2022-01-31"


def test_read_a_date_without_papers_exits_1_and_changes_nothing() -> None:
    line = assert_one_line_error(run("read", "--date", "1999-01-01"), 1)
    assert line == "tuireader: no papers on 1999-01-01"
    assert not (locations.data_dir() / "read-marks.txt").exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ("read",),
        ("read", "not-an-id"),
        ("read", "2107.09652", "12345"),
        ("read", "--date", "2021-02-30"),
        ("read", "--date", "yesterday"),
        ("read", "--category", "cs.LG", "2107.09652"),
        ("read", "--date", "2022-01-31", "/nonexistent/digests"),
        ("read", "--date", "2022-01-31", "--category", " "),
    ],
    ids=[
        "nothing",
        "bad-id",
        "one-bad-id",
        "bad-day",
        "not-a-date",
        "category-alone",
        "path",
        "blank-category",
    ],
)
def test_read_bad_arguments_exit_2_and_change_nothing(arguments: tuple[str, ...]) -> None:
    assert_one_line_error(run(*arguments), 2)
    assert not (locations.data_dir() / "read-marks.txt").exists()


# tag ----------------------------------------------------------------------------


def test_tag_adds_with_or_without_plus() -> None:
    done = run("tag", "2107.09652", "survey")
    assert_clean_success(done)
    assert done.stdout == ""
    assert saved().get("2107.09652").tags == {"survey"}
    assert_clean_success(run("tag", "2107.09652v2", "+To-Read", "+Été"))
    assert saved().get("2107.09652").tags == {"survey", "to-read", "ete"}


def test_tag_removes_with_minus_not_taken_for_an_option() -> None:
    assert run("tag", "2107.09652", "2201.12944", "survey", "theory").returncode == 0
    done = run("tag", "2107.09652", "-survey")
    assert_clean_success(done)
    store = saved()
    assert store.get("2107.09652").tags == {"theory"}
    assert store.get("2201.12944").tags == {"survey", "theory"}
    assert_clean_success(run("tag", "2201.12944", "--", "-theory", "+later"))
    assert saved().get("2201.12944").tags == {"survey", "later"}


def test_tag_several_papers_is_one_batch() -> None:
    assert_clean_success(run("tag", "2107.09652", "2201.12944", "+a", "+b"))
    store = saved()
    times = {
        at for paper in ("2107.09652", "2201.12944") for at in store.get(paper).tags_at.values()
    }
    assert len(times) == 1


def test_tag_list_counts_each_tag() -> None:
    empty = run("tag", "--list")
    assert_clean_success(empty)
    assert empty.stdout == ""
    assert run("tag", "2107.09652", "2201.12944", "survey", "theory").returncode == 0
    assert run("tag", "2201.12961", "survey").returncode == 0
    assert run("tag", "2107.09652", "-theory").returncode == 0
    done = run("tag", "--list")
    assert_clean_success(done)
    assert done.stdout == "survey\t3\ntheory\t1\n"
    expected = "".join(f"{t}\t{len(saved().tagged(t))}\n" for t in saved().tag_names())
    assert done.stdout == expected


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (("tag", "2107.09652", "bad tag"), "'bad tag'"),
        (("tag", "2107.09652", "+"), "'+'"),
        (("tag", "2107.09652", "-"), "'-'"),
        (("tag", "2107.09652", "+ok", "-x" * 30), "'" + "-x" * 30 + "'"),
        (("tag", "2107.09652", "+a:b"), "'+a:b'"),
        (("tag", "2107.09652", "--x"), "'--x'"),
        (("tag", "2107.09652"), "no tag given"),
        (("tag", "survey", "2107.09652"), "'survey'"),
        (("tag", "-survey"), "'-survey'"),
        (("tag",), "usage"),
        (("tag", "--list", "2107.09652"), "--list"),
        (("tag", "2107.09652", "survey", "2201.12944"), "'2201.12944'"),
    ],
    ids=[
        "space",
        "empty-add",
        "empty-remove",
        "too-long",
        "colon",
        "double-dash",
        "no-tag",
        "tag-first",
        "no-id",
        "nothing",
        "list-with-id",
        "id-after-tag",
    ],
)
def test_tag_bad_arguments_exit_2_naming_them(arguments: tuple[str, ...], named: str) -> None:
    line = assert_one_line_error(run(*arguments), 2)
    assert named in line
    assert not locations.annotations_file().exists()


def test_tag_help() -> None:
    done = run("tag", "--help")
    assert_clean_success(done)
    assert done.stdout.startswith("usage: tuireader tag ID...")


# Unknown IDs, with digests configured --------------------------------------------


@pytest.fixture
def configured(tmp_path: Path) -> Path:
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "20220131.md").write_bytes(API_FILE.read_bytes())
    configure_digests(folder)
    return folder


CAPTIONING = "Deep Learning Approaches on Image Captioning: A Review"


@pytest.mark.parametrize(
    ("arguments", "done"),
    [
        (("star",), "starred"),
        (("star", "--remove"), "unstarred"),
        (("read",), "marked read"),
        (("read", "--unread"), "marked unread"),
        (("tag", "+x"), "tagged"),
    ],
    ids=["star", "unstar", "read", "unread", "tag"],
)
def test_an_id_the_digests_do_not_list_is_a_warning(
    configured: Path, arguments: tuple[str, ...], done: str
) -> None:
    command, *options = arguments
    result = run(command, "2201.12944", "2999.99999v2", *options)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    warning = f"tuireader: warning: 2999.99999 is not in your digests; {done} anyway\n"
    assert result.stderr == warning


def test_a_known_paper_gets_its_title_in_the_file(configured: Path) -> None:
    assert run("star", "2201.12944", "2999.99999").returncode == 0
    store = saved()
    assert store.get("2201.12944").title == CAPTIONING
    assert store.get("2999.99999").title == ""
    assert store.starred_ids() == {"2201.12944", "2999.99999"}

    assert run("tag", "2201.12961", "x").returncode == 0
    assert saved().get("2201.12961").title.startswith("Plug-In Inversion")


def test_note_warns_too_and_keeps_the_title(configured: Path) -> None:
    done = run("note", "2999.99999", "hm")
    assert done.returncode == 0
    assert done.stderr == "tuireader: warning: 2999.99999 is not in your digests; noted anyway\n"
    assert_clean_success(run("note", "2201.12944", "good survey"))
    assert saved().get("2201.12944").title == CAPTIONING
    assert saved().get("2999.99999").note == "hm"


def test_without_configured_digests_there_is_no_warning() -> None:
    for arguments in (("star", "2999.99999"), ("read", "2999.99999"), ("tag", "2999.99999", "x")):
        assert_clean_success(run(*arguments))
    assert saved().get("2999.99999").title == ""


def test_configured_digests_that_are_gone_are_a_warning_not_a_failure(tmp_path: Path) -> None:
    configure_digests(tmp_path / "gone")
    done = run("star", "2201.12944")
    assert done.returncode == 0
    assert done.stderr.startswith("tuireader: warning: cannot check IDs against your digests")
    assert saved().starred_ids() == {"2201.12944"}


# A file of a newer format ----------------------------------------------------------

NEWER = b'version = 99\nfuture = "kept"\n\n[papers."2201.12944"]\nstarred = true\nhue = 3\n'


@pytest.mark.parametrize(
    "arguments",
    [
        ("star", "2107.09652"),
        ("star", "--remove", "2201.12944"),
        ("note", "2107.09652", "hm"),
        ("read", "2107.09652"),
        ("read", "--date", "2022-01-31"),
        ("tag", "2107.09652", "x"),
    ],
    ids=" ".join,
)
def test_a_newer_format_is_never_written(arguments: tuple[str, ...]) -> None:
    """A newer tuireader's file holds what this one cannot read back: any
    write refuses (exit 2, one line saying to upgrade) and touches no byte."""
    path = locations.annotations_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(NEWER)
    line = assert_one_line_error(run(*arguments), 2)
    assert "newer tuireader" in line and "upgrade" in line
    assert path.read_bytes() == NEWER
    written = {p.name for p in path.parent.iterdir() if p.suffix != ".lock"}
    assert written == {path.name}  # no journal of read marks either
