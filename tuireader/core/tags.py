"""Tag names: what a tag may be called and how a typed name is stored.
Shared by the ``tag:`` query term and the tag editor."""

from __future__ import annotations

from tuireader.core.text import fold_fully

TAG_MAX_LENGTH = 40
TAG_PUNCTUATION = "-_/.+"


def normalise_tag(name: str) -> str:
    """A tag name as stored: folded and stripped."""
    return fold_fully(name).strip()


def valid_tag(name: str) -> str | None:
    """Why ``name`` (already normalised) is not a valid tag name, or None."""
    if not name:
        return "tag name is empty"
    if len(name) > TAG_MAX_LENGTH:
        return f"tag name is longer than {TAG_MAX_LENGTH} characters"
    if not name[0].isalnum():
        return "tag name must start with a letter or digit"
    for char in name:
        if not (char.isalnum() or char in TAG_PUNCTUATION):
            return f"tag name cannot contain {char!r}"
    if normalise_tag(name) != name:
        return "tag name must be lowercase, without accents"
    return None
