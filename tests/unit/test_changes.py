"""The user's changes on their own, without a reader or a library on screen:
each is saved at once, one undo step, and the unread counts follow."""

from __future__ import annotations

from pathlib import Path

from tuireader.core.changes import Changes
from tuireader.core.library import load_library
from tuireader.core.scope import ALL
from tuireader.core.store import AnnotationStore
from tuireader.core.tally import Tally


def test_changes_undo_redo_and_keep_the_tally_in_step(samples_dir: Path) -> None:
    library = load_library([samples_dir])
    first, second = library.ordered_papers()[:2]
    store = AnnotationStore()
    assert store.load() == []
    changes = Changes(store)
    tally = changes.tally = Tally(library, store.read_ids())
    assert tally.of(ALL) == (240, 240)

    assert changes.toggle_star(first).message.startswith("Starred ‘")
    assert changes.set_tags([first, second], ["survey"]).message == "Tagged 2 papers +survey"
    assert changes.mark_read_after_rest(second)
    assert len(changes.history) == 2  # reading by rest is no undo step

    assert changes.undo().message == "Undid: Tagged 2 papers +survey"
    assert store.tagged("survey") == set()
    assert changes.redo().changed and store.tagged("survey") == {first.id, second.id}
    assert store.is_read(second.id) and store.get(first.id).starred
    assert tally.of(ALL) == (240, 239)
