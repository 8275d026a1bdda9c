"""The user's data at scale: read marks, stars, notes and tags.

Against real files in a scratch data folder, with a heavy user's history
already there (``--marks`` read marks, default 100,000, plus 1,000 stars,
1,000 notes and 1,000 tagged papers), measures:

* marking one paper read (the journal append, fsynced), median of 200;
* loading the 100,000 read marks alone (the goal), in a fresh process;
* marking 5,000 papers read at once (a bulk action), median of 5;
* loading the store at start-up (both files), in a fresh process, with that
  history; and again at the end, when 15,000 more papers carry a tag;
* starring one paper (annotations.toml rewritten, fsynced), median of 50;
* tagging 5,000 papers at once;
* the journal's size, and compacting it.

Run ``python benchmarks/bench_store.py`` and read the JSON it prints.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import summarize_ms  # noqa: E402

GOALS_MS = {"mark_one": 20.0, "mark_5000": 200.0, "load": 150.0}
LOAD = """
import sys, time
from pathlib import Path
from tuireader.core.journal import ReadJournal
from tuireader.core.store import AnnotationStore
started = time.perf_counter()
store = AnnotationStore(Path(sys.argv[1]))
problems = store.load()
loaded = time.perf_counter()
ReadJournal(store.journal.path, 5).load()
print(loaded - started, time.perf_counter() - loaded, len(store.read_ids()), len(problems))
"""


def load_times(path: Path, repeat: int = 5) -> tuple[list[float], list[float]]:
    """Seconds loading the whole store, and the read marks alone, take in
    fresh processes."""
    store, marks = [], []
    for _ in range(repeat):
        output = subprocess.run(
            [sys.executable, "-c", LOAD, str(path)], capture_output=True, text=True, check=True
        ).stdout.split()
        store.append(float(output[0]))
        marks.append(float(output[1]))
    return store, marks


def paper(n: int) -> str:
    return f"{2000 + n // 99_999:04d}.{n % 99_999:05d}"


def timed(action: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--marks", type=int, default=100_000)
    args = parser.parse_args(argv)

    from tuireader.core.store import AnnotationStore, Edit

    with tempfile.TemporaryDirectory(prefix="tuireader-store-") as scratch:
        path = Path(scratch) / "annotations.toml"
        store = AnnotationStore(path)
        store.load()
        history = [Edit(paper(n), "read", True) for n in range(args.marks)]
        history += [Edit(paper(n), "starred", True) for n in range(0, 3000, 3)]
        history += [Edit(paper(n), "note", f"note {n}") for n in range(1, 3000, 3)]
        history += [Edit(paper(n), "tag", True, tag="to-read") for n in range(2, 3000, 3)]
        store.apply(history)

        load_history, load_marks = load_times(path)
        fresh = args.marks + 10_000
        counter = iter(range(fresh, fresh + 10_000_000))
        one = timed(lambda: store.mark_read([paper(next(counter))]), 200)
        bulk = timed(lambda: store.mark_read([paper(next(counter)) for _ in range(5000)]), 5)
        star = timed(lambda: store.toggle_star(paper(next(counter))), 50)
        tags = timed(
            lambda: store.apply(
                [Edit(paper(next(counter)), "tag", True, tag="bulk") for _ in range(5000)]
            ),
            3,
        )
        journal = store.journal.path
        loads, _ = load_times(path)
        star_heavy = timed(lambda: store.toggle_star(paper(next(counter))), 10)
        report = {
            "marks_on_disk": len(AnnotationStore(path).read_ids()) or args.marks,
            "journal_bytes": journal.stat().st_size,
            "journal_lines": len(journal.read_bytes().splitlines()),
            "annotations_bytes": path.stat().st_size,
            "mark_one": summarize_ms(one),
            "mark_5000": summarize_ms(bulk),
            "load": summarize_ms(load_marks),
            "load_store_with_3000_annotated": summarize_ms(load_history),
            "load_store_with_18000_annotated": summarize_ms(loads),
            "star_one_with_3000_entries": summarize_ms(star),
            "tag_5000": summarize_ms(tags),
            "star_one_with_18000_entries": summarize_ms(star_heavy),
        }
        report["goals"] = {
            name: {
                "median_ms": report[name]["median_ms"],
                "goal_ms": goal,
                "met": report[name]["median_ms"] <= goal,
            }
            for name, goal in GOALS_MS.items()
        }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
