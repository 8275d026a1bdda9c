"""The parse cache, on the real samples and a real cache folder under tmp_path.

The cache must be invisible: whatever it holds, a load gives the same library
as parsing every file afresh, and only new or changed files are parsed again.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tuireader.core.cache import FORMAT_VERSION, ParseCache, schema_of
from tuireader.core.formats import parse_file
from tuireader.core.library import Library, load_library
from tuireader.core.model import Paper

SAMPLE_COUNT = 5
CHANGED = "2021-07-21-cs.CV.md"
CHANGED_ID = "2107.09652"
CHANGED_TITLE = "Towards Privacy-preserving Explanations in Medical Image Analysis"
OTHER = "2021-01-22-cs.CV.md"
DELETED, DELETED_DAY, DELETED_PAPERS = "2020-08-21-cs.CV.md", date(2020, 8, 21), 47

NEW_DIGEST = """# ArXiv cs.CV --Thu, 22 Jul 2021
### 1.A Paper Only The New File Lists  [ :arrow_down: ](https://arxiv.org/pdf/2107.99991.pdf)
>  Its abstract.
### 2.Another New Paper  [ :arrow_down: ](https://arxiv.org/pdf/2107.99992.pdf)
>  Another abstract.
"""


@pytest.fixture
def library_dir(tmp_path: Path, samples_dir: Path) -> Path:
    """Writable copies of the samples (the originals are read-only), nesting kept."""
    target = tmp_path / "digests"
    for source in sorted(samples_dir.rglob("*.md")):
        copy = target / source.relative_to(samples_dir)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes())
    assert len(list(target.rglob("*.md"))) == SAMPLE_COUNT
    return target


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.digest"))


def cached_load(paths: list[Path], folder: Path | None = None) -> tuple[Library, ParseCache]:
    """Load as the app does: a fresh ParseCache, like a new run of the program."""
    cache = ParseCache(folder)
    return load_library(paths, cache), cache


def assert_same_library(got: Library, cold: Library) -> None:
    """Equal paper by paper and field by field, types included (a list for a
    tuple or an int for a date would still show, but differently)."""
    for got_paper, cold_paper in zip(got.ordered_papers(), cold.ordered_papers(), strict=True):
        for name in Paper.__dataclass_fields__:
            got_value, cold_value = getattr(got_paper, name), getattr(cold_paper, name)
            assert (type(got_value), got_value) == (type(cold_value), cold_value), name
    assert got.warnings == cold.warnings
    assert got == cold  # also by_date and ordered_ids


def test_second_load_is_all_hits_and_equals_a_cold_parse(
    library_dir: Path, isolated_user_dirs: dict[str, Path]
) -> None:
    """The point of the cache: a warm start parses nothing yet shows the same papers."""
    cold = load_library([library_dir])
    first, first_cache = cached_load([library_dir])
    assert (first_cache.hits, first_cache.misses) == (0, SAMPLE_COUNT)
    # The default folder is the user cache folder (here the test's own).
    assert first_cache.folder.is_relative_to(isolated_user_dirs["XDG_CACHE_HOME"])
    assert len(entries(first_cache.folder)) == SAMPLE_COUNT
    assert_same_library(first, cold)

    warm, warm_cache = cached_load([library_dir])
    assert (warm_cache.hits, warm_cache.misses) == (SAMPLE_COUNT, 0)
    assert len(warm) == 240
    assert_same_library(warm, cold)


@pytest.mark.parametrize("change", ["same size, newer mtime", "new size, same mtime"])
def test_a_changed_file_reparses_only_itself(
    library_dir: Path, tmp_path: Path, change: str
) -> None:
    """Either half of the (size, mtime) check alone must catch an edit."""
    folder = tmp_path / "cache"
    cached_load([library_dir], folder)
    path = library_dir / CHANGED
    before = path.stat()
    if change.startswith("same size"):
        new_title = CHANGED_TITLE.replace("Analysis", "Analyses")
    else:
        new_title = "A Longer Title Written After The Cache Was Filled"
    path.write_text(path.read_text("utf-8").replace(CHANGED_TITLE, new_title, 1), "utf-8")
    if change.startswith("same size"):
        assert path.stat().st_size == before.st_size
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    else:
        assert path.stat().st_size != before.st_size
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    library, cache = cached_load([library_dir], folder)
    assert (cache.hits, cache.misses) == (SAMPLE_COUNT - 1, 1)
    paper = library.find(CHANGED_ID)
    assert paper is not None and paper.title == new_title
    assert_same_library(library, load_library([library_dir]))


def test_a_new_file_is_the_only_one_parsed(library_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    cached_load([library_dir], folder)
    (library_dir / "2021-07-22-cs.CV.md").write_text(NEW_DIGEST, "utf-8")

    library, cache = cached_load([library_dir], folder)
    assert (cache.hits, cache.misses) == (SAMPLE_COUNT, 1)
    assert len(library) == 242
    assert [p.id for p in library.papers_on(date(2021, 7, 22))] == ["2107.99991", "2107.99992"]
    assert_same_library(library, load_library([library_dir]))


def test_a_deleted_file_drops_out(library_dir: Path, tmp_path: Path) -> None:
    """Its entry is still in the cache folder, but nothing asks for it any more."""
    folder = tmp_path / "cache"
    cached_load([library_dir], folder)
    (library_dir / DELETED).unlink()

    library, cache = cached_load([library_dir], folder)
    assert (cache.hits, cache.misses) == (SAMPLE_COUNT - 1, 0)
    assert DELETED_DAY not in library.dates
    assert len(library) == 240 - DELETED_PAPERS
    assert_same_library(library, load_library([library_dir]))


def _swapped(names: tuple[str, str]) -> type:
    """Paper with two same-typed fields in each other's place."""
    fields = [(f.name, f.type, f) for f in dataclasses.fields(Paper)]
    first, second = (next(i for i, f in enumerate(fields) if f[0] == n) for n in names)
    assert fields[first][1] == fields[second][1]
    fields[first], fields[second] = fields[second], fields[first]
    return dataclasses.make_dataclass("Paper", fields)


