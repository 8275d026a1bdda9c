"""The relevance commands: ``recommend`` and ``similar``.

Both build the TF-IDF of the whole library (:mod:`tuireader.core.relevance`):
a fraction of a second for the samples, 6-7 s at 100,000 papers. Everything
that can fail fast (a bad tag, a date without papers, too few stars, an
unknown ID) is checked before that, and scikit-learn is imported only then.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from tuireader.cli.common import NotFound, annotation_store, find_paper, limited, load
from tuireader.cli.filters import Filters, checked_category, checked_tag, listed_on, select
from tuireader.core.export import paper_record
from tuireader.core.library import Library
from tuireader.core.rank import TooFewPositives
from tuireader.core.relevance import Relevance
from tuireader.core.search import SearchIndex
from tuireader.core.store import AnnotationStore

#: Terms given as the reason for a recommendation.
WHY_TERMS = 3


def run_recommend(arguments: argparse.Namespace) -> int:
    tag = None if arguments.tag is None else checked_tag(arguments.tag)
    category = None if arguments.category is None else checked_category(arguments.category)
    library = load(arguments.paths, quiet=arguments.quiet)
    store = annotation_store()
    relevance = Relevance(library.ordered_papers())
    candidates = _candidates(relevance, library, store, arguments.date, arguments.unread, category)
    try:
        positives = relevance.positives(store, tag)
    except TooFewPositives as error:
        raise NotFound(_too_few(error, relevance, store, tag)) from None
    candidates = sorted(set(candidates) - set(positives))
    if not candidates:
        raise NotFound("no papers to rank: every candidate is one you trained on")
    relevance = relevance.build()
    model = relevance.train(positives)
    ranked = limited(relevance.rank(model, candidates), arguments.limit)
    day: date | None = arguments.date
    if arguments.format == "json":
        records = []
        for item in ranked:
            paper = relevance.papers[item.position]
            record = paper_record(paper, store.get(paper.id), store.is_read(paper.id))
            record.update(score=item.score, why=model.why(item.position, WHY_TERMS))
            records.append(record)
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return 0
    for item in ranked:
        paper = relevance.papers[item.position]
        why = ", ".join(model.why(item.position, WHY_TERMS))
        shown_day = (day or max(paper.dates)).isoformat()
        sys.stdout.write(f"{item.score:.3f}\t{paper.id}\t{shown_day}\t{paper.title}\t{why}\n")
    return 0


def run_similar(arguments: argparse.Namespace) -> int:
    library = load(arguments.paths, quiet=arguments.quiet)
    paper = find_paper(library, arguments.id)
    relevance = Relevance(library.ordered_papers()).build()
    alike = relevance.similar(relevance.position[paper.id])
    if not alike:
        raise NotFound(f"no paper shares a term with {paper.id}")
    found = limited(alike, arguments.limit)
    if arguments.format == "json":
        store = annotation_store()
        records = []
        for item in found:
            other = relevance.papers[item.position]
            record = paper_record(other, store.get(other.id), store.is_read(other.id))
            record.update(score=item.score)
            records.append(record)
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return 0
    for item in found:
        other = relevance.papers[item.position]
        sys.stdout.write(
            f"{item.score:.3f}\t{other.id}\t{max(other.dates).isoformat()}\t{other.title}\n"
        )
    return 0


def _candidates(
    relevance: Relevance,
    library: Library,
    store: AnnotationStore,
    day: date | None,
    unread: bool,
    category: str | None,
) -> list[int]:
    """The positions to rank: the day's papers (of its CAT digest), or every
    paper (of category CAT); only the unread ones with ``unread``."""
    if day is not None:
        positions = relevance.positions(listed_on(library, day, category))
    elif category is not None:
        filters = Filters(category=category)
        positions = select(SearchIndex(relevance.papers), filters, library, store)
        if not positions:
            raise NotFound(f"no {category} papers in the library")
    else:
        positions = list(range(len(relevance.papers)))
    if unread:
        read = store.read_ids()
        positions = [i for i in positions if relevance.papers[i].id not in read]
        if not positions:
            raise NotFound("no unread papers to rank")
    return positions


def _too_few(
    error: TooFewPositives, relevance: Relevance, store: AnnotationStore, tag: str | None
) -> str:
    """The core's line, and how many marked papers these digests lack, if any."""
    marked = store.starred_ids() if tag is None else store.tagged(tag)
    elsewhere = len(marked) - error.have
    if elsewhere <= 0:
        return str(error)
    return f"{error}; {elsewhere} more {'are' if elsewhere != 1 else 'is'} not in these digests"
