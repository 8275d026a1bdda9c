"""Typing while the archive loads, as a person sees it: tuireader's first
start (an empty cache: every digest parsed) and fzf reading its lines from a
pipe that delivers them over the same time, side by side in tmux.

``bench_terminal.py`` times keys once everything is loaded, against counts
known beforehand. Here the library grows while the keys come, so a key's
answer cannot be known beforehand: the screen is captured every few
milliseconds while "diffusion segm" is typed, one key every ``--spacing``
seconds from ``--start`` seconds after launch, and afterwards each key's
answer is the first capture that shows its prefix with the right count for
what was loaded then. For tuireader, "X of Y" is right when X is what the
core search finds for the prefix among the Y papers loaded (the load is
replayed in process to the snapshot of Y papers); for fzf, "X/Y" when X is
what ``fzf --filter`` finds among the first Y lines. A key whose answer the
next key overtook is counted as overtaken, not timed; so is a key whose answer
cannot be told from the screen before it (the same count of the same papers,
as after a space), as unseen. Keys typed after the load ended are left out.

Needs ``tmux`` and ``fzf``. Run::

    python benchmarks/bench_terminal_loading.py --papers 100000

and read the JSON it prints.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_terminal import (  # noqa: E402
    QUERY,
    SIZE,
    runs_home,
    screen,
    tmux,
    tools_missing,
    write_fzf_lines,
)
from generate import add_corpus_arguments, corpus_from  # noqa: E402
from measure import compiled_as_installed, summarize_ms  # noqa: E402

POLL_S = 0.003
#: Captures go on this long after the last key (its answer may be slow).
AFTER_S = 3.0
#: fzf's lines are written in this many pieces over the load's time.
PIECES = 40

Capture = tuple[float, str]
#: A key's prefix and when it was sent.
Sent = tuple[str, float]


def record(session: str, start: float, spacing: float) -> tuple[list[Sent], list[Capture]]:
    """Type QUERY into ``session`` (the filter already focused), one key every
    ``spacing`` seconds from ``start`` seconds on; every change of the screen
    meanwhile, with its time (from launch)."""
    launched = time.perf_counter()
    sent: list[Sent] = []
    captures: list[Capture] = []
    keys = list(QUERY)
    due = start
    last = ""
    while True:
        now = time.perf_counter() - launched
        if keys and now >= due:
            key = keys.pop(0)
            tmux("send-keys", "-t", session, *(["Space"] if key == " " else ["-l", key]))
            sent.append((QUERY[: len(QUERY) - len(keys)], time.perf_counter() - launched))
            due += spacing
        elif not keys and now > sent[-1][1] + AFTER_S:
            return sent, captures
        shown = screen(session)
        if shown != last:
            captures.append((time.perf_counter() - launched, shown))
            last = shown
        time.sleep(POLL_S)


def answers(
    sent: list[Sent],
    captures: list[Capture],
    read: Any,
    right: Any,
) -> dict[str, Any]:
    """Each key's time to its first right answer on screen; how many keys the
    next one overtook, how many came once the load had ended, and how many
    could not be seen (their answer is the screen as it was: the same count
    of the same papers, as after a space)."""
    times, overtaken, late, unseen = [], 0, 0, 0
    keys: list[tuple[str, str]] = []  # each key's prefix and what became of it
    timed: dict[str, float] = {}
    for n, (prefix, at) in enumerate(sent):
        until = sent[n + 1][1] if n + 1 < len(sent) else float("inf")
        before = next((read(s) for w, s in reversed(captures) if w < at and read(s)), None)
        found = None
        for when, shown in captures:
            if when < at:
                continue
            seen = read(shown)
            if seen is None:
                continue
            typed, count, loaded, loading = seen
            if typed == prefix.rstrip() and right(prefix.rstrip(), count, loaded):
                found = (when, loading, count, loaded)
                break
            if when > until:
                break
        shown_before = before is not None and before[0] == prefix.rstrip()
        if found is None and shown_before and right(prefix.rstrip(), *before[1:3]):
            found = (at, *before[3:4], *before[1:3])  # a space: the screen stays as it was
        if found is not None and before is not None and before[1:3] == found[2:4]:
            unseen += 1
            keys.append((prefix, "unseen"))
        elif found is None:
            overtaken += 1
            keys.append((prefix, "overtaken"))
        elif not found[1] and _loaded_before(captures, read, at):
            late += 1
            keys.append((prefix, "after the load"))
        else:
            times.append(found[0] - at)
            timed[prefix] = found[0] - at
            keys.append((prefix, f"{(found[0] - at) * 1000:.0f} ms of {found[3]:,}"))
    return {
        "times": times,
        "overtaken": overtaken,
        "after_the_load": late,
        "unseen": unseen,
        "keys": keys,
        "timed": timed,
    }


def _loaded_before(captures: list[Capture], read: Any, at: float) -> bool:
    """Whether the load had ended before ``at``."""
    for when, shown in captures:
        if when > at:
            return False
        seen = read(shown)
        if seen is not None and not seen[3]:
            return True
    return False


_OURS = re.compile(r"▕ (?P<typed>[a-z ]*?)\s{2,}(?P<count>[\d,]+) of (?P<loaded>[\d,]+)")


def read_ours(shown: str) -> tuple[str, int, int, bool] | None:
    """(filter text, matches, papers loaded, still loading) from tuireader's screen."""
    first = shown.splitlines()[1:2]
    match = _OURS.search(first[0]) if first else None
    if match is None:
        return None
    lines = shown.splitlines()
    loading = len(lines) > 2 and "━" in lines[2]  # the progress bar
    number = int(match["count"].replace(",", ""))
    return match["typed"].strip(), number, int(match["loaded"].replace(",", "")), loading


