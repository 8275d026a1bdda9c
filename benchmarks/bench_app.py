"""The reader app at scale: time to first paper, typing latency, cursor cost, RSS.

Drives the real app headless (``App.run_test``) in fresh processes over the
synthetic archive from ``generate.py``, with its own temporary cache, data and
config folders (your real ones are never touched):

* **cold**: empty parse cache. Time from spawning the process to the first
  paper painted on screen, to the whole archive loaded and indexed, and how long
  a key takes to be answered while the load is still running;
* **warm**: the same archive again, now cached (median of ``--warm-runs``);
* **typing**: in a warm run, "diffusion segm" typed into the filter one key at
  a time, timed from the key press to the list repainting that prefix's
  results (``--typing-repeat`` times);
* **cursor**: ``j`` held down (100 presses, 30 per second), from each key
  press to the list's repaint;
* **peak RSS** of each app process;
* **fzf**: ``fzf --filter`` (Debian package fzf) over the same title + author
  lines for every prefix of the query, and our time / fzf time per prefix.

A "paint" is the list's ``render_line`` being called for a visible row, so the
times include Textual's compositor, not only our code. Run::

    python benchmarks/bench_app.py --papers 100000

and read the JSON it prints.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
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
from measure import own_peak_rss_mib, peak_rss_mib, summarize_ms  # noqa: E402

QUERY = "diffusion segm"
SIZE = (120, 40)
CURSOR_MOVES = 100
KEY_REPEAT = 1 / 30  # seconds between keys while one is held down
KEYS_DURING_LOAD = 5
GOALS = {"warm_first_paper_s": 1.0, "typing_p95_ms": 150.0, "cursor_ms": 16.0, "rss_mib": 400.0}


# --- Inside the app process ---------------------------------------------------


class PaintClock:
    """Wraps the list's ``render_line`` to note when it painted, and what."""

    def __init__(self, paper_list: Any) -> None:
        self.paper_list = paper_list
        self.time = 0.0
        self.terms: tuple[str, ...] = ()
        self.rows = 0
        self.cursor = -1
        original = paper_list.render_line

        def render_line(y: int) -> Any:
            strip = original(y)
            self.time = time.perf_counter()
            self.terms, self.rows = paper_list.terms, len(paper_list.papers)
            self.cursor = paper_list.cursor
            return strip

        paper_list.render_line = render_line


def send_key(app: Any, key: str, char: str) -> float:
    """Deliver a key as the terminal driver does, without Pilot's wait for the
    app to go idle (which would time our worker threads too); return when."""
    from textual import events

    event = events.Key(key, char)
    event.set_sender(app)
    started = time.perf_counter()
    app.post_message(event)
    return started


