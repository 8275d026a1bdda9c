"""The app's warm start from the library file: the first start writes it,
the next maps it; a damaged one is a warning and is rebuilt; digests that
arrive later still load. The real app, watcher and cache folder."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from app_helpers import copy_samples, loaded, make_app, notifications, settle, shown_ids, until
from cli_helpers import assert_clean_success, run

from tuireader.core import library_file, locations, text
from tuireader.core.cache import ParseCache
from tuireader.core.formats import ParseResult
from tuireader.core.library_file.mapped import MappedPapers
from tuireader.core.scope import Scope
from tuireader.ui.screens.main import MainScreen

NEW_DAY = """# ArXiv cs.CV --Thu, 02 Feb 2022
### 1.A Paper That Arrived This Morning  [ :arrow_down: ](https://arxiv.org/pdf/2202.99991.pdf)
>  Its abstract.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_samples(tmp_path / "digests")


def library_path(folder: Path) -> Path:
    return library_file.location(locations.cache_dir() / "library", [str(folder)])


def fits(folder: Path) -> bool:
    """Whether the library file of ``folder`` fits its digests as they are."""
    found = library_file.kept(locations.cache_dir() / "library", [str(folder)])
    assert found.warning is None and found.reader is not None
    return library_file.fit(found.reader, [str(folder)]) is library_file.Fit.FRESH


async def first_start(folder: Path) -> list[str]:
    """Run the app once, so the library file is written; the rows it showed."""
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await until(pilot, lambda: library_path(folder).is_file(), "the library file written")
        return shown_ids(screen)


