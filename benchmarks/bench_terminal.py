"""Typing latency a person sees: tuireader and fzf side by side in real terminals.

Both programs run in tmux windows of 120×40 over the same generated archive
(tuireader on the digests with a warm parse cache, fzf on the same papers'
"title  authors" lines). "diffusion segm" is typed one key at a time with
``tmux send-keys``; each key is timed from sending it until the terminal's
screen (``tmux capture-pane``) shows that prefix's number of matches:
tuireader's filter bar "3,784 of 91,375", fzf's info line "3784/91375". The
expected numbers come from each tool itself beforehand (the library's search
in-process; ``fzf --filter``), so a stale screen is never taken for an answer.
A key that leaves the count as it was cannot be seen on screen and is left out
(named in the report). The tools leave out different keys: tuireader's count
stays at 3,784 from "diffu" to "diffusion se" (its quickest keys: they narrow
a few thousand papers), fzf's changes at almost every key. So the ratio the
goal is judged by compares the same keystrokes, those both tools show
(``median_over_fzf_same_keys``); ``median_over_fzf`` is each tool's median
over the keys it shows, as reported before. The tools alternate, ``--repeat`` times each; the
first tuireader run starts from the digests (and writes the library file),
the others from the library file. Each run's memory is read from ``/proc``
after typing.

Polling costs a ``tmux`` process every few milliseconds, on the same two
cores: the figures are an upper bound on what a person waits for.

Needs ``tmux`` and ``fzf`` (``apt-get install tmux fzf``). Run::

    python benchmarks/bench_terminal.py --papers 100000

and read the JSON it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import add_corpus_arguments, corpus_from  # noqa: E402
from measure import compiled_as_installed, summarize_ms  # noqa: E402

QUERY = "diffusion segm"
SIZE = ("120", "40")
POLL_S = 0.002
KEY_TIMEOUT_S = 10.0
LOAD_TIMEOUT_S = 300.0
#: After the list is complete, the app builds the abstracts' word index in
#: the background; typing waits until the process has been idle this long.
IDLE_S = 1.5


def tools_missing(script: str) -> bool:
    """Whether tmux or fzf is not installed (said on stderr)."""
    for tool in ("tmux", "fzf"):
        if shutil.which(tool) is None:
            print(f"{script}: {tool} is not installed", file=sys.stderr)
            return True
    return False


def runs_home(scratch: str) -> Path:
    """A home for the runs, where opening a paper does not mark it read."""
    home = Path(scratch)
    config = home / "config" / "tuireader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("mark_read_after = 0\n")
    return home


def write_fzf_lines(papers: Any, path: Path) -> None:
    """What fzf filters: each paper's "title<TAB>authors" line."""
    path.write_text("".join(f"{paper.title}\t{', '.join(paper.authors)}\n" for paper in papers))


def tmux(*args: str) -> str:
    """Run a tmux command. A session made just after the last one was killed
    can meet the server on its way out: that one is tried again once."""
    try:
        return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout
    except subprocess.CalledProcessError:
        if args[0] != "new-session":
            raise
        time.sleep(0.5)
        return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, pattern: re.Pattern[str], timeout: float) -> float:
    """Seconds until the screen matches ``pattern``."""
    started = time.perf_counter()
    while not pattern.search(screen(session)):
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{session}: no {pattern.pattern!r} on screen:\n{screen(session)}")
        time.sleep(POLL_S)
    return time.perf_counter() - started


def pane_pid(session: str) -> int:
    return int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())


def cpu_seconds(pid: int) -> float:
    """CPU time of ``pid`` and its children so far (Linux ``/proc``)."""
    total = 0.0
    for child in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found + [grandchild for child in found for grandchild in children(child)]


def wait_idle(pid: int) -> None:
    """Until the process tree has used no CPU for ``IDLE_S``."""
    before = cpu_seconds(pid)
    while True:
        time.sleep(IDLE_S)
        now = cpu_seconds(pid)
        if now - before < 0.05:
            return
        before = now


def type_query(session: str, counts: list[int], shown: Any) -> dict[str, float | None]:
    """Type QUERY key by key; seconds until each prefix's count is shown
    (``None`` for a key whose count equals the previous one's)."""
    times: dict[str, float | None] = {}
    previous = None
    for n, count in enumerate(counts, start=1):
        prefix = QUERY[:n]
        key = QUERY[n - 1]
        pattern = shown(count)
        started = time.perf_counter()
        if key == " ":
            tmux("send-keys", "-t", session, "Space")
        else:
            tmux("send-keys", "-t", session, "-l", key)
        if count == previous:
            time.sleep(0.3)
            times[prefix] = None
        else:
            while not pattern.search(screen(session)):
                if time.perf_counter() - started > KEY_TIMEOUT_S:
                    raise TimeoutError(f"{prefix!r}: no {pattern.pattern!r}:\n{screen(session)}")
                time.sleep(POLL_S)
            times[prefix] = time.perf_counter() - started
        previous = count
    return times


