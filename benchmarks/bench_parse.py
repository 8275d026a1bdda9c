"""Parse, load and search benchmark over a synthetic archive.

Measures, on the corpus from ``generate.py`` (generated once, then reused from
``benchmarks/out/corpus-<N>/``):

* cold parse throughput of ``tuireader.core.formats.parse_file`` over every
  file, in MB/s (10^6 bytes) and papers/s, overall and per format. "Cold" is
  the parser's first pass in a fresh process; the files are read once
  beforehand so that the OS page cache, not the disk, serves them;
* end to end: ``tuireader list CORPUS`` with an empty parse cache (so
  including the cache writes and the start-up), in MB/s, with one process
  (``TUIREADER_WORKERS=1``) and with the pool of workers, best of
  ``--e2e-repeat`` runs each (interleaved) with the spread, the CPU time
  the runs took (all processes), and a warm run (the cache full) for each;
* ``load_library`` time and the peak RSS of a fresh process that only
  imports tuireader and loads the library (``ru_maxrss`` right after loading);
* the time to build ``SearchIndex`` over the library, and RSS after it;
* search latency for every prefix of "diffusion segm", typed one key at a
  time, with ``SearchIndex.search`` (full recompute, as ``tuireader search``
  does) and ``Searcher.search`` (incremental, as the app does), as
  median/p95/max milliseconds: first with abstracts folded per search, then
  after ``index_words`` has built the word index (its time and RSS too).

Each measurement runs in its own subprocess (same interpreter and
``PYTHONPATH``, so a scratch copy of the package can be measured with
``PYTHONPATH=/tmp/scratch``). Run::

    python benchmarks/bench_parse.py --papers 100000

and read the JSON it prints.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import add_corpus_arguments, corpus_from  # noqa: E402
from measure import compiled_as_installed, peak_rss_mib, summarize_ms  # noqa: E402

QUERY = "diffusion segm"
PARSE_GOAL_MB_S = 50.0
END_TO_END_GOAL_MB_S = 80.0
RSS_GOAL_MIB = 400.0


def digest_files(corpus: Path) -> list[Path]:
    """The digest files of the corpus in a stable order (dot files excluded)."""
    return sorted(p for p in corpus.rglob("*.md") if not p.name.startswith("."))


def warm_page_cache(files: list[Path]) -> tuple[int, float]:
    """Read every file once so that parsing is not measured against the disk."""
    started = time.perf_counter()
    total = 0
    for path in files:
        total += len(path.read_bytes())
    return total, time.perf_counter() - started


# --- Child processes ----------------------------------------------------------


def child_parse(corpus: Path, repeat: int) -> dict[str, Any]:
    """Parse every file ``repeat`` times; the first pass is the cold one."""
    import tuireader
    from tuireader.core.formats import parse_file

    files = digest_files(corpus)
    passes: list[float] = []
    per_format: dict[str, dict[str, float]] = {}
    papers = warnings = 0
    for round_number in range(repeat):
        started = time.perf_counter()
        if round_number == 0:
            for path in files:
                t0 = time.perf_counter()
                result = parse_file(path)
                elapsed = time.perf_counter() - t0
                name = result.digest.format if result.digest else "skipped"
                count = len(result.digest.papers) if result.digest else 0
                stats = per_format.setdefault(
                    name, {"files": 0, "bytes": 0, "papers": 0, "seconds": 0.0}
                )
                stats["files"] += 1
                stats["bytes"] += path.stat().st_size
                stats["papers"] += count
                stats["seconds"] += elapsed
                papers += count
                warnings += len(result.warnings)
            # Exclude the stat() calls made above from the cold pass.
            passes.append(sum(s["seconds"] for s in per_format.values()))
        else:
            for path in files:
                parse_file(path)
            passes.append(time.perf_counter() - started)
    total_bytes = sum(int(s["bytes"]) for s in per_format.values())
    for stats in per_format.values():
        stats["mb_per_s"] = round(stats["bytes"] / 1e6 / stats["seconds"], 1)
        stats["papers_per_s"] = round(stats["papers"] / stats["seconds"])
        stats["seconds"] = round(stats["seconds"], 3)
    cold = passes[0]
    return {
        "tuireader": str(Path(tuireader.__file__).parent),
        "files": len(files),
        "papers": papers,
        "warnings": warnings,
        "cold_seconds": round(cold, 3),
        "cold_mb_per_s": round(total_bytes / 1e6 / cold, 1),
        "cold_papers_per_s": round(papers / cold),
        "best_of_passes_mb_per_s": round(total_bytes / 1e6 / min(passes), 1),
        "passes": len(passes),
        "per_format": per_format,
    }


def _time_each(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def child_load(corpus: Path, search_repeat: int) -> dict[str, Any]:
    """Load the library, note the peak RSS, then build the index and search."""
    import tuireader
    from tuireader.core.library import load_library
    from tuireader.core.search import SearchIndex

    rss_before = peak_rss_mib()
    load_seconds, library = _time_each(lambda: load_library([corpus]))
    rss_after_load = peak_rss_mib()
    papers = library.ordered_papers()
    index_seconds, index = _time_each(lambda: SearchIndex(papers))
    rss_after_index = peak_rss_mib()

    folded_search = time_searches(index, search_repeat)
    words_seconds, _ = _time_each(index.index_words)
    return {
        "tuireader": str(Path(tuireader.__file__).parent),
        "papers": len(library),
        "dates": len(library.dates),
        "warnings": len(library.warnings),
        "load_seconds": round(load_seconds, 3),
        "rss_before_load_mib": round(rss_before, 1),
        "peak_rss_after_load_mib": round(rss_after_load, 1),
        "index_build_seconds": round(index_seconds, 3),
        "peak_rss_after_index_mib": round(rss_after_index, 1),
        "search_abstracts_folded": folded_search,
        "word_index_build_seconds": round(words_seconds, 3),
        "peak_rss_after_word_index_mib": round(peak_rss_mib(), 1),
        "search_word_index": time_searches(index, search_repeat),
    }


def time_searches(index: Any, repeat: int) -> dict[str, Any]:
    """Every prefix of the query, ``repeat`` times, full and incremental."""
    from tuireader.core.search import Searcher

    prefixes = [QUERY[:n] for n in range(1, len(QUERY) + 1)]
    full: list[float] = []
    full_by_prefix: dict[str, list[float]] = {p: [] for p in prefixes}
    matches: dict[str, int] = {}
    for _ in range(repeat):
        for prefix in prefixes:
            elapsed, result = _time_each(lambda p=prefix: index.search(p))
            full.append(elapsed)
            full_by_prefix[prefix].append(elapsed)
            matches[prefix] = len(result.positions)
    incremental: list[float] = []
    incremental_by_prefix: dict[str, list[float]] = {p: [] for p in prefixes}
    for _ in range(repeat):
        searcher = Searcher(index)
        for prefix in prefixes:
            elapsed, result = _time_each(lambda p=prefix, s=searcher: s.search(p))
            incremental.append(elapsed)
            incremental_by_prefix[prefix].append(elapsed)
            if len(result.positions) != matches[prefix]:
                raise AssertionError(f"Searcher and SearchIndex disagree on {prefix!r}")
    return {
        "query": QUERY,
        "keystrokes": len(prefixes),
        "repeat": repeat,
        "matches_per_prefix": matches,
        "full_recompute": summarize_ms(full, digits=2),
        "incremental": summarize_ms(incremental, digits=2),
        "full_median_ms_per_prefix": {
            p: round(statistics.median(t) * 1000, 1) for p, t in full_by_prefix.items()
        },
        "incremental_median_ms_per_prefix": {
            p: round(statistics.median(t) * 1000, 1) for p, t in incremental_by_prefix.items()
        },
    }


def tuireader_command() -> list[str]:
    """The installed ``tuireader`` script beside this interpreter, as a user
    runs it (else ``python -m tuireader``)."""
    script = Path(sys.executable).parent / "tuireader"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tuireader"]


def run_list(corpus: Path, home: Path, workers: int | None) -> tuple[float, float]:
    """One ``tuireader list`` (its output discarded): wall seconds and CPU
    seconds of it and its children (workers included)."""
    env = dict(os.environ)
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        env[name] = str(home / name)
    env.pop("TUIREADER_WORKERS", None)
    if workers is not None:
        env["TUIREADER_WORKERS"] = str(workers)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [*tuireader_command(), "list", str(corpus)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def end_to_end(corpus: Path, total_bytes: int, repeat: int) -> dict[str, Any]:
    """Cold ``tuireader list`` (empty cache) with one process and with the
    pool, interleaved so that a busy machine hurts both alike."""
    modes: dict[str, int | None] = {"serial": 1, "pool": None}
    runs: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
    warm: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as scratch:
        for round_number in range(repeat):
            for mode, workers in modes.items():
                home = Path(scratch) / f"{mode}-{round_number}"
                runs[mode].append(run_list(corpus, home, workers))
                if round_number == repeat - 1:
                    warm[mode] = run_list(corpus, home, workers)[0]
        # Every run's cache is removed at the end, not before the next run:
        # ext4 then skips the inodes freed in the last minutes when it makes
        # files (``recently_deleted``), which cost a run that followed a
        # removal ~0.4 s of CPU that no user's first run pays.
    report: dict[str, Any] = {"command": "tuireader list CORPUS", "repeat": repeat}
    for mode, times in runs.items():
        walls = sorted(wall for wall, _ in times)
        report[mode] = {
            "best_seconds": round(walls[0], 2),
            "spread_seconds": round(walls[-1] - walls[0], 2),
            "best_mb_per_s": round(total_bytes / 1e6 / walls[0], 1),
            "cpu_seconds_of_best": round(min(times)[1], 2),
            "warm_seconds": round(warm[mode], 2),
        }
    report["pool_speedup"] = round(walls_best(runs["serial"]) / walls_best(runs["pool"]), 2)
    return report


def walls_best(times: list[tuple[float, float]]) -> float:
    return min(wall for wall, _ in times)


def goals(
    parse: dict[str, Any] | None,
    load: dict[str, Any] | None,
    e2e: dict[str, Any] | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if e2e:
        result["cold_end_to_end_mb_per_s"] = e2e["pool"]["best_mb_per_s"]
        result["cold_end_to_end_goal_mb_per_s"] = END_TO_END_GOAL_MB_S
        result["cold_end_to_end_met"] = e2e["pool"]["best_mb_per_s"] >= END_TO_END_GOAL_MB_S
    if parse:
        result["cold_parse_mb_per_s"] = parse["cold_mb_per_s"]
        result["cold_parse_goal_mb_per_s"] = PARSE_GOAL_MB_S
        result["cold_parse_met"] = parse["cold_mb_per_s"] >= PARSE_GOAL_MB_S
    if load:
        result["peak_rss_mib"] = load["peak_rss_after_word_index_mib"]
        result["peak_rss_goal_mib"] = RSS_GOAL_MIB
        result["peak_rss_met"] = result["peak_rss_mib"] <= RSS_GOAL_MIB
    return result


def run_child(kind: str, corpus: Path, count: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--corpus", str(corpus)]
    command += ["--count", str(count)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output)
    return result


# --- Driver -------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--parse-passes", type=int, default=3, help="first pass is cold")
    parser.add_argument("--search-repeat", type=int, default=5)
    parser.add_argument("--e2e-repeat", type=int, default=3, help="runs per end-to-end mode")
    parser.add_argument(
        "--only", choices=("parse", "load", "e2e"), help="run one part (quicker when iterating)"
    )
    parser.add_argument("--child", choices=("parse", "load"), help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        gc.collect()
        if args.child == "parse":
            result = child_parse(args.corpus, args.count)
        else:
            result = child_load(args.corpus, args.count)
        json.dump(result, sys.stdout)
        return 0

    corpus, corpus_summary = corpus_from(args)
    compiled_as_installed()
    files = digest_files(corpus)
    total_bytes, warm_seconds = warm_page_cache(files)
    parse = run_child("parse", corpus, args.parse_passes) if args.only in (None, "parse") else None
    load = run_child("load", corpus, args.search_repeat) if args.only in (None, "load") else None
    e2e = end_to_end(corpus, total_bytes, args.e2e_repeat) if args.only in (None, "e2e") else None
    report = {
        "machine": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "corpus": {
            **corpus_summary,
            "total_mb": round(total_bytes / 1e6, 1),
            "files": len(files),
            "page_cache_warmup_seconds": round(warm_seconds, 2),
        },
        "parse": parse,
        "load": load,
        "end_to_end": e2e,
        "goals": goals(parse, load, e2e),
    }
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
