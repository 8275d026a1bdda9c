"""The reader's state without Textual: scopes, rows, cursor, changes and undo,
unread navigation, counts and resume, on the real samples and a real store."""

from __future__ import annotations

import dataclasses
import shutil
import threading
import tomllib
from datetime import date
from pathlib import Path

import pytest

from tuireader.core import locations, snapshot_search
from tuireader.core.config import Config, SavedSearch
from tuireader.core.library import Library, load_library, load_progressively, positions_of
from tuireader.core.reader import Reader, Rows
from tuireader.core.scope import ALL, NOTED, STARRED, UNREAD, Scope
from tuireader.core.search import SearchIndex
from tuireader.core.state import ReaderState
from tuireader.core.store import AnnotationStore
from tuireader.core.tally import count_searches

JULY, JANUARY = date(2021, 7, 21), date(2022, 1, 31)
#: A cs.LG digest of the same day as the API sample, cross-listing two of its papers.
CROSS_LIST = """# Arxiv Papers in cs.LG on 2022-01-31
### Plug-In Inversion: Model-Agnostic Inversion for Vision with Data Augmentations
- **Arxiv ID**: http://arxiv.org/abs/2201.12961v1
- **Categories**: **cs.CV**, cs.LG
### A paper only cs.LG listed
- **Arxiv ID**: http://arxiv.org/abs/2201.99999v1
- **Categories**: **cs.LG**
"""


@pytest.fixture
def library(samples_dir: Path, tmp_path: Path) -> Library:
    folder = tmp_path / "digests"
    shutil.copytree(samples_dir, folder)
    (folder / "2022-01-31-cs.LG.md").write_text(CROSS_LIST)
    return load_library([folder])


@pytest.fixture
def store() -> AnnotationStore:
    store = AnnotationStore()
    assert store.load() == []
    return store


def reader_for(library: Library, store: AnnotationStore, config: Config | None = None) -> Reader:
    reader = Reader(store, config)
    reader.set_library(library, SearchIndex(library.ordered_papers()))
    reader.tally = reader.count()
    return reader


def show(reader: Reader, scope: Scope = ALL, query: str = "") -> list[str]:
    reader.scope, reader.query = scope, query
    reader.show_rows(reader.compute_rows(scope, query))
    return [reader.papers[i].id for i in reader.rows.positions]


def test_scopes_list_their_papers(library: Library, store: AnnotationStore) -> None:
    reader = reader_for(library, store)
    assert len(show(reader)) == len(library) == 241
    day = show(reader, Scope.of_day(JANUARY))
    assert day == list(library.by_date[JANUARY])  # as the digests listed them
    assert show(reader, Scope.of_day(JANUARY, "cs.LG")) == ["2201.12961", "2201.99999"]
    assert len(show(reader, Scope.of_day(JANUARY, "cs.CV"))) == 39
    month = show(reader, Scope.of_month(2021, 7))
    assert sorted(month) == sorted(library.by_date[JULY])
    assert show(reader, STARRED) == [] and show(reader, NOTED) == []
    assert len(show(reader, UNREAD)) == 241


def test_a_filter_narrows_the_scope_and_a_bad_query_keeps_the_rows(
    library: Library, store: AnnotationStore
) -> None:
    reader = reader_for(library, store)
    found = show(reader, Scope.of_day(JULY), "segmentation")
    assert found and all(library.papers[i].dates == (JULY,) for i in found)
    assert "segmentation" in library.papers[found[0]].title.lower()
    before = reader.rows.positions
    rows = reader.compute_rows(Scope.of_day(JULY), "date:2021-13")
    assert rows.error is not None and "month" in rows.error.message
    assert rows.positions == before


def test_a_search_gone_stale_while_waiting_its_turn_is_not_run(
    library: Library, store: AnnotationStore
) -> None:
    """Keys typed faster than searched: each waits for the one before; one
    that a newer key made stale by then gives the rows as they were."""
    reader = reader_for(library, store)
    before = show(reader, ALL, "segmentation")
    newer_key = threading.Event()
    results: list[Rows] = []
    with reader._search_lock:  # a search is running
        waiting = threading.Thread(
            target=lambda: results.append(reader.compute_rows(ALL, "vision", newer_key.is_set))
        )
        waiting.start()
        newer_key.set()
    waiting.join(5)
    assert results[0].positions == reader.rows.positions and results[0].query == "vision"
    assert [reader.papers[i].id for i in results[0].positions] == before
    fresh = reader.compute_rows(ALL, "vision", lambda: False)
    assert fresh.positions != reader.rows.positions


