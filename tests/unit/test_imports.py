"""The pure core and the CLI never import Textual, so that scripting commands
start fast. Checked in a fresh interpreter: this test process may well have
Textual loaded by other tests."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import tuireader.core
    imported = ["tuireader.core"]
    for module in pkgutil.walk_packages(tuireader.core.__path__, "tuireader.core."):
        importlib.import_module(module.name)
        imported.append(module.name)
    import tuireader.cli.entry
    imported.append("tuireader.cli.entry")
    leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    print(json.dumps({"imported": imported, "leaked": leaked}))
    """
)


def test_core_and_cli_do_not_import_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # The walk really reached the submodules, formats included.
    for name in (
        "tuireader.core.text",
        "tuireader.core.model",
        "tuireader.core.formats",
        "tuireader.core.formats.arxiv_api",
        "tuireader.core.formats.arxiv_listing",
        "tuireader.core.library",
        "tuireader.core.search",
        "tuireader.core.export",
        "tuireader.cli.entry",
    ):
        assert name in report["imported"]
    assert report["leaked"] == []


def test_the_script_imports_nothing_a_parsing_worker_does_not_need() -> None:
    """A parsing worker (spawned) runs the ``tuireader`` script before its
    job: ``from tuireader.cli import main`` must not import the commands,
    the library or numpy (~0.2 s of CPU a worker, on a cold start)."""
    probe = "import sys, tuireader.cli; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = result.stdout.split()
    assert "tuireader.cli" in loaded
    heavy = [name for name in loaded if name.startswith(("numpy", "tuireader.", "textual"))]
    assert heavy == ["tuireader.cli"]


def _third_party_imports(root: Path) -> set[str]:
    """Top-level names of the modules the package's source imports, stdlib aside."""
    names: set[str] = set()
    for source in root.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names} - {"tuireader"}


def _normalized(distribution: str) -> str:
    """PEP 503: `tomli_w`, `Tomli-W` and `tomli.w` name one distribution."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def test_every_imported_library_is_declared() -> None:
    """A library installed only by chance (as another's dependency, or by hand)
    works here and breaks a fresh install: each import needs its own line."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        _normalized(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0])
        for requirement in project["project"]["dependencies"]
    }
    providers = importlib.metadata.packages_distributions()
    imported = _third_party_imports(ROOT / "tuireader")
    assert {"textual", "watchfiles", "sklearn"} <= imported  # the walk sees real imports
    missing = {
        name
        for name in imported
        if not {_normalized(dist) for dist in providers.get(name, [name])} & declared
    }
    assert missing == set()


def test_the_app_paints_at_up_to_240_frames_a_second_unless_the_user_chose() -> None:
    """Textual's default of 60 frames a second left a key's new rows waiting
    up to 17 ms for the next paint. A fresh interpreter each, since Textual
    reads the setting once, when it is imported."""
    probe = "import tuireader.ui.app, textual.screen; print(textual.screen.UPDATE_PERIOD)"
    environments = {240: {}, 30: {"TEXTUAL_FPS": "30"}}
    for frames, chosen in environments.items():
        environment = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"} | chosen
        result = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env=environment,
        )
        assert float(result.stdout) == pytest.approx(1 / frames)
