"""Parsing in worker processes: real pools, real files, real failures.

Whatever the pool does, a load gives the library a serial load gives, field
by field, and the cache entries the workers wrote serve the next start. The
pool only starts above a size (``MIN_POOL_BYTES``), which most tests lower
so that small folders use it; each checks that worker processes really ran.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from multiprocessing import active_children
from pathlib import Path

import pytest
from test_cache import SAMPLE_COUNT, assert_same_library

from tuireader.core import parallel
from tuireader.core.cache import ParseCache
from tuireader.core.discovery import _date_in_path, discover
from tuireader.core.library import Library, LibraryBuilder, load_library, load_progressively

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from generate import generate  # noqa: E402

#: A generated archive of ~200 digests: both formats, LaTeX, and papers
#: cross-listed or new versions across files (so merging order matters).
GENERATED_PAPERS = 20_000


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    generate(folder, GENERATED_PAPERS)
    return folder


@pytest.fixture(scope="module")
def serial_archive(archive: Path) -> Library:
    return load_library([archive])


@pytest.fixture
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the pool for any folder, a file a task so that both workers get
    some (only the main process reads the two)."""
    monkeypatch.setattr(parallel, "MIN_POOL_BYTES", 0)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 0)


def pooled(paths: Iterable[Path], cache: ParseCache) -> tuple[Library, int]:
    """Load with two workers; also how many worker processes were seen."""
    seen, builder = 0, None
    for progress in load_progressively(paths, cache, workers=2):
        builder = progress.builder
        seen = max(seen, len(active_children()))
    assert builder is not None
    return builder.snapshot(), seen


def gone(timeout: float = 10) -> bool:
    """Whether every worker process has exited (within ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while active_children():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_pooled_load_equals_a_serial_one(
    archive: Path, serial_archive: Library, tmp_path: Path
) -> None:
    """Above the threshold by itself, no lowering: the pool is what a cold
    start of a real archive uses."""
    assert sum(p.stat().st_size for p in archive.rglob("*.md")) > parallel.MIN_POOL_BYTES
    files = len(list(archive.rglob("*.md")))
    cache = ParseCache(tmp_path / "cache")
    library, workers = pooled([archive], cache)
    assert workers == 2
    assert_same_library(library, serial_archive)
    assert (cache.hits, cache.misses) == (0, files)
    assert gone()

    # What the workers wrote, a fresh cache (a new run) reads back.
    warm = ParseCache(tmp_path / "cache")
    again, workers = pooled([archive], warm)
    assert workers == 0  # nothing to parse: no pool
    assert (warm.hits, warm.misses) == (files, 0)
    assert_same_library(again, serial_archive)


@pytest.mark.parametrize("batch_bytes", [0, 10**12], ids=["a file a task", "one task"])
def test_batches_of_any_size_load_as_a_serial_load(
    archive: Path,
    serial_archive: Library,
    tmp_path: Path,
    batch_bytes: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "BATCH_BYTES", batch_bytes)
    cache = ParseCache(tmp_path / "cache")
    library, workers = pooled([archive], cache)
    assert workers >= 1
    assert_same_library(library, serial_archive)
    assert cache.misses == len(list(archive.rglob("*.md")))


def test_batches_are_runs_of_files_in_order_within_the_size() -> None:
    sizes = [700_000, 900_000, 500_000, 3_000_000, 100_000, 1_900_000, 50_000]
    files = [(Path(f"{n}.md"), size) for n, size in enumerate(sizes)]
    batches = parallel._batches(files)
    assert [path for batch in batches for path in batch] == [path for path, _ in files]
    size = dict(files)
    for batch in batches:  # within the size, or one file too big for it
        assert len(batch) == 1 or sum(size[path] for path in batch) <= parallel.BATCH_BYTES
    assert [len(batch) for batch in batches] == [2, 1, 1, 2, 1]


def test_the_samples_load_the_same_in_a_pool(
    samples_dir: Path, tmp_path: Path, any_size: None
) -> None:
    cache = ParseCache(tmp_path / "cache")
    library, workers = pooled([samples_dir], cache)
    assert workers == 2
    assert (cache.hits, cache.misses) == (0, SAMPLE_COUNT)
    assert_same_library(library, load_library([samples_dir]))
    warm = ParseCache(tmp_path / "cache")
    assert_same_library(load_library([samples_dir], warm), library)
    assert (warm.hits, warm.misses) == (SAMPLE_COUNT, 0)


def test_a_few_small_files_are_parsed_without_a_pool(samples_dir: Path, tmp_path: Path) -> None:
    """Starting workers takes longer than parsing these here."""
    cache = ParseCache(tmp_path / "cache")
    library, workers = pooled([samples_dir], cache)
    assert workers == 0
    assert_same_library(library, load_library([samples_dir]))


def test_only_files_missing_from_the_cache_go_to_the_pool(
    archive: Path, serial_archive: Library, tmp_path: Path, any_size: None
) -> None:
    files = sorted(archive.rglob("*.md"))
    cache_folder = tmp_path / "cache"
    load_library(files[::2], ParseCache(cache_folder))  # half the archive is cached
    cache = ParseCache(cache_folder)
    library, workers = pooled([archive], cache)
    assert workers == 2
    assert (cache.hits, cache.misses) == (len(files[::2]), len(files[1::2]))
    assert_same_library(library, serial_archive)


def test_entries_of_another_version_are_all_parsed_again(
    samples_dir: Path, tmp_path: Path, any_size: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade every entry is stale though none is older than its
    file: one look at an entry sends them all to the pool."""
    from tuireader.core import cache as cache_module

    load_library([samples_dir], ParseCache(tmp_path / "cache"))
    stamp = cache_module._STAMP
    monkeypatch.setattr(cache_module, "_STAMP", (stamp[0] + 1, *stamp[1:]))
    cache = ParseCache(tmp_path / "cache")
    assert len(cache.probably_stale(sorted(samples_dir.rglob("*.md")))) == SAMPLE_COUNT