_THEIRS_COUNT = re.compile(r"^\s*\S?\s*(?P<count>\d+)/(?P<loaded>\d+)", re.MULTILINE)


def read_theirs(shown: str, total: int) -> tuple[str, int, int, bool] | None:
    """(query, matches, lines read, still reading) from fzf's screen: the
    prompt is its last line, the count the line above it."""
    lines = shown.rstrip("\n").splitlines()
    count = _THEIRS_COUNT.match(lines[-2]) if len(lines) > 1 else None
    if count is None or not lines[-1].startswith(">"):
        return None
    loaded = int(count["loaded"])
    return lines[-1][1:].strip(), int(count["count"]), loaded, loaded < total


class OurCounts:
    """What the core search finds for a prefix among the first Y papers a
    load shows: the load replayed once (from the parse cache the run
    filled), each snapshot of a size seen on screen searched for the
    prefixes seen with it."""

    def __init__(self, corpus: Path, cache: Path, captures: list[Capture]) -> None:
        from tuireader.core.cache import ParseCache
        from tuireader.core.library import load_progressively
        from tuireader.core.search import SearchIndex

        wanted: dict[int, set[str]] = {}
        for _when, shown in captures:
            seen = read_ours(shown)
            if seen is not None:
                wanted.setdefault(seen[2], set()).add(seen[0])
        self._found: dict[tuple[str, int], set[int]] = {}
        ids: set[str] = set()
        for progress in load_progressively([str(corpus)], ParseCache(cache)):
            if progress.done:
                result = progress.builder.files[next(reversed(progress.builder.files))][1]
                if result.digest is not None:
                    ids.update(paper.id for paper in result.digest.papers)
            if len(ids) in wanted:
                papers = progress.builder.snapshot().ordered_papers()
                index = SearchIndex(papers)
                for prefix in wanted[len(ids)]:
                    found = self._found.setdefault((prefix, len(ids)), set())
                    found.add(len(index.search(prefix).positions))

    def right(self, prefix: str, count: int, loaded: int) -> bool:
        return count in self._found.get((prefix, loaded), set())


class TheirCounts:
    """What ``fzf --filter`` finds for a prefix among the first Y lines."""

    def __init__(self, lines: list[bytes]) -> None:
        self._lines = lines
        self._known: dict[tuple[str, int], int] = {}

    def right(self, prefix: str, count: int, loaded: int) -> bool:
        key = (prefix, loaded)
        if key not in self._known:
            found = subprocess.run(
                ["fzf", "--filter", prefix],
                input=b"".join(self._lines[:loaded]),
                capture_output=True,
                check=False,
            ).stdout
            self._known[key] = found.count(b"\n")
        return self._known[key] == count


