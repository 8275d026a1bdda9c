"""The filters of ``list``, ``export`` and ``search`` (``--unread``, ``--read``,
``--starred``, ``--tag``, ``--category``, ``--query``), and the user's marks
in every export format. Expectations are computed in-process from the
library and the store the commands use."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import (
    LG_IDS,
    SAMPLES,
    assert_clean_success,
    assert_one_line_error,
    library_of,
    listed_ids,
    run,
    saved,
    write_lg_digest,
)

from tuireader.core.latex import readable
from tuireader.core.library import Library
from tuireader.core.model import Paper
from tuireader.core.search import SearchIndex
from tuireader.core.store import AnnotationStore, Edit

READ = ["2201.12944", "2201.12961", "2107.09652", "2103.06255", "2008.09092"]
STARRED = ["2201.12961", "2201.13078", "2107.09652"]
TAGS = {
    "survey": ["2201.12944", "2201.12961", "2107.09600"],
    "to-read": ["2201.12961", "2107.09600"],
}


@pytest.fixture
def marked() -> AnnotationStore:
    """Some papers read, starred and tagged, as the commands will find them."""
    store = AnnotationStore()
    store.load()
    edits = [Edit(i, "read", True) for i in READ]
    edits += [Edit(i, "starred", True) for i in STARRED]
    edits += [Edit(i, "tag", True, tag=t) for t, ids in TAGS.items() for i in ids]
    store.apply(edits)
    return saved()


@pytest.fixture
def with_lg(tmp_path: Path) -> tuple[Library, list[str]]:
    lg = write_lg_digest(tmp_path / "lg")
    return library_of(SAMPLES, lg), [str(SAMPLES), str(lg)]


def is_read(paper_id: str, store: AnnotationStore) -> bool:
    return paper_id in store.read_ids()


def tagged(paper_id: str, store: AnnotationStore, *tags: str) -> bool:
    return store.get(paper_id).tags >= set(tags)


def ids(papers: list[Paper], keep: Callable[[Paper], bool]) -> list[str]:
    return [paper.id for paper in papers if keep(paper)]


# list and export ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "keep"),
    [
        (["--unread"], lambda p, s: p.id not in s.read_ids()),
        (["--read"], lambda p, s: p.id in s.read_ids()),
        (["--starred"], lambda p, s: p.id in s.starred_ids()),
        (["--tag", "survey"], lambda p, s: tagged(p.id, s, "survey")),
        (
            ["--tag", "Survey", "--tag", "to-read"],
            lambda p, s: tagged(p.id, s, "survey", "to-read"),
        ),
        (
            ["--unread", "--tag", "survey"],
            lambda p, s: tagged(p.id, s, "survey") and not is_read(p.id, s),
        ),
        (["--starred", "--read"], lambda p, s: p.id in s.starred_ids() and is_read(p.id, s)),
        (["--tag", "unused"], lambda p, s: False),
    ],
    ids=["unread", "read", "starred", "tag", "two-tags", "unread-tag", "starred-read", "no-match"],
)
def test_list_and_export_filters_keep_the_natural_order(
    marked: AnnotationStore, flags: list[str], keep: Callable[[Paper, AnnotationStore], bool]
) -> None:
    papers = library_of().ordered_papers()
    expected = ids(papers, lambda p: keep(p, marked))
    assert expected or "unused" in flags
    listed = run("list", *flags)
    assert_clean_success(listed)
    assert listed_ids(listed) == expected
    exported = run("export", *flags)
    assert_clean_success(exported)
    assert [record["id"] for record in json.loads(exported.stdout)] == expected


def test_list_of_a_date_filtered(marked: AnnotationStore) -> None:
    day = library_of().papers_on(library_of().dates[0])
    done = run("list", "--date", "2022-01-31", "--unread")
    assert_clean_success(done)
    assert listed_ids(done) == ids(day, lambda p: p.id not in marked.read_ids())
    assert all(line.startswith("2022-01-31\t") for line in done.stdout.splitlines())


def test_category_takes_the_digest_listing_and_the_papers_categories(
    with_lg: tuple[Library, list[str]],
) -> None:
    library, paths = with_lg
    papers = library.ordered_papers()
    expected = ids(papers, lambda p: "cs.LG" in p.categories or p.id in LG_IDS)
    assert "2201.13999" in expected and len(expected) > len(LG_IDS)
    for command in ("list", "export"):
        done = run(command, "--category", "cs.lg", *paths)
        assert_clean_success(done)
        if command == "list":
            assert listed_ids(done) == expected
        else:
            assert [record["id"] for record in json.loads(done.stdout)] == expected
    archive = run("list", "--category", "stat", *paths)
    of_stat = ids(papers, lambda p: any(c.startswith("stat.") for c in p.categories))
    assert listed_ids(archive) == of_stat == ["2201.13999"]


def test_list_of_a_date_and_category_is_that_digest(with_lg: tuple[Library, list[str]]) -> None:
    _library, paths = with_lg
    done = run("list", "--date", "2022-01-31", "--category", "cs.LG", *paths)
    assert_clean_success(done)
    assert [line.split("\t")[:2] for line in done.stdout.splitlines()] == [
        ["2022-01-31", paper_id] for paper_id in LG_IDS
    ]
    none = run("list", "--date", "2021-07-21", "--category", "cs.LG", *paths)
    assert assert_one_line_error(none, 1) == "tuireader: no cs.LG papers on 2021-07-21"


def test_query_filters_with_the_search_language_in_natural_order(marked: AnnotationStore) -> None:
    papers = library_of().ordered_papers()
    expected = ids(papers, lambda p: "segmentation" in p.title.lower())
    done = run("list", "--query", "ti:segmentation")
    assert_clean_success(done)
    assert listed_ids(done) == expected
    unread = run("export", "--unread", "--query", "ti:segmentation OR tag:survey")
    assert_clean_success(unread)
    assert [r["id"] for r in json.loads(unread.stdout)] == ids(
        papers,
        lambda p: (
            p.id not in marked.read_ids()
            and ("segmentation" in p.title.lower() or "survey" in marked.get(p.id).tags)
        ),
    )
    starred = run("list", "--query", "is:starred")
    assert listed_ids(starred) == ids(papers, lambda p: p.id in marked.starred_ids())


def test_query_correction_is_said(marked: AnnotationStore) -> None:
    done = run("list", "--query", "difusion")
    assert done.returncode == 0
    assert done.stderr == "tuireader: no match for 'difusion'; searched diffusion\n"
    assert done.stdout


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--read", "--unread"], "not allowed with"),
        (["--tag", "bad tag"], "bad tag 'bad tag'"),
        (["--tag", ""], "bad tag ''"),
        (["--category", ""], "not a category"),
        (["--query", ""], "empty query"),
        (["--query", 'ti:"open'], "bad query at character"),
        (["--query", "(a"], "bad query at character"),
    ],
    ids=["read-unread", "tag-space", "tag-empty", "no-category", "no-query", "quote", "paren"],
)
@pytest.mark.parametrize("command", ["list", "export", "search"])
def test_bad_filters_exit_2(command: str, flags: list[str], said: str) -> None:
    if command == "search":
        if flags[0] == "--query":
            flags = [flags[1]]  # search's own query
        flags = ["x", *flags] if flags[0].startswith("-") else flags
    assert said in assert_one_line_error(run(command, *flags), 2)


# search -------------------------------------------------------------------------


def ranked(query: str, library: Library, store: AnnotationStore) -> list[str]:
    index = SearchIndex(library.ordered_papers())
    return [index.ids[i] for i in index.search(query, marks=store).positions]


@pytest.mark.parametrize(
    ("flags", "keep"),
    [
        (["--unread"], lambda i, s: i not in s.read_ids()),
        (["--read"], lambda i, s: i in s.read_ids()),
        (["--starred"], lambda i, s: i in s.starred_ids()),
        (["--tag", "survey"], lambda i, s: "survey" in s.get(i).tags),
        (
            ["--tag", "survey", "--unread"],
            lambda i, s: tagged(i, s, "survey") and not is_read(i, s),
        ),
    ],
    ids=["unread", "read", "starred", "tag", "tag-unread"],
)
def test_search_filters_keep_the_ranking(
    marked: AnnotationStore, flags: list[str], keep: Callable[[str, AnnotationStore], bool]
) -> None:
    expected = [i for i in ranked("image", library_of(), marked) if keep(i, marked)]
    assert expected
    done = run("search", "image", "--limit", "0", *flags)
    assert_clean_success(done)
    assert listed_ids(done, column=0) == expected


def test_search_category(with_lg: tuple[Library, list[str]]) -> None:
    library, paths = with_lg
    expected = [
        i
        for i in ranked("learning", library, saved())
        if "cs.LG" in library.papers[i].categories or i in LG_IDS
    ]
    done = run("search", "learning", "--category", "cs.LG", "-n", "0", *paths)
    assert_clean_success(done)
    assert listed_ids(done, column=0) == expected
    assert "2201.13999" not in expected  # its own paper says nothing of learning...
    own = run("search", "tabular", "--category", "cs.LG", *paths)
    assert listed_ids(own, column=0) == ["2201.13999"]  # ...but is found in its category


def test_search_json_carries_the_marks(marked: AnnotationStore) -> None:
    done = run("search", "image captioning", "--format", "json", "--tag", "survey")
    assert_clean_success(done)
    (record,) = json.loads(done.stdout)
    assert (record["id"], record["read"], record["tags"]) == ("2201.12944", True, ["survey"])


# The marks in every export format -----------------------------------------------


def test_json_export_has_read_and_tags(marked: AnnotationStore) -> None:
    done = run("export")
    assert_clean_success(done)
    records = {record["id"]: record for record in json.loads(done.stdout)}
    assert len(records) == 240
    for paper_id, record in records.items():
        assert record["read"] is (paper_id in READ)
        assert record["tags"] == sorted(marked.get(paper_id).tags)
        assert record["starred"] is (paper_id in STARRED)
    assert records["2201.12961"]["tags"] == ["survey", "to-read"]
    assert records["2201.13078"]["tags"] == []


def test_csv_export_parses_with_the_csv_module(marked: AnnotationStore) -> None:
    done = run("export", "--format", "csv")
    assert_clean_success(done)
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    papers = library_of().ordered_papers()
    assert [row["id"] for row in rows] == [paper.id for paper in papers]
    by_id = {row["id"]: row for row in rows}
    for paper in papers:
        row = by_id[paper.id]
        assert row["title"] == readable(paper.title)  # LaTeX as text
        assert row["authors"] == "; ".join(paper.authors)
        assert row["read"] == ("yes" if paper.id in READ else "no")
        assert row["starred"] == ("yes" if paper.id in STARRED else "no")
        assert row["tags"] == "; ".join(sorted(marked.get(paper.id).tags))
        assert row["abstract"] == readable(paper.abstract)
    assert by_id["2201.12961"]["tags"] == "survey; to-read"
    filtered = run("export", "-f", "csv", "--tag", "to-read")
    assert [row["id"] for row in csv.DictReader(io.StringIO(filtered.stdout))] == [
        paper.id for paper in papers if paper.id in TAGS["to-read"]
    ]


def test_ris_export_has_one_record_per_paper(marked: AnnotationStore) -> None:
    done = run("export", "--format", "ris")
    assert_clean_success(done)
    assert done.stdout.endswith("ER  - \n")
    records = done.stdout.split("ER  - \n")[:-1]
    papers = library_of().ordered_papers()
    assert len(records) == len(papers) == 240
    for record, paper in zip(records, papers, strict=True):
        lines = record.strip("\n").splitlines()
        assert lines[0] == "TY  - UNPB"
        assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - \S.*", line) for line in lines), lines
        assert f"ID  - arXiv:{paper.id}" in lines
        assert [line[6:] for line in lines if line.startswith("AU  - ")] == list(paper.authors)
        keywords = [line[6:] for line in lines if line.startswith("KW  - ")]
        assert keywords == sorted(marked.get(paper.id).tags)
    starred = run("export", "-f", "ris", "--starred")
    assert starred.stdout.count("TY  - UNPB\n") == len(STARRED)
