"""LaTeX in titles and abstracts: searched in both forms, exported as each
format needs (readable text, or the LaTeX source for BibTeX)."""

from __future__ import annotations

import json

import pytest

from tuireader.core import search_columns
from tuireader.core.export import to_bibtex, to_csv, to_json, to_markdown
from tuireader.core.formats import parse_text
from tuireader.core.latex import readable
from tuireader.core.search import SearchIndex
from tuireader.core.search_columns import abstract_searched, title_searched

DIGEST = r"""# Arxiv Papers in cs.LG on 2022-01-31
### $\alpha$-divergence for $\mathcal{O}(n^2)$ sorting
- **Arxiv ID**: http://arxiv.org/abs/2201.00001v1
### Schr\"odinger bridges
- **Arxiv ID**: http://arxiv.org/abs/2201.00002v1
### Plain title
- **Arxiv ID**: http://arxiv.org/abs/2201.00003v1
- **Summary**: We reach $98.1\pm 0.1\%$ on $256\times256$ images.
### Alpha males and beta testers
- **Arxiv ID**: http://arxiv.org/abs/2201.00004v1
"""
PAPERS = list(parse_text(DIGEST).digest.papers)  # type: ignore[union-attr]


@pytest.fixture(scope="module", params=["folded", "word-index"])
def index(request: pytest.FixtureRequest) -> SearchIndex:
    index = SearchIndex(PAPERS)
    if request.param == "word-index":
        index.index_words()
    return index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alpha", {"2201.00001", "2201.00004"}),  # the source, \alpha
        ("α", {"2201.00001"}),  # what is shown
        ("α-divergence", {"2201.00001"}),
        ("𝒪(n²)", {"2201.00001"}),
        ("schrodinger", {"2201.00002"}),  # accents folded after conversion
        ("Schrödinger", {"2201.00002"}),
        ("±", {"2201.00003"}),
        ("256×256", {"2201.00003"}),
        ("abs:pm", {"2201.00003"}),  # \pm, in the source
    ],
)
def test_both_forms_are_found(index: SearchIndex, query: str, expected: set[str]) -> None:
    result = index.search(query)
    assert result.corrections == ()
    assert {PAPERS[i].id for i in result.positions} == expected


def test_the_searched_text_has_the_words_latex_reads_as() -> None:
    assert readable(PAPERS[0].title) == "α-divergence for 𝒪(n²) sorting"
    source = PAPERS[0].title.lower()
    assert title_searched(PAPERS[0]) == f"{source}\nα-divergence o(n2)"  # folded, as searched
    words = abstract_searched(PAPERS[2]).split("\n")[1].split()
    assert set(words) == {"98.1", "±", "0.1%", "256×256"}
    assert title_searched(PAPERS[3]) == "alpha males and beta testers"
    assert abstract_searched(PAPERS[3]) == ""
    assert readable("Plain title") == "Plain title"


def test_json_gives_readable_text_and_keeps_the_source() -> None:
    (record,) = json.loads(to_json([PAPERS[0]]))
    assert record["title"] == "α-divergence for 𝒪(n²) sorting"
    assert record["title_latex"] == PAPERS[0].title
    (plain,) = json.loads(to_json([PAPERS[3]]))
    assert plain["title"] == PAPERS[3].title and "title_latex" not in plain
    (third,) = json.loads(to_json([PAPERS[2]]))
    assert third["abstract"] == "We reach 98.1 ± 0.1% on 256×256 images."


def test_bibtex_keeps_the_source_and_markdown_and_csv_are_readable() -> None:
    assert r"title = {{$\alpha$-divergence for $\mathcal{O}(n^2)$ sorting}}" in to_bibtex(
        [PAPERS[0]]
    )
    assert "α-divergence" in to_markdown([PAPERS[0]])
    assert "α-divergence" in to_csv([PAPERS[0]])


def test_an_abstracts_readable_words_are_found_once_however_often_it_is_searched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Until the word index is built every search reads every abstract: the
    words its LaTeX reads as are found on the first read only."""
    calls: list[str] = []
    real = search_columns.readable_words

    def counted(text: str) -> tuple[str, ...]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(search_columns, "readable_words", counted)
    column = search_columns.SearchColumns.of(PAPERS).abstracts
    expected = [search_columns.abstract_searched(paper) for paper in PAPERS]
    calls.clear()
    for _ in range(3):
        assert list(column.texts(range(len(PAPERS)))) == expected
    assert sorted(calls) == sorted(paper.abstract for paper in PAPERS)
    index = SearchIndex(PAPERS)
    assert {PAPERS[i].id for i in index.search("abs:±").positions} == {"2201.00003"}