def test_progress_comes_file_by_file_newest_first(
    archive: Path, serial_archive: Library, tmp_path: Path
) -> None:
    steps = load_progressively([archive], ParseCache(tmp_path / "cache"), workers=2)
    first = next(steps)
    assert first.done == 0 and first.total == len(list(archive.rglob("*.md")))
    after_one = next(steps)
    assert after_one.builder.snapshot().dates == (serial_archive.dates[0],)
    assert active_children()
    done, oldest = [1], [serial_archive.dates[0]]
    for step in steps:
        done.append(step.done)
        if step.done % 40 == 0:  # older and older dates fill in
            oldest.append(step.builder.snapshot().dates[-1])
    assert done == list(range(1, first.total + 1))
    assert oldest == sorted(oldest, reverse=True) and len(set(oldest)) > 3


# A worker's job that fails as a worker can: with an exception (MemoryError on
# a huge file), or by dying. It must be a module's function, as spawned
# workers import it; this module is importable by them (its folder is on the
# path they inherit).


def failing_task(folder: str, path: str) -> tuple[bool, bytes | None]:
    if "cs.CV" in path:
        raise MemoryError(f"pretend {path} is too big")
    return parallel._refresh(folder, path)


def dying_task(folder: str, path: str) -> tuple[bool, bytes | None]:
    if "eess.IV" in path:
        os.kill(os.getpid(), signal.SIGKILL)
    return parallel._refresh(folder, path)


def noisy_task(folder: str, path: str) -> tuple[bool, bytes | None]:
    print("to stdout", path)
    print("to stderr", path, file=sys.stderr)
    os.write(1, b"to descriptor 1\n")
    os.write(2, b"to descriptor 2\n")
    return parallel._refresh(folder, path)


def load_with(task: parallel.Task, files: list[Path], cache: ParseCache) -> tuple[Library, int]:
    """Merge what parse_in_order gives with ``task`` as the workers' job."""
    builder, seen = LibraryBuilder(), 0
    for result in parallel.parse_in_order(files, cache, 2, task):
        builder.add(result)
        seen = max(seen, len(active_children()))
    return builder.snapshot(), seen


@pytest.mark.parametrize(
    "task", [failing_task, dying_task, noisy_task], ids=["exception", "death", "prints"]
)
def test_what_goes_wrong_in_a_worker_only_moves_work_here(
    archive: Path,
    serial_archive: Library,
    tmp_path: Path,
    task: Callable[[str, str], tuple[bool, bytes | None]],
    capfd: pytest.CaptureFixture[str],
) -> None:
    # In the order a load takes them (it decides the order within a date).
    files = sorted(map(Path, discover([archive])), key=_date_in_path, reverse=True)
    cache = ParseCache(tmp_path / "cache")
    library, workers = load_with(task, files, cache)
    assert workers >= 1
    assert_same_library(library, serial_archive)
    assert cache.hits + cache.misses == len(files)
    assert gone()
    # Nothing a worker writes reaches the terminal (it is the app's screen).
    assert capfd.readouterr() == ("", "")
    # Every file is cached, whoever parsed it.
    warm = ParseCache(tmp_path / "cache")
    assert_same_library(load_library([archive], warm), serial_archive)
    assert warm.misses == 0


def test_hostile_files_warn_as_they_do_without_a_pool(
    samples_dir: Path, data_dir: Path, tmp_path: Path, any_size: None
) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    for sample in sorted(samples_dir.rglob("*.md")):
        (folder / sample.name).write_bytes(sample.read_bytes())
    good = (folder / "2021-07-21-cs.CV.md").read_bytes()
    (folder / "2019-01-01-binary.md").write_bytes(bytes(range(256)) * 64)
    (folder / "2019-01-02-empty.md").write_bytes(b"")
    (folder / "2019-01-03-bad-utf8.md").write_bytes(good.replace(b"Towards", b"\xff\xfe", 1))
    (folder / "2019-01-04-notes.md").write_bytes((data_dir / "not_a_digest.md").read_bytes())
    os.mkfifo(folder / "2019-01-05-fifo.md")  # nothing writes to it: reads as empty
    (folder / "2019-01-06-dangling.md").symlink_to(folder / "missing.md")

    serial = load_library([folder])
    assert len(serial.warnings) == 6
    library, workers = pooled([folder], ParseCache(tmp_path / "cache"))
    assert workers == 2
    assert_same_library(library, serial)


def test_closing_the_load_stops_the_workers(archive: Path, tmp_path: Path) -> None:
    """The app's screen went away mid-load: the pool goes with it."""
    steps = load_progressively([archive], ParseCache(tmp_path / "cache"), workers=2)
    for step in steps:
        if step.done == 3:
            break
    assert active_children()
    started = time.monotonic()
    steps.close()
    assert gone()
    assert time.monotonic() - started < 5


def test_one_worker_means_no_pool(
    samples_dir: Path, tmp_path: Path, any_size: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = 0
    for _ in load_progressively([samples_dir], ParseCache(tmp_path / "cache"), workers=1):
        seen = max(seen, len(active_children()))
    assert seen == 0
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "1")
    assert parallel.worker_count() == 1
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "")
    assert 1 <= parallel.worker_count() <= min(os.cpu_count() or 1, parallel.MAX_WORKERS)
