"""The reader driven as a person would, through Textual's Pilot: browsing,
filtering, dates, stars, help, palette, links and the data files."""

from __future__ import annotations

import resource
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app_helpers import (
    SAMPLES,
    api_digest,
    detail_follows,
    detail_text,
    loaded,
    make_app,
    notifications,
    settle,
    shown_ids,
    status_text,
    visible_rows,
)

from tuireader.core import locations
from tuireader.core.library import load_library
from tuireader.core.scope import ALL, STARRED, Scope
from tuireader.core.search import SearchIndex
from tuireader.ui.notify import open_link
from tuireader.ui.screens.help import HelpScreen

LIBRARY = load_library([SAMPLES])
NEWEST, OLDEST = LIBRARY.dates[0], LIBRARY.dates[-1]
FIRST = LIBRARY.ordered_papers()[0]
SECOND = LIBRARY.ordered_papers()[1]


def marks(row: str) -> str:
    """The marks column of a row: unread, star, note, watch."""
    return row[:6]


async def test_opens_on_all_papers_with_the_newest_first() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert len(screen.paper_list.rows) == 240
        assert screen.reader.current == FIRST
        assert FIRST.title[:30] in visible_rows(screen)[0]
        assert len(screen.reader.library.dates) == 5
        assert status_text(screen) == "240 papers"


async def test_cursor_keys_move_and_the_detail_follows() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("j")
        assert screen.reader.current == SECOND
        await pilot.press("down", "down", "k")
        assert screen.paper_list.cursor == 2
        await pilot.press("G")
        assert screen.paper_list.cursor == 239
        await pilot.press("g")
        assert screen.paper_list.cursor == 0
        await pilot.press("pagedown")
        assert screen.paper_list.cursor > 10
        await pilot.press("pageup")
        assert screen.paper_list.cursor == 0
        await pilot.press("j")
        await detail_follows(pilot)
        assert SECOND.title in detail_text(screen)


async def test_rows_show_author_and_category_when_wide_and_the_title_when_narrow() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        row = visible_rows(screen)[0]
        assert FIRST.title in row  # the whole title fits at 120 columns
        assert "Taraneh Ghandi et a…" in row and row.rstrip().endswith("cs.CV")
    async with make_app().run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        row = visible_rows(screen)[0]
        assert "Ghandi" not in row and FIRST.title[:40] in row


async def test_star_is_saved_at_once_and_survives_a_restart() -> None:
    async with make_app().run_test() as pilot:
        screen = await loaded(pilot)
        await pilot.press("s")
        data = tomllib.loads(locations.annotations_file().read_text())
        assert data["papers"][FIRST.id]["starred"] is True
        assert "★" in marks(visible_rows(screen)[0])
    async with make_app().run_test() as pilot:
        screen = await loaded(pilot)
        assert "★" in marks(visible_rows(screen)[0])
        screen.choose_scope(STARRED)
        await settle(pilot)
        assert shown_ids(screen) == [FIRST.id]
        assert status_text(screen) == "1 paper"  # singular
        await pilot.press("s")  # unstar
        papers = tomllib.loads(locations.annotations_file().read_text())["papers"]
        assert papers[FIRST.id]["starred"] is False


async def test_filter_narrows_ranks_counts_and_clears() -> None:
    expected = SearchIndex(LIBRARY.ordered_papers()).search("segmentation")
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"segmentation")
        await settle(pilot)
        shown = shown_ids(screen)
        assert shown == [LIBRARY.ordered_ids[i] for i in expected.positions]
        assert 0 < len(shown) < 240
        assert status_text(screen) == f"{len(shown)} of 240"
        await pilot.press("enter")
        assert screen.paper_list.has_focus and screen.paper_list.cursor == 0
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert screen.filter_bar.value == ""
        assert len(screen.paper_list.rows) == 240
        assert screen.paper_list.has_focus


async def test_filter_with_no_match_says_so() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"qqqzzzxxx")
        await settle(pilot)
        assert len(screen.paper_list.rows) == 0
        rows = visible_rows(screen)
        assert "No paper matches" in rows[1]
        # Wrapped to the list's width, not cut off: every word is on screen.
        shown = " ".join(" ".join(rows).split())
        assert shown == "No paper matches “qqqzzzxxx” in All papers. Esc clears."


async def test_brackets_and_sidebar_switch_dates() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.reader.scope == Scope.of_day(NEWEST)
        assert len(screen.paper_list.rows) == len(LIBRARY.by_date[NEWEST])
        await pilot.press("left_square_bracket")
        assert screen.reader.scope == Scope.of_day(LIBRARY.dates[1])
        await pilot.press("right_square_bracket")
        assert screen.reader.scope == Scope.of_day(NEWEST)
        for _ in range(10):
            await pilot.press("left_square_bracket")
        assert screen.reader.scope == Scope.of_day(OLDEST)  # stops at the oldest date
        screen.sidebar.focus()
        await pilot.press("home")  # "All papers" is the first entry
        await settle(pilot)
        assert screen.reader.scope == ALL


