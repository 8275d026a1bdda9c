"""``recommend`` and ``similar``, run for real as ``python -m tuireader``.

As in ``tests/unit/test_rank.py``: the papers whose title says
"segmentation" on the 3 oldest sample dates are starred (20 papers), and the
newer dates are ranked. What the commands should print is computed from
the titles (the topic comes first) and, line for line, from the core
in-process (:class:`Relevance`): the output is deterministic.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from datetime import date

import pytest
from cli_helpers import SAMPLES, assert_clean_success, assert_one_line_error, library_of, run

from tuireader.core.library import Library
from tuireader.core.relevance import Relevance
from tuireader.core.store import AnnotationStore, Edit

NEWEST = "2022-01-31"  # 39 papers, 2 titled with segmentation
HELD_OUT = "2021-07-21"  # 45 papers, 6 titled with segmentation
BRAIN_MRI_ANOMALY = ("2201.13081", "2201.13271")
LINE = "tuireader: showing {} of {}; --limit 0 for all"


@pytest.fixture(scope="module")
def library() -> Library:
    return library_of()


@pytest.fixture(scope="module")
def relevance(library: Library) -> Relevance:
    return Relevance(library.ordered_papers()).build()


def is_segmentation(title: str) -> bool:
    return "segmentation" in title.lower()


def segmentation_ids(library: Library) -> list[str]:
    """The segmentation-titled papers of the 3 oldest dates."""
    oldest = sorted(library.by_date)[:3]
    found = [i for day in oldest for i in library.by_date[day]]
    found = [i for i in found if is_segmentation(library.papers[i].title)]
    assert len(found) == 20
    return found


def mark(edits: Iterable[Edit]) -> None:
    """Save marks in-process, in the store the subprocesses read."""
    store = AnnotationStore()
    assert store.load() == []
    store.apply(edits)


def star(paper_ids: Iterable[str]) -> None:
    mark(Edit(i, "starred", True) for i in paper_ids)


def expected_lines(
    library: Library, relevance: Relevance, candidates: Iterable[str], day: str | None = None
) -> list[str]:
    """``recommend``'s text output, from the core, trained on the stars."""
    store = AnnotationStore()
    store.load()
    model = relevance.train(relevance.positives(store))
    lines = []
    for item in relevance.rank(model, relevance.positions(candidates)):
        paper = relevance.papers[item.position]
        shown = day or max(paper.dates).isoformat()
        why = ", ".join(model.why(item.position))
        lines.append(f"{item.score:.3f}\t{paper.id}\t{shown}\t{paper.title}\t{why}")
    return lines


def fields(stdout: str) -> list[list[str]]:
    return [line.split("\t") for line in stdout.splitlines()]


# --- recommend ---------------------------------------------------------------


