"""Fixtures for the app tests."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest


@pytest.fixture
def browser_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make ``webbrowser`` run a script that logs each URL it is asked to open.

    Python's webbrowser honours $BROWSER; the script reads the log's path from
    the environment at run time, so the real opening path runs end to end.
    """
    log = tmp_path / "opened.txt"
    script = tmp_path / "fake-browser"
    script.write_text('#!/bin/sh\nprintf "%s\\n" "$1" >> "$TUIREADER_TEST_BROWSER_LOG"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("TUIREADER_TEST_BROWSER_LOG", str(log))
    monkeypatch.setenv("BROWSER", f"{script} %s")
    import webbrowser

    monkeypatch.setattr(webbrowser, "_tryorder", None)  # re-read $BROWSER
    return log
