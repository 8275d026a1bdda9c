"""Crash-safe file replacement, shared by every writer of user files and caches."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash at any moment leaves
    either the old file or the new one, never a truncated mix."""
    with replacing(path) as handle:
        handle.write(data)


@contextmanager
def replacing(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """A file to write that replaces ``path`` whole once the block ends (and
    is removed if it raises), for data too large to hold in memory at once.

    The data goes to a temporary file in the same folder, then is renamed
    over the target. ``durable``: flushed and fsynced first, the folder too,
    so the rename survives a power cut (a cache that can be rebuilt skips
    that). A symlink is followed, so a file kept in a synced folder or a git
    checkout stays where it is.
    """
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open folders; its rename is durable enough.
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def move_aside(path: Path) -> Path:
    """Rename a file that cannot be used to a free ``STEM.corrupt-YYYYmmdd-HHMMSS[-N]SUFFIX``
    beside it, so that it is kept for the user, never written over."""
    stem = f"{path.stem}.corrupt-{datetime.now():%Y%m%d-%H%M%S}"
    target, number = path.with_name(f"{stem}{path.suffix}"), 0
    while target.exists():
        number += 1
        target = path.with_name(f"{stem}-{number}{path.suffix}")
    path.rename(target)
    return target
