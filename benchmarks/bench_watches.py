"""Saved searches and watches at scale: counting them in the app's worker.

On the generated archive (100,000 papers by default, warm parse cache), with
the abstracts' word index built as the app builds it after loading, and 30,000
papers read, measures ``count_searches`` (what the worker runs after loading
and after marks change) over ten saved searches that are all watches: people
followed, topics tracked, a category and a date range. Reports the first count,
the median of five recounts after one paper is marked read in between, and the
goal (≤ 500 ms).

Run ``python benchmarks/bench_watches.py`` and read the JSON it prints.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import add_corpus_arguments, corpus_from  # noqa: E402
from measure import summarize_ms  # noqa: E402

GOAL_MS = 500.0
WATCHES = {
    "he": "au:he",
    "people": "au:wang OR au:zhang",
    "lecun": "au:lecun",
    "diffusion": "diffusion",
    "segmentation": "ti:segmentation -is:read",
    "transformers": "ti:transformer cat:cs.LG",
    "surveys": "ti:survey OR ti:review",
    "robotics": "cat:cs.RO",
    "graphs": "abs:graph neural",
    "this year": "date:2021-06.. is:unread",
}
READ = 30_000
RECOUNTS = 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    args = parser.parse_args(argv)
    corpus, _ = corpus_from(args)

    from tuireader.core.cache import ParseCache
    from tuireader.core.config import SavedSearch
    from tuireader.core.library import load_library
    from tuireader.core.search import SearchIndex
    from tuireader.core.store import AnnotationStore, Edit
    from tuireader.core.tally import count_searches

    cache = ParseCache(Path(tempfile.gettempdir()) / "tuireader-bench-watches" / "parsed")
    library = load_library([corpus], parse=cache)
    index = SearchIndex(library.ordered_papers())
    index.index_words()
    with tempfile.TemporaryDirectory() as scratch:
        store = AnnotationStore(Path(scratch) / "annotations.toml")
        store.load()
        ids = list(library.ordered_ids)
        store.apply([Edit(i, "read", True) for i in ids[: READ * 2 : 2]])
        searches = [SavedSearch(name, query, watch=True) for name, query in WATCHES.items()]

        started = time.perf_counter()
        counted = count_searches(index, store, searches)
        first = time.perf_counter() - started
        assert counted is not None
        recounts = []
        for n in range(RECOUNTS):
            store.mark_read([ids[2 * n + 1]])
            started = time.perf_counter()
            count_searches(index, store, searches)
            recounts.append(time.perf_counter() - started)

    summary = summarize_ms(recounts)
    report = {
        "papers": len(index),
        "watches": len(searches),
        "matches": counted.counts,
        "watched_papers": counted.watched_count,
        "first_count_ms": round(first * 1000, 1),
        "recount": summary,
        "goal_ms": GOAL_MS,
        "met": max(first * 1000, summary["median_ms"]) <= GOAL_MS,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
