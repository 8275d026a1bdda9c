"""The user's changes, with undo: stars, notes, read marks and tags.

Each action is a batch of store edits applied in one save; its inverse goes
to the session's :class:`History`, and the tally of unread papers follows
the read marks at once (recounting 100,000 papers per key would lag). The
:class:`~tuireader.core.reader.Reader` builds on this; the messages it
returns are the one line the user is told.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from tuireader.core.history import Action, History
from tuireader.core.model import Paper
from tuireader.core.store import AnnotationStore, Edit, ReadOnlyError, StoreError
from tuireader.core.tally import Tally


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an action did, in one line for the user, and what went wrong."""

    message: str
    problem: str | None = None
    changed: bool = True


class Changes:
    """Changes to one store, each an undo step (or, for reading by rest, not)."""

    def __init__(self, store: AnnotationStore) -> None:
        self.store = store
        self.history = History()
        #: Counts per day, category and scope (None until counted in a worker).
        self.tally: Tally | None = None

    def toggle_star(self, paper: Paper) -> Outcome:
        starred = not self.store.get(paper.id).starred
        verb = "Starred" if starred else "Unstarred"
        edit = Edit(paper.id, "starred", starred, title=paper.title)
        return self._do(f"{verb} {quoted(paper.title)}", [edit])

    def set_note(self, paper: Paper, text: str) -> Outcome:
        had = self.store.get(paper.id).note
        verb = (
            "Deleted the note on" if not text.strip() else "Edited the note on" if had else "Noted"
        )
        return self._do(
            f"{verb} {quoted(paper.title)}", [Edit(paper.id, "note", text, title=paper.title)]
        )

    def toggle_read(self, paper: Paper) -> Outcome:
        read = not self.store.is_read(paper.id)
        verb = "Marked read:" if read else "Marked unread:"
        return self._do(f"{verb} {quoted(paper.title)}", [Edit(paper.id, "read", read)])

    def mark_read_after_rest(self, paper: Paper) -> bool:
        """The paper rested in the detail pane: it counts as read. Not an
        undo step of its own (``r`` marks it unread again); True if it changed."""
        if self.store.read_only or self.store.is_read(paper.id):
            return False
        return self._do("", [Edit(paper.id, "read", True)], remember=False).changed

    def set_tags(
        self, papers: Sequence[Paper], add: Iterable[str], remove: Iterable[str] = ()
    ) -> Outcome:
        """Add and remove tags on papers: one undo step."""
        add, remove = sorted(set(add)), sorted(set(remove))
        edits = [Edit(p.id, "tag", True, tag=t, title=p.title) for p in papers for t in add]
        edits += [Edit(p.id, "tag", False, tag=t, title=p.title) for p in papers for t in remove]
        what = ", ".join([*(f"+{t}" for t in add), *(f"-{t}" for t in remove)])
        target = quoted(papers[0].title) if len(papers) == 1 else plural(len(papers), "paper")
        return self._do(f"Tagged {target} {what}", edits)

    def undo(self) -> Outcome:
        return self._replay(forward=False)

    def redo(self) -> Outcome:
        return self._replay(forward=True)

    def _replay(self, forward: bool) -> Outcome:
        """Undo (or redo) the last step; the history moves only if it was applied."""
        history = self.history
        action = history.to_redo() if forward else history.to_undo()
        if action is None:
            return Outcome(f"Nothing to {'redo' if forward else 'undo'}", changed=False)
        outcome = self._apply(list(action.redo if forward else action.undo))
        if outcome.problem != _READ_ONLY:
            (history.redone if forward else history.undone)()
        done = "Redid" if forward else "Undid"
        return replace(outcome, message=f"{done}: {action.description}")

    def _do(self, description: str, edits: list[Edit], remember: bool = True) -> Outcome:
        undo, problem = self._applied(edits)
        if problem == _READ_ONLY:
            return Outcome(self.store.read_only or "", problem, changed=False)
        if not undo:
            return Outcome("Nothing to change", problem, changed=False)
        if remember:
            redo = [replace(e, value=self.store.value(e.paper_id, e.field, e.tag)) for e in undo]
            self.history.record(Action(description, tuple(undo), tuple(redo)))
        return Outcome(description, problem)

    def _apply(self, edits: list[Edit]) -> Outcome:
        undo, problem = self._applied(edits)
        return Outcome("", problem, changed=bool(undo))

    def _applied(self, edits: list[Edit]) -> tuple[list[Edit], str | None]:
        """Apply through the store; keep the tally in step with read marks."""
        try:
            undo, problem = self.store.apply(edits), None
        except ReadOnlyError:
            return [], _READ_ONLY
        except StoreError as error:
            undo, problem = error.undo, str(error)
        if self.tally is not None:
            for read in (True, False):  # undo holds the old value: not read, for papers now read
                changed = [e.paper_id for e in undo if e.field == "read" and e.value is not read]
                self.tally.marked(changed, read)
        return undo, problem


_READ_ONLY = "read-only"


def quoted(title: str, width: int = 48) -> str:
    """A title in quotes, cut to ``width`` characters for one-line messages."""
    return f"‘{title if len(title) <= width else title[: width - 1].rstrip() + '…'}’"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
