"""Typing in the filter: each key starts its search at once, and the key is
painted together with the rows it finds (or, for a slow search, on its own a
moment later)."""

from __future__ import annotations

from app_helpers import detail_text, loaded, make_app, settle, shown_ids, status_text

from tuireader.ui.paint_hold import LONGEST


async def test_a_key_starts_its_search_before_anything_else_runs() -> None:
    """The query reaches the reader in the same call as the key changes the
    input: a message would wait for three widgets' queues, and the key's
    paint, first."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        everything = len(shown_ids(screen))
        screen.filter_bar.input.focus()
        screen.filter_bar.input.insert_text_at_cursor("segmentation")
        assert screen.reader.query == "segmentation"
        assert any(w.group == "rows" and not w.is_finished for w in app.workers)
        assert screen.paint_hold.held
        assert not screen.loader.keys.waiting  # loaded: no loader to give way
        await settle(pilot)
        found = len(shown_ids(screen))
        assert 0 < found < everything
        assert status_text(screen) == f"{found} of {everything}"
        assert not screen.paint_hold.held  # the rows came: painted with the key


async def test_a_restored_query_is_not_searched_twice() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await loaded(pilot)
        screen.filter_bar.set_value("vision")
        assert screen.reader.query == "" and not screen.paint_hold.held
        assert not any(w.group == "rows" and not w.is_finished for w in app.workers)


async def test_a_key_whose_rows_do_not_come_is_painted_all_the_same() -> None:
    """A hold that nothing ends (the search failed, or is slow) ends by
    itself. (Textual's count of batches is how painting is held.)"""
    app = make_app()
    async with app.run_test() as pilot:
        screen = await loaded(pilot)
        screen.paint_hold.begin()
        assert screen.paint_hold.held and app._batch_count == 1
        await pilot.pause(LONGEST * 3)
        assert not screen.paint_hold.held and app._batch_count == 0
        screen.paint_hold.end()  # ending again changes nothing
        assert app._batch_count == 0


async def test_a_bad_query_ends_the_hold_with_its_error() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"is:bogus")
        await settle(pilot)
        assert status_text(screen).startswith("✗ unknown is:bogus")
        assert not screen.paint_hold.held and app._batch_count == 0


async def test_the_detail_waits_until_typing_rests() -> None:
    """Each key puts the detail off again: drawn between keys typed quickly,
    it held up the next key's rows by a paint. Once typing rests, it shows
    the best match."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await settle(pilot)
        before = detail_text(screen)
        screen.filter_bar.input.focus()
        screen.filter_bar.input.insert_text_at_cursor("segmentatio")
        await settle(pilot)
        due = screen._pending_timers.get("detail")
        screen.filter_bar.input.insert_text_at_cursor("n")
        assert screen._pending_timers.get("detail") not in (None, due)  # put off by the key
        await settle(pilot)
        best = screen.reader.papers[screen.paper_list.rows[0]]
        assert detail_text(screen) != before and best.title.split()[0] in detail_text(screen)


async def test_a_filtered_snapshot_holds_the_loader_until_its_rows_are_painted() -> None:
    """A snapshot shown while a query filters the list is searched at once,
    and the loader waits meanwhile, as for a key: otherwise the search took
    turns at the GIL with the next snapshot's preparing, and a key typed
    then waited behind it."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        keys, reader = screen.loader.keys, screen.reader
        screen.loader._progress(1, 2, reader.library)  # no query: nothing to wait for
        assert not keys.waiting
        screen.filter_bar.input.focus()
        screen.filter_bar.input.insert_text_at_cursor("segmentation")
        await settle(pilot)
        screen.loader._progress(1, 2, reader.library)
        assert keys.waiting
        await settle(pilot)
        assert not keys.waiting and reader.rows.query == "segmentation"


async def test_an_empty_search_is_made_again_once_the_word_index_is_built() -> None:
    """A typo typed while the library loaded was not corrected then; when
    the word index comes, a query that found nothing is searched again (and
    only then: other rows stand)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        reader, background = screen.reader, screen.loader.background

        def searching() -> bool:
            return any(w.group == "rows" and not w.is_finished for w in app.workers)

        screen.filter_bar.input.focus()
        screen.filter_bar.input.insert_text_at_cursor("segmentation")
        await settle(pilot)
        background._words_indexed(reader.index)
        assert reader.rows.positions and not searching()
        screen.filter_bar.input.insert_text_at_cursor(" zqxjvk")
        await settle(pilot)
        background._words_indexed(reader.index)
        assert not reader.rows.positions and searching()
        await settle(pilot)  # its rows come before the app closes
