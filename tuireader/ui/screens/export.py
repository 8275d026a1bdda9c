"""Exporting from the app: the list on screen or the starred papers, to a file
in any of the export formats, written in a worker."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from tuireader.core import export, locations
from tuireader.core.model import Paper
from tuireader.core.reader import Reader, plural
from tuireader.ui.notify import say
from tuireader.ui.screens.dialogs import DIALOG_CSS

LABELS = {
    "bibtex": "BibTeX (.bib)",
    "ris": "RIS: Zotero, Mendeley, EndNote (.ris)",
    "csv": "CSV: spreadsheets (.csv)",
    "markdown": "Markdown reading list (.md)",
    "json": "JSON (.json)",
}


class ExportScreen(ModalScreen[tuple[str, str, str] | None]):
    """Gives (which papers: "list" or "starred", format, path), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#export-path"
    DEFAULT_CSS = "ExportScreen {" + DIALOG_CSS + "} ExportScreen RadioSet { width: 1fr; }"

    def __init__(self, scope: str, listed: int, starred: int) -> None:
        super().__init__()
        self._scope, self._listed, self._starred = scope, listed, starred
        self._format, self._which = "bibtex", "list" if listed else "starred"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export", classes="title")
            with RadioSet(id="export-which"):
                yield RadioButton(
                    Text(f"This list: {plural(self._listed, 'paper')} ({self._scope})"),
                    value=self._which == "list",
                    name="list",
                    id="which-list",
                )
                yield RadioButton(
                    f"Starred: {plural(self._starred, 'paper')}",
                    value=self._which == "starred",
                    name="starred",
                    id="which-starred",
                )
            with RadioSet(id="export-format"):
                for name, label in LABELS.items():
                    yield RadioButton(
                        label, value=name == self._format, name=name, id=f"format-{name}"
                    )
            yield Input(str(self._default_path()), id="export-path")
            yield Label(
                "Enter writes the file · Shift+Tab chooses papers and format · Esc cancels",
                classes="hint",
            )

    def _default_path(self) -> Path:
        slug = re.sub(r"[^\w-]+", "-", self._scope if self._which == "list" else "starred")
        name = f"tuireader-{slug.strip('-').lower()}-{date.today():%Y-%m-%d}"
        return locations.documents_dir() / (name + export.SUFFIXES[self._format])

    @on(RadioSet.Changed)
    def _chosen(self, event: RadioSet.Changed) -> None:
        name = event.pressed.name or ""
        if event.radio_set.id == "export-format":
            self._format = name
        else:
            self._which = name
        self.query_one("#export-path", Input).value = str(self._default_path())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss((self._which, self._format, event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


def export_in_worker(screen: Any, papers: Sequence[Paper], file_format: str, path: str) -> None:
    """Write the file in a thread and say where it went (or why it could not)."""
    reader: Reader = screen.reader
    store = reader.store
    target = Path(path).expanduser()

    def write() -> None:
        text = export.FORMATS[file_format](papers, store.all(), store.read_ids())
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as error:
            message = f"Could not export to {target}: {error.strerror or error}"
            screen.app.call_from_thread(say, screen.app, message, severity="error", timeout=10)
            return
        message = f"Exported {plural(len(papers), 'paper')} to {target}"
        screen.app.call_from_thread(say, screen.app, message, timeout=6)

    screen.run_worker(write, thread=True, group="export")
