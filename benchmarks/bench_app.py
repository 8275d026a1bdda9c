"""The reader app at scale: time to first paper, typing latency, cursor cost, RSS.

Drives the real app headless (``App.run_test``) in fresh processes over the
synthetic archive from ``generate.py``, with its own temporary cache, data and
config folders (your real ones are never touched):

* **cold**: empty parse cache, no library file. Time from spawning the process
  to the first paper painted on screen, to the whole archive loaded and
  indexed, and how long a key takes to be answered while the load is still
  running; the run ends once the library file is written;
* **warm**: the same archive again, now started from the library file (median
  of ``--warm-runs``); in each, a new day's digest lands in a watched folder
  and is timed until it is on screen (the file is extended with it, so the
  next run starts from it too);
* **morning**: a new day's digest landed while the app was closed: the time
  to the first paper, to the (stale) library filterable, and to the new day
  in (the file extended), and the peak RSS;
* **typing**: in a warm run, "diffusion segm" typed into the filter one key at
  a time, timed from the key press to the list repainting that prefix's
  results (or the filter bar showing why the prefix is no query yet), in
  every scope: All, a date, Unread, Starred, With notes, a tag and a saved
  search, each also timed from choosing it to its first paint; and the field
  query ``au:he cat:cs.LG -is:read diffusion`` in All. The store holds 1,000
  stars, 1,000 notes, 1,000 tagged papers and 30,000 read marks, and two saved
  searches (one a watch), as a heavy user's would;
* **cursor**: ``j`` held down (100 presses, 30 per second), from each key
  press to the list's repaint;
* **memory** of each app process: peak RSS (``VmHWM``), and after loading
  and after typing its own pages (``RssAnon``) apart from the pages of the
  library file it maps (``RssFile``, which the kernel can take back);
* **fzf**: ``fzf --filter`` (Debian package fzf) over the same title + author
  lines for every prefix of the query, and our time / fzf time per prefix.

A "paint" is the list's ``render_line`` being called for a visible row, so the
times include Textual's compositor, not only our code. The package measured
is byte-compiled first, as ``pip install`` leaves it. Run::

    python benchmarks/bench_app.py --papers 100000

and read the JSON it prints: ``goals`` compares the warm run with issue 14's
goals (those at 1,000,000 papers from 500,000 up), each with ``met``.
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
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import add_corpus_arguments, corpus_from  # noqa: E402
from measure import (  # noqa: E402
    compiled_as_installed,
    own_peak_rss_mib,
    peak_rss_mib,
    rss_parts_mib,
    summarize_ms,
)

QUERY = "diffusion segm"
FIELD_QUERY = "au:he cat:cs.LG -is:read diffusion"
SIZE = (120, 40)
#: The user's marks in every run: (stars, notes, tagged, read).
MARKED = (1000, 1000, 1000, 30_000)
#: Papers in each day's digest that lands in a run.
ARRIVING_PAPERS = 38
SEARCHES = [
    {"name": "diffusion", "query": "ti:diffusion -is:read"},
    {"name": "people", "query": "au:wang OR au:zhang", "watch": True},
]
CURSOR_MOVES = 100
KEY_REPEAT = 1 / 30  # seconds between keys while one is held down
KEYS_DURING_LOAD = 5
#: Issue 14's goals: at 1,000,000 listed papers, and (in-process here; the
#: terminal figures are bench_terminal's) at 100,000.
GOALS_1M = {
    "warm_first_paper_s": 0.6,
    "warm_loaded_s": 3.0,
    "typing_p95_ms": 150.0,
    "typing_median_ms": 50.0,
    "cursor_p95_ms": 16.0,
    "peak_rss_mib": 1024.0,
}
GOALS_100K = {**GOALS_1M, "typing_p95_ms": 100.0, "peak_rss_mib": 250.0}


def arrive(folder: Path) -> int:
    """Write the next day's digest (from 2099-01-01 on) into ``folder``; its papers."""
    day = date(2099, 1, 1) + timedelta(days=len(list(folder.iterdir())))
    digest = f"# ArXiv cs.CV --{day:%a, %d %b %Y}\n" + "".join(
        f"### {n}.A Paper From The Future Number {n}  "
        f"[ :arrow_down: ](https://arxiv.org/pdf/{day:%y%m}.{day.day:02d}{n:03d}.pdf)\n"
        f">  Abstract {n}.\n"
        for n in range(1, ARRIVING_PAPERS + 1)
    )
    (folder / f"{day:%Y-%m-%d}-cs.CV.md").write_text(digest)
    return ARRIVING_PAPERS


