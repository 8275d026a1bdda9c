"""arXiv IDs and the small conveniences of the data model."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tuireader.core.model import PAPER_FIELDS, LoadWarning, Paper, facts, parse_arxiv_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2201.12944", ("2201.12944", None), id="new-style"),
        pytest.param("2201.12944v5", ("2201.12944", 5), id="new-style-versioned"),
        pytest.param("0704.0001", ("0704.0001", None), id="first-new-style-4-digits"),
        pytest.param("  2201.12944  ", ("2201.12944", None), id="surrounding-space"),
        pytest.param("arXiv:2201.12944v2", ("2201.12944", 2), id="arxiv-prefix"),
        pytest.param("http://arxiv.org/abs/2201.12944v5", ("2201.12944", 5), id="api-abs-url"),
        pytest.param("http://arxiv.org/pdf/2201.12944v5", ("2201.12944", 5), id="api-pdf-url"),
        pytest.param(
            "https://arxiv.org/pdf/2107.09652.pdf", ("2107.09652", None), id="listing-pdf"
        ),
        pytest.param(
            "https://arxiv.org/pdf/2201.12944v2.pdf", ("2201.12944", 2), id="pdf-versioned"
        ),
        pytest.param(
            "https://export.arxiv.org/abs/2201.12944v1", ("2201.12944", 1), id="export-host"
        ),
        pytest.param("hep-th/9901001", ("hep-th/9901001", None), id="old-style"),
        pytest.param("hep-th/9901001v2", ("hep-th/9901001", 2), id="old-style-versioned"),
        pytest.param("math.GT/0309136", ("math.GT/0309136", None), id="old-style-subject-class"),
        pytest.param(
            "https://arxiv.org/abs/hep-th/9901001v3", ("hep-th/9901001", 3), id="old-style-url"
        ),
        pytest.param(
            "https://arxiv.org/pdf/hep-th/9901001.pdf", ("hep-th/9901001", None), id="old-style-pdf"
        ),
        pytest.param("", None, id="empty"),
        pytest.param("not an id", None, id="words"),
        pytest.param("12345.6789", None, id="too-many-leading-digits"),
        pytest.param("2201.1294456", None, id="too-many-trailing-digits"),
    ],
)
def test_parse_arxiv_id(text: str, expected: tuple[str, int | None] | None) -> None:
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("version", "versioned", "abs_url", "pdf_url"),
    [
        pytest.param(
            None,
            "2103.06255",
            "https://arxiv.org/abs/2103.06255",
            "https://arxiv.org/pdf/2103.06255",
            id="listing-no-version",
        ),
        pytest.param(
            5,
            "2103.06255v5",
            "https://arxiv.org/abs/2103.06255v5",
            "https://arxiv.org/pdf/2103.06255v5",
            id="api-version",
        ),
    ],
)
def test_paper_urls(version: int | None, versioned: str, abs_url: str, pdf_url: str) -> None:
    paper = Paper(id="2103.06255", title="T", version=version)
    assert paper.versioned_id == versioned
    assert paper.abs_url == abs_url
    assert paper.pdf_url == pdf_url


@pytest.mark.parametrize(
    ("authors", "short"),
    [
        pytest.param((), "", id="none"),
        pytest.param(("Yixin Zhuang",), "Yixin Zhuang", id="one"),
        pytest.param(("A One", "B Two"), "A One et al.", id="two"),
    ],
)
def test_author_shorthand(authors: tuple[str, ...], short: str) -> None:
    paper = Paper(id="2201.00001", title="T", authors=authors, dates=(date(2022, 1, 1),))
    assert paper.short_authors == short


@pytest.mark.parametrize(
    ("warning", "text"),
    [
        pytest.param(LoadWarning("a/b.md", 12, "bad"), "a/b.md:12: bad", id="with-line"),
        pytest.param(LoadWarning("a/b.md", 0, "empty file"), "a/b.md: empty file", id="whole-file"),
    ],
)
def test_load_warning_names_file_and_line(warning: LoadWarning, text: str) -> None:
    assert str(warning) == text


def test_the_field_table_names_every_field_of_a_paper_once() -> None:
    """A field added to Paper but not to the table would be silently left out
    of the detail pane, ``show``, the exports and the library's merge."""
    names = [f.name for f in PAPER_FIELDS]
    assert sorted(names) == sorted(f.name for f in dataclasses.fields(Paper))
    assert len(set(names)) == len(names)


def test_facts_show_each_fact_field_by_its_label() -> None:
    paper = Paper(
        id="2201.00001",
        title="T",
        version=2,
        categories=("cs.LG", "cs.CV"),
        primary_category="cs.CV",
        doi="10.1/x",
        published="2022-01-31 00:39:37+00:00",
        extra=(("Report Number", "R-1"),),
        dates=(date(2022, 1, 1), date(2022, 2, 1)),
    )
    assert facts(paper) == [
        ("arXiv", "2201.00001v2"),
        ("Listed", "2022-02-01, 2022-01-01"),
        ("Categories", "cs.CV (primary), cs.LG"),
        ("DOI", "10.1/x"),
        ("Published", "2022-01-31"),
        ("Report Number", "R-1"),
    ]
