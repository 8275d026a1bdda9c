"""The library builder's snapshots: the order of the papers, each paper's
position and the papers in that order are kept as digests come (a load adds
the newest first), and every snapshot is what building them from scratch
gives, in whatever order the digests came and wherever it was taken."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from functools import reduce
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.core.discovery import digest_files
from tuireader.core.formats import parse_file
from tuireader.core.library import Library, LibraryBuilder, merge_papers
from tuireader.core.model import Digest, Paper

FIRST_DAY = date(2024, 5, 1)


def expected(digests: Sequence[Digest]) -> Library:
    """The library of ``digests`` (added in that order), built from scratch:
    every paper once at its newest date, each day as its digests listed it."""
    by_day: dict[date, dict[str, None]] = {}
    by_category: dict[date, dict[str, dict[str, None]]] = {}
    listings: dict[str, list[Paper]] = {}
    for digest in digests:  # a digest listing nothing still names its day
        listed = by_day.setdefault(digest.date, {})
        in_category = by_category.setdefault(digest.date, {}).setdefault(digest.category, {})
        for paper in digest.papers:
            listed[paper.id] = in_category[paper.id] = None
            listings.setdefault(paper.id, []).append(paper)
    days = sorted(by_day, reverse=True)
    ordered = tuple(dict.fromkeys(paper_id for day in days for paper_id in by_day[day]))
    papers = {paper_id: reduce(merge_papers, found) for paper_id, found in listings.items()}
    return Library(
        papers,
        {day: tuple(by_day[day]) for day in days},
        ordered,
        (),
        {day: {name: tuple(ids) for name, ids in sorted(by_category[day].items())} for day in days},
        [papers[paper_id] for paper_id in ordered],
        {paper_id: n for n, paper_id in enumerate(ordered)},
    )


def digest(day: int, category: str, listed: Sequence[tuple[str, int]]) -> Digest:
    on = FIRST_DAY + timedelta(days=day)
    papers = tuple(
        Paper(id=paper_id, title=f"{paper_id} v{version} on {on}", version=version, dates=(on,))
        for paper_id, version in listed
    )
    return Digest(on, category, f"{category}-{on}.md", "arxiv-listing", papers)


paper_ids = st.sampled_from([f"2405.{n:05d}" for n in range(15)])
digests = st.lists(
    st.builds(
        digest,
        st.integers(0, 6),
        st.sampled_from(["cs.CV", "cs.LG", "eess.IV"]),
        st.lists(st.tuples(paper_ids, st.integers(1, 3))),
    ),
    max_size=12,
)


@given(digests, st.randoms(use_true_random=False))
def test_every_snapshot_is_the_library_built_from_scratch(
    added: list[Digest], chance: random.Random
) -> None:
    """Digests in any order (newest first as a load adds them, or not: a
    day after an older one) with snapshots taken anywhere, twice in a row
    too."""
    if chance.random() < 0.5:
        added.sort(key=lambda d: d.date, reverse=True)
    builder = LibraryBuilder()
    for done, item in enumerate(added, start=1):
        builder.add_digest(item)
        for _ in range(chance.choice([0, 0, 1, 2])):
            assert builder.snapshot() == expected(added[:done])
    assert builder.snapshot() == expected(added)


def test_a_snapshot_is_not_changed_by_what_is_added_after_it() -> None:
    """The UI shows a snapshot while the loader adds on: a paper merged with
    a later listing is a new paper in the next snapshot only."""
    builder = LibraryBuilder()
    builder.add_digest(digest(3, "cs.CV", [("2405.00001", 1), ("2405.00002", 1)]))
    first = builder.snapshot()
    kept = (dict(first.papers), tuple(first.rows or ()), dict(first.positions()))
    builder.add_digest(digest(2, "cs.LG", [("2405.00002", 2), ("2405.00003", 1)]))
    builder.add_digest(digest(5, "cs.LG", [("2405.00003", 3)]))  # out of order
    second = builder.snapshot()
    assert (dict(first.papers), tuple(first.rows or ()), dict(first.positions())) == kept
    assert first.ordered_ids == ("2405.00001", "2405.00002")
    assert second.ordered_ids == ("2405.00003", "2405.00001", "2405.00002")
    assert second.papers["2405.00002"].version == 2 == (second.rows or ())[2].version


def test_a_load_newest_first_never_builds_the_order_again(
    samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real sample digests as a load adds them (newest first): each
    snapshot extends the order kept so far, never builds it from the days
    again (that took ~0.35 s a snapshot at a million papers); oldest first,
    every snapshot must, and both give the same library."""
    files, _ = digest_files([samples_dir])
    results = [parse_file(path) for path in files]
    found = [result.digest for result in results if result.digest is not None]
    assert len({d.date for d in found}) > 2, "the samples must span several days"
    builds = 0
    order_again = LibraryBuilder._order

    def counted(builder: LibraryBuilder, *arguments: object) -> None:
        nonlocal builds
        builds += 1
        order_again(builder, *arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(LibraryBuilder, "_order", counted)
    libraries = []
    for ordered in (found, found[::-1]):
        builds, builder = 0, LibraryBuilder()
        for done, item in enumerate(ordered, start=1):
            builder.add_digest(item)
            assert builder.snapshot() == expected(ordered[:done])
        libraries.append((builder.snapshot(), builds))
    (newest_first, rebuilt), (oldest_first, rebuilt_reversed) = libraries
    assert rebuilt == 0 and rebuilt_reversed > 0
    assert newest_first.ordered_ids == oldest_first.ordered_ids
    assert newest_first.by_date == oldest_first.by_date