@pytest.mark.parametrize(("day", "relevant"), [(NEWEST, 2), (HELD_OUT, 6)])
def test_recommend_puts_the_starred_topic_first(library: Library, day: str, relevant: int) -> None:
    star(segmentation_ids(library))
    result = run("recommend", "--date", day, "--limit", "0")
    assert_clean_success(result)
    rows = fields(result.stdout)
    on_day = library.by_date[date.fromisoformat(day)]
    assert sorted(row[1] for row in rows) == sorted(on_day)
    assert all(len(row) == 5 and row[2] == day for row in rows)
    scores = [float(row[0]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    ranks = [k for k, row in enumerate(rows, start=1) if is_segmentation(row[3])]
    assert len(ranks) == relevant
    assert ranks[0] == 1
    assert ranks[-1] <= len(rows) / 3, "every segmentation paper in the day's top third"
    assert "segmentation" in rows[0][4].split(", ")


def test_recommend_prints_what_the_core_ranks(library: Library, relevance: Relevance) -> None:
    star(segmentation_ids(library))
    result = run("recommend", "--date", NEWEST)
    assert result.returncode == 0, result.stderr
    day = library.by_date[date.fromisoformat(NEWEST)]
    expected = expected_lines(library, relevance, day, NEWEST)
    assert result.stdout.splitlines() == expected[:20]
    assert len(expected) == 39


def test_recommend_default_limit_says_what_it_cut(library: Library) -> None:
    star(segmentation_ids(library))
    result = run("recommend", "--date", NEWEST)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [LINE.format(20, 39)]
    assert len(result.stdout.splitlines()) == 20
    short = run("recommend", "--date", NEWEST, "-n", "3")
    assert short.stderr.splitlines() == [LINE.format(3, 39)]
    assert short.stdout.splitlines() == result.stdout.splitlines()[:3]


def test_recommend_everything_leaves_out_what_it_learned_from(
    library: Library, relevance: Relevance
) -> None:
    starred = segmentation_ids(library)
    star(starred)
    result = run("recommend", "--limit", "0")
    assert_clean_success(result)
    ids = [row[1] for row in fields(result.stdout)]
    assert len(ids) == 240 - 20
    assert not set(ids) & set(starred)
    assert result.stdout.splitlines() == expected_lines(library, relevance, library.papers)


def test_recommend_json(library: Library) -> None:
    starred = segmentation_ids(library)
    star(starred)
    mark([Edit("2201.13338", "read", True), Edit("2201.13338", "tag", True, tag="later")])
    text = run("recommend", "--date", NEWEST, "--limit", "5")
    result = run("recommend", "--date", NEWEST, "--limit", "5", "--format", "json")
    assert result.returncode == 0
    assert result.stderr == text.stderr == LINE.format(5, 39) + "\n"
    records = json.loads(result.stdout)
    rows = fields(text.stdout)
    assert [r["id"] for r in records] == [row[1] for row in rows]
    for record, row in zip(records, rows, strict=True):
        assert f"{record['score']:.3f}" == row[0]  # the text rounds the JSON's score
        assert isinstance(record["why"], list) and ", ".join(record["why"]) == row[4]
        assert {"title", "abstract", "authors", "abs_url", "starred", "read", "tags"} <= set(record)
        assert record["starred"] is False
    first = records[0]
    assert first["id"] == "2201.13338"  # the day's first segmentation paper
    assert (first["read"], first["tags"]) == (True, ["later"])


def test_recommend_learns_from_a_tag(library: Library) -> None:
    """Tagging the same papers instead of starring them ranks the same."""
    papers = segmentation_ids(library)
    mark(Edit(i, "tag", True, tag="seg") for i in papers)
    by_tag = run("recommend", "--date", HELD_OUT, "--tag", "Seg", "--limit", "0")
    assert_clean_success(by_tag)
    line = assert_one_line_error(run("recommend", "--date", HELD_OUT), 1)
    assert line == "tuireader: Star at least 5 papers to rank by relevance (you have 0)"
    star(papers)
    by_stars = run("recommend", "--date", HELD_OUT, "--limit", "0")
    assert by_stars.stdout == by_tag.stdout
    line = assert_one_line_error(run("recommend", "--tag", "other"), 1)
    assert line == (
        "tuireader: Tag at least 5 papers with 'other' to rank by relevance (you have 0)"
    )


def test_recommend_unread_and_category(library: Library) -> None:
    starred = segmentation_ids(library)
    star(starred)
    newest = library.by_date[date.fromisoformat(NEWEST)]
    mark(Edit(i, "read", True) for i in newest)
    unread = run("recommend", "--unread", "--limit", "0")
    assert_clean_success(unread)
    ids = {row[1] for row in fields(unread.stdout)}
    assert ids == set(library.papers) - set(newest) - set(starred)
    assert len(ids) == 240 - 39 - 20
    assert_one_line_error(run("recommend", "--unread", "--date", NEWEST), 1)

    listed = run("list", "--category", "cs.LG")
    assert_clean_success(listed)
    of_category = {row[1] for row in fields(listed.stdout)}
    result = run("recommend", "--category", "cs.LG", "--limit", "0")
    assert_clean_success(result)
    assert {row[1] for row in fields(result.stdout)} == of_category - set(starred)


def test_recommend_a_star_by_the_cli_counts(library: Library) -> None:
    papers = segmentation_ids(library)
    assert_clean_success(run("star", *papers[:4]))
    line = assert_one_line_error(run("recommend", "--date", NEWEST), 1)
    assert line == "tuireader: Star at least 5 papers to rank by relevance (you have 4)"
    assert_clean_success(run("star", "2101.99999", "2102.99999"))  # in no digest
    line = assert_one_line_error(run("recommend", "--date", NEWEST), 1)
    assert line.endswith("(you have 4); 2 more are not in these digests")
    assert_clean_success(run("star", papers[4]))
    assert run("recommend", "--date", NEWEST).returncode == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--date", "2000-01-01"], 1, "no papers on 2000-01-01"),
        (["--date", NEWEST, "--category", "math.AG"], 1, f"no math.AG papers on {NEWEST}"),
        (["--category", "math.AG"], 1, "no math.AG papers in the library"),
        (["--date", "2022-13-01"], 2, "not a date"),
        (["--limit", "x"], 2, "not a whole number"),
        (["--tag", "no good"], 2, "bad tag"),
        (["--format", "csv"], 2, "invalid choice"),
    ],
)
def test_recommend_errors_are_one_line(
    library: Library, args: list[str], code: int, message: str
) -> None:
    star(segmentation_ids(library))
    line = assert_one_line_error(run("recommend", *args), code)
    assert message in line


