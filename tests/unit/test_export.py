"""Export to JSON, Markdown and BibTeX, on the 240 sample papers and on papers
built to break the output formats."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from tuireader.core.export import Annotation, to_bibtex, to_json, to_markdown
from tuireader.core.latex import readable
from tuireader.core.library import load_library
from tuireader.core.model import Paper

REQUIRED_KEYS = {
    "id",
    "version",
    "title",
    "authors",
    "abstract",
    "dates",
    "categories",
    "primary_category",
    "pdf_url",
    "abs_url",
    "doi",
    "comment",
    "journal",
}
# Fields written as LaTeX text, where special characters must be escaped.
LATEX_FIELDS = ("title", "author", "journal", "note")

HOSTILE = [
    Paper(
        id="2201.00001",
        version=2,
        title="Cats & Dogs: 100% of #1 snake_case tricks with $l_0$ and $x^2$ ~ fun",
        authors=("Jo_e Bl&ggs", "Ann 50% O'Neil"),
        journal="J. Stuff & Things #3",
        comment="code at https://x.org/a_b?c=1&d=2 (50%)",
        doi="10.1000/a_b",
        categories=("cs.CV",),
        dates=(date(2022, 1, 31),),
    ),
    Paper(id="2201.00002", title="Unbalanced { brace", dates=(date(2022, 1, 31),)),
    Paper(id="2201.00003", title="close } first {", dates=(date(2022, 1, 31),)),
    Paper(id="2201.00004", title=r"Escaped \{ brace alone", dates=(date(2022, 1, 31),)),
    Paper(id="2201.00005", title="Odd $ dollar_x and more_y", dates=(date(2022, 1, 31),)),
    Paper(id="2201.00006", title="Braces {balanced} {{twice}}", dates=(date(2022, 1, 31),)),
    Paper(id="2201.00007", title="T", doi="10.1000/}broken{", dates=(date(2022, 1, 31),)),
    Paper(id="hep-th/9901001", version=3, title="Old ID", dates=(date(1999, 1, 4),)),
    Paper(id="2201.00009", title=r"Math \(a_b\) and $\{x\}$ set", dates=(date(2022, 1, 31),)),
    Paper(id="2201.00010", title="Ends in a backslash \\", dates=(date(2022, 1, 31),)),
    Paper(id="2201.00011", title=r"Line\\& break \\\\_ and \\\\\% odd", dates=(date(2022, 1, 31),)),
]


@pytest.fixture(scope="module")
def papers(samples_dir: Path) -> list[Paper]:
    return load_library([samples_dir]).ordered_papers()


def read_group(text: str, start: int) -> int:
    """Index just past the brace group opening at ``start``, counting every
    brace as BibTeX does (a backslash does not escape one)."""
    assert text[start] == "{"
    depth = 0
    for index in range(start, len(text)):
        depth += (text[index] == "{") - (text[index] == "}")
        if depth == 0:
            return index + 1
    raise AssertionError(f"unbalanced braces from {text[start : start + 60]!r}")


def bibtex_entries(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(type, key, fields) of each entry; fails on anything BibTeX would not read."""
    entries = []
    position = 0
    header = re.compile(r"\s*@(\w+)\{([^,\s{}]+),")
    field = re.compile(r"\s*(\w+)\s*=\s*")
    while text[position:].strip():
        match = header.match(text, position)
        assert match, f"no entry at {text[position : position + 60]!r}"
        kind, key = match.groups()
        position = match.end()
        fields: dict[str, str] = {}
        while True:
            if text[position:].lstrip().startswith("}"):
                position = text.index("}", position) + 1
                break
            name = field.match(text, position)
            assert name, f"no field at {text[position : position + 60]!r}"
            end = read_group(text, name.end())
            assert name[1] not in fields, f"{key}: {name[1]} twice"
            fields[name[1]] = text[name.end() + 1 : end - 1]
            position = end
            separator = re.compile(r"\s*,?").match(text, position)
            assert separator is not None
            position = separator.end()
        entries.append((kind, key, fields))
    return entries


def latex_problems(value: str) -> list[str]:
    """Characters that would break LaTeX: unescaped & % # anywhere, unescaped
    _ ^ outside $math$, and an odd number of unescaped $."""
    problems = []
    in_math = False
    previous = ""
    for char in value:
        escaped = previous == "\\"
        if char == "$" and not escaped:
            in_math = not in_math
        elif char in "&%#" and not escaped:
            problems.append(char)
        elif char in "_^" and not escaped and not in_math:
            problems.append(char)
        previous = "" if escaped and char == "\\" else char
    if in_math:
        problems.append("odd $")
    return problems


