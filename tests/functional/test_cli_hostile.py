"""Hostile digest text through the scripting commands: the bytes they print
carry no control character, whatever field of the digest held one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = "\x1b[2J\x1b]52;c;aGVsbG8=\x07\x9b31m\u202e\x07\x00"
DIGEST = f"""# Arxiv Papers in cs.CV on 2022-01-31
### Title{HOSTILE} here
- **Arxiv ID**: http://arxiv.org/abs/2201.00001v1
- **DOI**: 10.1/x{HOSTILE}
- **Categories**: **cs.CV**, cs.LG{HOSTILE}
- **Links**: [PDF](http://arxiv.org/pdf/2201.00001v1), [X](http://x{HOSTILE}.org)
- **Published**: 2022-01-31{HOSTILE}
- **Authors**: Ann{HOSTILE} Author
- **Comment**: c{HOSTILE}
- **Journal**: j{HOSTILE}
- **Report{HOSTILE}**: r{HOSTILE}
- **Summary**: An abstract &#27;[31m with http://y{HOSTILE}.org in it.
  {"Enough ordinary text that the file is not taken for a binary one. " * 40}
"""
#: C0 controls but newline and tab, DEL, C1, bidi controls and other format characters,
#: each as UTF-8.
CONTROL_BYTES = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.md"
    path.write_text(DIGEST, encoding="utf-8")
    return path


def output_of(*args: str) -> bytes:
    result = subprocess.run(
        [sys.executable, "-m", "tuireader", *args],
        capture_output=True,
        env=os.environ.copy(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["show", "2201.00001"],
        ["export", "--format", "json"],
        ["export", "--format", "markdown"],
        ["export", "--format", "bibtex"],
        ["export", "--format", "csv"],
        ["export", "--format", "ris"],
        ["list"],
        ["search", "title"],
        ["search", "title", "--format", "json"],
    ],
    ids=" ".join,
)
def test_no_control_character_reaches_stdout(hostile_file: Path, command: list[str]) -> None:
    output = output_of(*command[:1], *command[1:], str(hostile_file))
    assert b"Title" in output
    assert CONTROL_BYTES.findall(output) == []
