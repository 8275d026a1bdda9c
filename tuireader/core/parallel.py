"""Parsing on every core: files missing from the parse cache are parsed by
worker processes, which write their cache entries; the main process loads
those entries (marshal: cheaper than unpickling a digest) and reads every
cached file itself (sending those to workers would cost more than it saves).
A worker's task is a batch of consecutive files: handing one over costs the
main process's threads their turn at one GIL, as long as a small file's parse.

Results come back in the files' order, so a load shows the newest papers
first as before. Anything that goes wrong in a worker, up to the pool
breaking, only means that file (or the rest) is parsed here, as without a
pool. Workers never print (the app's screen is the terminal) and run at a
lower priority, so the app's own process is never starved.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import resource_tracker
from pathlib import Path

from tuireader.core.cache import ParseCache, decode
from tuireader.core.formats import ParseResult

Parser = Callable[[Path], ParseResult]
#: A worker's job for one file: (cache folder, file) -> what ParseCache.refresh returns.
Task = Callable[[str, str], tuple[bool, bytes | None]]
#: What it gave, or None when it raised.
Outcome = tuple[bool, bytes | None] | None

#: The main process loads and merges what workers parse (about a quarter of
#: the work): beyond this many workers it is the bottleneck.
MAX_WORKERS = 4
#: Below this many bytes to parse, starting a pool costs more than it saves.
MIN_POOL_BYTES = 16_000_000
#: A worker's task: consecutive files up to this many bytes (~40 ms of
#: parsing). One file a task, workers sat idle a quarter of a million-paper
#: load, waiting for the main process to hand the next over.
BATCH_BYTES = 2_000_000
#: Workers' niceness: the process that shows the papers comes first.
WORKER_NICENESS = 5
#: ``TUIREADER_WORKERS=1`` parses in the main process only (for comparisons).
WORKERS_VARIABLE = "TUIREADER_WORKERS"


def worker_count() -> int:
    """Workers for a load: one per core this process may use, capped."""
    configured = os.environ.get(WORKERS_VARIABLE, "")
    if configured.isdigit():
        return max(1, int(configured))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def parse_in_order(
    files: Sequence[Path], parse: Parser, workers: int = 1, task: Task | None = None
) -> Generator[ParseResult, None, None]:
    """``parse`` each file, yielding results in the files' order; with a
    :class:`ParseCache` and more than one worker, uncached files are parsed
    in a pool when there are enough of them to pay for starting it.

    ``task`` replaces the workers' job (tests make workers fail with it).
    """
    if workers < 2 or not isinstance(parse, ParseCache):
        yield from map(parse, files)
        return
    stale = parse.probably_stale(files)
    if len(stale) < 2 or sum(size for _path, size in stale) < MIN_POOL_BYTES:
        yield from map(parse, files)
        return
    yield from _pooled(files, stale, parse, workers, task or _refresh)


def _pooled(
    files: Sequence[Path],
    stale: list[tuple[Path, int]],
    cache: ParseCache,
    workers: int,
    task: Task,
) -> Generator[ParseResult, None, None]:
    context = multiprocessing.get_context("spawn")  # fork is unsafe with threads running
    _start_resource_tracker()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_quiet)
    finished = False
    try:
        folder = str(cache.folder)
        # The first file is parsed here while the workers start: it is the
        # newest, to be shown at once.
        futures: dict[Path, tuple[Future[list[Outcome]], int]] = {}
        for batch in _batches(stale[1:]):
            future = pool.submit(_each, task, folder, [str(path) for path in batch])
            futures.update((path, (future, n)) for n, path in enumerate(batch))
        for path in files:
            found = futures.pop(path, None)
            yield cache(path) if found is None else _collected(*found, path, cache)
        finished = True
    finally:
        # Cancelled (the generator closed early): go at once, the workers
        # finish the file at hand and exit; done: they are idle, wait.
        pool.shutdown(wait=finished, cancel_futures=True)


def _batches(files: list[tuple[Path, int]]) -> list[list[Path]]:
    """``files`` (with their sizes) in runs of at most :data:`BATCH_BYTES`
    (or one file), in order."""
    batches: list[list[Path]] = []
    size = BATCH_BYTES
    for path, file_size in files:
        if size + file_size > BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(path)
        size += file_size
    return batches


def _collected(future: Future[list[Outcome]], n: int, path: Path, cache: ParseCache) -> ParseResult:
    """The worker's result for the ``n``-th file of its batch, or the file
    parsed here when the worker (or the pool) failed, or the file changed
    meanwhile."""
    try:
        outcome = future.result()[n]
    except Exception:  # noqa: BLE001 - whatever failed there, parsing here is the fallback
        outcome = None
    if outcome is None:
        return cache(path)
    parsed, data = outcome
    if data is not None:
        result = decode(data)
    else:
        key = cache.key_of(path)
        result = cache.read(key) if key else None
    if result is None:
        return cache(path)
    if parsed:
        cache.misses += 1
    else:
        cache.hits += 1
    return result


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (which a spawned pool needs)
    with a real ``sys.stderr``: it is handed that stream's descriptor, and
    the app's (Textual's capture of prints) has none, -1, which fails."""
    try:
        if sys.stderr is not None and sys.stderr.fileno() >= 0:
            return
    except (AttributeError, OSError, ValueError):
        pass
    captured = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = captured


def _each(task: Task, folder: str, paths: list[str]) -> list[Outcome]:
    """A worker's task: ``task`` for each file of a batch; None for one it
    failed on, which the main process then parses (the others are done)."""
    outcomes: list[Outcome] = []
    for path in paths:
        try:
            outcomes.append(task(folder, path))
        except Exception:  # noqa: BLE001 - parsing it in the main process is the fallback
            outcomes.append(None)
    return outcomes


def _refresh(folder: str, path: str) -> tuple[bool, bytes | None]:
    """The workers' job: parse a file into the cache, unless it is there."""
    return ParseCache(Path(folder)).refresh(Path(path))


def _quiet() -> None:
    """Start a worker: nothing it might print reaches the terminal, the
    app's process comes first, and Ctrl+C is for the main process to handle
    (it shuts the pool down)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(AttributeError, OSError):
        os.nice(WORKER_NICENESS)
