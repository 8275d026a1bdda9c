"""A Syncthing conflict copy of the user's data is offered for merging at start-up."""

from __future__ import annotations

from app_helpers import loaded, make_app, notifications, write_config

from tuireader.core import locations
from tuireader.core.store import AnnotationStore
from tuireader.ui.screens.dialogs import ConfirmScreen

HERE, THERE = "2107.09652", "2201.12944"


def data_on_two_machines() -> tuple[AnnotationStore, object]:
    """This machine starred one paper; the conflict copy starred and noted another."""
    write_config(mark_read_after=0)
    path = locations.annotations_file()
    store = AnnotationStore(path)
    store.load()
    store.set_star(HERE, True)
    other = AnnotationStore(path.with_name("elsewhere") / "annotations.toml")
    other.load()
    other.set_star(THERE, True)
    other.set_note(THERE, "written on the laptop")
    conflict = path.with_name("annotations.sync-conflict-20261127-101112-ABCDEFG.toml")
    conflict.write_bytes(other.path.read_bytes())
    return store, conflict


async def test_yes_merges_the_copy_and_keeps_it_renamed() -> None:
    _, conflict = data_on_two_machines()
    async with make_app().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        screen = await loaded(pilot)
        assert screen.reader.store.starred_ids() == {HERE, THERE}
        assert screen.reader.marks_of(THERE).note == "written on the laptop"
        assert any(m.startswith("merged 1 star, 1 note") for m in notifications(pilot))
    assert not conflict.exists()  # type: ignore[attr-defined]
    (kept,) = locations.annotations_file().parent.glob("annotations.sync-conflict-*merged*")
    again = AnnotationStore()
    again.load()
    assert again.starred_ids() == {HERE, THERE} and kept.exists()


async def test_no_leaves_everything_as_it_was() -> None:
    _, conflict = data_on_two_machines()
    before = locations.annotations_file().read_bytes()
    async with make_app().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        screen = await loaded(pilot)
        assert screen.reader.store.starred_ids() == {HERE}
    assert locations.annotations_file().read_bytes() == before
    assert conflict.exists()  # type: ignore[attr-defined]
