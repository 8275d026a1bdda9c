"""Relevance ranking and similar papers (``tuireader.core.rank``) at scale.

In a fresh process over the synthetic archive from ``generate.py`` (generated
once, then reused from ``benchmarks/out/corpus-<N>/``):

* importing scikit-learn, then building the TF-IDF matrix (``TextMatrix.build``):
  wall and CPU time (the cores may be shared: the load average is reported),
  the peak RSS the build adds; the matrix's shape, nnz and bytes;
* training on 300 stars at random positions (fixed seed), ranking a 400-paper
  day with the new model (the first ranking scores the whole library), and
  ranking the whole library; medians of ``--repeat`` runs;
* ``similar()`` over the whole library, for ``--repeat`` random papers;
* what caching the matrix on disk would cost and save (``scipy.sparse.save_npz``,
  compressed and not), to back the decision not to;
* quality at scale: 300 stars among the titles that say "segmentation"
  before the last 10 days, P@10 and MRR over those days' listings, with
  sampled negatives (the default) and with every other paper as a negative,
  and a control of 300 random stars.

Run::

    python benchmarks/bench_rank.py --papers 100000

and read the JSON it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import add_corpus_arguments, corpus_from  # noqa: E402
from measure import peak_rss_mib, summarize_ms  # noqa: E402

STARS = 300
DAY = 400
HELD_OUT_DAYS = 10
GOALS = {"build_s": 10.0, "train_and_rank_day_ms": 300.0}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def child(corpus: Path, repeat: int) -> dict[str, Any]:
    from tuireader.core.library import load_library

    library = load_library([corpus])
    papers = library.ordered_papers()
    texts = [paper.title + "\n" + paper.abstract for paper in papers]
    del papers
    import_s, _ = timed(lambda: __import__("sklearn.svm"))
    from tuireader.core.rank import TextMatrix

    rss_before = peak_rss_mib()
    cpu_before = time.process_time()
    build_s, matrix = timed(lambda: TextMatrix.build(texts))
    build_cpu_s = time.process_time() - cpu_before
    rss_after = peak_rss_mib()
    rows = matrix.rows
    result: dict[str, Any] = {
        "papers": len(matrix),
        "sklearn_import_s": round(import_s, 2),
        "build_s": round(build_s, 2),
        # Less than the wall time when other processes share the cores.
        "build_cpu_s": round(build_cpu_s, 2),
        "peak_rss_before_build_mib": round(rss_before, 1),
        "peak_rss_added_by_build_mib": round(rss_after - rss_before, 1),
        "matrix": {
            "shape": list(rows.shape),
            "nnz": int(rows.nnz),
            "nnz_per_paper": round(rows.nnz / max(1, rows.shape[0]), 1),
            "mib": round((rows.data.nbytes + rows.indices.nbytes + rows.indptr.nbytes) / 2**20, 1),
        },
    }
    result |= time_ranking(matrix, library, repeat)
    result["similar"] = time_similar(matrix, repeat)
    result["cache_on_disk"] = cache_estimate(rows)
    result["quality_at_scale"] = quality(matrix, library)
    return result


def time_ranking(matrix: Any, library: Any, repeat: int) -> dict[str, Any]:
    """Train on random stars, then rank a day and the whole library."""
    position = {paper_id: i for i, paper_id in enumerate(library.ordered_ids)}
    newest = next(iter(library.by_date.values()))
    day = [position[paper_id] for paper_id in newest[:DAY]]
    everything = range(len(matrix))
    train, rank_day, rank_all, total = [], [], [], []
    for run in range(repeat):
        stars = np.random.default_rng(run).choice(len(matrix), STARS, replace=False)
        train_s, model = timed(lambda s=stars: matrix.train(s))
        day_s, _ = timed(lambda m=model: m.rank(day))
        all_s, _ = timed(lambda m=model: m.rank(everything))
        train.append(train_s)
        rank_day.append(day_s)
        rank_all.append(all_s)
        total.append(train_s + day_s)
    return {
        "stars": STARS,
        "day_papers": len(day),
        "train": summarize_ms(train),
        "rank_day_first": summarize_ms(rank_day),
        "rank_library_after": summarize_ms(rank_all),
        "train_and_rank_day": summarize_ms(total),
    }


def time_similar(matrix: Any, repeat: int) -> dict[str, Any]:
    papers = np.random.default_rng(0).choice(len(matrix), repeat, replace=False).tolist()
    times = [timed(lambda p=p: matrix.similar(p))[0] for p in papers]
    return {"limit": 50, **summarize_ms(times)}


def cache_estimate(rows: Any) -> dict[str, Any]:
    """Size and load time of the matrix saved with save_npz (no vocabulary)."""
    import scipy.sparse as sparse

    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for compressed in (False, True):
            path = Path(folder) / f"matrix-{compressed}.npz"
            save_s, _ = timed(lambda p=path, c=compressed: sparse.save_npz(p, rows, compressed=c))
            load_s, _ = timed(lambda p=path: sparse.load_npz(p))
            found["compressed" if compressed else "uncompressed"] = {
                "mb": round(path.stat().st_size / 1e6, 1),
                "save_s": round(save_s, 2),
                "load_s": round(load_s, 2),
            }
    return found


def quality(matrix: Any, library: Any) -> dict[str, Any]:
    """Stars on "segmentation" titles before the last days; rank those days."""
    position = {paper_id: i for i, paper_id in enumerate(library.ordered_ids)}
    relevant = np.array(["segmentation" in library.papers[i].title.lower() for i in position])
    dates = list(library.by_date)  # newest first
    days = [[position[i] for i in library.by_date[day]] for day in dates[:HELD_OUT_DAYS]]
    older = np.array([position[i] for day in dates[HELD_OUT_DAYS:] for i in library.by_date[day]])
    rng = np.random.default_rng(1)
    stars = rng.choice(older[relevant[older]], STARS, replace=False)
    random_stars = rng.choice(older, STARS, replace=False)
    every_other = np.setdiff1d(np.arange(len(matrix)), stars)
    found: dict[str, Any] = {"held_out_days": HELD_OUT_DAYS}
    for name, chosen, negatives in (
        ("sampled_negatives", stars, None),
        ("all_negatives", stars, every_other),
        ("control_random_stars", random_stars, None),
    ):
        train_s, model = timed(lambda c=chosen, n=negatives: matrix.train(c, n))
        found[name] = {"train_s": round(train_s, 2), **figures(model, days, relevant)}
    return found


def figures(model: Any, days: Sequence[list[int]], relevant: Any) -> dict[str, float]:
    precisions, reciprocal_ranks = [], []
    for day in days:
        ranks = np.flatnonzero(relevant[model.rank(day)]) + 1
        precisions.append(float((ranks <= 10).sum()) / 10)
        reciprocal_ranks.append(1 / ranks[0] if ranks.size else 0.0)
    return {
        "p_at_10": round(statistics.mean(precisions), 3),
        "mrr": round(statistics.mean(reciprocal_ranks), 3),
    }


def goals(result: dict[str, Any]) -> dict[str, Any]:
    build = result["build_s"]
    ranked = result["train_and_rank_day"]["median_ms"]
    return {
        "build_s": [build, GOALS["build_s"], "met" if build <= GOALS["build_s"] else "not met"],
        "train_and_rank_day_ms": [
            ranked,
            GOALS["train_and_rank_day_ms"],
            "met" if ranked <= GOALS["train_and_rank_day_ms"] else "not met",
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        json.dump(child(args.corpus, args.repeat), sys.stdout)
        return 0

    load_before = [round(load, 2) for load in os.getloadavg()]
    corpus, corpus_summary = corpus_from(args)
    command = [sys.executable, __file__, "--child", "--corpus", str(corpus)]
    command += ["--repeat", str(args.repeat)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(output)
    report = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before_after": [load_before, [round(x, 2) for x in os.getloadavg()]],
        },
        "corpus": corpus_summary,
        "rank": result,
        "goals": goals(result),
    }
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
