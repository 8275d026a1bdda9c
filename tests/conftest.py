"""Shared fixtures for the whole suite.

Every test runs with its own XDG data, config and cache folders under
``tmp_path``, so no test reads or writes the real user's files, and tests
running in parallel (xdist) never see each other's state. The variables are
set in ``os.environ``, so subprocesses (the CLI tests) inherit them.
"""

from __future__ import annotations

import os
import resource
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time, so a red build is reproducible and a
# green one means the same as the last; local runs keep exploring new inputs.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore")
settings.load_profile("ci" if os.environ.get("CI") else "explore")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point the XDG folders at empty per-test folders (inherited by subprocesses)."""
    folders = {
        "XDG_DATA_HOME": tmp_path / "xdg-data",
        "XDG_CONFIG_HOME": tmp_path / "xdg-config",
        "XDG_CACHE_HOME": tmp_path / "xdg-cache",
    }
    for name, folder in folders.items():
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    return folders


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real sample digests shipped with the project."""
    return ROOT / "sample_digests"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Small hand-written edge-case digests."""
    return ROOT / "tests" / "data"


@pytest.fixture
def file_size_limit() -> Iterator[Callable[[int], None]]:
    """Make writing past N bytes to any file fail with EFBIG, as a full disk
    would; works as root too. Undone after the test."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    def limit(size: int) -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))

    try:
        yield limit
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
