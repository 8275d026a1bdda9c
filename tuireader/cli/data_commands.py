"""The commands that change the user's data: ``star``, ``note``, ``read``, ``tag``.

Each invocation is one :meth:`AnnotationStore.apply`: one batch, one write per
file, undone as one. The ID forms read no digests unless digests are
configured; then an ID that none lists gets a warning (the change is made all
the same) and a known paper's title is kept in the file for people reading it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence

from tuireader.cli.common import (
    UsageError,
    annotation_store,
    configured_library,
    load,
    warn,
    write_lines,
)
from tuireader.cli.filters import checked_category, listed_on
from tuireader.core.model import parse_arxiv_id
from tuireader.core.store import Edit
from tuireader.core.tags import normalise_tag, valid_tag

TAG_USAGE = "tuireader tag ID... +TAG -TAG (see 'tuireader tag --help')"


def checked_id(text: str) -> str:
    """The version-less arXiv ID in ``text`` (an ID, versioned ID or URL)."""
    parsed = parse_arxiv_id(text)
    if parsed is None:
        raise UsageError(f"not an arXiv ID: {text!r}")
    return parsed[0]


def titles_of(paper_ids: Iterable[str], done: str) -> dict[str, str]:
    """The titles of the papers the configured digests list; warns, saying
    ``done`` anyway, for each they do not. Reads nothing when none are configured."""
    library = configured_library()
    if library is None:
        return {}
    titles = {}
    for paper_id in dict.fromkeys(paper_ids):
        paper = library.papers.get(paper_id)
        if paper is None:
            warn(f"{paper_id} is not in your digests; {done} anyway")
        else:
            titles[paper_id] = paper.title
    return titles


def run_star(arguments: argparse.Namespace) -> int:
    starred = not arguments.remove
    titles = titles_of(arguments.ids, "starred" if starred else "unstarred")
    edits = [Edit(i, "starred", starred, title=titles.get(i, "")) for i in arguments.ids]
    annotation_store().apply(edits)
    return 0


def run_note(arguments: argparse.Namespace) -> int:
    text = sys.stdin.read() if arguments.text == "-" else arguments.text
    titles = titles_of([arguments.id], "noted")
    annotation_store().set_note(arguments.id, text, titles.get(arguments.id, ""))
    return 0


def run_read(arguments: argparse.Namespace) -> int:
    read = not arguments.unread
    state = "read" if read else "unread"
    day = arguments.date
    if day is None:
        if arguments.category is not None:
            raise UsageError("--category needs --date (see 'tuireader read --help')")
        if not arguments.targets:
            raise UsageError("give IDs, or --date YYYY-MM-DD (see 'tuireader read --help')")
        paper_ids = list(dict.fromkeys(checked_id(text) for text in arguments.targets))
        titles_of(paper_ids, f"marked {state}")
    else:
        library = load(arguments.targets, quiet=arguments.quiet)
        category = None if arguments.category is None else checked_category(arguments.category)
        paper_ids = listed_on(library, day, category)
    changed = annotation_store().apply(Edit(i, "read", read) for i in paper_ids)
    if arguments.verbose:
        count = len(paper_ids)
        already = count - len(changed)
        print(
            f"marked {count} paper{'s' if count != 1 else ''} {state}"
            + (f" ({already} already {'were' if already != 1 else 'was'})" if already else "")
        )
    return 0


def run_tag(arguments: argparse.Namespace) -> int:
    if arguments.list:
        store = annotation_store()
        write_lines(f"{t}\t{len(store.tagged(t))}\n" for t in store.tag_names())
        return 0
    paper_ids, changes = tag_changes(arguments.words)
    titles = titles_of(paper_ids, "tagged")
    edits = [
        Edit(i, "tag", present, tag=tag, title=titles.get(i, ""))
        for i in paper_ids
        for tag, present in changes
    ]
    annotation_store().apply(edits)
    return 0


def tag_changes(words: Sequence[str]) -> tuple[list[str], list[tuple[str, bool]]]:
    """IDs, then tags: ``+name`` or ``name`` adds, ``-name`` removes."""
    words = [word for word in words if word != "--"]
    paper_ids: list[str] = []
    while words and not words[0].startswith(("+", "-")):
        parsed = parse_arxiv_id(words[0])
        if parsed is None:
            break
        paper_ids.append(parsed[0])
        words.pop(0)
    if not paper_ids:
        raise UsageError(f"not an arXiv ID: {words[0]!r}" if words else f"usage: {TAG_USAGE}")
    if not words:
        raise UsageError(f"no tag given: {TAG_USAGE}")
    changes = []
    for word in words:
        if not word.startswith(("+", "-")) and parse_arxiv_id(word) is not None:
            raise UsageError(f"IDs come before tags: {word!r} (+{word} is a tag of that name)")
        name = normalise_tag(word[1:] if word.startswith(("+", "-")) else word)
        problem = valid_tag(name)
        if problem:
            raise UsageError(f"bad tag {word!r}: {problem}")
        changes.append((name, not word.startswith("-")))
    return list(dict.fromkeys(paper_ids)), changes
