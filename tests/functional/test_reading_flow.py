"""Reading a day as a new user does: categories, reading from the detail pane,
notes, export, and the papercuts a first session hit (each test failed before
its fix)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from app_helpers import (
    SAMPLES,
    detail_text,
    loaded,
    make_app,
    notifications,
    settle,
    shown_ids,
    status_text,
    visible_rows,
    write_config,
)
from rich.color import Color
from textual import events

from tuireader.core.library import load_library
from tuireader.core.scope import Scope
from tuireader.core.store import AnnotationStore
from tuireader.ui.screens.dialogs import ConfirmScreen
from tuireader.ui.screens.export import ExportScreen

LIBRARY = load_library([SAMPLES])
PAPERS = LIBRARY.ordered_papers()
CATEGORIES = Path(__file__).resolve().parents[1] / "data" / "categories"
JANUARY = date(2022, 1, 31)


def stored() -> AnnotationStore:
    store = AnnotationStore()
    assert store.load() == []
    return store


# Bugs -------------------------------------------------------------------------------


async def test_escape_closes_the_note_editor_and_asks_before_discarding() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("n")
        assert screen.note_editor.display and screen.note_editor.text_area.has_focus
        await pilot.press("escape")  # nothing typed: closes at once
        assert not screen.note_editor.display and screen.paper_list.has_focus
        await pilot.press("n", *"half a thought", "escape")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        assert screen.note_editor.display
        await pilot.press(*" more", "escape", "y")  # discard
        await pilot.pause()
        assert not screen.note_editor.display
        await pilot.press("x")  # the next key is no longer typed into a note
        assert stored().get(PAPERS[0].id).note is None


async def test_keys_typed_faster_than_drawn_are_saved_with_the_note() -> None:
    """Ctrl+S is an app-level key: it must not overtake letters still
    queued for the text area (keys sent at once, as tmux send-keys does)."""
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("n")
        for key in [*"quick note", "ctrl+s"]:
            pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert not screen.note_editor.display
        assert stored().get(screen.reader.current.id).note == "quick note"  # type: ignore[union-attr]


async def test_rows_follow_a_theme_switch() -> None:
    """Rows drawn before a switch must not keep the old theme's colours, nor
    its background (the list keeps its own style between rows)."""

    def first_row_colours(screen: object) -> list[object]:
        strip = screen.paper_list.render_line(0)  # type: ignore[attr-defined]
        return [(s.style.color, s.style.bgcolor) for s in strip if s.text.strip() and s.style]

    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        dark = first_row_colours(screen)
        pilot.app.theme = "textual-light"
        await pilot.pause()
        light = first_row_colours(screen)
    write_config(theme="textual-light")
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert light == first_row_colours(screen) != dark


def contrast(one: Color, other: Color) -> float:
    """WCAG contrast ratio of two true colours (1 to 21)."""

    def luminance(color: Color) -> float:
        channels = [c / 255 for c in color.get_truecolor()]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(one), luminance(other)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_read_and_unread_rows_differ_and_stay_readable_in_every_theme() -> None:
    """Every built-in theme, light, dark and ANSI: an unread row has its ``●``
    and a bold title, a read row neither; where the theme has true colours,
    both titles and the marker keep at least 3:1 against the background (WCAG's
    floor for bold text), so dimmed never means unreadable."""
    write_config(mark_read_after=0)
    store = AnnotationStore()
    store.load()
    store.mark_read([PAPERS[1].id])  # rows 1 (read) and 2 (unread), off the cursor
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        themes = sorted(pilot.app.available_themes)
        assert {"textual-dark", "textual-light", "ansi-dark", "solarized-light"} <= set(themes)
        true_colour_themes = 0
        for theme in themes:
            pilot.app.theme = theme
            await pilot.pause()
            rows = {}
            for y, paper in ((1, PAPERS[1]), (2, PAPERS[2])):
                segments = list(screen.paper_list.render_line(y))
                (title,) = [s for s in segments if s.text.startswith(paper.title[:20])]
                rows[y] = (segments[0], title.style)
            (read_marker, read), (unread_marker, unread) = rows[1], rows[2]
            assert (read_marker.text, unread_marker.text) == ("  ", " ●"), theme
            assert unread.bold and not read.bold, theme
            marker = unread_marker.style
            assert marker is not None
            background = read.bgcolor
            if background is None or background.triplet is None:
                continue  # ANSI colours: the terminal's palette decides
            true_colour_themes += 1
            for colour in (read.color, unread.color, marker.color):
                assert colour is not None and colour.triplet is not None, theme
                assert contrast(colour, background) >= 3, (theme, colour)
            assert contrast(read.color, background) < contrast(unread.color, background), theme  # type: ignore[arg-type]
        assert true_colour_themes >= len(themes) - 2


async def test_no_match_offers_a_key_that_works_from_the_filter() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(Scope.of_day(JANUARY))
        await settle(pilot)
        await pilot.press("slash", *"qvhighlights")  # listed on another day
        await settle(pilot)
        message = " ".join(" ".join(visible_rows(screen)).split())
        assert "Enter searches all papers" in message
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.scope == Scope("all")
        assert screen.filter_bar.value == "qvhighlights"  # typed into the query, not lost
        assert [LIBRARY.papers[i].title[:12] for i in shown_ids(screen)] == ["QVHighlights"]


async def test_clearing_the_filter_keeps_the_paper_found() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"korosteleva", "enter")
        await settle(pilot)
        found = screen.reader.current
        assert found is not None and found.title.startswith("NeuralTailor")
        await pilot.press("escape")
        await settle(pilot)
        assert screen.filter_bar.value == ""
        assert screen.reader.current == found
        assert screen.paper_list.cursor == PAPERS.index(found)


async def test_the_typo_correction_is_shown() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"segmentaton")
        await settle(pilot)
        assert status_text(screen).startswith("searched segmentation")
        assert status_text(screen).endswith(" for segmentaton")
        assert len(screen.paper_list.rows) > 10


# Categories -----------------------------------------------------------------------


async def test_each_day_lists_its_categories_and_each_is_a_scope() -> None:
    async with make_app(SAMPLES, CATEGORIES).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(Scope.of_day(JANUARY, "cs.LG"))
        await settle(pilot)
        assert shown_ids(screen) == ["2201.12961", "2201.13322", "2201.99001"]
        day = screen.sidebar._entries[Scope.of_day(JANUARY)][0]
        assert [str(child.label) for child in day.children] == ["cs.CV 39/39", "cs.LG 3/3"]
        screen.choose_scope(Scope.of_day(JANUARY, "cs.CV"))
        await settle(pilot)
        assert "2201.12961" in shown_ids(screen)  # cross-listed: under both
        await pilot.press("left_square_bracket")  # the older day, same category
        await settle(pilot)
        assert screen.reader.scope == Scope.of_day(date(2021, 7, 21), "cs.CV")
        assert len(screen.paper_list.rows) == 45


# Reading from the detail pane -------------------------------------------------------------


async def test_j_and_k_move_between_papers_from_the_detail_pane() -> None:
    write_config(mark_read_after=0)
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("enter")
        assert screen.detail.has_focus
        await pilot.press("J", "J")
        await pilot.pause(0.2)
        assert screen.reader.current == PAPERS[2] and screen.detail.has_focus
        assert PAPERS[2].title in detail_text(screen)
        await pilot.press("K")
        await pilot.pause(0.2)
        assert screen.reader.current == PAPERS[1]


async def test_space_at_the_end_of_the_abstract_goes_to_the_next_unread() -> None:
    write_config(mark_read_after=0)
    store = stored()
    store.mark_read([PAPERS[1].id])
    async with make_app().run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("enter")
        for _ in range(12):  # page down through the detail, then on
            await pilot.press("space")
            await pilot.pause(0.05)
            if screen.reader.current != PAPERS[0]:
                break
        assert screen.reader.current == PAPERS[2]  # the read one is skipped


async def test_the_note_shows_under_the_authors_and_bare_words_find_it() -> None:
    store = stored()
    store.set_note(PAPERS[5].id, "revisit the zebrafish ablation")
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"zebrafish", "enter")
        await settle(pilot)
        assert shown_ids(screen) == [PAPERS[5].id]
        await pilot.pause(0.2)
        text = detail_text(screen)
        authors = ", ".join(PAPERS[5].authors) or PAPERS[5].title
        assert text.index(authors) < text.index("revisit the zebrafish") < text.index("arXiv")


# Export -----------------------------------------------------------------------------


async def test_export_the_list_as_csv_and_the_starred_as_ris(tmp_path: Path) -> None:
    write_config(mark_read_after=0)
    store = stored()
    store.set_star(PAPERS[3].id, True)
    target = tmp_path / "out"
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(Scope.of_day(JANUARY))
        await settle(pilot)
        await pilot.press("e")
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportScreen)
        dialog.query_one("#format-csv").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        path_input = dialog.query_one("#export-path")
        assert str(path_input.value).endswith(".csv")  # type: ignore[attr-defined]
        path_input.value = str(target / "day.csv")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        with open(target / "day.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == 39 and rows[0]["id"] == LIBRARY.by_date[JANUARY][0]
        await pilot.press("e")
        dialog = pilot.app.screen
        dialog.query_one("#which-starred").value = True  # type: ignore[attr-defined]
        dialog.query_one("#format-ris").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        dialog.query_one("#export-path").value = str(target / "starred.ris")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        ris = (target / "starred.ris").read_text()
        assert ris.startswith("TY  - UNPB") and ris.count("ER  - ") == 1
        assert f"arXiv:{PAPERS[3].id}" in ris
        assert any("Exported 1 paper to" in m for m in notifications(pilot))


LATEX_DIGEST = r"""# Arxiv Papers in math.AP on 2022-01-31
### $\alpha$-divergence bounds for Schr\"odinger operators in $\mathbb{R}^{d}$
- **Arxiv ID**: http://arxiv.org/abs/2201.00001v1
- **Authors**: Erwin Schrödinger
- **Summary**: We prove $\|u\|_{L^2} \leq C$ for $256\times256$ grids, {\it et al.} --
  with $98.1\pm 0.1\%$ accuracy.
"""


async def test_latex_reads_as_text_unless_the_user_prefers_the_source(tmp_path: Path) -> None:
    (tmp_path / "2022-01-31.md").write_text(LATEX_DIGEST)
    readable = "α-divergence bounds for Schrödinger operators in ℝᵈ"
    async with make_app(tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert readable in visible_rows(screen)[0]
        await pilot.pause(0.2)
        text = detail_text(screen)
        assert readable in text and "256×256" in text and "98.1 ± 0.1%" in text
        await pilot.press("slash", *"α-divergence")
        await settle(pilot)
        assert len(screen.paper_list.rows) == 1
    write_config(latex=False)
    async with make_app(tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert r"$\alpha$-divergence bounds for Schr\"odinger" in visible_rows(screen)[0]
