"""Where searched-for fragments occur in a text, so the UI can highlight them."""

from __future__ import annotations

from collections.abc import Sequence

from tuireader.core import query as q
from tuireader.core.text import fold


def highlight_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text``, merged, for highlighting."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    spans = []
    for term in filter(None, terms):
        start = folded.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def terms_for(texts: Sequence[q.Text], field: q.TextField) -> list[str]:
    """The texts to highlight in ``field``: its own terms and the bare ones."""
    return [text.text for text in texts if text.field in (field, "any")]
