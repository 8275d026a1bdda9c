"""The commands that read the digests: ``export``, ``list``, ``search``, ``show``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from tuireader.cli.common import (
    NotFound,
    annotation_store,
    find_paper,
    limited,
    load,
    load_searchable,
    write_lines,
)
from tuireader.cli.filters import (
    check_query,
    filtered,
    filters_from,
    listed_on,
    search,
    select,
)
from tuireader.core import export
from tuireader.core.model import Paper, facts


def run_export(arguments: argparse.Namespace) -> int:
    filters = filters_from(arguments)
    loaded = load_searchable(arguments.paths, quiet=arguments.quiet)
    library, store = loaded.library, annotation_store()
    papers = filtered(library.ordered_papers(), filters, library, store, loaded.index)
    sys.stdout.write(export.FORMATS[arguments.format](papers, store.all(), store.read_ids()))
    return 0


def run_list(arguments: argparse.Namespace) -> int:
    filters = filters_from(arguments)
    library = load(arguments.paths, quiet=arguments.quiet)
    day = arguments.date
    if day is None:
        papers = library.ordered_papers()
    else:  # that day's digests (of the category: as it listed them)
        papers = [library.papers[i] for i in listed_on(library, day, filters.category)]
        filters = replace(filters, category=None)
    store = annotation_store() if filters.active else None
    if store is not None:
        papers = filtered(papers, filters, library, store)
    write_lines(f"{(day or max(p.dates)).isoformat()}\t{p.id}\t{p.title}\n" for p in papers)
    return 0


def run_search(arguments: argparse.Namespace) -> int:
    check_query(arguments.query)  # before loading anything: a typo fails fast
    filters = filters_from(arguments)
    loaded = load_searchable(arguments.paths, quiet=arguments.quiet)
    library, store, index = loaded.library, annotation_store(), loaded.index()
    scope = select(index, filters, library, store)
    positions = search(index, arguments.query, scope, store)
    if not positions:
        raise NotFound(f"no paper matches {arguments.query!r}")
    papers = [library.papers[index.ids[i]] for i in limited(positions, arguments.limit)]
    if arguments.format == "json":
        sys.stdout.write(export.to_json(papers, store.all(), store.read_ids()))
    else:
        write_lines(
            f"{p.id}\t{max(p.dates).isoformat()}\t{p.title}\t{p.short_authors}\n" for p in papers
        )
    return 0


def run_show(arguments: argparse.Namespace) -> int:
    library = load(arguments.paths, quiet=arguments.quiet)
    paper = find_paper(library, arguments.id)
    sys.stdout.write(describe(paper))
    return 0


def describe(paper: Paper) -> str:
    """A paper's full detail as plain text."""
    lines = [paper.title, ""]
    rows = [("Authors", ", ".join(paper.authors)), *facts(paper)]
    rows += [("Abstract page", paper.abs_url), ("PDF", paper.pdf_url)]
    width = max(len(name) for name, _ in rows)
    lines += [f"{name + ':':<{width + 1}} {value}" for name, value in rows if value]
    if paper.abstract:
        lines += ["", paper.abstract]
    if paper.links:
        lines += ["", "Links:", *(f"  {url}" for url in paper.links)]
    return "\n".join(lines) + "\n"
