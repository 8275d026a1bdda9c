"""A command's load runs without the cyclic garbage collector, and what it
loaded is left out of the collector's later passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tuireader.cli.common import collector_paused, load_searchable


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