def test_the_cursor_stays_on_its_paper_or_the_nearest_row(
    library: Library, store: AnnotationStore
) -> None:
    reader = reader_for(library, store)
    show(reader)
    paper = reader.cursor_to(10)
    assert paper is not None
    show(reader, Scope.of_day(max(paper.dates)))
    assert reader.cursor_id == paper.id  # still listed: still under the cursor
    show(reader, Scope.of_day(JULY), "zzzznothing")
    assert reader.cursor_id is None
    show(reader, Scope.of_day(JULY))
    assert reader.cursor_row == 0


def test_star_undo_redo_are_on_disk_at_once(library: Library, store: AnnotationStore) -> None:
    reader = reader_for(library, store)
    paper = library.papers["2107.09652"]

    def on_disk() -> bool:
        tables = tomllib.loads(locations.annotations_file().read_text())["papers"]
        return bool(tables.get(paper.id, {}).get("starred"))

    outcome = reader.toggle_star(paper)
    assert outcome.message.startswith("Starred ‘Towards Privacy-preserving") and on_disk()
    assert reader.undo().message == f"Undid: {outcome.message}" and not on_disk()
    assert reader.redo().message == f"Redid: {outcome.message}" and on_disk()
    assert reader.redo().message == "Nothing to redo"
    reader.undo()
    reader.undo()  # one action only: the second finds nothing
    assert not on_disk() and reader.undo().message == "Nothing to undo"


def test_note_and_tags_undo_in_order(library: Library, store: AnnotationStore) -> None:
    reader = reader_for(library, store)
    paper = library.papers["2201.12944"]
    reader.set_note(paper, "first")
    reader.set_note(paper, "second")
    reader.set_tags([paper], ["survey", "to-read"])
    reader.set_tags([paper], [], ["survey"])
    assert store.get(paper.id).tags == {"to-read"} and store.get(paper.id).note == "second"
    for expected_note, expected_tags in [
        ("second", {"survey", "to-read"}),
        ("second", set()),
        ("first", set()),
        (None, set()),
    ]:
        reader.undo()
        again = AnnotationStore()
        again.load()
        assert (again.get(paper.id).note, again.get(paper.id).tags) == (
            expected_note,
            expected_tags,
        )


def test_bulk_mark_is_one_undo_step_and_counts_follow(
    library: Library, store: AnnotationStore
) -> None:
    reader = reader_for(library, store)
    assert reader.tally
    july = Scope.of_day(JULY)
    show(reader, july)
    assert reader.tally.of(july) == (45, 45)
    outcome = reader.mark_rows(read=True)
    assert outcome.message == "Marked 45 papers read"
    assert reader.tally.of(july) == (45, 0) and reader.tally.of(ALL) == (241, 196)
    assert reader.tally.of(Scope.of_month(2021, 7)) == (45, 0)
    fresh = AnnotationStore()
    fresh.load()
    assert len(fresh.read_ids()) == 45
    reader.undo()
    assert reader.tally.of(july) == (45, 45)
    fresh.load()
    assert fresh.read_ids() == set()


def test_reading_after_rest_is_no_undo_step(library: Library, store: AnnotationStore) -> None:
    reader = reader_for(library, store)
    paper = library.papers["2107.09652"]
    reader.toggle_star(paper)
    assert reader.mark_read_after_rest(paper)
    assert not reader.mark_read_after_rest(paper)  # already read
    assert store.is_read(paper.id)
    assert reader.undo().message.startswith("Undid: Starred")  # the star, not the reading
    assert store.is_read(paper.id)
    assert reader.toggle_read(paper).message.startswith("Marked unread:")


def test_next_unread_skips_read_papers_then_crosses_days(
    library: Library, store: AnnotationStore
) -> None:
    reader = reader_for(library, store)
    dates = library.dates
    show(reader, Scope.of_day(dates[0], "cs.CV"))
    positions = reader.rows.positions
    store.mark_read([reader.papers[positions[i]].id for i in (1, 2)])
    reader.cursor_to(0)
    assert reader.next_unread_row() == 3
    reader.mark_rows(read=True)
    reader.cursor_to(0)
    assert reader.next_unread_row() is None
    assert reader.next_unread_day() == Scope.of_day(dates[1], "cs.CV")
    reader.scope = Scope.of_day(dates[-1])
    assert reader.next_unread_day() is None  # the oldest day


