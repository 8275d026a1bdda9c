"""The main screen's keys: one table, which the footer, the help screen and
the command palette all read."""

from __future__ import annotations

from textual.binding import Binding, BindingType


def _key(key: str, action: str, description: str, tooltip: str, show: bool = False) -> Binding:
    return Binding(key, action, description, show=show, tooltip=tooltip)


MAIN_KEYS: list[BindingType] = [
    _key("slash", "focus_filter", "Filter", "Filter the list as you type (? for syntax).", True),
    _key("space", "next_unread", "Next unread", "The next unread paper, then the next day.", True),
    _key("r", "toggle_read", "Read", "Mark the paper read or unread.", True),
    _key("s", "star", "Star", "Star or unstar the paper (saved at once).", True),
    _key("n", "note", "Note", "Write, edit or delete the paper's note.", True),
    _key("t", "tags", "Tags", "Edit the paper's tags.", True),
    _key("u", "undo", "Undo", "Undo your last change (stars, notes, tags, marks).", True),
    _key("ctrl+r", "redo", "Redo", "Redo what you undid."),
    _key("R", "mark_list(True)", "All read", "Mark every paper of the list read."),
    _key("U", "mark_list(False)", "All unread", "Mark every paper of the list unread."),
    _key("T", "tag_list", "Tag list", "Add or remove tags on every paper of the list."),
    _key("o", "open_abstract", "Open", "Open the paper's abstract page in the browser."),
    _key("p", "open_pdf", "PDF", "Open the paper's PDF in the browser."),
    _key("y", "copy_link", "Copy link", "Copy the abstract page's URL."),
    _key("e", "export", "Export", "Export the list or the starred papers to a file."),
    _key(
        "S",
        "toggle_relevance",
        "Relevance",
        "Order the list by likeness to your stars; in More like this: newest first.",
    ),
    _key("m", "similar", "More like this", "The 50 papers most like this one."),
    _key("left_square_bracket", "step_date(1)", "Older date", "The previous (older) date."),
    _key("right_square_bracket", "step_date(-1)", "Newer date", "The next (newer) date."),
    _key("a", "widen", "All papers", "Search every paper, not just this list."),
    *(
        _key(str(n), f"saved_search({n})", "Saved search", "Show saved search 1 to 9.")
        for n in range(1, 10)
    ),
    _key("b", "toggle_sidebar", "Sidebar", "Show or hide the sidebar."),
    _key("w", "show_warnings", "Loading warnings", "Files skipped and lines ignored."),
    _key("escape", "back", "Back", "Clear the filter, or go back from the detail to the list."),
]
