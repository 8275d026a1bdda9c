"""Spacing as TeX shows math, whatever the source's spaces: one space at most,
none inside brackets or after a prefix symbol, and an operator spaced on both
sides or neither (``98.1\\pm 0.1`` and ``a \\pm b`` read alike)."""

from __future__ import annotations

import re

#: Spaces TeX would not show either: inside brackets, after a prefix symbol.
TIGHT = re.compile(r"(?<=[(\[{⟨∂∇√¬]) | (?=[)\]}⟩,;])")
# Relations and binary operators: spaced on both sides if spaced on either in
# the source, else on neither.
_OPERATOR = re.compile(r"\s*([=<>±∓×÷·≤≥⩽⩾≈∼≃≅≡≠≪≫≲≳∝→←↔⇒⇐⇔⟹⟺↦∈∉⊂⊆⊃⊇])\s*")


def finish_math(text: str) -> str:
    """Converted math with the spacing TeX would show."""
    text = " ".join(text.split())
    if " " in text:
        text = TIGHT.sub("", text)
    if _OPERATOR.search(text):
        text = _OPERATOR.sub(
            lambda m: m.group(1) if m.group() == m.group(1) else f" {m.group(1)} ", text
        )
    return text.strip()
