"""Matched fragments are highlighted where the query looked for them: in the
list's title and author cells and in the detail pane, read from the strips
the terminal is sent."""

from __future__ import annotations

import pytest
from app_helpers import SAMPLES, detail_follows, loaded, make_app, settle, write_config
from rich.segment import Segment
from textual.geometry import Region
from textual.widgets import Static

from tuireader.core.library import load_library
from tuireader.ui.screens.main import MainScreen

PAPER = load_library([SAMPLES]).ordered_papers()[1]
SURNAME = "Ghiasi"  # of the first author: the list's author cell shows them


@pytest.fixture(autouse=True)
def no_reading_by_timer() -> None:
    write_config(mark_read_after=0)


def detail_segments(screen: MainScreen) -> list[Segment]:
    body = screen.detail.query_one("#detail-body", Static)
    strips = body.render_lines(Region(0, 0, body.size.width, body.size.height))
    return [segment for strip in strips for segment in strip]


def highlighted_in_list(screen: MainScreen) -> list[str]:
    """The texts of the first row drawn as matches (the match style underlines)."""
    strip = screen.paper_list.render_line(0)
    return [s.text for s in strip if s.style is not None and s.style.underline]


def highlighted_in_detail(screen: MainScreen) -> list[str]:
    return [s.text for s in detail_segments(screen) if s.style is not None and s.style.reverse]


@pytest.mark.parametrize("query", [f"au:{SURNAME.lower()}", SURNAME.lower()])
async def test_an_author_match_is_highlighted_in_the_author_cell_and_the_detail(
    query: str,
) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *query)
        await settle(pilot)
        assert screen.reader.current == PAPER
        row = "".join(segment.text for segment in screen.paper_list.render_line(0))
        assert f"{PAPER.authors[0]} et al." in row  # the author column is shown
        assert highlighted_in_list(screen) == [SURNAME]
        await detail_follows(pilot)
        assert highlighted_in_detail(screen) == [SURNAME]


async def test_a_title_term_is_highlighted_in_the_title_not_the_abstract() -> None:
    assert "inversion" in PAPER.abstract.lower()
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"ti:inversion")
        await settle(pilot)
        await detail_follows(pilot)
        assert screen.reader.current == PAPER
        assert highlighted_in_list(screen) == ["Inversion", "Inversion"]
        # Both are the title's ("Plug-In Inversion: Model-Agnostic Inversion"):
        # the abstract's "model inversion" is left as it is.
        assert highlighted_in_detail(screen) == ["Inversion", "Inversion"]
        assert PAPER.title.count("Inversion") == 2
