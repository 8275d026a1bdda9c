"""Measurements shared by the benchmark scripts: peak memory and latency
summaries, and the package compiled as an installation has it."""

from __future__ import annotations

import compileall
import re
import resource
import statistics
import sys
from pathlib import Path


def compiled_as_installed() -> Path:
    """Byte-compile the tuireader being measured (the one on ``sys.path``),
    as ``pip install`` does; returns its folder. A start measured without it
    compiles every module from source (~70 ms), which no installed copy does,
    and an environment with ``PYTHONDONTWRITEBYTECODE`` (as this machine's)
    would do so on every start."""
    import tuireader

    package = Path(tuireader.__file__).parent
    compileall.compile_dir(package, quiet=1)
    return package


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB).

    Linux carries ``ru_maxrss`` across ``execve``: a child starts with its
    parent's peak, so parents that start measured children stay small.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def own_peak_rss_mib() -> float | None:
    """This process's own peak RSS, not inherited (Linux ``VmHWM``), if known."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s*(\d+) kB", status, re.MULTILINE)
    return round(int(match[1]) / 1024, 1) if match else None


def rss_parts_mib() -> dict[str, float] | None:
    """This process's resident memory now, split (Linux): its own (anonymous)
    pages and the pages of files it maps (which the kernel may take back)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    parts = dict(re.findall(r"^(RssAnon|RssFile):\s*(\d+) kB", status, re.MULTILINE))
    return {name: round(int(kib) / 1024, 1) for name, kib in parts.items()}


def summarize_ms(samples: list[float], digits: int = 1) -> dict[str, float]:
    """Median, p95 and max of durations in seconds, as milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, digits),
        "p95_ms": round(p95 * 1000, digits),
        "max_ms": round(ordered[-1] * 1000, digits),
        "samples": len(ordered),
    }