async def test_filter_scope_widens_to_all_papers() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(Scope.of_day(NEWEST))
        await pilot.press("slash", *"image", "enter")
        await settle(pilot)
        on_date = len(screen.paper_list.rows)
        assert all(NEWEST in LIBRARY.papers[p].dates for p in shown_ids(screen))
        await pilot.press("a")
        await settle(pilot)
        assert screen.reader.scope == ALL
        assert len(screen.paper_list.rows) > on_date


async def test_help_lists_every_key_and_the_filter_syntax() -> None:
    async with make_app().run_test(size=(120, 90)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        text = pilot.app.export_screenshot().replace("&#160;", " ")
        for description in (
            "Star or unstar",
            "note",
            "Mark the paper read",
            "Next unread",
            "Undo",
            "tags",
            "abstract page",
            "PDF",
            "older",
            "newer",
            "Quit",
            "Command palette",
            "Read the next paper here",
            "date:2021-07",
            "is:unread",
        ):
            assert description in text, description
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(pilot.app.screen, HelpScreen)


async def test_palette_goes_to_a_date_and_a_year_lists_its_dates_first() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("ctrl+p", *f"go to date {OLDEST:%Y-%m-%d}")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.scope == Scope.of_day(OLDEST)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"2021")
        await pilot.pause(0.3)
        options = pilot.app.screen.query_one("CommandList")
        first = [str(options.get_option_at_index(i).prompt) for i in range(3)]  # type: ignore[attr-defined]
        assert all("2021-" in prompt for prompt in first), first


async def test_palette_toggles_the_sidebar() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("ctrl+p", *"view: sidebar")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert not screen.sidebar.display
        await pilot.press("b")
        assert screen.sidebar.display


async def test_theme_is_remembered() -> None:
    async with make_app().run_test() as pilot:
        await loaded(pilot)
        pilot.app.theme = "nord"
        await pilot.pause()
    assert tomllib.loads(locations.config_file().read_text())["theme"] == "nord"
    async with make_app().run_test() as pilot:
        await loaded(pilot)
        assert pilot.app.theme == "nord"


async def test_open_and_pdf_open_web_links_only(browser_log: Path) -> None:
    async with make_app().run_test() as pilot:
        await loaded(pilot)
        await pilot.press("o", "p")
        await pilot.pause()
        open_link(pilot.app, "javascript:alert(1)")
        open_link(pilot.app, "file:///etc/passwd")
        await pilot.pause()
    assert browser_log.read_text().split() == [FIRST.abs_url, FIRST.pdf_url]


async def test_copy_puts_the_abs_url_on_the_clipboard() -> None:
    async with make_app().run_test() as pilot:
        await loaded(pilot)
        await pilot.press("y")
        assert pilot.app.clipboard == FIRST.abs_url


async def test_empty_folder_says_so(tmp_path: Path) -> None:
    async with make_app(tmp_path).run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot)
        assert len(screen.paper_list.rows) == 0
        assert "No digests found" in visible_rows(screen)[1]


async def test_starred_view_when_empty_says_how_to_star() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(STARRED)
        await settle(pilot)
        assert "Press s" in visible_rows(screen)[1]


