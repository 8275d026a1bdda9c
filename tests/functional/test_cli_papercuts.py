"""Small things a user trips over: a mistyped command, a search that finds
nothing or too much, a date without papers. One line on stderr each."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import (
    assert_clean_success,
    assert_one_line_error,
    library_of,
    listed_ids,
    run,
    saved,
)

from tuireader.core.search import SearchIndex

COMMANDS = (
    "export, list, merge, merge-driver, note, read, recommend, search, show, similar, star, tag"
)


@pytest.mark.parametrize("word", ["frobnicate", "lsit", "Export", "help"])
def test_an_unknown_command_is_named_with_the_commands(word: str, tmp_path: Path) -> None:
    line = assert_one_line_error(run(word, cwd=tmp_path), 2)
    assert line == f"tuireader: unknown command {word!r} (commands: {COMMANDS})"


@pytest.mark.parametrize(
    "path",
    [
        "/nonexistent/digests",
        "missing.md",
        "missing-folder/",
        "./frobnicate",
        "~/no-such-tuireader",
    ],
)
def test_a_missing_path_is_still_a_path(path: str, tmp_path: Path) -> None:
    line = assert_one_line_error(run(path, cwd=tmp_path), 2)
    assert line == f"tuireader: no such file or folder: {path}"


def test_an_existing_path_named_like_a_word_is_a_path(tmp_path: Path) -> None:
    """``frobnicate`` is a folder here, so it is taken for a path: the error is
    about the next one, which is missing (and the app is never started)."""
    (tmp_path / "frobnicate").mkdir()
    line = assert_one_line_error(run("frobnicate", "gone.md", cwd=tmp_path), 2)
    assert line == "tuireader: no such file or folder: gone.md"


def test_a_search_without_matches_exits_1() -> None:
    line = assert_one_line_error(run("search", "zzzzqqqq"), 1)
    assert line == "tuireader: no paper matches 'zzzzqqqq'"
    filtered = run("search", "segmentation", "--starred")
    assert assert_one_line_error(filtered, 1) == "tuireader: no paper matches 'segmentation'"


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_an_empty_search_is_a_usage_error(query: str) -> None:
    line = assert_one_line_error(run("search", query), 2)
    assert line == "tuireader: empty query: give words to search for"


@pytest.mark.parametrize(
    ("query", "character"), [('ti:"open', 4), ("(a", 1), ("a OR", 3), ("is:sleepy", 4)]
)
def test_a_query_that_cannot_be_parsed_says_where(query: str, character: int) -> None:
    line = assert_one_line_error(run("search", query), 2)
    assert line.startswith(f"tuireader: bad query at character {character}: ")


def matches(query: str) -> list[str]:
    index = SearchIndex(library_of().ordered_papers())
    return [index.ids[i] for i in index.search(query, marks=saved()).positions]


def test_limit_says_when_it_cut_and_0_means_all() -> None:
    expected = matches("segmentation")
    assert len(expected) > 20
    default = run("search", "segmentation")
    assert default.returncode == 0
    assert default.stderr == f"tuireader: showing 20 of {len(expected)}; --limit 0 for all\n"
    assert listed_ids(default, column=0) == expected[:20]

    five = run("search", "segmentation", "-n", "5")
    assert five.stderr == f"tuireader: showing 5 of {len(expected)}; --limit 0 for all\n"
    assert listed_ids(five, column=0) == expected[:5]

    every = run("search", "segmentation", "--limit", "0")
    assert_clean_success(every)
    assert listed_ids(every, column=0) == expected

    exact = run("search", "segmentation", "--limit", str(len(expected)))
    assert_clean_success(exact)
    assert listed_ids(exact, column=0) == expected


@pytest.mark.parametrize("limit", ["-1", "ten", "2.5", ""])
def test_a_bad_limit_exits_2(limit: str) -> None:
    assert_one_line_error(run("search", "x", f"--limit={limit}"), 2)


@pytest.mark.parametrize("command", ["list", "read"])
@pytest.mark.parametrize("category", [[], ["--category", "cs.LG"]], ids=["all", "category"])
def test_a_date_without_papers_exits_1(command: str, category: list[str]) -> None:
    line = assert_one_line_error(run(command, "--date", "1999-01-01", *category), 1)
    assert line == "tuireader: no papers on 1999-01-01"
