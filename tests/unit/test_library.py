"""The library: files and folders found recursively, and papers merged by their
version-less arXiv ID across digests and formats."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tuireader.core.library as library_module
from tuireader.core.discovery import LibraryError, discover
from tuireader.core.formats import ParseResult, parse_file
from tuireader.core.library import (
    Library,
    LibraryBuilder,
    LoadedFiles,
    first_listed,
    load_library,
    load_progressively,
    merge_papers,
    positions_of,
    reload_library,
)
from tuireader.core.model import PAPER_FIELDS, Paper

# One paper in both formats: the listing knows no version or authors, the API does.
LISTING_DAY = date(2021, 3, 1)
API_DAY = date(2021, 3, 5)
LISTING_WITH_SHARED = """# ArXiv cs.CV --Mon, 1 Mar 2021
### 1.Shared Paper Title  [ :arrow_down: ](https://arxiv.org/pdf/2103.00001.pdf)
>  The abstract as the listing shows it.
### 2.Only In The Listing  [ :arrow_down: ](https://arxiv.org/pdf/2103.00002.pdf)
>  Another abstract.
"""
API_WITH_SHARED = """# Arxiv Papers in cs.CV on 2021-03-05
### Shared Paper Title (revised)
- **Arxiv ID**: http://arxiv.org/abs/2103.00001v2
- **DOI**: None
- **Categories**: **cs.CV**, cs.LG
- **Authors**: Ada Lovelace, Alan Turing
- **Comment**: 12 pages
- **Journal**: None
- **Summary**: The abstract of version 2.

### Only In The API
- **Arxiv ID**: http://arxiv.org/abs/2103.00003v1
- **Categories**: **eess.IV**
- **Authors**: Grace Hopper
- **Summary**: Third.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def merge_files(tmp_path: Path) -> tuple[Path, Path]:
    return (
        write(tmp_path / "listing" / "2021-03-01-cs.CV.md", LISTING_WITH_SHARED),
        write(tmp_path / "api" / "20210305.md", API_WITH_SHARED),
    )


def test_the_same_paper_in_both_formats_is_one_paper(merge_files: tuple[Path, Path]) -> None:
    library = load_library(merge_files)
    assert library.warnings == ()
    assert sorted(library.papers) == ["2103.00001", "2103.00002", "2103.00003"]
    paper = library.papers["2103.00001"]
    assert paper.dates == (LISTING_DAY, API_DAY)
    assert paper.version == 2
    assert paper.authors == ("Ada Lovelace", "Alan Turing")
    assert paper.title == "Shared Paper Title (revised)"
    assert paper.abstract == "The abstract of version 2."
    assert paper.comment == "12 pages"
    assert paper.primary_category == "cs.CV"
    assert paper.categories == ("cs.CV", "cs.LG")
    # Each date still lists it, and only once.
    assert [p.id for p in library.papers_on(LISTING_DAY)] == ["2103.00001", "2103.00002"]
    assert [p.id for p in library.papers_on(API_DAY)] == ["2103.00001", "2103.00003"]
    assert library.papers_on(LISTING_DAY)[0] is paper
    # Dates newest first, with their counts.
    assert library.dates == (API_DAY, LISTING_DAY)
    assert {day: len(ids) for day, ids in library.by_date.items()} == {API_DAY: 2, LISTING_DAY: 2}
    # Every paper once, at its newest date.
    assert library.ordered_ids == ("2103.00001", "2103.00003", "2103.00002")


def test_merging_does_not_depend_on_the_order_of_files(merge_files: tuple[Path, Path]) -> None:
    forward = load_library(merge_files)
    backward = load_library(reversed(merge_files))
    assert forward.papers == backward.papers
    assert forward.by_date == backward.by_date


def test_newer_version_wins_but_keeps_what_only_the_older_knew(tmp_path: Path) -> None:
    older = write(
        tmp_path / "a.md",
        "# Arxiv Papers in cs.CV on 2022-01-31\n"
        "### Old Title\n"
        "- **Arxiv ID**: http://arxiv.org/abs/2201.00001v1\n"
        "- **DOI**: 10.1000/old\n"
        "- **Categories**: **cs.CV**\n"
        "- **Journal**: Journal of Old Results\n"
        "- **Report Number**: R-1\n"
        "- **Summary**: Old abstract.\n",
    )
    newer = write(
        tmp_path / "b.md",
        "# Arxiv Papers in cs.CV on 2022-01-20\n"
        "### New Title\n"
        "- **Arxiv ID**: http://arxiv.org/abs/2201.00001v3\n"
        "- **Categories**: **cs.LG**, cs.CV\n"
        "- **Summary**: New abstract.\n",
    )
    paper = load_library([older, newer]).papers["2201.00001"]
    # v3 is newer even though it was listed on the earlier date.
    assert (paper.version, paper.title, paper.abstract) == (3, "New Title", "New abstract.")
    assert (paper.doi, paper.journal) == ("10.1000/old", "Journal of Old Results")
    assert paper.primary_category == "cs.LG"
    assert paper.categories == ("cs.LG", "cs.CV")
    assert paper.extra == (("Report Number", "R-1"),)
    assert paper.dates == (date(2022, 1, 20), date(2022, 1, 31))


