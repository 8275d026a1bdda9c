"""Shared by the CLI tests: run ``python -m tuireader`` for real, check its
output, and compute what it should print from the core, in-process.

The subprocesses inherit the per-test XDG folders set by the autouse fixture in
``tests/conftest.py``, so the store opened here is the one they write.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tuireader.core import locations
from tuireader.core.library import Library, load_library
from tuireader.core.store import AnnotationStore

SAMPLES = Path(__file__).resolve().parents[2] / "sample_digests"
API_FILE = SAMPLES / "cs.CV" / "2022" / "01" / "20220131.md"

#: A cs.LG digest of 2022-01-31: two papers cross-listed from the cs.CV
#: sample of that day, and one of its own that names no cs.LG category.
LG_DIGEST = """\
# Arxiv Papers in cs.LG on 2022-01-31
### Plug-In Inversion: Model-Agnostic Inversion for Vision with Data Augmentations
- **Arxiv ID**: http://arxiv.org/abs/2201.12961v1
- **Categories**: **cs.LG**, cs.CV
- **Authors**: Amin Ghiasi, Hamid Kazemi, Steven Reich
- **Summary**: Model inversion with a simple set of augmentations instead of regularisers.

### Learning to Hash Naturally Sorts
- **Arxiv ID**: http://arxiv.org/abs/2201.13322v2
- **Categories**: **cs.LG**, cs.CV
- **Authors**: Jiaguo Yu, Yuming Shen
- **Summary**: Learning to hash pictures a list-wise sorting problem.

### Gradient Boosting on Tabular Kernels
- **Arxiv ID**: http://arxiv.org/abs/2201.13999v1
- **Categories**: **stat.ML**
- **Authors**: Ada Example
- **Summary**: A paper only the cs.LG digest lists, filed under stat.ML alone.
"""
LG_IDS = ["2201.12961", "2201.13322", "2201.13999"]


def run(
    *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``tuireader ARGS`` in a fresh interpreter, with the test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "tuireader", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=stdin,
        cwd=cwd,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )


def assert_clean_success(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    """The run failed with ``code``, one ``tuireader: `` line on stderr; returns it."""
    assert result.returncode == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tuireader: ")
    return lines[0]


def saved() -> AnnotationStore:
    """The user's data as the last command left it."""
    store = AnnotationStore()
    assert store.load() == []
    return store


def write_lg_digest(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2022-01-31-cs.LG.md"
    path.write_text(LG_DIGEST, encoding="utf-8")
    return path


def library_of(*paths: Path) -> Library:
    return load_library(paths or [SAMPLES])


def configure_digests(*folders: Path) -> None:
    """``digests = [...]`` in the test's config.toml."""
    config = locations.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(json.dumps(str(folder)) for folder in folders)
    config.write_text(f"digests = [{listed}]\n", encoding="utf-8")


def listed_ids(result: subprocess.CompletedProcess[str], column: int = 1) -> list[str]:
    """The IDs of ``list`` (column 1) or ``search`` (column 0) output, in order."""
    assert result.returncode == 0, result.stderr
    return [line.split("\t")[column] for line in result.stdout.splitlines()]