async def test_loading_warnings_are_notified_and_listed(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_bytes((SAMPLES / "2021-07-21-cs.CV.md").read_bytes())
    (tmp_path / "notes.md").write_text("# Shopping list\n- milk\n")
    async with make_app(tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert len(screen.paper_list.rows) == 45
        assert any("1 loading warning:" in message for message in notifications(pilot))
        await pilot.press("w")
        await pilot.pause()
        log = pilot.app.screen.query_one("Log")
        assert any("notes.md:1" in line for line in log.lines)  # type: ignore[attr-defined]


async def test_sidebar_groups_many_dates_by_year_and_month(tmp_path: Path) -> None:
    template = (SAMPLES / "2021-07-21-cs.CV.md").read_text().splitlines()
    for day in range(1, 29):
        header = f"# ArXiv cs.CV --Mon, {day:02d} Jun 2021"
        lines = [header, *template[1:5]]  # two papers each
        (tmp_path / f"2021-06-{day:02d}.md").write_text("\n".join(lines) + "\n")
    async with make_app(tmp_path, SAMPLES).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        groups = [str(node.label) for node in screen.sidebar.root.children[4:]]
        assert groups == ["2022", "2021", "2020"]
        months = [str(n.label).split()[0] for n in screen.sidebar.root.children[5].children]
        assert months == ["July", "June", "March", "January"]
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert screen.reader.scope == Scope.of_day(date(2021, 7, 21))


async def test_a_months_days_are_listed_when_it_is_first_opened(tmp_path: Path) -> None:
    """Only the newest month lists its days at first (a decade of digests
    would be ten thousand entries); another lists them, counted, when opened
    or when one of its days is chosen."""
    template = (SAMPLES / "2021-07-21-cs.CV.md").read_text().splitlines()
    for day in range(1, 29):
        header = f"# ArXiv cs.CV --Mon, {day:02d} Jun 2021"
        (tmp_path / f"2021-06-{day:02d}.md").write_text("\n".join([header, *template[1:5]]) + "\n")
    async with make_app(tmp_path, SAMPLES).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        sidebar = screen.sidebar
        june_5 = Scope.of_day(date(2021, 6, 5))
        assert june_5 not in sidebar._entries
        assert any(scope.kind == "day" for scope in sidebar._entries)  # the newest month's
        june = sidebar.entry(Scope.of_month(2021, 6))
        assert june is not None and not june.children
        june.expand()
        await settle(pilot)
        labels = [str(child.label) for child in june.children]
        assert len(labels) == 28 and "05 Sat 2/2" in labels
        screen.choose_scope(Scope.of_day(date(2020, 8, 21)))
        await settle(pilot)
        entry = sidebar.entry(Scope.of_day(date(2020, 8, 21)))
        assert entry is not None and str(entry.label) == "21 Fri 47/47"
        assert sidebar.cursor_node is entry


async def test_a_months_category_entry_lists_that_month_and_category(tmp_path: Path) -> None:
    """Sixteen June days of cs.CV, cs.LG on the even ones (one cross-listing a
    cs.CV paper) and a cs.LG day in May: June's cs.LG entry lists June's cs.LG
    digests' papers, none of May's and no cs.CV-only one."""
    lg_june = []
    for n in range(1, 17):
        day = date(2021, 6, n)
        vision = (f"2106.{n:02d}001", f"Vision paper {n}")
        (tmp_path / f"{day}-cs.CV.md").write_text(api_digest("cs.CV", day, [vision]))
        if n % 2 == 0:
            learning = [(f"2106.{n:02d}002", f"Learning paper {n}")] + ([vision] if n == 2 else [])
            (tmp_path / f"{day}-cs.LG.md").write_text(api_digest("cs.LG", day, learning))
            lg_june += [paper_id for paper_id, _ in learning]
    may = date(2021, 5, 31)
    (tmp_path / f"{may}-cs.LG.md").write_text(api_digest("cs.LG", may, [("2105.00001", "May")]))
    june_lg = Scope.of_month(2021, 6, "cs.LG")
    async with make_app(tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        node, _ = screen.sidebar._entries[june_lg]
        assert node.parent is not None and node.parent.data == Scope.of_month(2021, 6)
        assert str(node.label) == "cs.LG 9/9"
        screen.sidebar.focus()
        screen.sidebar.move_cursor(node)  # as the cursor keys would
        await settle(pilot)
        assert screen.reader.scope == june_lg
        assert sorted(shown_ids(screen)) == sorted(lg_june)
        assert len(lg_june) == 9 and "2106.02001" in lg_june


async def test_a_damaged_annotations_file_is_moved_aside_and_named() -> None:
    path = locations.annotations_file()
    path.parent.mkdir(parents=True)
    path.write_text("version = 1\n[papers.\n")  # half a file
    async with make_app().run_test() as pilot:
        await loaded(pilot)
        moved = list(path.parent.glob("annotations.corrupt-*.toml"))
        assert len(moved) == 1 and moved[0].read_text() == "version = 1\n[papers.\n"
        assert any(str(moved[0]) in message for message in notifications(pilot))
        await pilot.press("s")  # and the reader goes on, on a fresh file
        assert tomllib.loads(path.read_text())["papers"][FIRST.id]["starred"] is True


async def test_a_failed_save_is_reported_kept_and_retried(
    file_size_limit: Callable[[int], None],
) -> None:
    path = locations.annotations_file()
    async with make_app().run_test() as pilot:
        screen = await loaded(pilot)
        await pilot.press("s")
        saved = path.read_bytes()
        file_size_limit(len(saved) + 20)  # a full disk: the next save cannot fit
        await pilot.press("j", "s")
        errors = [n for n in pilot.app._notifications if n.severity == "error"]
        assert errors and str(path) in errors[-1].message
        assert path.read_bytes() == saved  # the file on disk is whole and unchanged
        assert "★" in marks(visible_rows(screen)[1])  # the star is kept
        file_size_limit(resource.getrlimit(resource.RLIMIT_FSIZE)[1])  # space again: retried
        await pilot.press("j", "s")
        starred = tomllib.loads(path.read_text())["papers"]
        assert {FIRST.id, SECOND.id} <= {key for key, entry in starred.items() if entry["starred"]}