def test_same_file_twice_and_duplicate_entries_count_once(
    samples_dir: Path, tmp_path: Path
) -> None:
    sample = samples_dir / "2021-07-21-cs.CV.md"
    text = sample.read_text(encoding="utf-8")
    header, _, body = text.partition("\n")
    doubled = write(tmp_path / "doubled.md", f"{header}\n{body}{body}")
    library = load_library([sample, sample, doubled])
    assert len(library) == 45
    assert len(library.by_date[date(2021, 7, 21)]) == 45
    assert all(paper.dates == (date(2021, 7, 21),) for paper in library.papers.values())


def test_folders_are_walked_recursively_for_md_and_txt(samples_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "digests"
    listing = (samples_dir / "2021-01-22-cs.CV.md").read_text(encoding="utf-8")
    api = (samples_dir / "cs.CV/2022/01/20220131.md").read_text(encoding="utf-8")
    write(root / "top.md", listing)
    write(root / "deep" / "er" / "still" / "api.txt", api)
    write(root / "UPPER.MD", LISTING_WITH_SHARED)
    write(root / "ignored.pdf", LISTING_WITH_SHARED)
    write(root / "ignored.json", API_WITH_SHARED)
    write(root / ".hidden.md", API_WITH_SHARED)
    write(root / ".hidden" / "inside.md", API_WITH_SHARED)
    found = [path for path in discover([root]) if isinstance(path, Path)]
    assert [path.relative_to(root).as_posix() for path in found] == [
        "UPPER.MD",
        "deep/er/still/api.txt",
        "top.md",
    ]
    library = load_library([root])
    assert library.warnings == ()
    assert len(library) == 43 + 39 + 2
    assert "2103.00003" not in library.papers  # only in the ignored and hidden files


def test_a_file_named_explicitly_loads_whatever_its_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "digest.markdown.bak", LISTING_WITH_SHARED)
    assert sorted(load_library([path]).papers) == ["2103.00001", "2103.00002"]


def test_the_samples_folder_loads_the_nested_api_file(samples_dir: Path) -> None:
    library = load_library([samples_dir])
    assert len(library.papers_on(date(2022, 1, 31))) == 39
    assert library.papers_on(date(1999, 1, 1)) == []


@pytest.mark.parametrize("missing", ["does-not-exist", "does-not-exist.md"])
def test_a_missing_path_is_an_error_naming_it(missing: str, tmp_path: Path) -> None:
    path = tmp_path / missing
    with pytest.raises(LibraryError, match=missing):
        load_library([tmp_path, path])


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2201.12944", id="id"),
        pytest.param("2201.12944v1", id="other-version"),
        pytest.param("2201.12944v5", id="versioned"),
        pytest.param("arXiv:2201.12944", id="arxiv-prefix"),
        pytest.param("https://arxiv.org/abs/2201.12944v5", id="abs-url"),
        pytest.param("http://arxiv.org/pdf/2201.12944v5.pdf", id="pdf-url"),
    ],
)
def test_find_by_id_version_or_url(text: str, samples_dir: Path) -> None:
    library = load_library([samples_dir / "cs.CV"])
    paper = library.find(text)
    assert paper is not None
    assert (paper.id, paper.version) == ("2201.12944", 5)


@pytest.mark.parametrize("text", ["9999.99999", "nonsense", ""])
def test_find_unknown(text: str, samples_dir: Path) -> None:
    assert load_library([samples_dir / "cs.CV"]).find(text) is None


def test_snapshots_are_immutable(merge_files: tuple[Path, Path]) -> None:
    builder = LibraryBuilder()
    builder.add(parse_file(merge_files[0]))
    first = builder.snapshot()
    builder.add(parse_file(merge_files[1]))
    second = builder.snapshot()
    assert len(first) == 2 and len(second) == 3
    assert first.papers["2103.00001"].version is None
    assert first.dates == (LISTING_DAY,)
    assert second.papers["2103.00001"].version == 2


def test_load_progressively_counts_files(merge_files: tuple[Path, Path], tmp_path: Path) -> None:
    steps = [(p.done, p.total, len(p.builder.snapshot())) for p in load_progressively([tmp_path])]
    # Folders are walked in name order: "api" (2 papers) before "listing" (+1).
    assert steps == [(0, 2, 0), (1, 2, 2), (2, 2, 3)]


def test_empty_library() -> None:
    library = Library()
    assert (len(library), library.dates, library.ordered_papers()) == (0, (), [])


def test_newest_files_load_first(samples_dir: Path) -> None:
    """The top of the list (newest papers) should be the first to appear."""
    progress = load_progressively([samples_dir])
    next(progress)  # files found, none parsed yet
    after_one_file = next(progress).builder.snapshot().dates
    newest = load_library([samples_dir]).dates[0]
    assert after_one_file == (newest,)
    *_, last = progress
    assert last.builder.snapshot() == load_library([samples_dir])


def loaded_files(paths: list[Path]) -> LoadedFiles:
    *_, last = load_progressively(paths)
    return last.builder.files