def test_saved_search_scope(library: Library, store: AnnotationStore) -> None:
    config = Config(searches=(SavedSearch("seg", "ti:segmentation -is:read"),))
    reader = reader_for(library, store, config)
    found = show(reader, Scope("saved", "seg"))
    assert found and all("segmentation" in library.papers[i].title.lower() for i in found)
    assert show(reader, Scope("saved", "no such search")) == []


def test_state_round_trip_and_restore(library: Library, store: AnnotationStore) -> None:
    reader = reader_for(library, store)
    show(reader, Scope.of_day(JULY), "segmentation")
    reader.cursor_to(2)
    state = reader.state()
    assert state == ReaderState("day:2021-07-21", "segmentation", reader.cursor_id or "", 2)
    other = reader_for(library, store)
    other.restore(state)
    show(other, other.scope, other.query)
    assert other.cursor_id == reader.cursor_id and other.cursor_row == 2
    other.restore(ReaderState(scope="from-the-future:x"))
    assert other.scope == ALL


def test_saved_searches_count_and_watches_mark_their_papers(
    library: Library, store: AnnotationStore
) -> None:
    searches = (
        SavedSearch("seg", "ti:segmentation"),
        SavedSearch("people", "au:cermelli OR au:ghiasi", watch=True),
        SavedSearch("broken", "date:2021-13"),
        SavedSearch("vision", "cat:cs.CV ti:segmentation", watch=True),
    )
    index = SearchIndex(library.ordered_papers())
    by_title = [p.id for p in library.ordered_papers() if "segmentation" in p.title.lower()]
    store.mark_read(by_title[:3])
    counted = count_searches(index, store, searches)
    assert counted is not None
    assert counted.counts["seg"] == (len(by_title), len(by_title) - 3)
    assert "broken" not in counted.counts  # left out, not counted as everything
    people = {
        p.id
        for p in library.ordered_papers()
        if any(name in " ".join(p.authors).lower() for name in ("cermelli", "ghiasi"))
    }
    assert people and counted.counts["people"][0] == len(people)
    watched = {i: counted.watches_of(i) for i in library.papers if counted.watches_of(i)}
    assert {i for i, names in watched.items() if "people" in names} == people
    assert watched["2201.13338"] == ("people", "vision")  # by Cermelli, on segmentation
    assert counted.watched_count == len(watched)
    assert "seg" not in {name for names in watched.values() for name in names}
    assert counted.watches_of("not a paper") == ()
    assert count_searches(index, store, searches, cancelled=lambda: True) is None


def test_a_snapshot_while_loading_brings_the_positions_its_builder_made(
    library: Library, store: AnnotationStore
) -> None:
    """While loading there is no index yet: the snapshot, made in the
    loader's worker, brings each paper's position, and the reader keeps that
    map (a million IDs are not mapped again on the UI thread); a library
    without one gets its own."""
    reader = Reader(store)
    made = positions_of(library.ordered_ids)
    reader.set_library(dataclasses.replace(library, position=made))
    assert reader.position is made
    reader.set_library(dataclasses.replace(library, position=None))
    assert reader.position == made and reader.position is not made
    assert show(reader)[:3] == list(library.ordered_ids[:3])


def test_a_library_still_loading_is_filtered_as_far_as_it_is_loaded(
    samples_dir: Path, store: AnnotationStore
) -> None:
    """Snapshots of a load come without an index: a query typed while a cold
    start parses filters the papers loaded so far, as the core search would."""
    snapshots = [
        progress.builder.snapshot()
        for progress in load_progressively([samples_dir])
        if progress.done in (2, progress.total)
    ]
    reader = Reader(store)
    for snapshot in snapshots:
        reader.set_library(snapshot)
        index = SearchIndex(snapshot.ordered_papers())
        for query in ("segmentation", "3d pose"):
            rows = reader.compute_rows(ALL, query)
            assert rows.positions and rows.generation == reader.generation
            assert list(rows.positions) == list(index.search(query).positions)
        day = Scope.of_day(snapshot.dates[-1])
        scope = list(reader.scope_positions(day))
        rows = reader.compute_rows(day, "segmentation")
        assert list(rows.positions) == list(index.search("segmentation", scope).positions)
    assert len(snapshots[0]) < len(snapshots[-1])
    assert reader.snapshots.slowest > 0  # the loader spaces its snapshots by it
    indexed = reader_for(snapshots[-1], store)
    assert indexed.compute_rows(ALL, "segmentation").positions
    assert indexed.snapshots.slowest == 0