# --- Inside the app process ---------------------------------------------------


class PaintClock:
    """Notes when the screen took rows for a query (or an error), and when the
    list next painted a visible row."""

    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self.time = 0.0
        self.rows = 0
        self.cursor = -1
        self.shown: tuple[str, Any, float, bool] = ("", None, 0.0, False)
        paper_list = screen.paper_list
        render_line, rows_ready = paper_list.render_line, screen._rows_ready

        def painted(y: int) -> Any:
            strip = render_line(y)
            self.time = time.perf_counter()
            self.rows, self.cursor = len(paper_list.rows), paper_list.cursor
            return strip

        def shown(scope: Any, rows: Any, keep: bool = True) -> None:
            rows_ready(scope, rows, keep)
            self.shown = (rows.query, scope, time.perf_counter(), rows.error is not None)

        paper_list.render_line = painted
        screen._rows_ready = shown

    def answered(self, query: str, scope: Any, since: float) -> float | None:
        """When the list (or the error) for ``query`` in ``scope`` was on screen."""
        shown_query, shown_scope, at, error = self.shown
        if shown_query != query or shown_scope != scope or at < since:
            return None
        if error:
            return at
        return self.time if self.time >= at else None


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


async def type_query(app: Any, pilot: Any, clock: PaintClock, query: str) -> dict[str, float]:
    """Type ``query`` into the filter key by key; each prefix's latency."""
    scope = app.screen.reader.scope
    await pilot.press("slash")
    latencies = {}
    for n in range(1, len(query) + 1):
        prefix, char = query[:n], query[n - 1]
        started = send_key(app, "space" if char == " " else char, char)
        await until(lambda p=prefix, s=started: clock.answered(p, scope, s) is not None)  # type: ignore[misc]
        latencies[prefix] = (clock.answered(prefix, scope, started) or started) - started
    await pilot.press("escape")
    await until(lambda: clock.answered("", scope, 0.0) is not None)
    return latencies