SWAPPED_PAPER = _swapped(("doi", "comment"))


# Each takes the damaged file's good entry and another file's entry, and returns
# the bytes to plant. Where the body is kept whole, it is the *other* file's, so
# an entry wrongly accepted would show the wrong papers, not just a counter.
Damage = Callable[[bytes, bytes], bytes]


def _replanted(
    stamp: object = None, key: object = None, digest: object = None, warnings: object = None
) -> Damage:
    """An entry of the right shape with the given parts replaced."""

    def damage(own: bytes, other: bytes) -> bytes:
        own_stamp, own_key, _, _ = marshal.loads(own)
        _, _, other_digest, other_warnings = marshal.loads(other)
        return marshal.dumps(
            (
                own_stamp if stamp is None else stamp,
                own_key if key is None else key(own_key),  # type: ignore[operator]
                other_digest if digest is None else digest,
                other_warnings if warnings is None else warnings,
            )
        )

    return damage


def _with_papers(papers: object) -> Damage:
    def damage(own: bytes, other: bytes) -> bytes:
        stamp, key, digest, warnings = marshal.loads(own)
        return marshal.dumps((stamp, key, (*digest[:4], papers), warnings))

    return damage


DAMAGES: dict[str, Damage] = {
    "empty": lambda own, other: b"",
    "garbage bytes": lambda own, other: bytes(range(256)) * 8,
    "truncated marshal": lambda own, other: own[: len(own) // 2],
    "last byte cut": lambda own, other: own[:-1],
    "not a tuple": lambda own, other: marshal.dumps(42),
    "too few parts": lambda own, other: marshal.dumps(marshal.loads(own)[:3]),
    "too many parts": lambda own, other: marshal.dumps((*marshal.loads(own), None)),
    "stamp not a tuple": _replanted(stamp=FORMAT_VERSION),
    "digest of wrong shape": _replanted(digest=("cs.CV", 1)),
    "digest not a tuple": _replanted(digest="a digest"),
    "papers not tuples": _with_papers((1, 2, 3)),
    "paper of wrong shape": _with_papers((("2107.09652", "Title"),)),
    "date not an ordinal": _replanted(digest=("2021-07-21", "cs.CV", "x", "arxiv-listing", ())),
    "warning of wrong shape": _replanted(warnings=(("only a source",),)),
    "old format version": _replanted(
        stamp=(FORMAT_VERSION - 1, tuple(sys.version_info[:2]), schema_of(Paper))
    ),
    "other Python version": _replanted(stamp=(FORMAT_VERSION, (2, 7), schema_of(Paper))),
    # A tuireader whose Paper had two fields of one type in the other order
    # would read one as the other: its entries must not load.
    "fields reordered": _replanted(
        stamp=(FORMAT_VERSION, tuple(sys.version_info[:2]), schema_of(SWAPPED_PAPER))
    ),
    "key of another path": _replanted(key=lambda key: (key[0] + ".old", *key[1:])),
    "key of another size": _replanted(key=lambda key: (key[0], key[1] + 1, key[2])),
    "key of another mtime": _replanted(key=lambda key: (*key[:2], key[2] - 1)),
    "another file's entry": lambda own, other: other,
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_entry_is_reparsed_and_rewritten(
    library_dir: Path, tmp_path: Path, damage: Damage
) -> None:
    folder = tmp_path / "cache"
    path, other_path = library_dir / CHANGED, library_dir / OTHER
    ParseCache(folder)(path)
    (entry,) = entries(folder)
    ParseCache(folder)(other_path)
    (other_entry,) = set(entries(folder)) - {entry}
    good = entry.read_bytes()
    entry.write_bytes(damage(good, other_entry.read_bytes()))
    fresh = parse_file(path)

    cache = ParseCache(folder)
    assert cache(path) == fresh
    assert (cache.hits, cache.misses) == (0, 1)
    assert marshal.loads(entry.read_bytes()) == marshal.loads(good)  # rewritten

    warm = ParseCache(folder)
    assert warm(path) == fresh
    assert (warm.hits, warm.misses) == (1, 0)


@pytest.mark.parametrize("blocked", ["cache folder", "its parent"])
def test_an_unwritable_cache_never_stops_a_load(
    library_dir: Path, isolated_user_dirs: dict[str, Path], blocked: str
) -> None:
    """A regular file where a folder should be: fails to write even as root."""
    user_cache = isolated_user_dirs["XDG_CACHE_HOME"]
    if blocked == "cache folder":
        blocker = folder = user_cache / "parsed"
    else:
        blocker, folder = user_cache / "tuireader", None  # the default folder's parent
    blocker.write_text("not a folder")
    cold = load_library([library_dir])

    for _ in range(2):  # nothing is cached, so every load parses everything
        library, cache = cached_load([library_dir], folder)
        assert (cache.hits, cache.misses) == (0, SAMPLE_COUNT)
        assert_same_library(library, cold)
    assert blocker.read_text() == "not a folder"


def test_warnings_come_back_from_the_cache(
    tmp_path: Path, samples_dir: Path, data_dir: Path
) -> None:
    """A warm start must still tell the user what was wrong with their files."""
    folder = tmp_path / "digests"
    folder.mkdir()
    lines = (samples_dir / CHANGED).read_bytes().split(b"\n")
    lines[4] = lines[4][:40] + b"\xff\xfe" + lines[4][40:]  # an abstract line
    (folder / "bad-utf8.md").write_bytes(b"\n".join(lines))
    (folder / "notes.md").write_bytes((data_dir / "not_a_digest.md").read_bytes())
    cold = load_library([folder])
    messages = sorted(warning.message for warning in cold.warnings)
    assert messages == ["invalid UTF-8, replaced with �", "not a digest (no known header), skipped"]
    assert len(cold) == 45

    cache_folder = tmp_path / "cache"
    cached_load([folder], cache_folder)
    warm, cache = cached_load([folder], cache_folder)
    assert (cache.hits, cache.misses) == (2, 0)
    assert_same_library(warm, cold)


def test_the_papers_of_a_day_share_their_dates_after_a_warm_start(tmp_path: Path) -> None:
    """A library has a few hundred days and a million papers: the papers of
    one day hold one tuple of dates, from the cache as from the parser."""
    folder = tmp_path / "digests"
    folder.mkdir()
    for day in (1, 2):
        papers = "".join(
            f"### {n}.On $\\alpha$-divergence  [ :arrow_down: ](https://arxiv.org/pdf/2103.{day}{n:04d}.pdf)\n"
            f">  We bound it by $\\pm 1$ and $\\sqrt{{T}}$.\n"
            for n in range(1, 4)
        )
        (folder / f"2021-03-0{day}.md").write_text(
            f"# ArXiv cs.LG --Mon, {day} Mar 2021\n{papers}", encoding="utf-8"
        )
    cached_load([folder])  # cold: the cache written
    papers = cached_load([folder])[0].ordered_papers()  # warm
    assert len(papers) == 6
    assert len({id(paper.dates) for paper in papers}) == len({paper.dates for paper in papers}) == 2