class ArrivalLock:
    """A lock that says when a thread comes to wait for it."""

    def __init__(self) -> None:
        self.held = threading.Lock()
        self.arrived = threading.Event()

    def __enter__(self) -> None:
        self.arrived.set()
        self.held.acquire()

    def __exit__(self, *_: object) -> None:
        self.held.release()


def test_a_search_of_a_snapshot_replaced_meanwhile_keeps_the_rows(
    samples_dir: Path, store: AnnotationStore
) -> None:
    """The search of a snapshot that a newer one replaced while it waited is
    not run over the newer one's papers: its rows stay, and the newer
    snapshot's own rows follow."""
    first, last = [
        progress.builder.snapshot()
        for progress in load_progressively([samples_dir])
        if progress.done in (1, progress.total)
    ]
    reader = Reader(store)
    reader.set_library(first)
    gate = ArrivalLock()
    reader._search_lock = gate  # type: ignore[assignment]
    results: list[Rows] = []
    with gate.held:  # a search is running
        waiting = threading.Thread(
            target=lambda: results.append(reader.compute_rows(ALL, "segmentation"))
        )
        waiting.start()
        assert gate.arrived.wait(5)  # it has read its snapshot and waits for the lock
        reader.set_library(last)
    waiting.join(5)
    assert results[0].generation == reader.generation - 1
    assert results[0].positions == reader.rows.positions == ()
    rows = reader.compute_rows(ALL, "segmentation")
    index = SearchIndex(last.ordered_papers())
    assert list(rows.positions) == list(index.search("segmentation").positions)


def test_the_loader_makes_each_snapshots_searcher_before_showing_it(
    samples_dir: Path, store: AnnotationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the filter was opened during a load, each snapshot's searcher is
    made in the loader's thread (prepare) before the snapshot is shown: the
    key after it makes none, and finds what the core search finds; a
    snapshot the loader did not prepare gets its searcher at the first key."""
    first, second, last = [
        progress.builder.snapshot()
        for progress in load_progressively([samples_dir])
        if progress.done in (1, 2, progress.total)
    ]
    reader = Reader(store)
    reader.set_library(first)
    made: list[SearchIndex] = []

    class Counted(SearchIndex):
        def __init__(self, *arguments: object) -> None:
            super().__init__(*arguments)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr(snapshot_search, "SearchIndex", Counted)
    reader.snapshots.prepare(second, "segmentation")
    assert made == []  # nobody searches this load yet: nothing made
    reader.prepare_search()  # the filter opened
    reader.snapshots.prepare(second, "segmentation")  # the loader, in its thread
    assert len(made) == 2
    reader.set_library(second)
    rows = reader.compute_rows(ALL, "segmentation")
    assert len(made) == 2
    expected = SearchIndex(second.ordered_papers()).search("segmentation").positions
    assert rows.positions and list(rows.positions) == list(expected)
    reader.set_library(last)  # not prepared
    rows = reader.compute_rows(ALL, "segmentation")
    assert len(made) == 3
    expected = SearchIndex(last.ordered_papers()).search("segmentation").positions
    assert list(rows.positions) == list(expected)


def test_a_loading_snapshots_searcher_is_made_before_the_first_key(
    samples_dir: Path, store: AnnotationStore
) -> None:
    """Opening the filter while the library loads makes the snapshot's
    searcher at once: the first key finds it made."""
    snapshot = next(
        progress.builder.snapshot()
        for progress in load_progressively([samples_dir])
        if progress.done == 2
    )
    reader = Reader(store)
    reader.set_library(snapshot)
    reader.prepare_search()
    prepared = reader.snapshots.searcher(reader.generation)
    assert prepared is not None
    assert reader.compute_rows(ALL, "segmentation").positions
    assert reader.snapshots.searcher(reader.generation) is prepared
    indexed = reader_for(snapshot, store)
    indexed.prepare_search()  # loaded: nothing to prepare
    assert indexed.snapshots.searcher(indexed.generation) is None