def ours(
    corpus: Path, home: Path, counts: list[int], total: int
) -> tuple[dict[str, float | None], dict[str, float]]:
    """One tuireader run: each key's time, and the app's memory after typing."""
    session = "bench-tuireader"
    env = " ".join(
        f"XDG_{name.upper()}_HOME={home / name}" for name in ("data", "config", "cache", "state")
    )
    command = f"env {env} {sys.executable} -m tuireader --no-watch {corpus}"
    tmux("new-session", "-d", "-s", session, "-x", SIZE[0], "-y", SIZE[1], command)
    try:
        wait_for(session, re.compile(rf"{total:,} papers"), LOAD_TIMEOUT_S)
        wait_idle(pane_pid(session))
        tmux("send-keys", "-t", session, "/")
        time.sleep(0.3)
        shown = type_query(session, counts, lambda n: re.compile(rf"(?<![\d,]){n:,} of {total:,}"))
        return shown, memory_mib(pane_pid(session))
    finally:
        tmux("kill-session", "-t", session)


def memory_mib(pid: int) -> dict[str, float]:
    """A process's peak RSS (``VmHWM``) and its resident memory now, split
    into its own pages (``RssAnon``) and mapped files' (``RssFile``)."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.findall(r"^(VmHWM|RssAnon|RssFile):\s*(\d+) kB", status, re.MULTILINE)
    return {name: round(int(kib) / 1024, 1) for name, kib in found}


def theirs(lines: Path, counts: list[int], total: int) -> dict[str, float | None]:
    session = "bench-fzf"
    tmux("new-session", "-d", "-s", session, "-x", SIZE[0], "-y", SIZE[1], f"fzf < {lines}")
    try:
        wait_for(session, re.compile(rf"\b{total}/{total}\b"), LOAD_TIMEOUT_S)
        time.sleep(IDLE_S)
        return type_query(session, counts, lambda n: re.compile(rf"(?<!\d){n}/{total}\b"))
    finally:
        tmux("kill-session", "-t", session)


def fzf_counts(lines: Path) -> list[int]:
    counts = []
    for n in range(1, len(QUERY) + 1):
        with lines.open("rb") as source:
            found = subprocess.run(
                ["fzf", "--filter", QUERY[:n]], stdin=source, capture_output=True, check=False
            ).stdout
        counts.append(found.count(b"\n"))
    return counts


def summary(runs: list[dict[str, float | None]]) -> dict[str, Any]:
    samples = [t for run in runs for t in run.values() if t is not None]
    per_prefix = {
        prefix: [t for run in runs if (t := run[prefix]) is not None] for prefix in runs[0]
    }
    return {
        **summarize_ms(samples),
        "per_prefix_median_ms": {
            prefix: round(sorted(times)[len(times) // 2] * 1000, 1)
            for prefix, times in per_prefix.items()
            if times
        },
        "unseen_keys": [prefix for prefix, times in per_prefix.items() if not times],
    }


def same_keys(
    ours: list[dict[str, float | None]], theirs: list[dict[str, float | None]]
) -> dict[str, Any]:
    """Each tool's times over the keys both show in every run."""
    keys = [key for key in ours[0] if all(run[key] is not None for run in ours + theirs)]

    def times(runs: list[dict[str, float | None]]) -> list[float]:
        return [t for run in runs for key in keys if (t := run[key]) is not None]

    mine, fzf = summarize_ms(times(ours)), summarize_ms(times(theirs))
    return {"keys": keys, "tuireader": mine, "fzf": fzf}


def per_run(runs: list[dict[str, float | None]]) -> list[dict[str, float]]:
    """Each run's seen keys in milliseconds (the first tuireader run is the
    one that read the digests)."""
    return [{key: round(t * 1000, 1) for key, t in run.items() if t is not None} for run in runs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if tools_missing("bench_terminal"):
        return 2
    corpus, corpus_summary = corpus_from(args)
    compiled_as_installed()

    from tuireader.core.cache import ParseCache
    from tuireader.core.library import load_library
    from tuireader.core.search import SearchIndex

    with tempfile.TemporaryDirectory(prefix="tuireader-terminal-") as scratch:
        home = runs_home(scratch)
        library = load_library([corpus], parse=ParseCache(home / "cache" / "tuireader" / "parsed"))
        papers = library.ordered_papers()
        index = SearchIndex(papers)
        index.index_words()
        results = [index.search(QUERY[:n]) for n in range(1, len(QUERY) + 1)]
        if any(result.corrections for result in results):
            print("bench_terminal: a prefix was corrected, no count to see", file=sys.stderr)
            return 2
        our_counts = [len(result.positions) for result in results]
        lines = home / "lines.txt"
        write_fzf_lines(papers, lines)
        their_counts = fzf_counts(lines)
        total = len(papers)
        del library, papers, index

        our_runs, their_runs, memory = [], [], []
        for _ in range(args.repeat):
            times, used = ours(corpus, home, our_counts, total)
            our_runs.append(times)
            memory.append(used)
            their_runs.append(theirs(lines, their_counts, total))

    mine, fzf = summary(our_runs), summary(their_runs)
    same = same_keys(our_runs, their_runs)
    report = {
        "corpus": corpus_summary.get("papers", str(corpus)),
        "query": QUERY,
        "expected_counts": {"tuireader": our_counts, "fzf": their_counts},
        "tuireader": mine,
        "fzf": fzf,
        "tuireader_memory_mib": memory,
        "runs_ms": {"tuireader": per_run(our_runs), "fzf": per_run(their_runs)},
        "median_over_fzf": round(mine["median_ms"] / fzf["median_ms"], 2),
        "same_keys": same,
        "median_over_fzf_same_keys": round(
            same["tuireader"]["median_ms"] / same["fzf"]["median_ms"], 2
        ),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
