"""File-scale benchmark: one huge digest, and a folder of many small non-digests.

Generates, into a temporary folder that is deleted afterwards:

* one listing-format digest of about ``--size-mb`` MB (default 200), made of
  the entries of the real listing samples in ``sample_digests/`` repeated
  under distinct IDs, and measures the time to parse it with
  ``tuireader.core.formats.parse_file`` and the peak RSS of the child process
  that does it: ``peak_rss_mib`` is its ``ru_maxrss``, ``own_peak_rss_mib``
  the same from ``VmHWM`` on Linux, which a child does not inherit from its
  parent, and the ``*_before_parse_mib`` values are the interpreter and
  imports alone, so the difference is what parsing costs. The file is read
  once beforehand so that the page cache, not the disk, serves it;
* a folder of ``--files`` (default 10,000) small files named like digests that
  are not (notes, near-miss headers, empty and binary files) plus one real
  sample, and measures ``load_library`` on it: the time, and that it finds
  exactly the sample's papers and one warning per other file.

Each measurement runs in a fresh child process (same interpreter and
``PYTHONPATH``, so a scratch copy of the package can be measured with
``PYTHONPATH=/tmp/scratch``). Run::

    python benchmarks/bench_files.py [--size-mb 200] [--files 10000] [--repeat 1]

and read the JSON it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import own_peak_rss_mib, peak_rss_mib  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_digests"
LISTING_SAMPLES = sorted(SAMPLES.glob("*.md"))  # the top-level samples are listings
FOLDER_SAMPLE = SAMPLES / "2021-07-21-cs.CV.md"
_TITLE_LINE = re.compile(
    r"###\s*\d+\.(?P<title>.*\[ :arrow_down: \]\()https://arxiv\.org/pdf/[^)]+\)\s*"
)


def warm_page_cache(path: Path) -> None:
    """Read the file once, a MiB at a time (not whole: see :func:`peak_rss_mib`)."""
    with path.open("rb") as handle:
        while handle.read(1 << 20):
            pass


# --- Generation ---------------------------------------------------------------


def listing_entries() -> list[tuple[str, str]]:
    """(title with the link's opening, abstract lines) of every sample entry."""
    entries = []
    for sample in LISTING_SAMPLES:
        body = sample.read_text(encoding="utf-8").split("\n", 1)[1]
        for block in re.split(r"\n(?=###)", body):
            title_line, _, abstract = block.strip("\n").partition("\n")
            match = _TITLE_LINE.fullmatch(title_line)
            if match is None:
                raise ValueError(f"{sample}: unexpected title line {title_line[:80]!r}")
            entries.append((match["title"], abstract))
    return entries


def write_large_digest(path: Path, size_mb: float) -> int:
    """Write a listing digest of about ``size_mb`` MB; return its paper count.

    IDs run 2101.00000, 2101.00001, ... and on into 2102, 2103 ... as needed.
    """
    entries = listing_entries()
    target = int(size_mb * 1e6)
    written = count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("# ArXiv cs.CV --Fri, 22 Jan 2021\n")
        while written < target:
            chunk = []
            for _ in range(1000):
                title, abstract = entries[count % len(entries)]
                paper_id = f"{2101 + count // 100_000}.{count % 100_000:05d}"
                chunk.append(
                    f"### {count + 1}.{title}https://arxiv.org/pdf/{paper_id}.pdf)\n{abstract}\n"
                )
                count += 1
            text = "".join(chunk)
            out.write(text)
            written += len(text.encode("utf-8"))
    return count


_WORDS = (
    "notes todo reading list paper idea meeting draft segmentation diffusion model "
    "review ask Bob about the results tomorrow - * [ ] 1. 2021 arXiv cs.CV > ##"
).split()
_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def write_non_digest_folder(folder: Path, files: int) -> None:
    """``files`` small non-digest files named like digests, and one real sample."""
    rng = random.Random(1)
    folder.mkdir()
    for number in range(files):
        kind = number % 50
        words = " ".join(rng.choices(_WORDS, k=rng.randint(1, 12)))
        if kind == 0:
            content = _PNG
        elif kind == 1:
            content = b""
        elif kind == 2:
            content = f"# ArXiv cs.CV --{words}\n".encode()
        elif kind == 3:
            content = f"# Reading list\n\n- {words}\n".encode()
        else:
            content = f"\n{words}\n{words}\n".encode()
        suffix = (".md", ".txt", ".markdown")[number % 3]
        (folder / f"note-{number:05d}{suffix}").write_bytes(content)
    (folder / "nested").mkdir()
    shutil.copyfile(FOLDER_SAMPLE, folder / "nested" / FOLDER_SAMPLE.name)


# --- Child processes ----------------------------------------------------------


def child_parse(path: Path) -> dict[str, Any]:
    """Parse one big file once, in this fresh process."""
    import tuireader
    from tuireader.core.formats import parse_file

    rss_before, own_before = peak_rss_mib(), own_peak_rss_mib()
    started = time.perf_counter()
    result = parse_file(path)
    seconds = time.perf_counter() - started
    rss_after = peak_rss_mib()
    papers = result.digest.papers if result.digest else ()
    size = path.stat().st_size
    return {
        "tuireader": str(Path(tuireader.__file__).parent),
        "papers": len(papers),
        "warnings": len(result.warnings),
        "seconds": round(seconds, 3),
        "mb_per_s": round(size / 1e6 / seconds, 1),
        "papers_per_s": round(len(papers) / seconds),
        "rss_before_parse_mib": round(rss_before, 1),
        "peak_rss_mib": round(rss_after, 1),
        "own_rss_before_parse_mib": own_before,
        "own_peak_rss_mib": own_peak_rss_mib(),
        "papers_text_mib": round(
            sum(sys.getsizeof(p.title) + sys.getsizeof(p.abstract) for p in papers) / 2**20, 1
        ),
    }


def child_load(folder: Path) -> dict[str, Any]:
    """Load the folder once, in this fresh process."""
    import tuireader
    from tuireader.core.library import load_library

    started = time.perf_counter()
    library = load_library([folder])
    seconds = time.perf_counter() - started
    return {
        "tuireader": str(Path(tuireader.__file__).parent),
        "papers": len(library),
        "warnings": len(library.warnings),
        "warned_files": len({warning.source for warning in library.warnings}),
        "seconds": round(seconds, 3),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "own_peak_rss_mib": own_peak_rss_mib(),
    }


def run_child(kind: str, path: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--path", str(path)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def runs(kind: str, path: Path, repeat: int) -> dict[str, Any]:
    """The first run in full, and every run's seconds (each in a fresh process)."""
    results = [run_child(kind, path) for _ in range(repeat)]
    return {**results[0], "seconds_per_run": [r["seconds"] for r in results]}


# --- Driver -------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=200.0, help="size of the big digest")
    parser.add_argument("--files", type=int, default=10_000, help="non-digest files to load")
    parser.add_argument("--repeat", type=int, default=1, help="child runs per measurement")
    parser.add_argument("--tmp", type=Path, help="make the temporary folder in here")
    parser.add_argument("--child", choices=("parse", "load"), help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        child = child_parse if args.child == "parse" else child_load
        json.dump(child(args.path), sys.stdout)
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-files-", dir=args.tmp) as scratch:
        big = Path(scratch) / "huge.md"
        started = time.perf_counter()
        expected_papers = write_large_digest(big, args.size_mb)
        generate_seconds = time.perf_counter() - started
        size = big.stat().st_size
        warm_page_cache(big)
        parse = runs("parse", big, args.repeat)
        big.unlink()  # free the space before the next part

        folder = Path(scratch) / "notes"
        started = time.perf_counter()
        write_non_digest_folder(folder, args.files)
        folder_seconds = time.perf_counter() - started
        load = runs("load", folder, args.repeat)

    report = {
        "parent_peak_rss_mib": round(peak_rss_mib(), 1),
        "machine": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "large_digest": {
            "mb": round(size / 1e6, 1),
            "papers_written": expected_papers,
            "generate_seconds": round(generate_seconds, 2),
            **parse,
            "all_papers_read": parse["papers"] == expected_papers and parse["warnings"] == 0,
        },
        "non_digest_folder": {
            "files": args.files + 1,
            "generate_seconds": round(folder_seconds, 2),
            **load,
            "one_warning_per_file": load["warnings"] == load["warned_files"] == args.files,
        },
    }
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
