"""Every per-user path in one place (platformdirs honours XDG_* on Linux).

Getters only compute paths; whoever writes creates the folder.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "tuireader"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def annotations_file() -> Path:
    """Stars and notes: the one file users must never lose."""
    return data_dir() / "annotations.toml"


def state_file() -> Path:
    """Where the reader was (scope, filter, paper): this machine's, not synced."""
    return data_dir() / "state.toml"


def config_file() -> Path:
    return config_dir() / "config.toml"


def documents_dir() -> Path:
    """Where exports go unless the user says otherwise."""
    return platformdirs.user_documents_path()


def bundled_samples() -> Path:
    """The sample digests: inside the installed package, or beside it in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "sample_digests"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "sample_digests"
