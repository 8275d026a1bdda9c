"""The tally's counts against a count written plainly from the library:
every day, month and category of a day or a month, with some papers read,
then kept in step mark by mark."""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from library_file_helpers import keep, reopened

from tuireader.core.library import Library, load_library
from tuireader.core.scope import ALL, Scope
from tuireader.core.tally import Tally


def plain_counts(library: Library, read: set[str]) -> dict[Scope, tuple[int, int]]:
    members: dict[Scope, set[str]] = defaultdict(set)
    for day, ids in library.by_date.items():
        for paper_id in ids:
            members[ALL].add(paper_id)
            members[Scope.of_day(day)].add(paper_id)
            members[Scope.of_month(day.year, day.month)].add(paper_id)
        for category, listed in library.by_category.get(day, {}).items():
            for paper_id in listed:
                members[Scope.of_day(day, category)].add(paper_id)
                members[Scope.of_month(day.year, day.month, category)].add(paper_id)
    return {scope: (len(ids), len(ids - read)) for scope, ids in members.items()}


@pytest.fixture(scope="module", params=["loaded", "library-file"])
def library(
    request: pytest.FixtureRequest, samples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Library:
    """The samples plus a copy of one day under another date (so papers are
    listed on several days and in several months), loaded or from the file."""
    folder = tmp_path_factory.mktemp("digests")
    shutil.copytree(samples_dir, folder / "samples")
    first = sorted((folder / "samples").rglob("*.md"))[0]
    (folder / "2023-03-01.md").write_text(first.read_text().replace("2021", "2023", 1))
    if request.param == "loaded":
        return load_library([folder])
    kept = tmp_path_factory.mktemp("library")
    keep(kept, [folder])
    return reopened(kept, [folder]).library


def test_the_counts_are_those_counted_plainly(library: Library) -> None:
    ids = list(library.ordered_ids)
    read = set(random.Random(7).sample(ids, len(ids) // 3))
    tally = Tally(library, read)
    assert tally.counts() == plain_counts(library, read)


def test_marks_keep_the_counts_in_step(library: Library) -> None:
    ids = list(library.ordered_ids)
    read = set(ids[::5])
    tally = Tally(library, read)
    changes = random.Random(3).sample(ids, 40)
    # Only papers whose state changes are marked, as the store reports them.
    now_read = [i for i in changes[:25] if i not in read]
    now_unread = [i for i in changes[25:] if i in read]
    tally.marked(now_read, True)
    tally.marked(now_unread, False)
    read = (read | set(now_read)) - set(now_unread)
    assert tally.counts() == plain_counts(library, read)
    tally.marked(["not-a-paper"], True)  # a mark for a paper not listed changes nothing
    assert tally.counts() == plain_counts(library, read)


def test_a_cancelled_count_stops(library: Library) -> None:
    assert Tally(library, set(), cancelled=lambda: True).counts() == {}