def test_json_has_one_record_per_paper_with_the_documented_keys(papers: list[Paper]) -> None:
    records = json.loads(to_json(papers))
    assert isinstance(records, list)
    assert len(records) == 240
    assert [r["id"] for r in records] == [p.id for p in papers]
    assert len({r["id"] for r in records}) == 240
    for record, paper in zip(records, papers, strict=True):
        assert REQUIRED_KEYS <= set(record)
        assert not re.search(r"v\d+$", record["id"])
        assert isinstance(record["authors"], list)
        assert isinstance(record["categories"], list) and record["categories"]
        assert record["dates"] == sorted(record["dates"])
        assert all(date.fromisoformat(day) for day in record["dates"])
        assert record["abs_url"] == f"https://arxiv.org/abs/{paper.versioned_id}"
        assert record["pdf_url"] == f"https://arxiv.org/pdf/{paper.versioned_id}"
        for key in ("version", "doi", "comment", "journal", "primary_category"):
            assert record[key] == getattr(paper, key)
        assert "None" not in {str(v) for v in record.values() if isinstance(v, str)}


def test_json_values_of_an_api_paper(papers: list[Paper]) -> None:
    records = {r["id"]: r for r in json.loads(to_json(papers))}
    record = records["2201.13078"]
    assert record["version"] == 2
    assert record["authors"] == ["Ling Huang", "Su Ruan", "Pierre Decazes", "Thierry Denoeux"]
    assert record["dates"] == ["2022-01-31"]
    assert record["categories"] == ["cs.CV"]
    assert record["primary_category"] == "cs.CV"
    assert record["doi"] == "10.1016/j.ijar.2022.06.007"
    assert record["journal"] == (
        "International Journal of Approximate Reasoning, Volume 149, 2022, Pages 39-60,"
    )
    assert record["abs_url"] == "https://arxiv.org/abs/2201.13078v2"


def test_json_nulls_for_what_a_listing_does_not_say(papers: list[Paper]) -> None:
    record = next(r for r in json.loads(to_json(papers)) if r["id"] == "2103.06255")
    assert record["version"] is None
    assert record["authors"] == []
    for key in ("doi", "comment", "journal", "primary_category"):
        assert record[key] is None
    assert record["abstract"].startswith("Convolution has been the core ingredient")
    assert record["dates"] == ["2021-03-11"]
    assert record["abs_url"] == "https://arxiv.org/abs/2103.06255"


def test_json_keeps_unicode_and_annotations() -> None:
    paper = Paper(id="2201.13065", title="Bökman & [red]co[/]", dates=(date(2022, 1, 31),))
    text = to_json([paper], {"2201.13065": Annotation(starred=True, note="read *this*")})
    assert "Bökman" in text
    (record,) = json.loads(text)
    assert record["title"] == "Bökman & [red]co[/]"
    assert (record["starred"], record["note"]) == (True, "read *this*")
    assert record["abstract"] is None


def test_json_of_nothing() -> None:
    assert json.loads(to_json([])) == []


def test_bibtex_entries_for_all_samples(papers: list[Paper]) -> None:
    entries = bibtex_entries(to_bibtex(papers))
    assert len(entries) == 240
    assert len({key for _, key, _ in entries}) == 240
    for (kind, key, fields), paper in zip(entries, papers, strict=True):
        assert kind == "misc"
        assert key == f"arXiv:{paper.id}"
        assert fields["eprint"] == paper.id
        assert fields["archivePrefix"] == "arXiv"
        assert fields["primaryClass"] == (paper.primary_category or paper.categories[0])
        assert fields.get("doi") == paper.doi
        assert fields["url"] == paper.abs_url
        assert fields["year"] == str(min(paper.dates).year)
        assert fields["title"].startswith("{") and fields["title"].endswith("}")
        assert ("author" in fields) == bool(paper.authors)
        for name in LATEX_FIELDS:
            if name in fields:
                assert latex_problems(fields[name]) == [], (paper.id, name, fields[name])


def test_bibtex_values_of_an_api_paper(papers: list[Paper]) -> None:
    entries = {key: fields for _, key, fields in bibtex_entries(to_bibtex(papers))}
    fields = entries["arXiv:2202.00067"]
    assert fields["primaryClass"] == "eess.IV"
    assert fields["doi"] == "10.1109/BigData52589.2021.9672060"
    assert fields["author"] == "Conrad M Albrecht and Fernando Marianno and Levente J Klein"
    assert (
        fields["title"]
        == "{AutoGeoLabel: Automated Label Generation for Geospatial Machine Learning}"
    )


