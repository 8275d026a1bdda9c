"""Following the digest folders and the data files while the app is open.

Digest scripts run in the morning, often while the reader is open; another
tuireader (or ``tuireader star`` in a shell) changes the user's data. A
worker watches both with watchfiles and tells the screen, on the UI thread,
which digest files changed once they have settled (a file still being
written is not read half-way), and when the data files changed.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import watchfiles

from tuireader.core.discovery import DIGEST_SUFFIXES

if TYPE_CHECKING:
    from tuireader.ui.loader import Loader

#: Milliseconds watchfiles waits for more changes before reporting a batch...
DEBOUNCE_MS = 400
#: ...and, when nothing changes, at most before checking whether to stop.
CHECK_EVERY_MS = 300
#: A changed file is read once its size and time have not changed for this long...
SETTLED_AFTER = 0.4
#: ...or after this long at most, whatever it does.
SETTLE_AT_MOST = 10.0


class Watcher:
    """Watches ``paths`` (digest files and folders) and ``data_files``."""

    def __init__(self, loader: Loader, paths: Sequence[str], data_files: Sequence[Path]):
        self._loader = loader
        self._paths = [Path(path).expanduser() for path in paths]
        self._data_files = {Path(os.path.realpath(path)) for path in data_files}
        self._stop = threading.Event()

    def start(self) -> None:
        """A thread of its own, not a worker: it never finishes (so waiting
        for the workers must not wait for it), and a daemon, so it never
        keeps the program alive."""
        threading.Thread(target=self._watch, name="tuireader-watch", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        folders = {path if path.is_dir() else path.parent for path in self._paths}
        folders |= {path.parent for path in self._data_files}
        watched = [folder for folder in folders if folder.is_dir()]
        if not watched:
            return
        for changes in watchfiles.watch(
            *watched,
            debounce=DEBOUNCE_MS,
            stop_event=self._stop,
            raise_interrupt=False,
            rust_timeout=CHECK_EVERY_MS,
            yield_on_timeout=True,  # to notice, when idle, that the app is closing
        ):
            if not self._loader.running:
                return
            changed = {Path(path) for _, path in changes}
            digests = {path for path in changed if self._is_digest(path)}
            if digests:
                _settle(digests, self._stop.is_set)
                self._call(self._loader.digests_changed)
            if any(Path(os.path.realpath(path)) in self._data_files for path in changed):
                self._call(self._loader.data_changed)

    def _is_digest(self, path: Path) -> bool:
        if not path.name.lower().endswith(DIGEST_SUFFIXES) or path.name.startswith("."):
            return False
        return any(path == watched or watched in path.parents for watched in self._paths)

    def _call(self, callback: Callable[..., object], *arguments: object) -> None:
        if not self._stop.is_set():
            self._loader.call_from_thread(callback, *arguments)


def _settle(paths: set[Path], stopped: Callable[[], bool]) -> None:
    """Wait until no file of ``paths`` has changed for SETTLED_AFTER seconds."""
    deadline = time.monotonic() + SETTLE_AT_MOST
    last = _stamps(paths)
    quiet_since = time.monotonic()
    while time.monotonic() < deadline and not stopped():
        time.sleep(0.1)
        now = _stamps(paths)
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= SETTLED_AFTER:
            return


def _stamps(paths: set[Path]) -> list[tuple[int, int] | None]:
    stamps: list[tuple[int, int] | None] = []
    for path in sorted(paths):
        try:
            status = path.stat()
            stamps.append((status.st_size, status.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return stamps
