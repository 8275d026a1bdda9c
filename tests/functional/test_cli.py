"""The scripting commands, run for real as ``python -m tuireader`` in a
subprocess: exit codes, stdout, stderr and the JSON shape.

The subprocesses inherit the per-test XDG folders set by the autouse fixture in
``tests/conftest.py``, so no user config or cache is read or written.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tuireader import __version__

API_FILE = "cs.CV/2022/01/20220131.md"
SAMPLE_DATES = {
    "2022-01-31": 39,
    "2021-07-21": 45,
    "2021-03-11": 66,
    "2021-01-22": 43,
    "2020-08-21": 47,
}


def run(
    *args: str, cwd: Path | None = None, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``tuireader ARGS`` in a fresh interpreter, with the test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "tuireader", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=stdin,
        cwd=cwd,
        timeout=timeout,
        env=os.environ.copy(),
        check=False,
    )


def assert_clean_success(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tuireader: ")


def test_version() -> None:
    result = run("--version")
    assert_clean_success(result)
    assert result.stdout == f"tuireader {__version__}\n"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--help"], id="main"),
        pytest.param(["export", "--help"], id="export"),
        pytest.param(["list", "--help"], id="list"),
        pytest.param(["search", "--help"], id="search"),
        pytest.param(["show", "--help"], id="show"),
        pytest.param(["star", "--help"], id="star"),
        pytest.param(["note", "--help"], id="note"),
        pytest.param(["read", "--help"], id="read"),
        pytest.param(["tag", "--help"], id="tag"),
    ],
)
def test_help(args: list[str]) -> None:
    result = run(*args)
    assert_clean_success(result)
    assert result.stdout.startswith("usage: tuireader")
    if args == ["--help"]:
        for command in ("export", "list", "search", "show", "star", "note", "read", "tag"):
            assert command in result.stdout


def test_export_json_of_the_bundled_samples() -> None:
    result = run("export")
    assert_clean_success(result)
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    assert len(records) == 240
    assert len({r["id"] for r in records}) == 240
    keys = {"id", "version", "title", "authors", "abstract", "dates", "categories"}
    keys |= {"primary_category", "pdf_url", "abs_url", "doi", "comment", "journal"}
    for record in records:
        assert keys <= set(record)
        assert isinstance(record["authors"], list)
        assert isinstance(record["categories"], list)
        assert record["dates"] == sorted(record["dates"])
        assert not re.search(r"v\d+$", record["id"])
    by_id = {r["id"]: r for r in records}
    assert by_id["2201.12944"]["version"] == 5
    assert by_id["2201.12944"]["doi"] == "10.1145/3617592"
    assert by_id["2103.06255"]["version"] is None
    assert by_id["2103.06255"]["doi"] is None
    assert by_id["2103.06255"]["authors"] == []


def test_export_formats_of_one_file(samples_dir: Path) -> None:
    path = str(samples_dir / "2021-07-21-cs.CV.md")
    records = json.loads(run("export", "--format", "json", path).stdout)
    assert len(records) == 45
    markdown = run("export", "--format", "markdown", path)
    assert_clean_success(markdown)
    assert (
        len(re.findall(r"^## \[.*\]\(https://arxiv\.org/abs/\S+\)$", markdown.stdout, re.M)) == 45
    )
    for record in records:
        assert f"({record['abs_url']})" in markdown.stdout
    bibtex = run("export", "-f", "bibtex", path)
    assert_clean_success(bibtex)
    keys = re.findall(r"^@misc\{(arXiv:[^,]+),$", bibtex.stdout, re.M)
    assert keys == [f"arXiv:{record['id']}" for record in records]
    assert bibtex.stdout.count("archivePrefix = {arXiv}") == 45


def test_export_of_several_paths_merges_them(samples_dir: Path) -> None:
    result = run("export", str(samples_dir / API_FILE), str(samples_dir / "2021-01-22-cs.CV.md"))
    assert_clean_success(result)
    assert len(json.loads(result.stdout)) == 39 + 43


def test_list_everything_newest_first() -> None:
    result = run("list")
    assert_clean_success(result)
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 240
    assert all(len(row) == 3 and row[2] for row in rows)
    days = [row[0] for row in rows]
    assert days == sorted(days, reverse=True)
    assert {day: days.count(day) for day in days} == SAMPLE_DATES
    assert len({row[1] for row in rows}) == 240


@pytest.mark.parametrize(("day", "count"), list(SAMPLE_DATES.items()))
def test_list_one_date(day: str, count: int) -> None:
    result = run("list", "--date", day)
    assert_clean_success(result)
    lines = result.stdout.splitlines()
    assert len(lines) == count
    assert all(line.startswith(f"{day}\t") for line in lines)


def test_list_a_date_without_papers() -> None:
    result = run("list", "--date", "1999-01-01")
    assert_one_line_error(result, 1)
    assert result.stderr == "tuireader: no papers on 1999-01-01\n"


def test_search_text_and_limit() -> None:
    result = run("search", "segmentation", "--limit", "5")
    assert result.returncode == 0
    assert re.fullmatch(r"tuireader: showing 5 of \d+; --limit 0 for all\n", result.stderr)
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 5
    for paper_id, day, title, _authors in rows:
        assert re.fullmatch(r"\d{4}\.\d{4,5}", paper_id)
        assert date.fromisoformat(day)
        assert "segmentation" in title.lower()  # title matches rank first


def test_search_json_matches_export_records() -> None:
    result = run("search", '"domain adaptation"', "--format", "json", "-n", "100")
    assert_clean_success(result)
    records = json.loads(result.stdout)
    assert 0 < len(records) < 100
    exported = {r["id"]: r for r in json.loads(run("export").stdout)}
    for record in records:
        assert record == exported[record["id"]]
        text = " ".join([record["title"], record["abstract"] or ""]).lower()
        assert "domain adaptation" in text


def test_search_reports_a_typo_correction() -> None:
    result = run("search", "difusion", "--format", "json")
    assert result.returncode == 0
    assert result.stderr == "tuireader: no match for 'difusion'; searched diffusion\n"
    records = json.loads(result.stdout)
    assert records
    assert all("diffusion" in (r["title"] + " " + (r["abstract"] or "")).lower() for r in records)


def test_search_without_matches() -> None:
    result = run("search", "zzzzqqqq")
    assert_one_line_error(result, 1)
    assert result.stderr == "tuireader: no paper matches 'zzzzqqqq'\n"


@pytest.mark.parametrize(
    "form",
    [
        "2201.13078",
        "2201.13078v2",
        "2201.13078v1",
        "arXiv:2201.13078",
        "https://arxiv.org/abs/2201.13078v2",
        "http://arxiv.org/pdf/2201.13078v2",
    ],
)
def test_show_accepts_every_form_of_id(form: str) -> None:
    result = run("show", form)
    assert_clean_success(result)
    lines = result.stdout.splitlines()
    assert lines[0] == "Lymphoma segmentation from 3D PET-CT images using a deep evidential network"
    assert "arXiv:         2201.13078v2" in lines
    assert "DOI:           10.1016/j.ijar.2022.06.007" in lines
    assert (
        "Journal:       International Journal of Approximate Reasoning, Volume 149, 2022, "
        "Pages 39-60," in lines
    )
    assert result.stdout.rstrip().endswith("on a dataset of 173 patients.")


def test_show_a_listing_paper_lists_its_links() -> None:
    result = run("show", "2103.06255")
    assert_clean_success(result)
    assert "Links:\n  https://github.com/d-li14/involution\n" in result.stdout
    assert "Authors:" not in result.stdout  # a listing does not say


@pytest.mark.parametrize("unknown", ["9999.99999", "hep-th/9901001", "not-an-id"])
def test_show_unknown_id_exits_1(unknown: str) -> None:
    assert_one_line_error(run("show", unknown), 1)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["export", "--format", "xml"], id="unknown-format"),
        pytest.param(["export", "--nope"], id="unknown-option"),
        pytest.param(["export", "/nonexistent/digests"], id="missing-folder"),
        pytest.param(["list", "/nonexistent/x.md"], id="missing-file"),
        pytest.param(["list", "--date", "2021-13-01"], id="bad-month"),
        pytest.param(["list", "--date", "yesterday"], id="not-a-date"),
        pytest.param(["list", "--date"], id="date-without-value"),
        pytest.param(["search"], id="search-without-query"),
        pytest.param(["search", "x", "--limit=-1"], id="negative-limit"),
        pytest.param(["search", ""], id="empty-query"),
        pytest.param(["search", "x", "--limit", "ten"], id="word-limit"),
        pytest.param(["search", "x", "--format", "csv"], id="search-format"),
        pytest.param(["show"], id="show-without-id"),
        pytest.param(["--bogus"], id="unknown-top-option"),
        pytest.param(["/nonexistent"], id="reader-missing-path"),
        pytest.param(["frobnicate"], id="unknown-command"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert_one_line_error(result, 2)
    assert "PATH" not in result.stderr  # paths are optional; never "required"


def test_missing_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = run("export", str(missing))
    assert_one_line_error(result, 2)
    assert str(missing) in result.stderr


def test_warnings_go_to_stderr_and_are_summarised(samples_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "good.md").write_bytes((samples_dir / "2021-01-22-cs.CV.md").read_bytes())
    for n in range(7):
        (folder / f"bad{n}.md").write_text("not a digest\n", encoding="utf-8")
    result = run("export", str(folder))
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == 43
    lines = result.stderr.splitlines()
    assert len(lines) == 6
    assert all(line.startswith("tuireader: warning: ") for line in lines)
    assert f"{folder / 'bad0.md'}:1: not a digest" in lines[0]
    assert lines[-1] == "tuireader: warning: … and 2 more"
    quiet = run("export", "--quiet", str(folder))
    assert_clean_success(quiet)
    assert quiet.stdout == result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_path_does_not_hang(samples_dir: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    result = run("export", str(fifo), str(samples_dir / API_FILE), timeout=30)
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == 39
    assert str(fifo) in result.stderr


def test_configured_folders_replace_the_samples(
    samples_dir: Path, tmp_path: Path, isolated_user_dirs: dict[str, Path]
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "d.md").write_bytes((samples_dir / "2020-08-21-cs.CV.md").read_bytes())
    config = isolated_user_dirs["XDG_CONFIG_HOME"] / "tuireader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"digests = [{json.dumps(str(folder))}]\n", encoding="utf-8")
    result = run("list")
    assert_clean_success(result)
    assert len(result.stdout.splitlines()) == 47


def test_a_broken_config_is_a_warning_and_the_samples_load(
    isolated_user_dirs: dict[str, Path],
) -> None:
    config = isolated_user_dirs["XDG_CONFIG_HOME"] / "tuireader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("digests = [unterminated\n", encoding="utf-8")
    result = run("list")
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 240
    assert result.stderr.startswith("tuireader: warning: ignoring config:")


def test_closing_the_pipe_early_is_quiet() -> None:
    """``tuireader export | head -c 100``, with the reader gone after 100 bytes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "export"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    assert process.stdout is not None and process.stderr is not None
    head = process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8", "replace")
    assert process.wait(timeout=60) == 0
    assert len(head) == 100 and head.startswith(b"[")
    assert stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX shell and head")
@pytest.mark.parametrize("fmt", ["json", "markdown", "bibtex"])
def test_shell_pipe_into_head(fmt: str) -> None:
    command = f'"{sys.executable}" -m tuireader export --format {fmt} | head -c 100'
    result = subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        env=os.environ.copy(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert len(result.stdout) == 100
    assert result.stderr == b""