def test_bibtex_survives_hostile_text() -> None:
    sentinel = Paper(id="2201.99999", title="Sentinel", dates=(date(2022, 2, 1),))
    entries = bibtex_entries(to_bibtex([*HOSTILE, sentinel]))
    # Every entry, the sentinel after them included, reads back whole.
    assert [key for _, key, _ in entries] == [f"arXiv:{p.id}" for p in [*HOSTILE, sentinel]]
    for _, key, fields in entries:
        for name in LATEX_FIELDS:
            if name in fields:
                assert latex_problems(fields[name]) == [], (key, name, fields[name])
    first = entries[0][2]
    assert first["title"].count(r"\&") == 1
    assert r"\%" in first["title"] and r"\#1" in first["title"]
    assert r"snake\_case" in first["title"]
    assert "$l_0$" in first["title"] and "$x^2$" in first["title"]
    assert first["author"] == r"Jo\_e Bl\&ggs and Ann 50\% O'Neil"
    assert first["doi"] == "10.1000/a_b"
    assert first["year"] == "2022"
    # Balanced braces are grouping, kept as written.
    assert entries[5][2]["title"] == "{Braces {balanced} {{twice}}}"
    assert entries[7][1] == "arXiv:hep-th/9901001"
    assert entries[7][2]["year"] == "1999"
    # Unbalanced braces become brace commands, so BibTeX and LaTeX both read them.
    assert entries[1][2]["title"] == r"{Unbalanced \textbraceleft{} brace}"
    assert entries[2][2]["title"] == r"{close \textbraceright{} first \textbraceleft{}}"
    assert entries[3][2]["title"] == r"{Escaped \textbraceleft{} brace alone}"
    assert entries[4][2]["title"] == r"{Odd \$ dollar\_x and more\_y}"
    assert entries[6][2]["doi"] == "10.1000/broken"
    assert entries[9][2]["title"] == r"{Ends in a backslash \textbackslash{}}"
    assert entries[10][2]["title"] == r"{Line\\\& break \\\\\_ and \\\\\% odd}"


def test_bibtex_year_prefers_the_published_date() -> None:
    paper = Paper(
        id="2201.00001", title="T", published="2021-12-30 10:00:00+00:00", dates=(date(2022, 1, 3),)
    )
    ((_, _, fields),) = bibtex_entries(to_bibtex([paper]))
    assert fields["year"] == "2021"


def test_bibtex_carries_tags_note_and_comment_in_their_own_fields() -> None:
    """Reference managers read ``keywords``, ``note`` and ``annote`` apart: the
    user's note must not land in the arXiv comment's field, nor the reverse."""
    paper = Paper(
        id="2201.00001",
        title="T",
        comment="12 pages, 50% figures",
        dates=(date(2022, 1, 31),),
    )
    bare = Paper(id="2201.00002", title="U", dates=(date(2022, 1, 31),))
    annotation = Annotation(note="Compare with\n\nours & theirs", tags=frozenset({"zeta", "alpha"}))
    (_, _, fields), (_, _, bare_fields) = bibtex_entries(
        to_bibtex([paper, bare], {paper.id: annotation})
    )
    assert fields["keywords"] == "alpha, zeta"
    assert fields["note"] == r"Compare with ours \& theirs"
    assert fields["annote"] == r"12 pages, 50\% figures"
    assert not {"keywords", "note", "annote"} & set(bare_fields)


def unescape_markdown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_markdown_lists_every_title_with_its_link(papers: list[Paper]) -> None:
    text = to_markdown(papers)
    assert text.startswith("# ")
    headings = re.findall(r"^## \[(.*)\]\((\S+)\)$", text, re.M)
    assert len(headings) == 240
    for (title, url), paper in zip(headings, papers, strict=True):
        assert unescape_markdown(title) == readable(paper.title)  # LaTeX as text
        assert url == paper.abs_url
        assert f"[PDF]({paper.pdf_url})" in text


def test_markdown_of_an_api_paper_and_annotations(papers: list[Paper]) -> None:
    paper = next(p for p in papers if p.id == "2201.13065")
    text = to_markdown([paper], {paper.id: Annotation(starred=True, note="Compare with ours.")})
    assert text.count("\n## ") == 1
    assert "## ★ [Rigidity Preserving Image Transformations" in text
    assert "Lucas Brynte, Georg Bökman, Axel Flinth, Fredrik Kahl" in text
    assert "arXiv:2201.13065v2" in text
    assert "Compare with ours." in text
    assert "Tags:" not in text  # no tags, no line
    assert "> We characterize the class of image plane transformations" in text


def test_markdown_lists_the_tags_sorted_on_a_tags_line(papers: list[Paper]) -> None:
    """A reading list shared by tag must show the tags, one ``Tags:`` line per paper."""
    paper = next(p for p in papers if p.id == "2201.13065")
    text = to_markdown([paper], {paper.id: Annotation(tags=frozenset({"to-read", "survey"}))})
    (line,) = [line for line in text.splitlines() if line.startswith("Tags:")]
    assert line == "Tags: `survey` `to-read`"


def test_markdown_paragraphs_stay_in_the_quote(papers: list[Paper]) -> None:
    paper = next(p for p in papers if p.id == "1902.02882")
    quoted = [line for line in to_markdown([paper]).splitlines() if line.startswith(">")]
    assert sum(1 for line in quoted if line == ">") == 3  # four paragraphs
    assert quoted[0].startswith("> Purpose:")


def test_markdown_escapes_link_breaking_titles() -> None:
    paper = Paper(id="2201.00001", title="Segment [red]Anything[/] and *stars*", dates=())
    text = to_markdown([paper])
    ((title, url),) = re.findall(r"^## \[(.*)\]\((\S+)\)$", text, re.M)
    assert unescape_markdown(title) == paper.title
    assert url == "https://arxiv.org/abs/2201.00001"
    assert "[red]" not in title
