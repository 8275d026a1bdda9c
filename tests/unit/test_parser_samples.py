"""The parser on the five real sample digests (four listing files, one API file).

Expected values were read off the sample files by hand; counts and IDs are also
re-derived from the raw text here, independently of the parser.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from tuireader.core.formats import parse_file
from tuireader.core.library import Library, load_library
from tuireader.core.model import Digest, Paper

API_FILE = "cs.CV/2022/01/20220131.md"
SAMPLES = {
    "2021-07-21-cs.CV.md": (45, date(2021, 7, 21), "arxiv-listing"),
    "2021-03-11-cs.CV.md": (66, date(2021, 3, 11), "arxiv-listing"),
    "2021-01-22-cs.CV.md": (43, date(2021, 1, 22), "arxiv-listing"),
    "2020-08-21-cs.CV.md": (47, date(2020, 8, 21), "arxiv-listing"),
    API_FILE: (39, date(2022, 1, 31), "arxiv-api"),
}
LISTING_FILES = [name for name in SAMPLES if name != API_FILE]

# What the raw files look like, for re-deriving IDs without the parser.
_API_ID_LINE = re.compile(r"^- \*\*Arxiv ID\*\*: http://arxiv\.org/abs/(\S+)v(\d+)$", re.M)
_LISTING_TITLE_LINE = re.compile(r"^### \d+\..*\(https://arxiv\.org/pdf/(\S+)\.pdf\)\s*$", re.M)
_HREF = re.compile(r'href="([^"]+)"')
# Markup and entities that must not survive cleaning.
_LEFTOVER_MARKUP = re.compile(r"<a\s|</a|<br|<p>|<i>|</i>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


@pytest.fixture(scope="module")
def digests(samples_dir: Path) -> dict[str, Digest]:
    """Each sample parsed once for the module (parsing is pure, results frozen)."""
    parsed = {}
    for name in SAMPLES:
        result = parse_file(samples_dir / name)
        assert result.warnings == ()
        assert result.digest is not None
        parsed[name] = result.digest
    return parsed


@pytest.fixture(scope="module")
def library(samples_dir: Path) -> Library:
    return load_library([samples_dir])


@pytest.fixture(scope="module")
def api_papers(digests: dict[str, Digest]) -> dict[str, Paper]:
    return {paper.id: paper for paper in digests[API_FILE].papers}


@pytest.fixture(scope="module")
def listing_papers(digests: dict[str, Digest]) -> dict[str, Paper]:
    return {paper.id: paper for name in LISTING_FILES for paper in digests[name].papers}


def string_fields(paper: Paper) -> list[tuple[str, str]]:
    """Every piece of text a paper carries, named, for scanning."""
    fields = [
        (name, getattr(paper, name))
        for name in ("id", "title", "abstract", "primary_category", "doi", "comment", "journal")
        + ("published", "updated")
    ]
    fields += [("author", author) for author in paper.authors]
    fields += [("category", category) for category in paper.categories]
    fields += [("link", link) for link in paper.links]
    fields += [(f"extra {name}", value) for name, value in paper.extra]
    fields += [(f"extra name {name}", name) for name, _ in paper.extra]
    return [(name, value) for name, value in fields if value is not None]


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_parses_to_its_exact_count(
    name: str, samples_dir: Path, digests: dict[str, Digest]
) -> None:
    expected, day, digest_format = SAMPLES[name]
    text = (samples_dir / name).read_text(encoding="utf-8")
    assert sum(1 for line in text.splitlines() if line.startswith("### ")) == expected
    digest = digests[name]
    assert len(digest.papers) == expected
    assert digest.date == day
    assert digest.category == "cs.CV"
    assert digest.format == digest_format
    assert digest.source == str(samples_dir / name)
    assert all(paper.dates == (day,) for paper in digest.papers)


@pytest.mark.parametrize("name", SAMPLES)
def test_ids_and_versions_match_the_raw_file(
    name: str, samples_dir: Path, digests: dict[str, Digest]
) -> None:
    text = (samples_dir / name).read_text(encoding="utf-8")
    if name == API_FILE:
        raw = [(arxiv_id, int(version)) for arxiv_id, version in _API_ID_LINE.findall(text)]
    else:
        raw = [(arxiv_id, None) for arxiv_id in _LISTING_TITLE_LINE.findall(text)]
    assert len(raw) == SAMPLES[name][0]
    assert [(paper.id, paper.version) for paper in digests[name].papers] == raw


def test_all_samples_make_240_unique_papers(library: Library) -> None:
    assert library.warnings == ()
    assert len(library) == 240 == sum(count for count, _, _ in SAMPLES.values())
    assert len(set(library.ordered_ids)) == len(library.ordered_ids) == 240
    assert all(not re.search(r"v\d+$", paper_id) for paper_id in library.papers)


def test_dates_newest_first_with_counts(library: Library) -> None:
    expected = sorted(((day, count) for count, day, _ in SAMPLES.values()), reverse=True)
    assert [(day, len(library.papers_on(day))) for day in library.dates] == expected


@pytest.mark.parametrize(
    ("arxiv_id", "expected"),
    [
        pytest.param(
            "2201.12944",
            {
                "version": 5,
                "title": "Deep Learning Approaches on Image Captioning: A Review",
                "authors": ("Taraneh Ghandi", "Hamidreza Pourreza", "Hamidreza Mahyar"),
                "doi": "10.1145/3617592",
                "categories": ("cs.CV",),
                "primary_category": "cs.CV",
                "comment": "41 pages, 6 figures",
                "journal": None,
                "published": "2022-01-31 00:39:37+00:00",
                "updated": "2023-08-22 17:50:41+00:00",
                "extra": (("Classes", "I.2.7; I.4"),),
            },
            id="acm-classes",
        ),
        pytest.param(
            "2201.13078",
            {
                "version": 2,
                "doi": "10.1016/j.ijar.2022.06.007",
                "authors": ("Ling Huang", "Su Ruan", "Pierre Decazes", "Thierry Denoeux"),
                "comment": "Preprint submitted to International Journal of Approximate Reasoning",
                "journal": "International Journal of Approximate Reasoning, Volume 149, 2022, "
                "Pages 39-60,",
            },
            id="wrapped-journal",
        ),
        pytest.param(
            "2202.00067",
            {
                "version": 1,
                "primary_category": "eess.IV",
                "categories": ("eess.IV", "cs.CV", "cs.LG"),
                "doi": "10.1109/BigData52589.2021.9672060",
                "journal": "2021 IEEE International Conference on Big Data (Big Data), pp. "
                "1779-1786. IEEE, 2021",
                "extra": (("Classes", "I.5.4; I.5.2; I.2.10"),),
            },
            id="eess-primary-and-classes",
        ),
        pytest.param(
            "2201.13065",
            {
                "authors": ("Lucas Brynte", "Georg Bökman", "Axel Flinth", "Fredrik Kahl"),
                "comment": "v2: Substantially revised version. Among other things, experiments "
                "with the PixLoc model added",
                "doi": None,
            },
            id="accented-author",
        ),
        pytest.param(
            "2201.13178",
            {
                "comment": "This work is accepted by the ICLR 2022. The first two authors "
                "contributed equally to this work. In this version, we fix some typos and "
                "errors contained in the last one. 21 pages",
            },
            id="comment-over-three-lines",
        ),
        pytest.param(
            "2202.00091",
            {
                "primary_category": "cs.LG",
                "categories": ("cs.LG", "cs.AI", "cs.CR", "cs.CV"),
                "comment": "Published as a conference paper at the International Conference on "
                "Learning Representations (ICLR 2022). Code is available at "
                "https://sparseevoattack.github.io/",
                "links": ("https://sparseevoattack.github.io/",),
            },
            id="cross-list-primary",
        ),
        pytest.param(
            "2201.13271",
            {
                "version": 3,
                "categories": ("eess.IV", "cs.CV", "cs.LG", "physics.med-ph"),
                "journal": "Computers in Biology and Medicine, 106093 (2022)",
            },
            id="physics-category",
        ),
        pytest.param(
            "2202.00087",
            {"categories": ("eess.IV", "cs.CV", "q-bio.QM"), "primary_category": "eess.IV"},
            id="q-bio-category",
        ),
        pytest.param("2202.07456", {"authors": ("ChuMiao Li",), "version": 1}, id="one-author"),
    ],
)
def test_api_fields(
    arxiv_id: str, expected: dict[str, object], api_papers: dict[str, Paper]
) -> None:
    paper = api_papers[arxiv_id]
    assert {name: getattr(paper, name) for name in expected} == expected


def test_api_abstracts_are_whole(api_papers: dict[str, Paper]) -> None:
    paper = api_papers["2201.13078"]
    assert paper.abstract.startswith("An automatic evidential segmentation method based on")
    assert paper.abstract.endswith("on a dataset of 173 patients.")
    assert all(paper.abstract for paper in api_papers.values())


def test_acm_classes_are_not_categories(api_papers: dict[str, Paper]) -> None:
    for paper in api_papers.values():
        assert paper.categories, paper.id
        assert paper.primary_category in paper.categories
        for category in paper.categories:
            assert re.fullmatch(r"[a-z][a-z-]*(\.[A-Za-z-]+)?", category), (paper.id, category)
    with_classes = {p.id: dict(p.extra)["Classes"] for p in api_papers.values() if p.extra}
    assert with_classes == {"2201.12944": "I.2.7; I.4", "2202.00067": "I.5.4; I.5.2; I.2.10"}


@pytest.mark.parametrize(
    ("arxiv_id", "title"),
    [
        pytest.param(
            "2103.06255",
            "Involution: Inverting the Inherence of Convolution for Visual Recognition",
            id="first-of-2021-03-11",
        ),
        pytest.param(
            "2008.08871",
            "Deep learning-based transformation of the H&E stain into special stains improves "
            "kidney disease diagnosis",
            id="amp-in-title",
        ),
        pytest.param(
            "2107.09405",
            "DeepSMILE: Self-supervised heterogeneity-aware multiple instance learning for DNA "
            "damage response defect classification directly from H&E whole-slide images",
            id="amp-in-title-2",
        ),
        pytest.param(
            "2101.08674",
            "DAF:re: A Challenging, Crowd-Sourced, Large-Scale, Long-Tailed Dataset For Anime "
            "Character Recognition",
            id="colons",
        ),
        pytest.param(
            "1902.02882", "HYDRA: Hybrid Deep Magnetic Resonance Fingerprinting", id="old"
        ),
    ],
)
def test_listing_titles(arxiv_id: str, title: str, listing_papers: dict[str, Paper]) -> None:
    paper = listing_papers[arxiv_id]
    assert paper.title == title
    assert paper.version is None
    assert paper.authors == ()
    assert paper.doi is paper.comment is paper.journal is None
    assert paper.categories == ("cs.CV",)


@pytest.mark.parametrize(
    ("arxiv_id", "fragments"),
    [
        pytest.param(
            "2103.06255",
            [
                "Code and pre-trained models for all the tasks are available at "
                "https://github.com/d-li14/involution."
            ],
            id="link-kept",
        ),
        pytest.param(
            "2008.08871", ["the hematoxylin and eosin (H&E) stain is used"], id="amp-in-abstract"
        ),
        pytest.param("2107.09134", ["by 1.7 (p < .001) after"], id="lt"),
        pytest.param("2101.08286", ["for any positive integers $K > 2$ and $L$"], id="gt-in-math"),
        pytest.param(
            "2008.08826",
            ["(Code at Dataset <https://github.com/shijieS/OmniMOTDataset>, Dataset Recorder <"],
            id="angle-quoted-links",
        ),
        pytest.param(
            "2103.06116",
            [r"available on \url{ https://github.com/yanglixiaoshen/SAP-Net}."],
            id="latex-url",
        ),
    ],
)
def test_listing_abstract_text(
    arxiv_id: str, fragments: list[str], listing_papers: dict[str, Paper]
) -> None:
    for fragment in fragments:
        assert fragment in listing_papers[arxiv_id].abstract


def test_line_breaks_become_paragraphs(listing_papers: dict[str, Paper]) -> None:
    paragraphs = listing_papers["1902.02882"].abstract.split("\n\n")
    assert [p.split(":")[0] for p in paragraphs] == ["Purpose", "Methods", "Results", "Conclusions"]
    assert paragraphs[-1].endswith("over competing MRF methods")
    assert all(p == p.strip() and "\n" not in p for p in paragraphs)


@pytest.mark.parametrize("name", LISTING_FILES)
def test_listing_links_and_paragraphs_match_the_raw_html(
    name: str, samples_dir: Path, digests: dict[str, Digest]
) -> None:
    """Every href in a raw abstract is a link of its paper, and every <br> a paragraph."""
    lines = (samples_dir / name).read_text(encoding="utf-8").splitlines()
    raw_abstracts = [line for line in lines if line.startswith(">")]
    papers = digests[name].papers
    assert len(raw_abstracts) == len(papers)
    for raw, paper in zip(raw_abstracts, papers, strict=True):
        assert list(paper.links) == list(dict.fromkeys(_HREF.findall(raw))), paper.id
        pieces = [piece for piece in re.split(r"<br\s*/?>", raw[1:]) if piece.strip()]
        assert paper.abstract.count("\n\n") == len(pieces) - 1, paper.id


def test_links_of_2021_03_11(listing_papers: dict[str, Paper]) -> None:
    assert listing_papers["2103.06255"].links == ("https://github.com/d-li14/involution",)
    assert listing_papers["2103.06116"].links == ("https://github.com/yanglixiaoshen/SAP-Net",)
    assert listing_papers["2103.06164"].links == ("http://snap-shot.In",)


def test_no_markup_entities_controls_or_none_strings_anywhere(library: Library) -> None:
    """Scan every text field of all 240 papers."""
    problems = []
    for paper in library.ordered_papers():
        for name, value in string_fields(paper):
            if _LEFTOVER_MARKUP.search(value):
                problems.append((paper.id, name, "markup", _LEFTOVER_MARKUP.search(value)[0]))
            if value.strip() in {"None", "none", "null", ""}:
                problems.append((paper.id, name, "empty-or-None", value))
            controls = [c for c in value if c != "\n" and unicodedata.category(c) in {"Cc", "Cf"}]
            if controls:
                problems.append((paper.id, name, "control", controls))
            if name != "abstract" and "\n" in value:
                problems.append((paper.id, name, "newline", value))
            if value != value.strip() or "  " in value:
                problems.append((paper.id, name, "whitespace", value))
    assert problems == []


def test_raw_samples_do_hold_the_markup_that_must_go(samples_dir: Path) -> None:
    """Guard for the scan above: the raw files really contain what it looks for."""
    raw = "".join(path.read_text(encoding="utf-8") for path in samples_dir.rglob("*.md"))
    for needle in ("<a ", "</a>", "<br>", "&amp;", "&lt;", "&gt;", "H&amp;E", "None"):
        assert needle in raw
