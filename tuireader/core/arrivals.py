"""What a reload brought, said in a line for the notice that shows it."""

from __future__ import annotations

from tuireader.core.changes import plural
from tuireader.core.library import Library


def what_arrived(before: Library, after: Library) -> str:
    """ "38 new papers, 2026-11-24 cs.CV" (or what went away), for a notice."""
    new = after.papers.keys() - before.papers.keys()
    gone = before.papers.keys() - after.papers.keys()
    where = sorted(
        {
            f"{day:%Y-%m-%d} {category}"
            for day, listed in after.by_category.items()
            for category, ids in listed.items()
            if not new.isdisjoint(ids)
        },
        reverse=True,
    )
    parts = []
    if new:
        shown = ", ".join(where[:3]) + (f" and {len(where) - 3} more" if len(where) > 3 else "")
        parts.append(f"{plural(len(new), 'new paper')}, {shown}")
    if gone:
        parts.append(f"{plural(len(gone), 'paper')} no longer listed")
    return "; ".join(parts) or "Digests changed; no paper came or went"
