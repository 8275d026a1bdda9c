"""Digests that arrive, grow or go while the app is open, and data changed by
another tuireader: the real watcher on a real folder (timeouts generous, no
fixed sleeps: each test waits for the list to follow)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path
from time import monotonic

import pytest
from app_helpers import (
    SAMPLES,
    copy_samples,
    loaded,
    make_app,
    notifications,
    settle,
    shown_ids,
    until,
    write_config,
)

from tuireader.cli.entry import reader_app
from tuireader.core.formats import ParseResult, parse_file
from tuireader.core.scope import Scope
from tuireader.ui.screens.main import MainScreen

NEW_DAY = """# ArXiv cs.CV --Thu, 02 Feb 2022
### 1.A Paper That Arrived This Morning  [ :arrow_down: ](https://arxiv.org/pdf/2202.99991.pdf)
>  Its abstract.
### 2.Another One  [ :arrow_down: ](https://arxiv.org/pdf/2202.99992.pdf)
>  Another abstract.
"""
MORE = """### 3.A Third, Appended Later  [ :arrow_down: ](https://arxiv.org/pdf/2202.99993.pdf)
>  Appended while the app was open.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_config(mark_read_after=0)
    return copy_samples(tmp_path / "digests")


async def test_a_new_digest_appears_without_losing_the_place(folder: Path) -> None:
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(Scope("all"))
        await pilot.press("slash", *"learning", "enter", "j", "j")
        await settle(pilot)
        before = screen.reader.current
        assert before is not None
        (folder / "2022-02-02-cs.CV.md").write_text(NEW_DAY)
        await until(pilot, lambda: len(screen.reader.library) == 242, "the new papers loaded")
        assert screen.reader.current == before  # cursor, filter and scope stay
        assert screen.filter_bar.value == "learning"
        assert any("2 new papers, 2022-02-02 cs.CV" in m for m in notifications(pilot))
        assert screen.reader.library.dates[0].isoformat() == "2022-02-02"
        assert Scope.of_day(screen.reader.library.dates[0]) in screen.sidebar._entries


async def test_a_growing_file_is_read_again_and_a_deleted_one_goes(folder: Path) -> None:
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        path = folder / "2022-02-02-cs.CV.md"
        path.write_text(NEW_DAY)
        await until(pilot, lambda: len(screen.reader.library) == 242, "the new file")
        with open(path, "a") as handle:
            handle.write(MORE)
        await until(pilot, lambda: len(screen.reader.library) == 243, "the appended paper")
        assert "2202.99993" in shown_ids(screen)
        (folder / "2020-08-21-cs.CV.md").unlink()
        await until(pilot, lambda: len(screen.reader.library) == 243 - 47, "the papers gone")
        assert len(screen.paper_list.rows) == 243 - 47
        assert not [w for w in screen.reader.library.warnings if "2022-02-02" in w.source]


async def test_a_digest_landing_during_the_first_load_is_not_missed(folder: Path) -> None:
    """The load found its files before this one came, and the watcher's news
    of it arrives while the load still runs (a reload then would race it):
    the look at the files after loading must find it."""
    from tuireader.ui.app import ReaderApp

    parsing, go_on, reported = threading.Event(), threading.Event(), threading.Event()

    def slow_parse(path: Path) -> ParseResult:
        parsing.set()
        go_on.wait(timeout=20)
        return parse_file(path)

    async def wait_for(event: threading.Event) -> None:  # not until(): it waits for the load
        deadline = monotonic() + 20
        while not event.is_set() and monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert event.is_set()

    async with ReaderApp([str(folder)], parse=slow_parse).run_test(size=(120, 40)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        loader = screen.loader
        heard = loader.digests_changed

        def digests_changed() -> None:  # the real one, and a sign that it ran
            heard()
            reported.set()

        loader.digests_changed = digests_changed  # type: ignore[method-assign]
        await wait_for(parsing)
        (folder / "2022-02-02-cs.CV.md").write_text(NEW_DAY)
        await wait_for(reported)
        assert loader.loading  # the news came during the load
        go_on.set()
        await until(pilot, lambda: len(screen.reader.library) == 242, "the new papers loaded")
        assert any("2 new papers" in m for m in notifications(pilot))


async def test_a_file_written_slowly_gives_no_burst_of_warnings(folder: Path) -> None:
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        path = folder / "2022-02-02-cs.CV.md"
        with open(path, "w") as handle:  # a script writing line by line
            for line in NEW_DAY.splitlines(keepends=True):
                handle.write(line[: len(line) // 2])
                handle.flush()
                await asyncio.sleep(0.1)
                handle.write(line[len(line) // 2 :])
                handle.flush()
                await asyncio.sleep(0.1)
        await until(pilot, lambda: len(screen.reader.library) == 242, "the whole file")
        assert screen.reader.library.warnings == ()


async def test_changes_made_by_another_tuireader_show_at_once(folder: Path) -> None:
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        first = shown_ids(screen)[0]
        subprocess.run(
            [sys.executable, "-m", "tuireader", "star", first], check=True, capture_output=True
        )
        await until(pilot, lambda: screen.reader.marks_of(first).starred, "the star shown")
        subprocess.run(
            [sys.executable, "-m", "tuireader", "read", first], check=True, capture_output=True
        )
        await until(pilot, lambda: screen.reader.marks_of(first).read, "the read mark shown")


async def test_no_watch_turns_it_off(folder: Path) -> None:
    """The app is built as ``tuireader --no-watch FOLDER`` builds it, so the
    flag is what turns the watcher off."""
    async with reader_app(["--no-watch", str(folder)]).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        (folder / "2022-02-02-cs.CV.md").write_text(NEW_DAY)
        await asyncio.sleep(2)
        await settle(pilot)
        assert len(screen.reader.library) == 240


async def test_without_no_watch_the_cli_app_follows(folder: Path) -> None:
    """The counterpart: the same seam without the flag watches, so the test
    above does not pass merely because that seam never watches."""
    async with reader_app([str(folder)]).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        (folder / "2022-02-02-cs.CV.md").write_text(NEW_DAY)
        await until(pilot, lambda: len(screen.reader.library) == 242, "the new papers loaded")


def test_the_samples_folder_is_never_written(tmp_path: Path) -> None:
    """The tests above write only into copies."""
    assert not (SAMPLES / "2022-02-02-cs.CV.md").exists()
