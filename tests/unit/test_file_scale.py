"""Scale: a huge digest is streamed, not read whole; a folder of thousands of
files that are not digests loads with one warning each.

Memory is measured with tracemalloc, which counts Python allocations exactly
and does not depend on the machine; nothing here is timed (speed goals live in
``benchmarks/``).
"""

from __future__ import annotations

import gc
import random
import re
import shutil
import sys
import tracemalloc
from collections import Counter
from datetime import date
from pathlib import Path

from tuireader.core.formats import parse_file
from tuireader.core.library import load_library
from tuireader.core.model import Paper

LISTING = "2021-07-21-cs.CV.md"
_TITLE_LINE = re.compile(
    r"###\s*\d+\.(?P<title>.*\[ :arrow_down: \]\()https://arxiv\.org/pdf/[^)]+\)\s*"
)


def listing_entries(sample: Path) -> list[tuple[str, str]]:
    """The (title with the link's opening, abstract lines) of each entry of a
    real listing digest, to be repeated under new IDs."""
    entries = []
    for block in re.split(r"\n(?=###)", sample.read_text(encoding="utf-8").split("\n", 1)[1]):
        title_line, _, abstract = block.strip("\n").partition("\n")
        match = _TITLE_LINE.fullmatch(title_line)
        assert match is not None, title_line
        entries.append((match["title"], abstract))
    return entries


def write_large_listing(sample: Path, path: Path, size: int) -> int:
    """Write a listing digest of about ``size`` bytes made of the sample's
    entries under distinct IDs 2101.00000, 2101.00001, ...; return the count."""
    entries = listing_entries(sample)
    written = count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("# ArXiv cs.CV --Fri, 22 Jan 2021\n")
        while written < size:
            chunk = []
            for _ in range(1000):
                title, abstract = entries[count % len(entries)]
                chunk.append(
                    f"### {count + 1}.{title}https://arxiv.org/pdf/2101.{count:05d}.pdf)\n"
                    f"{abstract}\n"
                )
                count += 1
            text = "".join(chunk)
            out.write(text)
            written += len(text.encode("utf-8"))
    assert count < 100_000  # IDs stay 2101.NNNNN
    return count


def text_bytes(papers: tuple[Paper, ...]) -> int:
    """Memory held by the papers' titles and abstracts (almost the whole file)."""
    return sum(sys.getsizeof(paper.title) + sys.getsizeof(paper.abstract) for paper in papers)


def test_a_large_digest_is_streamed(samples_dir: Path, tmp_path: Path) -> None:
    """A 25 MB digest costs little more memory than the papers it holds.

    Measured: streaming peaks at ~1.25x the papers' text, and the transient
    memory (peak minus what the result keeps) is a few kB. Reading the file
    whole (``read_text().splitlines()``, ``read()`` then ``BytesIO``, or a list
    of all lines) peaks at 2.2-3.3x, with 25-50 MB transient: both bounds
    below fail for each of those variants.
    """
    path = tmp_path / "huge.md"
    count = write_large_listing(samples_dir / LISTING, path, 25_000_000)
    size = path.stat().st_size
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = parse_file(path)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.warnings == ()
    assert result.digest is not None
    papers = result.digest.papers
    assert len(papers) == count
    assert [paper.id for paper in papers] == [f"2101.{n:05d}" for n in range(count)]
    originals = parse_file(samples_dir / LISTING).digest.papers  # type: ignore[union-attr]
    for n in (0, 1, len(originals), count // 2, count - 1):  # spot checks across the file
        expected = originals[n % len(originals)]
        assert (papers[n].title, papers[n].abstract) == (expected.title, expected.abstract)

    transient, used = peak - kept, peak - before
    assert transient < size / 4, f"{transient / 1e6:.1f} MB transient: file read whole?"
    assert used < 1.6 * text_bytes(papers), f"peak {used / 1e6:.1f} MB for {size / 1e6:.1f} MB"


NON_DIGEST_FILES = 10_000
WORDS = (
    "notes todo reading list paper idea meeting draft segmentation diffusion model "
    "review ask Bob about the results tomorrow - * [ ] 1. 2021 arXiv cs.CV > ##"
).split()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def non_digest(number: int, rng: random.Random) -> tuple[bytes, int, str]:
    """A small file that is not a digest, and the line and words of its one warning."""
    kind = number % 50
    if kind == 0:
        return PNG, 0, "binary file"
    if kind == 1:
        return b"", 0, "empty file"
    if kind == 2:
        return b"\n  \t\n", 0, "empty file"
    words = " ".join(rng.choices(WORDS, k=rng.randint(1, 12)))
    if kind == 3:  # a Markdown note; the broken bytes after its first line are never read
        return f"# Reading list\n\n- {words}\n".encode() + b"\xff\xfe\n", 1, "not a digest"
    if kind == 4:  # almost a header
        return f"# ArXiv cs.CV --{words}\n".encode(), 1, "not a digest"
    return f"\n{words}\n{words}\n".encode(), 2, "not a digest"


def test_ten_thousand_non_digests_next_to_one_sample(samples_dir: Path, tmp_path: Path) -> None:
    """Every file gets exactly one warning naming it, and the sample still loads."""
    folder = tmp_path / "notes"
    folder.mkdir()
    rng = random.Random(1)
    expected: dict[str, tuple[int, str]] = {}
    for number in range(NON_DIGEST_FILES):
        path = folder / f"note-{number:05d}{('.md', '.txt', '.markdown')[number % 3]}"
        content, line, message = non_digest(number, rng)
        path.write_bytes(content)
        expected[str(path)] = (line, message)
    # Not digest files by name: never opened, never warned about.
    (folder / "figure.png").write_bytes(PNG)
    (folder / "data.json").write_bytes(b"{}")
    (folder / ".hidden.md").write_bytes(b"junk")
    sample = folder / "nested" / "2021-07-21.md"
    sample.parent.mkdir()
    shutil.copyfile(samples_dir / LISTING, sample)

    library = load_library([folder])

    papers = parse_file(samples_dir / LISTING).digest.papers  # type: ignore[union-attr]
    assert len(library) == len(papers)
    assert library.dates == (date(2021, 7, 21),)
    assert library.papers_on(date(2021, 7, 21)) == list(papers)
    assert Counter(warning.source for warning in library.warnings) == Counter(expected.keys())
    for warning in library.warnings:
        line, message = expected[warning.source]
        assert (warning.line, message) == (line, warning.message[: len(message)]), warning
