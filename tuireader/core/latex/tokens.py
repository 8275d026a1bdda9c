"""Macro names and braces in LaTeX source, found alike by the prose scanner,
the math converter and the script reader: an escaped brace (``\\{``) or an
escaped backslash is never a group's brace."""

from __future__ import annotations

import re

from tuireader.core.text import balanced as pairs_up

MACRO_NAME = re.compile(r"\\(?:[A-Za-z]+|.)", re.DOTALL)
# Braces, and what makes a brace not one: an escape (\{) or an escaped backslash.
BRACE_TOKEN = re.compile(r"\\[\\{}]|[{}\n]")


def balanced(math: str) -> bool:
    """Whether the braces pair up: ``$\\frac{1$`` is shown as written."""
    return pairs_up((token.group() for token in BRACE_TOKEN.finditer(math)), "{", "}")


def closing_brace(source: str, pos: int) -> int | None:
    """Where the group opened at ``pos`` closes, or None if it never does."""
    depth = 0
    for token in BRACE_TOKEN.finditer(source, pos):
        char = token.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return token.start()
    return None