def test_a_reload_parses_only_new_and_changed_files_and_matches_a_fresh_load(
    samples_dir: Path, merge_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """A digest landing in a big archive should cost its own parse, not the
    archive's; what the reload builds must be what a fresh start would."""
    listing, api = merge_files
    folder = tmp_path
    files = loaded_files([folder])
    parsed: list[Path] = []

    def counting_parse(path: Path) -> ParseResult:
        parsed.append(path)
        return parse_file(path)

    assert reload_library(files, [folder], counting_parse) is None  # nothing changed
    assert parsed == []
    new = write(folder / "2021-03-08-cs.LG.md", LISTING_WITH_SHARED.replace("2103.000", "2103.009"))
    builder = reload_library(files, [folder], counting_parse)
    assert builder is not None and parsed == [new]
    assert builder.snapshot() == load_library([folder])

    parsed.clear()
    write(listing, LISTING_WITH_SHARED.replace("Only In The Listing", "Renamed In The Listing"))
    builder = reload_library(builder.files, [folder], counting_parse)
    assert builder is not None and parsed == [listing]
    assert builder.snapshot().papers["2103.00002"].title == "Renamed In The Listing"

    parsed.clear()
    api.unlink()  # 2103.00001 is still listed by the listing: it stays
    builder = reload_library(builder.files, [folder], counting_parse)
    assert builder is not None
    after = builder.snapshot()
    assert parsed == []
    assert "2103.00003" not in after.papers and "2103.00001" in after.papers
    assert after == load_library([folder])


def test_orders_and_positions_built_a_step_at_a_time_are_whole(
    samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built in slices (so the UI thread gets the GIL between them), they are
    what one pass over every ID gives."""
    monkeypatch.setattr(library_module, "_IDS_PER_STEP", 7)
    library = load_library([samples_dir])
    ids = library.ordered_ids
    assert positions_of(ids) == {paper_id: n for n, paper_id in enumerate(ids)}
    days = list(library.by_date.values())
    assert first_listed(days) == tuple(dict.fromkeys(i for day in days for i in day))
    assert first_listed([("a", "b"), ("b", "c", "a"), ("d",)]) == ("a", "b", "c", "d")


def test_a_snapshot_lists_its_papers_in_order_once(samples_dir: Path) -> None:
    """The list of papers in order is made with the snapshot (by the loading
    worker), so the UI thread never lists a million papers again."""
    builder = LibraryBuilder()
    for progress in load_progressively([samples_dir]):
        builder = progress.builder
    library = builder.snapshot()
    papers = library.ordered_papers()
    assert papers is library.ordered_papers()
    assert [paper.id for paper in papers] == list(library.ordered_ids)
    assert all(library.papers[paper.id] is paper for paper in papers)


def _merged_field_by_field(known: Paper, other: Paper) -> Paper:
    """The merge as PAPER_FIELDS reads, written plainly: the oracle."""
    newer, older = (known, other)
    if _rank(other) > _rank(known):
        newer, older = other, known
    changes: dict[str, object] = {}
    for paper_field in PAPER_FIELDS:
        mine, theirs = getattr(newer, paper_field.name), getattr(older, paper_field.name)
        if paper_field.merge == "fill" and not mine and theirs:
            changes[paper_field.name] = theirs
        elif paper_field.merge == "union" and theirs:
            if paper_field.name == "extra":
                changes["extra"] = tuple(dict(theirs + mine).items())
            elif paper_field.name == "dates":
                changes["dates"] = tuple(sorted(set(mine + theirs)))
            else:
                changes[paper_field.name] = tuple(dict.fromkeys(mine + theirs))
    return dataclasses.replace(newer, **changes)


def _rank(paper: Paper) -> tuple[int, int, date]:
    filled = [f.name for f in PAPER_FIELDS if f.merge == "fill"]
    richness = sum(1 for name in filled if getattr(paper, name))
    return (paper.version or 0, richness, max(paper.dates, default=date.min))


_words = st.lists(st.sampled_from(["a", "b", "c", "α"]), max_size=3).map(tuple)
_maybe = st.one_of(st.none(), st.just(""), st.sampled_from(["x", "y"]))
_listings = st.builds(
    Paper,
    id=st.just("2101.00001"),
    title=st.sampled_from(["Old title", "New title"]),
    version=st.one_of(st.none(), st.integers(1, 3)),
    authors=_words,
    abstract=st.sampled_from(["", "An abstract.", "Another."]),
    categories=_words,
    primary_category=_maybe,
    doi=_maybe,
    comment=_maybe,
    journal=_maybe,
    published=_maybe,
    updated=_maybe,
    links=_words,
    extra=st.lists(
        st.tuples(st.sampled_from(["k", "l"]), st.sampled_from(["1", "2"])), max_size=2
    ).map(tuple),
    dates=st.lists(st.dates(date(2021, 1, 1), date(2021, 1, 9)), max_size=2).map(tuple),
)


@given(_listings, _listings)
def test_merging_two_listings_follows_each_fields_rule(known: Paper, other: Paper) -> None:
    assert merge_papers(known, other) == _merged_field_by_field(known, other)