async def until(condition: Callable[[], bool], timeout: float = 900.0) -> None:
    """Poll for ``condition``; the timeout only stops a broken app hanging (a
    1,000,000-paper cold load takes minutes)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.0005)


async def drive_app(corpus: Path, spawned_at: float, typing_repeat: int) -> dict[str, Any]:
    """Open the app on ``corpus``; time first paper, load, typing and cursor."""
    from tuireader.core.search import parse_query
    from tuireader.ui.app import ReaderApp
    from tuireader.ui.screens.main import MainScreen

    app = ReaderApp([str(corpus)])
    result: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        assert isinstance(screen, MainScreen)
        clock = PaintClock(screen.paper_list)

        def busy(group: str) -> bool:
            return any(w.group == group and not w.is_finished for w in app.workers)

        await until(lambda: clock.rows > 0)
        result["first_paper_s"] = round(time.time() - spawned_at, 3)
        during_load = []
        while busy("load") and len(during_load) < KEYS_DURING_LOAD:
            cursor = clock.cursor
            started = send_key(app, "j", "j")
            await until(lambda c=cursor: clock.cursor != c)  # type: ignore[misc]
            during_load.append(clock.time - started)
            await asyncio.sleep(0.05)
        if during_load:
            result["key_during_load"] = summarize_ms(during_load)
        await until(lambda: not busy("load"))
        await pilot.pause()
        result["loaded_s"] = round(time.time() - spawned_at, 3)
        result["papers"] = len(screen.library)
        await until(lambda: not busy("index"))
        result["abstracts_indexed_s"] = round(time.time() - spawned_at, 3)

        prefixes = [QUERY[:n] for n in range(1, len(QUERY) + 1)]
        per_prefix: dict[str, list[float]] = {prefix: [] for prefix in prefixes}
        for _ in range(typing_repeat):
            await pilot.press("slash")
            for prefix in prefixes:
                terms, char = parse_query(prefix), prefix[-1]
                started = send_key(app, "space" if char == " " else char, char)
                await until(lambda t=terms, s=started: clock.terms == t and clock.time > s)  # type: ignore[misc]
                per_prefix[prefix].append(clock.time - started)
            await pilot.press("escape")
            await until(lambda: clock.terms == ())
        result["typing"] = summarize_ms([t for times in per_prefix.values() for t in times])
        result["typing_median_ms_per_prefix"] = {
            p: round(statistics.median(t) * 1000, 1) for p, t in per_prefix.items()
        }

        moves = []
        for _ in range(CURSOR_MOVES):
            cursor = clock.cursor
            started = send_key(app, "j", "j")
            await until(lambda c=cursor: clock.cursor != c)  # type: ignore[misc]
            moves.append(clock.time - started)
            await asyncio.sleep(KEY_REPEAT)
        result["cursor"] = summarize_ms(moves)
    result["peak_rss_mib"] = own_peak_rss_mib() or round(peak_rss_mib(), 1)
    return result


# --- fzf ----------------------------------------------------------------------


def fzf_times(corpus: Path, cache: Path, repeat: int) -> dict[str, Any] | None:
    """``fzf --filter`` per prefix over "title  authors" lines, median of ``repeat``."""
    fzf = shutil.which("fzf")
    if fzf is None:
        return None
    from tuireader.core.cache import ParseCache
    from tuireader.core.library import load_library

    library = load_library([corpus], parse=ParseCache(cache / "tuireader" / "parsed"))
    lines = "".join(
        f"{paper.title}\t{', '.join(paper.authors)}\n" for paper in library.ordered_papers()
    ).encode()
    version = subprocess.run([fzf, "--version"], capture_output=True, text=True).stdout.split()
    result: dict[str, Any] = {"version": version[0] if version else "?", "per_prefix": {}}
    for n in range(1, len(QUERY) + 1):
        prefix = QUERY[:n]
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([fzf, "--filter", prefix], input=lines, capture_output=True)
            times.append(time.perf_counter() - started)
        result["per_prefix"][prefix] = round(statistics.median(times) * 1000, 1)
    samples = list(result["per_prefix"].values())
    result["median_ms"] = round(statistics.median(samples), 1)
    result["p95_ms"] = round(sorted(samples)[round(0.95 * len(samples)) - 1], 1)
    return result


# --- Driver -------------------------------------------------------------------


def run_app(corpus: Path, home: Path, typing_repeat: int) -> dict[str, Any]:
    """One app process with its XDG folders in ``home``."""
    env = dict(os.environ)
    for name in ("CACHE", "DATA", "CONFIG", "STATE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    command = [sys.executable, __file__, "--child", "--corpus", str(corpus)]
    command += ["--typing-repeat", str(typing_repeat), "--spawned-at", str(time.time())]
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"the app run failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--typing-repeat", type=int, default=3)
    parser.add_argument("--fzf-repeat", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = asyncio.run(drive_app(args.corpus, args.spawned_at, args.typing_repeat))
        json.dump(result, sys.stdout)
        return 0

    corpus, corpus_summary = corpus_from(args)
    with tempfile.TemporaryDirectory(prefix="tuireader-bench-") as scratch:
        home = Path(scratch)
        cold = run_app(corpus, home, typing_repeat=1)
        warm_runs = [run_app(corpus, home, args.typing_repeat) for _ in range(args.warm_runs)]
        fzf = fzf_times(corpus, home / "cache", args.fzf_repeat)
    warm = sorted(warm_runs, key=lambda run: run["first_paper_s"])[len(warm_runs) // 2]
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "corpus": corpus_summary,
        "cold": cold,
        "warm": warm,
        "warm_first_paper_s_runs": [run["first_paper_s"] for run in warm_runs],
        "fzf": fzf,
    }
    if fzf:
        ours = warm["typing_median_ms_per_prefix"]
        report["ours_over_fzf"] = {
            prefix: round(ours[prefix] / fzf_ms, 2) for prefix, fzf_ms in fzf["per_prefix"].items()
        }
    report["goals"] = {
        "warm_first_paper_s": [warm["first_paper_s"], GOALS["warm_first_paper_s"]],
        "typing_p95_ms": [warm["typing"]["p95_ms"], GOALS["typing_p95_ms"]],
        "typing_median_vs_fzf_median_ms": [
            warm["typing"]["median_ms"],
            fzf["median_ms"] if fzf else None,
        ],
        "cursor_p95_ms": [warm["cursor"]["p95_ms"], GOALS["cursor_ms"]],
        "peak_rss_mib": [max(cold["peak_rss_mib"], warm["peak_rss_mib"]), GOALS["rss_mib"]],
    }
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
