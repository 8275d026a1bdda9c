"""The pure core and the CLI never import Textual, so that scripting commands
start fast. Checked in a fresh interpreter: this test process may well have
Textual loaded by other tests."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import tuireader.core
    imported = ["tuireader.core"]
    for module in pkgutil.walk_packages(tuireader.core.__path__, "tuireader.core."):
        importlib.import_module(module.name)
        imported.append(module.name)
    import tuireader.cli
    imported.append("tuireader.cli")
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
        "tuireader.cli",
    ):
        assert name in report["imported"]
    assert report["leaked"] == []
