"""The app beyond the happy path of a small, loaded library.

The filter, typed key by key (so the incremental Searcher runs), must agree
with the core search that ``tuireader search`` uses. And a library big enough
to take a while must not freeze the UI: keys work while it is still loading.
"""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from time import monotonic
from typing import Any

import pytest
from app_helpers import SAMPLES, loaded, make_app, settle, shown_ids, status_text, workers_done
from textual import events
from textual.app import App
from textual.worker import Worker, WorkerState

from tuireader.core.formats import parse_file
from tuireader.core.library import LibraryBuilder, load_library
from tuireader.core.scope import Scope
from tuireader.core.search import SearchIndex
from tuireader.core.snapshot_search import SnapshotSearch
from tuireader.ui.key_priority import KeyPriority
from tuireader.ui.screens.help import HelpScreen
from tuireader.ui.screens.main import MainScreen

LIBRARY = load_library([SAMPLES])
INDEX = SearchIndex(LIBRARY.ordered_papers())
DAY = date(2021, 3, 11)
DAY_SCOPE = [INDEX.position[paper.id] for paper in LIBRARY.papers_on(DAY)]

# Short queries, as each typed key costs Pilot a wait for idle.
ONE_WORD, WORDS, TYPO, PHRASE, NOTHING = "video", "3d pose", "difusion", '"deep learning"', "xqzj"
QUERIES = (ONE_WORD, WORDS, TYPO, PHRASE, NOTHING)


def expected_ids(query: str, scope: list[int] | None) -> list[str]:
    return [INDEX.ids[i] for i in INDEX.search(query, scope).positions]


def test_the_queries_cover_what_they_claim() -> None:
    """Guards the test below: each query must exercise what it is named for."""
    for scope in (None, DAY_SCOPE):
        assert all(expected_ids(query, scope) for query in QUERIES if query != NOTHING)
        assert INDEX.search(TYPO, scope).corrections == (("difusion", ("diffusion",)),)
        assert expected_ids(NOTHING, scope) == []
        assert set(expected_ids(PHRASE, scope)) < set(expected_ids(PHRASE.strip('"'), scope))


@pytest.mark.parametrize("scope", [None, DAY], ids=["all", "one date"])
async def test_the_filter_gives_what_the_core_search_gives(scope: date | None) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        positions = None
        if scope is not None:
            screen.choose_scope(Scope.of_day(scope))
            await settle(pilot)
            positions = DAY_SCOPE
        scope_size = len(screen.paper_list.rows)
        assert scope_size == (240 if scope is None else len(DAY_SCOPE))
        for query in QUERIES:
            await pilot.press("slash", *query)
            await settle(pilot)
            assert screen.filter_bar.value == query
            want = expected_ids(query, positions)
            assert shown_ids(screen) == want, query
            if query != TYPO:
                assert status_text(screen) == f"{len(want)} of {scope_size}", query
            await pilot.press("escape")  # clears the filter for the next query
            await settle(pilot)
            assert len(screen.paper_list.rows) == scope_size


async def test_the_abstracts_are_indexed_once_loaded() -> None:
    """The word index is built in its own worker after the load, and the
    filter gives the core search's results once it is there."""
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await workers_done(pilot)  # the index worker starts last
        assert screen.reader.index is not None and screen.reader.index.words_indexed
        await pilot.press("slash", *ONE_WORD)
        await settle(pilot)
        assert shown_ids(screen) == expected_ids(ONE_WORD, None)


# A library big enough that loading it takes a while, made of the samples with
# fresh dates and IDs. Locally the three keys below were all handled within the
# first 50 of these files, so the load outlasts them many times over.
COPIES = 300
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_LISTING_HEADER = re.compile(r"\A# ArXiv (\S+) --.*$", re.MULTILINE)
_API_HEADER = re.compile(r"\A# Arxiv Papers in (\S+) on \d{4}-\d{2}-\d{2}$", re.MULTILINE)
_ARXIV_ID = re.compile(r"(?<![0-9.])[0-9]{4}\.[0-9]{4,5}(?![0-9])")


def write_many_digests(folder: Path, copies: int) -> int:
    """Write ``copies`` digests, one per day, and return how many papers they hold."""
    samples = sorted(SAMPLES.rglob("*.md"))
    texts = [sample.read_text("utf-8") for sample in samples]
    counts = [len(parse_file(sample).digest.papers) for sample in samples]  # type: ignore[union-attr]
    folder.mkdir()
    first = date(2000, 1, 1)
    for n in range(copies):
        day = first + timedelta(days=n)
        text = texts[n % len(texts)]
        text = _LISTING_HEADER.sub(
            rf"# ArXiv \1 --{day.day} {_MONTHS[day.month - 1]} {day.year}", text
        )
        text = _API_HEADER.sub(rf"# Arxiv Papers in \1 on {day.isoformat()}", text)
        text = _fresh_ids(text, prefix=f"{10 + n // 12:02d}{1 + n % 12:02d}")
        (folder / f"{day.isoformat()}.md").write_text(text, "utf-8")
    return sum(counts[n % len(counts)] for n in range(copies))


