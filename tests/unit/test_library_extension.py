"""A library file extended with new days' digests is the file a load of
every digest writes: generated archives (both formats, cross-lists, new
versions of old papers), real files in temporary folders."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from library_file_helpers import fresh, keep, reopened

from tuireader.core import library_file
from tuireader.core.discovery import _date_in_path, digest_files
from tuireader.core.formats import parse_file
from tuireader.core.library_file import Opened
from tuireader.core.search import SearchIndex

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from generate import generate  # noqa: E402

QUERIES = ["diffusion", "segm", "3d pose", "au:wang", "cat:cs.LG", "cat:stat", "alpha"]
QUERIES += ["ti:segmentation -cat:eess", "date:2021-01", "id:21", "difusion", "transformer net"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    generate(folder, 3000)
    return folder


def held_back(source: Path, tmp_path: Path, days: int = 1) -> tuple[Path, list[Path]]:
    """A copy of ``source`` without its newest ``days`` days' digests, and those."""
    digests = Path(shutil.copytree(source, tmp_path / "digests"))
    files, _ = digest_files([digests])
    newest = sorted({_date_in_path(path) for path in files}, reverse=True)[:days]
    aside = [path for path in files if _date_in_path(path) in newest]
    for path in aside:
        path.rename(path.with_name(path.name + ".aside"))
    return digests, aside


def put_back(aside: list[Path]) -> None:
    for path in aside:
        path.with_name(path.name + ".aside").rename(path)


def extended(folder: Path, digests: Path) -> bool:
    """Extend the library file of ``digests`` as a start finds it."""
    reader = library_file.kept(folder, [digests]).reader
    assert reader is not None and fresh(folder, [digests]) is None
    added = library_file.addition([str(digests)], reader.key)
    if added is None:
        assert library_file.fit(reader, [digests]) is library_file.Fit.STALE
        return False
    assert library_file.fit(reader, [digests]) is library_file.Fit.NEW_DAYS
    results = [parse_file(path) for path in added.files]
    target = library_file.location(folder, [digests])
    return library_file.extend(target, reader, reader.read(), added, results)


def opened(folder: Path, digests: Path) -> Opened:
    return reopened(folder, [digests])


def assert_same(extended: Opened, loaded: Opened) -> None:
    one, other = extended.library, loaded.library
    assert one.ordered_ids == other.ordered_ids
    assert one.by_date == other.by_date
    assert one.by_category == other.by_category
    assert one.warnings == other.warnings
    assert list(one.ordered_papers()) == list(other.ordered_papers())
    positions = range(len(one.ordered_ids))
    for name, column in extended.columns.text_columns.items():
        theirs = loaded.columns.text_columns[name]
        assert list(column.texts(positions)) == list(theirs.texts(positions))
    for tables in (extended.columns.tables, loaded.columns.tables):
        assert tables is not None
    assert pairs(extended) == pairs(loaded)
    mine, theirs = SearchIndex(extended.columns), SearchIndex(loaded.columns)
    for query in QUERIES:
        assert mine.search(query) == theirs.search(query), query
    for name, column in extended.columns.text_columns.items():
        words, their_words = column.words, loaded.columns.text_columns[name].words
        assert words is not None and their_words is not None
        for fragment in ("a", "seg", "net", "2", "cs.c", "é"):
            assert np.array_equal(words.containing(fragment), their_words.containing(fragment))


def pairs(opened: Opened) -> tuple[set[tuple[str, int]], set[tuple[int, int]]]:
    """The masks' tables as (category, position) and (day, position) pairs."""
    tables = opened.columns.tables
    assert tables is not None
    codes, owners = tables.categories
    days, day_owners = tables.days
    named = [tables.names[code] for code in codes.tolist()]
    categories = set(zip(named, owners.tolist(), strict=True))
    return categories, set(zip(days.tolist(), day_owners.tolist(), strict=True))


@pytest.mark.parametrize("days", [1, 3])
def test_an_extended_file_equals_one_loaded_from_every_digest(
    archive: Path, tmp_path: Path, days: int
) -> None:
    digests, aside = held_back(archive, tmp_path, days)
    before, _ = keep(tmp_path / "extended", [digests])
    put_back(aside)
    assert extended(tmp_path / "extended", digests)
    loaded, _ = keep(tmp_path / "loaded", [digests])
    # New versions of old papers came with the new days: those moved and changed.
    assert {
        p.id
        for p in loaded.papers.values()
        if p.id in before.papers and loaded.papers[p.id] != before.papers[p.id]
    }
    assert_same(opened(tmp_path / "extended", digests), opened(tmp_path / "loaded", digests))


def test_the_sample_digests_extend_by_their_newest_day(samples_dir: Path, tmp_path: Path) -> None:
    digests, aside = held_back(samples_dir, tmp_path)
    keep(tmp_path / "extended", [digests])
    put_back(aside)
    assert extended(tmp_path / "extended", digests)
    keep(tmp_path / "loaded", [digests])
    assert_same(opened(tmp_path / "extended", digests), opened(tmp_path / "loaded", digests))


@pytest.mark.parametrize("change", ["changed", "removed", "older", "same day"])
def test_only_new_days_extend_a_file(samples_dir: Path, tmp_path: Path, change: str) -> None:
    """Anything else a load of every digest must see: extend says no."""
    digests, aside = held_back(samples_dir, tmp_path)
    keep(tmp_path / "library", [digests])
    put_back(aside)
    oldest = min(digest_files([digests])[0], key=_date_in_path)
    if change == "changed":
        oldest.write_text(oldest.read_text() + "\n")
    elif change == "removed":
        oldest.unlink()
    elif change == "older":  # a digest of a day before the others: not loaded first
        shutil.copy(oldest, digests / "2001-01-01-cs.CV.md")
        for path in aside:
            path.unlink()
    else:  # newest by its name, but for a day the file has: orders that day anew
        shutil.copy(oldest, digests / "2030-01-01-cs.CV.md")
    assert not extended(tmp_path / "library", digests)
    assert fresh(tmp_path / "library", [digests]) is None


def test_an_app_reading_the_old_file_reads_on_while_it_is_extended(
    samples_dir: Path, tmp_path: Path
) -> None:
    digests, aside = held_back(samples_dir, tmp_path)
    keep(tmp_path / "library", [digests])
    reader = library_file.kept(tmp_path / "library", [digests]).reader
    assert reader is not None
    before = reader.read()  # what another app has open
    papers = list(before.library.ordered_papers())
    put_back(aside)
    assert extended(tmp_path / "library", digests)
    assert list(before.library.ordered_papers()) == papers  # the old mapping, whole
    assert SearchIndex(before.columns).search("segmentation").positions
    assert len(reopened(tmp_path / "library", [digests]).library) > len(papers)
