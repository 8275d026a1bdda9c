"""What fits on screen at 80×24 (the smallest size we promise) and 120×40:
the detail pane's first lines and the note editor's rows."""

from __future__ import annotations

import pytest
from app_helpers import SAMPLES, detail_follows, detail_lines, loaded, make_app, write_config

from tuireader.core.library import load_library
from tuireader.core.store import AnnotationStore
from tuireader.ui.widgets.sidebar import _label

PAPERS = load_library([SAMPLES]).ordered_papers()
NOTED = PAPERS[1]


@pytest.fixture(autouse=True)
def noted_paper() -> None:
    """The second paper has a note; nothing is read by timer."""
    write_config(mark_read_after=0)
    store = AnnotationStore()
    store.load()
    store.set_note(NOTED.id, "Compare with SAM: the augmentations look like ours.")


def shown(lines: list[str]) -> str:
    """The lines joined as one text, so a phrase may wrap."""
    return " ".join(line.strip() for line in lines)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_noted_paper_shows_title_authors_note_and_abstract(size: tuple[int, int]) -> None:
    async with make_app().run_test(size=size) as pilot:
        screen = await loaded(pilot)
        await pilot.press("j")
        await detail_follows(pilot)
        text = shown(detail_lines(screen))
        assert NOTED.title[:30] in text
        assert NOTED.authors[0] in text
        assert "Compare with SAM" in text
        assert " ".join(NOTED.abstract.split()[:6]) in text


@pytest.mark.parametrize(("size", "rows"), [((80, 24), 3), ((120, 40), 6)], ids=["80x24", "120x40"])
async def test_the_note_editor_leaves_rows_to_type_in_and_the_paper_in_view(
    size: tuple[int, int], rows: int
) -> None:
    async with make_app().run_test(size=size) as pilot:
        screen = await loaded(pilot)
        await pilot.press("j", "n")
        await detail_follows(pilot)
        editor = screen.note_editor
        assert editor.text_area.has_focus
        assert editor.text_area.scrollable_content_region.height >= rows
        assert editor.region.bottom <= screen.size.height - 1  # above the footer
        text = shown(detail_lines(screen))
        assert NOTED.title[:30] in text
        assert " ".join(NOTED.abstract.split()[:6]) in text
        assert "Compare with SAM" not in text  # the editor shows it, not twice
        await pilot.press("escape")
        await detail_follows(pilot)
        assert not editor.display
        assert "Compare with SAM" in shown(detail_lines(screen))


@pytest.mark.parametrize(
    ("guides", "name", "total", "unread", "shown"),
    [
        ("├ ▶ ", "01 Wed", 45, 45, "45/45"),
        ("├ ▶ ", "01 Wed", 45, 0, "45"),
        ("├ ▼ ", "September", 9_353, 9_352, "9,352/9,353"),
        ("├ ▼ ", "September", 10_866, 10_865, "10,865/11k"),  # at 100,000 papers
        ("├ ▼ ", "September", 47_512, 47_511, "47,511/48k"),  # at a million
        ("", "All papers", 914_577, 914_576, "914,576/915k"),
        ("", "All papers", 2_345_678, 1, "1/2.3M"),
    ],
)
def test_sidebar_counts_fit_its_width_at_any_size(
    guides: str, name: str, total: int, unread: int, shown: str
) -> None:
    """Unread exact, a total from 10,000 on rounded, so that each row fits
    the sidebar's 25 columns, tree guides included."""
    label = str(_label(name, (total, unread), unread_only=False))
    assert label == f"{name} {shown}"
    assert len(guides + label) <= 25