def _fresh_ids(text: str, prefix: str) -> str:
    """Renumber every arXiv ID under ``prefix`` (a YYMM unique to the copy), in
    order of first appearance, so no two copies share a paper."""
    renamed: dict[str, int] = {}
    return _ARXIV_ID.sub(lambda m: f"{prefix}.{renamed.setdefault(m[0], len(renamed)):05d}", text)


def type_key(app: App[None], key: str, character: str | None) -> None:
    """Deliver a key as the terminal driver would. Pilot.press waits for the
    CPU to go idle, which it does not while a load is parsing."""
    event = events.Key(key, character)
    event.set_sender(app)
    app.post_message(event)


async def until(condition: Callable[[], bool], what: str) -> None:
    """Poll for a key's effect; the deadline only stops a broken app hanging."""
    deadline = monotonic() + 60
    while not condition():
        if monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        await asyncio.sleep(0.005)


async def test_keys_work_while_a_large_library_is_loading(tmp_path: Path) -> None:
    total = write_many_digests(tmp_path / "many", COPIES)
    app = make_app(tmp_path / "many")
    async with app.run_test(size=(120, 40)) as pilot:

        def main_screen_with_papers() -> bool:
            screen = app.screen
            return isinstance(screen, MainScreen) and len(screen.paper_list.rows) > 1

        await until(main_screen_with_papers, "the first papers are shown")
        screen = app.screen
        assert isinstance(screen, MainScreen)
        load: Worker[None] = next(w for w in app.workers if w.group == "load")
        assert load.is_running
        assert screen.paper_list.cursor == 0

        type_key(app, "j", "j")
        await until(lambda: screen.paper_list.cursor > 0, "j moved the cursor")
        assert load.is_running, "the load ended before the key was handled: use more COPIES"
        moved_to = screen.paper_list.current

        type_key(app, "question_mark", "?")
        await until(lambda: isinstance(app.screen, HelpScreen), "? opened the help")
        assert load.is_running, "the load ended before the key was handled: use more COPIES"

        type_key(app, "escape", None)
        await until(lambda: app.screen is screen, "escape closed the help")
        assert load.is_running, "the load ended before the key was handled: use more COPIES"

        await settle(pilot)
        assert load.state == WorkerState.SUCCESS
        assert len(screen.reader.library) == total
        assert len(screen.reader.library.dates) == COPIES
        assert len(screen.paper_list.rows) == total
        assert screen.paper_list.current == moved_to  # the cursor kept its paper
        assert status_text(screen) == f"{total:,} papers"


async def test_a_query_typed_while_loading_filters_what_is_loaded_so_far(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshots of a load are searched as they come (fzf filters the
    lines read so far alike); the whole library once it is loaded, with the
    index the load's searches built. The garbage collector is off during the
    load (its passes over a loading library held the GIL from the keys)."""
    write_many_digests(tmp_path / "many", COPIES)
    collecting: list[bool] = []
    add = LibraryBuilder.add

    def added(builder: LibraryBuilder, *arguments: Any) -> None:
        collecting.append(gc.isenabled())
        add(builder, *arguments)

    monkeypatch.setattr(LibraryBuilder, "add", added)
    ended_with: list[SearchIndex] = []
    index_of = SnapshotSearch.index_of

    def final(search: SnapshotSearch, *arguments: Any) -> SearchIndex:
        ended_with.append(index_of(search, *arguments))
        return ended_with[-1]

    monkeypatch.setattr(SnapshotSearch, "index_of", final)
    painted: list[bool] = []  # a key typed while loading: the loader waited until painted
    rows_painted = KeyPriority.rows_painted

    def painted_after_waiting(keys: KeyPriority) -> None:
        painted.append(keys.waiting)
        rows_painted(keys)

    monkeypatch.setattr(KeyPriority, "rows_painted", painted_after_waiting)
    app = make_app(tmp_path / "many")
    query = "segmentation"
    async with app.run_test(size=(120, 40)) as pilot:
        await until(
            lambda: isinstance(app.screen, MainScreen) and len(app.screen.paper_list.rows) > 1,
            "the first papers are shown",
        )
        screen = app.screen
        assert isinstance(screen, MainScreen)
        load: Worker[None] = next(w for w in app.workers if w.group == "load")
        type_key(app, "slash", "/")
        await until(lambda: screen.filter_bar.input.has_focus, "/ focused the filter")
        for character in query:
            type_key(app, character, character)
        reader = screen.reader

        def filtered_while_loading() -> bool:
            rows = reader.rows
            return rows.query == query and rows.generation == reader.generation

        await until(filtered_while_loading, "the loaded papers filtered")
        assert load.is_running and reader.index is None, "the load ended first: use more COPIES"
        expected = SearchIndex(reader.papers).search(query).positions
        assert 0 < len(expected) < len(reader.papers)
        assert list(reader.rows.positions) == list(expected)
        assert status_text(screen) == f"{len(expected):,} of {len(reader.papers):,}"

        await settle(pilot)
        assert load.state == WorkerState.SUCCESS and reader.index is not None
        whole = SearchIndex(reader.papers).search(query).positions
        assert list(reader.rows.positions) == list(whole) and len(whole) > len(expected)
    # The index the load ended with was made as its snapshots' were.
    assert [index.columns().known is not None for index in ended_with] == [True]
    assert collecting and not any(collecting)
    assert painted and all(painted) and not screen.loader.keys.waiting
    assert gc.isenabled()
