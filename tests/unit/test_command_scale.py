"""What commands share to stay quick at scale: a load runs without the
cyclic garbage collector, what it loaded is left out of the collector's
later passes, and listed lines go out a few thousand a write."""

from __future__ import annotations

import gc
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tuireader.cli.common import LINES_PER_WRITE, load_searchable, write_lines
from tuireader.core.collector import collector_paused


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_a_commands_load_freezes_what_it_loaded_and_collects_again(samples_dir: Path) -> None:
    gc.unfreeze()
    library = load_searchable([str(samples_dir)], quiet=True).library
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(library)
    # The collector's generations no longer hold the papers: its passes skip them.
    collected = {id(item) for item in gc.get_objects()}
    assert not any(id(paper) in collected for paper in library.papers.values())


def test_the_collector_is_off_inside_and_back_on_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("the load broke")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


class CountingStdout(io.StringIO):
    """stdout as an unbuffered stream sees it: every write counted."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_listed_lines_go_out_a_few_thousand_a_write(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [f"{n}\tline\n" for n in range(LINES_PER_WRITE * 2 + 1)]
    stdout = CountingStdout()
    monkeypatch.setattr(sys, "stdout", stdout)
    write_lines(iter(lines))
    assert stdout.getvalue() == "".join(lines)
    assert stdout.writes == 3
    write_lines([])
    assert stdout.writes == 3