def same_keys(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each tool's times over the keys both timed, run by run (the n-th start
    of each): most of tuireader's unseen keys are its quickest, narrowing
    what an earlier key found, so medians over each tool's own timed keys
    compare different keys."""
    mine: list[float] = []
    fzf: list[float] = []
    for our_run, their_run in zip(ours, theirs, strict=True):
        both = our_run["timed"].keys() & their_run["timed"].keys()
        mine += [our_run["timed"][key] for key in both]
        fzf += [their_run["timed"][key] for key in both]
    return {
        "samples": len(mine),
        "tuireader": summarize_ms(mine) if mine else {},
        "fzf": summarize_ms(fzf) if fzf else {},
    }


def ours(corpus: Path, home: Path, start: float, spacing: float) -> dict[str, Any]:
    session = "bench-loading-tuireader"
    shutil.rmtree(home / "cache", ignore_errors=True)
    env = " ".join(
        f"XDG_{name.upper()}_HOME={home / name}" for name in ("data", "config", "cache", "state")
    )
    command = f"env {env} {sys.executable} -m tuireader --no-watch {corpus}"
    tmux("new-session", "-d", "-s", session, "-x", SIZE[0], "-y", SIZE[1], command)
    try:
        time.sleep(start / 2)
        tmux("send-keys", "-t", session, "/")
        sent, captures = record(session, start / 2, spacing)
    finally:
        tmux("kill-session", "-t", session)
    counts = OurCounts(corpus, home / "cache" / "tuireader" / "parsed", captures)
    return answers(sent, captures, read_ours, counts.right)


def theirs(lines: Path, seconds: float, start: float, spacing: float) -> dict[str, Any]:
    """fzf on a pipe that writes ``lines`` in :data:`PIECES` over ``seconds``."""
    session = "bench-loading-fzf"
    feeder = (
        "import sys, time; data = open(sys.argv[1], 'rb').read().splitlines(True); "
        f"step = -(-len(data) // {PIECES}); "
        f"[(sys.stdout.buffer.write(b''.join(data[i:i + step])), sys.stdout.flush(), "
        f"time.sleep({seconds / PIECES})) for i in range(0, len(data), step)]"
    )
    command = f'{sys.executable} -c "{feeder}" {lines} | fzf'
    tmux("new-session", "-d", "-s", session, "-x", SIZE[0], "-y", SIZE[1], command)
    try:
        sent, captures = record(session, start, spacing)
    finally:
        tmux("kill-session", "-t", session)
    every = lines.read_bytes().splitlines(True)
    counts = TheirCounts(every)
    return answers(sent, captures, lambda shown: read_theirs(shown, len(every)), counts.right)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--start", type=float, default=1.0, help="seconds before the first key")
    parser.add_argument("--spacing", type=float, default=0.2, help="seconds between keys")
    parser.add_argument("--feed-seconds", type=float, default=4.0, help="fzf's lines, over")
    args = parser.parse_args(argv)
    if tools_missing("bench_terminal_loading"):
        return 2
    corpus, corpus_summary = corpus_from(args)
    compiled_as_installed()

    from tuireader.core.library import load_library

    with tempfile.TemporaryDirectory(prefix="tuireader-loading-") as scratch:
        home = runs_home(scratch)
        lines = home / "lines.txt"
        write_fzf_lines(load_library([corpus]).ordered_papers(), lines)
        our_runs, their_runs = [], []
        for _ in range(args.repeat):
            our_runs.append(ours(corpus, home, args.start, args.spacing))
            their_runs.append(theirs(lines, args.feed_seconds, args.start, args.spacing))

    def report(runs: list[dict[str, Any]]) -> dict[str, Any]:
        times = [t for run in runs for t in run["times"]]
        return {
            **(summarize_ms(times) if times else {}),
            "overtaken": sum(run["overtaken"] for run in runs),
            "after_the_load": sum(run["after_the_load"] for run in runs),
            "unseen": sum(run["unseen"] for run in runs),
        }

    result = {
        "corpus": corpus_summary.get("papers", str(corpus)),
        "tuireader_keys": [dict(run["keys"]) for run in our_runs],
        "fzf_keys": [dict(run["keys"]) for run in their_runs],
        "query": QUERY,
        "start_s": args.start,
        "spacing_s": args.spacing,
        "fzf_feed_s": args.feed_seconds,
        "tuireader": report(our_runs),
        "fzf": report(their_runs),
    }
    if result["tuireader"].get("median_ms") and result["fzf"].get("median_ms"):
        result["median_over_fzf"] = round(
            result["tuireader"]["median_ms"] / result["fzf"]["median_ms"], 2
        )
    same = same_keys(our_runs, their_runs)
    result["same_keys"] = same
    if same["tuireader"] and same["fzf"]:
        result["median_over_fzf_same_keys"] = round(
            same["tuireader"]["median_ms"] / same["fzf"]["median_ms"], 2
        )
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