def test_recommend_with_nothing_left_to_rank(library: Library) -> None:
    path = str(SAMPLES / "2021-07-21-cs.CV.md")
    star(library.by_date[date.fromisoformat(HELD_OUT)])
    line = assert_one_line_error(run("recommend", path), 1)
    assert line == "tuireader: no papers to rank: every candidate is one you trained on"


# --- similar -----------------------------------------------------------------


def test_similar_finds_the_other_brain_mri_anomaly_paper(relevance: Relevance) -> None:
    first, second = BRAIN_MRI_ANOMALY
    result = run("similar", first)
    assert result.returncode == 0
    every = relevance.similar(relevance.position[first])
    assert result.stderr == LINE.format(20, len(every)) + "\n"
    rows = fields(result.stdout)
    assert len(rows) == 20
    assert rows[0][1] == second
    assert first not in [row[1] for row in rows]
    assert all(len(row) == 4 for row in rows)
    cosines = [float(row[0]) for row in rows]
    assert cosines == sorted(cosines, reverse=True)
    assert all(0 < cosine <= 1 for cosine in cosines)
    expected = [
        f"{item.score:.3f}\t{relevance.papers[item.position].id}"
        for item in relevance.similar(relevance.position[first], 20)
    ]
    assert ["\t".join(row[:2]) for row in rows] == expected


def test_similar_json_limit_and_id_forms() -> None:
    first, second = BRAIN_MRI_ANOMALY
    text = run("similar", f"https://arxiv.org/abs/{second}v2", "-n", "5")
    assert text.returncode == 0
    assert fields(text.stdout)[0][1] == first
    result = run("similar", second, "--limit", "5", "--format", "json")
    assert result.returncode == 0
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == [row[1] for row in fields(text.stdout)]
    for record, row in zip(records, fields(text.stdout), strict=True):
        assert record["score"] == pytest.approx(float(row[0]), abs=0.0005)
    assert "why" not in records[0] and "abs_url" in records[0]
    every = run("similar", second, "--limit", "0")
    assert_clean_success(every)
    assert 5 < len(every.stdout.splitlines()) < 240


@pytest.mark.parametrize("paper_id", ["2201.99999", "not-an-id"])
def test_similar_unknown_id_is_one_line(paper_id: str) -> None:
    line = assert_one_line_error(run("similar", paper_id), 1)
    assert line == f"tuireader: no paper {paper_id} in the library"


# --- Help and import hygiene -------------------------------------------------


@pytest.mark.parametrize("command", ["recommend", "similar"])
def test_help_says_what_it_costs(command: str) -> None:
    result = run(command, "--help")
    assert_clean_success(result)
    assert result.stdout.startswith(f"usage: tuireader {command}")
    assert "100,000" in " ".join(result.stdout.split())
    assert command in run("--help").stdout


PROBE = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from tuireader.cli import main
    results = {}
    for argv in %s:
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
        results[" ".join(argv[:1])] = [code, "sklearn" in sys.modules, "scipy" in sys.modules]
    print(json.dumps(results))
    """
)


def test_commands_that_need_no_ranking_do_not_import_sklearn() -> None:
    """``list``, ``search``, ``export``, ``show``, ``star`` and ``note``, and
    ``recommend`` when it fails early (too few stars), in a fresh interpreter;
    ``similar`` last, which does rank, shows the probe sees the import."""
    paper_id = library_of().ordered_papers()[0].id
    commands = [
        ["list", str(SAMPLES)],
        ["search", "segmentation", str(SAMPLES)],
        ["export", str(SAMPLES)],
        ["show", paper_id, str(SAMPLES)],
        ["star", paper_id],
        ["note", paper_id, "a note"],
        ["recommend", "--date", NEWEST, str(SAMPLES)],
        ["similar", paper_id, str(SAMPLES)],
    ]
    result = subprocess.run(
        [sys.executable, "-c", PROBE % repr(commands)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "list": [0, False, False],
        "search": [0, False, False],
        "export": [0, False, False],
        "show": [0, False, False],
        "star": [0, False, False],
        "note": [0, False, False],
        "recommend": [1, False, False],
        "similar": [0, True, True],
    }