async def test_the_first_start_switches_to_the_file_it_wrote_keeping_the_place(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loaded from the digests, the library is written to its file and read
    back from it (no text held in memory); the list, filter and cursor stay.
    The write waits until the user has filtered and moved (the real write)."""
    go_on = threading.Event()
    write = library_file.write

    def write_later(*arguments: Any) -> bool:
        go_on.wait(timeout=20)
        return write(*arguments)

    monkeypatch.setattr(library_file, "write", write_later)
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = pilot.app.screen
        while not (isinstance(screen, MainScreen) and screen.reader.index):  # no settle: it waits
            await pilot.pause(0.05)  # for the write held back
            screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        assert not isinstance(screen.reader.library.papers, MappedPapers)
        await pilot.press("slash", *"segmentation", "enter", "j", "j")
        await pilot.pause(0.3)
        rows, current = shown_ids(screen), screen.reader.current
        assert len(rows) < 240 and current is not None
        go_on.set()
        await until(
            pilot,
            lambda: isinstance(screen.reader.library.papers, MappedPapers),
            "the switch to the library file",
        )
        await loaded(pilot)
        assert shown_ids(screen) == rows
        assert screen.reader.current == current
        assert screen.filter_bar.value == "segmentation"


async def test_the_second_start_maps_the_library_file_and_reads_the_same(folder: Path) -> None:
    rows = await first_start(folder)
    assert library_path(folder).is_file()
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert isinstance(screen.reader.library.papers, MappedPapers)
        assert shown_ids(screen) == rows
        assert screen.reader.index is not None and screen.reader.index.words_indexed
        await pilot.press("slash", *"segmentation", "enter")
        await settle(pilot)
        shown = shown_ids(screen)
        assert shown and len(shown) < len(rows)
        paper = screen.reader.current
        assert paper is not None and "segmentation" in (paper.title + paper.abstract).lower()


async def test_a_damaged_library_file_is_a_warning_and_is_rebuilt(folder: Path) -> None:
    rows = await first_start(folder)
    target = library_path(folder)
    target.write_bytes(target.read_bytes()[:1000])
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert shown_ids(screen) == rows  # every paper, the slow way
        assert any(str(target) in message for message in notifications(pilot))
    assert fits(folder)  # rewritten whole


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the digests the app parses (or reads from the parse cache)."""
    names: list[str] = []
    parse = ParseCache.__call__

    def recorded(cache: ParseCache, path: Path) -> ParseResult:
        names.append(path.name)
        return parse(cache, path)

    monkeypatch.setattr(ParseCache, "__call__", recorded)
    return names


async def test_a_digest_arriving_after_a_mapped_start_loads(
    folder: Path, parsed: list[str]
) -> None:
    await first_start(folder)
    parsed.clear()
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen: MainScreen = await loaded(pilot)
        assert isinstance(screen.reader.library.papers, MappedPapers)
        screen.choose_scope(Scope("all"))
        (folder / "2022-02-02-cs.CV.md").write_text(NEW_DAY)
        await until(pilot, lambda: len(screen.reader.library) == 241, "the new paper loaded")
        assert "2202.99991" in shown_ids(screen)
        assert any("1 new paper, 2022-02-02 cs.CV" in m for m in notifications(pilot))
        # Extended in its file, not loaded again from every digest:
        assert parsed == ["2022-02-02-cs.CV.md"]
        assert isinstance(screen.reader.library.papers, MappedPapers)
        assert fits(folder)


async def test_a_new_day_that_landed_while_closed_extends_the_file_at_start(
    folder: Path, parsed: list[str]
) -> None:
    rows = await first_start(folder)
    parsed.clear()
    (folder / "2022-02-02-cs.CV.md").write_text(NEW_DAY)
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen: MainScreen = await loaded(pilot)
        screen.choose_scope(Scope("all"))
        await until(pilot, lambda: len(screen.reader.library) == 241, "the new day added")
        await settle(pilot)
        assert isinstance(screen.reader.library.papers, MappedPapers)
        assert shown_ids(screen) == ["2202.99991", *rows]  # the newest day first
        assert parsed == ["2022-02-02-cs.CV.md"]
        assert any("1 new paper, 2022-02-02 cs.CV" in m for m in notifications(pilot))
    assert fits(folder)  # the next start maps it at once


async def test_commands_read_the_library_file_the_app_wrote(folder: Path) -> None:
    """Once the app has kept the library, a command answers from its file:
    no digest is parsed (the parse cache is not even there), and every
    answer is the one the digests give."""
    await first_start(folder)
    parsed = locations.cache_dir() / "parsed"
    shutil.rmtree(parsed)
    commands = [
        ("search", "segmentation", "--category", "cs.CV", "--limit", "0"),
        ("export", "--format", "json", "--query", "au:wang"),
        ("list",),
        ("show", "2107.09652"),
    ]
    from_file = [run(*command, str(folder)) for command in commands]
    assert not parsed.exists()
    shutil.rmtree(locations.cache_dir() / "library")
    for command, answer in zip(commands, from_file, strict=True):
        assert_clean_success(answer)
        assert answer.stdout == run(*command, str(folder)).stdout, command
    assert parsed.is_dir()  # the digests were read this time


async def test_a_changed_digest_is_read_again_from_the_digests(
    folder: Path, parsed: list[str]
) -> None:
    """A digest that changed is not a new day: the start shows the old
    file's newest day, then loads every digest and keeps a fresh file."""
    rows = await first_start(folder)
    changed = sorted(folder.rglob("*.md"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    parsed.clear()
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await until(pilot, lambda: fits(folder), "a fresh library file")
        assert shown_ids(screen) == rows
        assert len(parsed) == len(list(folder.rglob("*.md")))  # every digest, not one


def no_room(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk full (its free space is the one thing a test must pretend)."""
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda path: real(path)._replace(free=0))


def room_notices(pilot: Any) -> list[str]:
    return [m for m in notifications(pilot) if "A library file for fast starts needs" in m]


async def test_without_room_for_the_file_the_digests_load_and_the_user_is_told_once(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_room(monkeypatch)
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen: MainScreen = await loaded(pilot)
        await until(pilot, lambda: bool(room_notices(pilot)), "the notice")
        assert len(shown_ids(screen)) == 240
        (folder / "2022-02-02-cs.CV.md").write_text(NEW_DAY)
        await until(pilot, lambda: len(screen.reader.library) == 241, "the new day loaded")
        await settle(pilot)
        assert len(room_notices(pilot)) == 1  # not again for the reload
    assert not library_path(folder).exists()


async def test_without_room_to_extend_the_file_a_new_day_still_loads(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await first_start(folder)
    kept = library_path(folder).read_bytes()
    no_room(monkeypatch)
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen: MainScreen = await loaded(pilot)
        (folder / "2022-02-02-cs.CV.md").write_text(NEW_DAY)
        await until(pilot, lambda: len(screen.reader.library) == 241, "the new day loaded")
        await settle(pilot)
        assert "2202.99991" in screen.reader.library.papers
        assert len(room_notices(pilot)) == 1
    assert library_path(folder).read_bytes() == kept  # the old file, whole


async def test_what_folding_needs_is_built_by_a_worker_not_on_the_first_key(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start from the library file folds no text until a search highlights
    an accented row, on the UI thread: the table folding needs (every
    combining character, ~50 ms) is built by a worker after loading, so the
    first key is as quick as the next."""
    await first_start(folder)
    built_on_ui_thread: list[bool] = []
    build = text._combining_marks.__wrapped__

    def recorded() -> re.Pattern[str]:
        built_on_ui_thread.append(threading.current_thread() is threading.main_thread())
        return build()

    monkeypatch.setattr(text, "_combining_marks", functools.cache(recorded))
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert built_on_ui_thread == [False]
        await pilot.press("slash", *"wang")
        await settle(pilot)
    assert built_on_ui_thread == [False]  # built once, by the worker
