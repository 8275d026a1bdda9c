"""Hostile digest text through the real app: shown literally or stripped,
never parsed as markup, never an escape sequence, never an action."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_helpers import detail_follows, loaded, make_app, strip_text, visible_rows
from textual.geometry import Region
from textual.widgets import Static

from tuireader.core.store import AnnotationStore

MARKUP = [
    "Segment [red]Anything[/] and [/]",
    "[bold]unclosed",
    "[/]",
    "[link=file:///etc/passwd]x[/link]",
    "[@click=app.quit]click me[/]",
    "[$accent]variable",
    "[on red]x[/on red] \\[escaped]",
]
CONTROLS = [
    "clear \x1b[2J screen",
    "clipboard \x1b]52;c;aGkK\x07 osc",
    "c1 \x9b31m csi",
    "bell \x07 nul \x00 del \x7f",
    "bidi \u202eevil\u202c text",
    "zero\u200bwidth\u2060joiner",
    "entity &#27;[31m escape",
]
LONG_WORD = "W" * 5000
#: Nothing that a terminal would act on may be in any rendered segment.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def hostile_digest(folder: Path) -> Path:
    entries = []
    for number, text in enumerate([*MARKUP, *CONTROLS, LONG_WORD], start=1):
        entries.append(
            f"### {text}\n"
            f"- **Arxiv ID**: http://arxiv.org/abs/2301.{number:05d}v1\n"
            f"- **Authors**: {text}, Second Author\n"
            f"- **Comment**: {text}\n"
            f"- **Summary**: Abstract with {text} and "
            f'<a href="javascript:alert(1)">click</a> and file:///etc/passwd\n'
        )
    path = folder / "hostile.md"
    path.write_text("# Arxiv Papers in cs.CV on 2023-01-02\n" + "\n\n".join(entries))
    return path


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_hostile_text_renders_literally_and_safely(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    store = AnnotationStore()
    store.load()
    for number in range(1, 16):
        store.set_note(f"2301.{number:05d}", "note [red]x[/] \x1b[2J\u202e [@click=app.quit]q[/]")
    async with make_app(hostile_digest(tmp_path)).run_test(size=size) as pilot:
        screen = await loaded(pilot)
        papers = [screen.reader.paper(i) for i in screen.paper_list.rows]
        assert len(papers) == len(MARKUP) + len(CONTROLS) + 1
        by_title = {paper.title for paper in papers}
        for text in MARKUP:
            assert text in by_title  # brackets kept exactly as written
        rows = "\n".join(visible_rows(screen))
        assert "Segment [red]Anything[/] and [/]"[:20] in rows
        for row in range(len(papers)):
            screen.paper_list.cursor = row
            await pilot.press("s")  # the toast carries the title too
            await detail_follows(pilot)
            detail = screen.detail.query_one("#detail-body", Static)
            strips = detail.render_lines(Region(0, 0, detail.size.width, detail.size.height))
            rendered = [strip_text(strip) for strip in strips] + visible_rows(screen)
            for line in rendered:
                assert not UNSAFE.search(line), repr(line)

        await pilot.click("#papers", offset=(10, 5))  # the [@click=app.quit] row
        await pilot.click("#detail", offset=(3, 1))
        await pilot.pause()
        assert pilot.app.is_running and pilot.app.return_code is None


async def test_links_in_hostile_abstracts_are_never_opened(
    tmp_path: Path, browser_log: Path
) -> None:
    async with make_app(hostile_digest(tmp_path)).run_test() as pilot:
        screen = await loaded(pilot)
        paper = screen.paper_list.current
        assert paper is not None
        assert all(link.startswith(("http://", "https://")) for link in paper.links)
        assert "javascript:alert(1)" in paper.abstract  # shown as text only
        await pilot.press("o")
        await pilot.pause()
    assert browser_log.read_text().split() == [paper.abs_url]