async def drive_app(
    corpus: Path, spawned_at: float, typing_repeat: int, relevance: bool, morning: int
) -> dict[str, Any]:
    """Open the app on ``corpus``; time first paper, load, typing and cursor
    (or, on a ``morning``, when the app has more than that many papers: a
    day that landed while it was closed is in)."""
    from tuireader.core import library_file, locations
    from tuireader.core.library_file.mapped import MappedPapers
    from tuireader.core.scope import ALL, NOTED, STARRED, UNREAD, Scope
    from tuireader.ui.app import ReaderApp
    from tuireader.ui.screens.main import MainScreen

    arrivals = Path(os.environ["XDG_DATA_HOME"]).parent / "arrivals"
    arrivals.mkdir(exist_ok=True)
    app_paths = [str(corpus), str(arrivals)]
    app = ReaderApp(app_paths)
    result: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        assert isinstance(screen, MainScreen)
        clock = PaintClock(screen)

        def busy(*groups: str) -> bool:
            return any(w.group in groups and not w.is_finished for w in app.workers)

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
        result["papers"] = len(screen.reader.library)
        if morning:
            # Until the app holds the new day (the list follows within a frame).
            await until(lambda: len(screen.reader.library) > morning, timeout=900)
            result["new_day_in_s"] = round(time.time() - spawned_at, 3)
            result["new_day_from_library_file"] = isinstance(
                screen.reader.library.papers, MappedPapers
            )
            await until(lambda: not busy("reload", "index", "keep", "count", "searches"))
            result["peak_rss_mib"] = own_peak_rss_mib() or round(peak_rss_mib(), 1)
            return result
        await until(lambda: not busy("index", "count", "searches"))
        result["words_indexed_s"] = round(time.time() - spawned_at, 3)
        result["from_library_file"] = isinstance(screen.reader.library.papers, MappedPapers)
        kept = library_file.location(locations.cache_dir() / "library", app_paths)
        result["library_file_mib"] = round(kept.stat().st_size / 2**20) if kept.exists() else None
        result["rss_after_load_mib"] = rss_parts_mib()

        library = screen.reader.library
        scopes = {
            "all": ALL,
            "date": Scope.of_day(library.dates[len(library.dates) // 2]),
            "unread": UNREAD,
            "starred": STARRED,
            "noted": NOTED,
            "tag": Scope("tag", "bench"),
            "saved": Scope("saved", SEARCHES[0]["name"]),
        }
        per_scope: dict[str, Any] = {}
        all_typing: list[float] = []
        for name, scope in scopes.items():
            started = time.perf_counter()
            if scope == screen.reader.scope:
                screen.refresh_rows()  # already shown: time showing it again
            screen.choose_scope(scope)
            await until(lambda s=scope, t=started: clock.answered("", s, t) is not None)  # type: ignore[misc]
            first_paint = (clock.answered("", scope, started) or started) - started
            per_prefix: dict[str, list[float]] = {}
            for _ in range(typing_repeat if name == "all" else 1):
                for prefix, latency in (await type_query(app, pilot, clock, QUERY)).items():
                    per_prefix.setdefault(prefix, []).append(latency)
            times = [t for values in per_prefix.values() for t in values]
            all_typing += times
            per_scope[name] = {
                "papers": clock.rows,
                "first_paint_ms": round(first_paint * 1000, 1),
                "typing": summarize_ms(times),
            }
            if name == "all":
                result["typing_median_ms_per_prefix"] = {
                    p: round(statistics.median(t) * 1000, 1) for p, t in per_prefix.items()
                }
        result["typing"] = summarize_ms(all_typing)
        result["scopes"] = per_scope
        screen.choose_scope(ALL)
        field = await type_query(app, pilot, clock, FIELD_QUERY)
        result["field_query"] = summarize_ms(list(field.values()))
        result["field_query_ms_per_prefix"] = {p: round(t * 1000, 1) for p, t in field.items()}

        moves = []
        for _ in range(CURSOR_MOVES):
            cursor = clock.cursor
            started = send_key(app, "j", "j")
            await until(lambda c=cursor: clock.cursor != c)  # type: ignore[misc]
            moves.append(clock.time - started)
            await asyncio.sleep(KEY_REPEAT)
        result["cursor"] = summarize_ms(moves)

        result["rss_after_typing_mib"] = rss_parts_mib()
        result["peak_rss_before_arrival_mib"] = own_peak_rss_mib() or round(peak_rss_mib(), 1)
        # A new day's digest lands in a watched folder: until its papers are
        # listed (it stays: the library file, extended, has it for the next run).
        papers_before = len(screen.reader.library)
        arrive(arrivals)
        landed = time.perf_counter()
        await until(lambda: len(screen.reader.library) > papers_before, timeout=300)
        await until(lambda: clock.shown[2] > landed and clock.time > clock.shown[2])
        result["new_digest_on_screen_s"] = round(clock.time - landed, 3)
        result["new_digest_from_library_file"] = isinstance(
            screen.reader.library.papers, MappedPapers
        )
        result["peak_rss_before_relevance_mib"] = own_peak_rss_mib() or round(peak_rss_mib(), 1)
        await until(lambda: not busy("reload", "index", "keep", "count", "searches", "rows"))
        if relevance:
            # Relevance: keys while the matrix is built, then the list in its order.
            asked = time.perf_counter()
            send_key(app, "S", "S")
            await until(lambda: busy("relevance"))
            during = []
            while busy("relevance"):
                cursor = clock.cursor
                started = send_key(app, "j", "j")
                await until(lambda c=cursor: clock.cursor != c)  # type: ignore[misc]
                during.append(clock.time - started)
                await asyncio.sleep(0.1)
            await until(lambda: screen.reader.rows.order == "relevance" and clock.time > asked)
            result["relevance"] = {
                "ordered_s": round(clock.time - asked, 3),
                "cursor_while_building": summarize_ms(during) if during else None,
            }
    result["peak_rss_mib"] = own_peak_rss_mib() or round(peak_rss_mib(), 1)
    return result


def mark_like_a_heavy_user(corpus: Path, home: Path) -> None:
    """Stars, notes, tags and read marks on a fixed spread of the library, and
    the saved searches, in the benchmark's own data and config folders."""
    import tomli_w

    from tuireader.core.cache import ParseCache
    from tuireader.core.library import load_library
    from tuireader.core.store import AnnotationStore, Edit

    library = load_library([corpus], parse=ParseCache(home / "cache" / "tuireader" / "parsed"))
    ids = list(library.ordered_ids)
    stars, notes, tagged, read = MARKED
    step = max(1, len(ids) // max(stars, notes, tagged, 1))
    store = AnnotationStore(home / "data" / "tuireader" / "annotations.toml")
    store.load()
    edits = [Edit(i, "starred", True) for i in ids[::step][:stars]]
    edits += [Edit(i, "note", f"note on {i}: compare") for i in ids[1::step][:notes]]
    edits += [Edit(i, "tag", True, tag="bench") for i in ids[2::step][:tagged]]
    edits += [Edit(i, "read", True) for i in ids[: read * 2 : 2]]
    store.apply(edits)
    config = home / "config" / "tuireader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(tomli_w.dumps({"mark_read_after": 0, "searches": SEARCHES}))


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


def run_app(
    corpus: Path, home: Path, typing_repeat: int, relevance: bool, morning: int = 0
) -> dict[str, Any]:
    """One app process with its XDG folders in ``home``, started once the
    last run's writes (a library file of gigabytes) are on disk: a person
    does not start the app while the disk is still busy with the last one."""
    os.sync()
    env = dict(os.environ)
    for name in ("CACHE", "DATA", "CONFIG", "STATE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    command = [sys.executable, __file__, "--child", "--corpus", str(corpus)]
    command += ["--typing-repeat", str(typing_repeat), "--spawned-at", str(time.time())]
    command += [] if relevance else ["--no-relevance"]
    command += ["--morning", str(morning)] if morning else []
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
    parser.add_argument(
        "--no-relevance",
        dest="relevance",
        action="store_false",
        help="leave out the relevance step (its matrix takes minutes at 1,000,000 papers)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--morning", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = asyncio.run(
            drive_app(
                args.corpus, args.spawned_at, args.typing_repeat, args.relevance, args.morning
            )
        )
        json.dump(result, sys.stdout)
        return 0

    corpus, corpus_summary = corpus_from(args)
    compiled_as_installed()
    with tempfile.TemporaryDirectory(prefix="tuireader-bench-") as scratch:
        home = Path(scratch)
        mark_like_a_heavy_user(corpus, home / "premark")
        shutil.move(home / "premark" / "data", home / "data")
        shutil.move(home / "premark" / "config", home / "config")
        cold = run_app(corpus, home, 1, args.relevance)
        warm_runs = [
            run_app(corpus, home, args.typing_repeat, args.relevance) for _ in range(args.warm_runs)
        ]
        # The next morning: a new day landed while the app was closed.
        arrive(home / "arrivals")
        papers = warm_runs[-1]["papers"] + ARRIVING_PAPERS  # with its run's new day
        morning = run_app(corpus, home, 1, args.relevance, morning=papers)
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
        "morning": morning,
        "fzf": fzf,
    }
    if fzf:
        ours = warm["typing_median_ms_per_prefix"]
        report["ours_over_fzf"] = {
            prefix: round(ours[prefix] / fzf_ms, 2) for prefix, fzf_ms in fzf["per_prefix"].items()
        }
    goals = GOALS_1M if warm["papers"] >= 500_000 else GOALS_100K
    measured = {
        "warm_first_paper_s": warm["first_paper_s"],
        "warm_loaded_s": warm["loaded_s"],
        "typing_p95_ms": warm["typing"]["p95_ms"],
        "typing_median_ms": warm["typing"]["median_ms"],
        "cursor_p95_ms": warm["cursor"]["p95_ms"],
        "peak_rss_mib": warm["peak_rss_before_arrival_mib"],
    }
    report["goals"] = {
        name: {"measured": value, "goal": goals[name], "met": value <= goals[name]}
        for name, value in measured.items()
    }
    report["goals"]["typing_p95_ms_per_scope"] = {
        name: scope["typing"]["p95_ms"] for name, scope in warm["scopes"].items()
    }
    if fzf:
        report["goals"]["typing_median_vs_fzf"] = {
            "measured": warm["typing"]["median_ms"],
            "goal": round(fzf["median_ms"] / 2, 1),
            "met": warm["typing"]["median_ms"] <= fzf["median_ms"] / 2,
        }
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
