"""Telling the user things, and opening links, safely: digest text goes into
messages (titles, paths, URLs) and must never act as markup or escapes."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel

from tuireader.core.text import is_web_url, strip_unsafe


def say(
    app: App[Any],
    message: str,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """Notify with untrusted text in it: never as markup, never with control characters."""
    app.notify(
        strip_unsafe(message),
        title=strip_unsafe(title),
        severity=severity,
        timeout=timeout,
        markup=False,
    )


def open_link(app: App[Any], url: str) -> None:
    """Open http(s) links only: digest text must never launch anything else."""
    if not is_web_url(url):
        say(app, f"Not opening a non-web link: {url}", severity="error")
        return
    app.open_url(url)
    say(app, f"Opening {url}", timeout=3)
