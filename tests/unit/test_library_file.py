"""The library file: what a warm start maps instead of re-reading every
digest's cache entry. Real digests, real files in a temporary folder."""

from __future__ import annotations

import dataclasses
import json
import shutil
import struct
import threading
from pathlib import Path
from typing import Any

import pytest
from library_file_helpers import fresh, keep, load, reopened

from tuireader.core import library_file, word_index
from tuireader.core.library_file import writing
from tuireader.core.library_file.mapped import UNREADABLE
from tuireader.core.library_file.sections import MAGIC, SectionReader
from tuireader.core.search import SearchIndex

QUERIES = ["diffusion", "segm", "3d pose", "au:wang", "cat:cs.LG", "date:2021-07", "id:2201.1"]
QUERIES += ["ti:segmentation -cat:eess", "alpha", "nurnberger", "difusion"]


@pytest.fixture
def digests(tmp_path: Path, samples_dir: Path) -> Path:
    return Path(shutil.copytree(samples_dir, tmp_path / "digests"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "library"


def test_a_kept_library_reads_back_equal_and_searches_the_same(digests: Path, folder: Path) -> None:
    library, _ = keep(folder, [digests])
    opened = reopened(folder, [digests])
    mapped = opened.library
    assert mapped.ordered_ids == library.ordered_ids
    assert dict(mapped.papers) == dict(library.papers)
    assert list(mapped.ordered_papers()) == list(library.ordered_papers())
    assert mapped.by_date == library.by_date
    assert mapped.by_category == library.by_category
    assert mapped.warnings == library.warnings
    assert mapped.categories == library.categories
    kept, fresh = SearchIndex(opened.columns), SearchIndex(library.ordered_papers())
    assert kept.words_indexed  # the word index comes with the file
    for query in QUERIES:
        assert kept.search(query) == fresh.search(query), query


def test_letters_of_a_mapped_file_answer_alike_and_let_its_pages_go(
    digests: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Noting the texts' letters reads every word id of the file: those pages
    are let go as it goes (a million abstracts' ids are 470 MB), and one-letter
    searches then answer as from the digests."""
    library, _ = keep(folder, [digests])
    released: list[str | None] = []
    release = SectionReader.release

    def spied(self: SectionReader, name: str | None = None) -> None:
        released.append(name)
        release(self, name)

    monkeypatch.setattr(SectionReader, "release", spied)
    monkeypatch.setattr(word_index, "_BYTES_HELD", 200)
    kept, fresh = (
        SearchIndex(reopened(folder, [digests]).columns),
        SearchIndex(library.ordered_papers()),
    )
    released.clear()  # what opening let go of
    kept.index_words()
    for field in ("titles", "authors", "keys", "abstracts"):
        assert released.count(f"{field}_word_ids") >= 2, field  # on the way and at the end
    for query in ["d", "q", "z", "d x", "ti:a", "au:w", "-e", "é"]:
        assert kept.search(query) == fresh.search(query), query


def test_no_file_is_written_without_room_to_spare(
    digests: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library file is a cache: it never fills the disk. With less free
    space than the file and :data:`SPARE_BYTES`, nothing is written (not
    even in part) and the error says how much it needs; with enough, it is.
    (The disk's free space is the one thing a test must pretend.)"""
    library, index, builder = load([digests])
    key = library_file.key_of(builder.files)
    assert key is not None
    target = library_file.location(folder, [digests])
    size = writing.BYTES_PER_DIGEST_BYTE * sum(size for _path, size, _mtime in key)
    real = shutil.disk_usage

    def free(bytes_free: int) -> None:
        monkeypatch.setattr(shutil, "disk_usage", lambda path: real(path)._replace(free=bytes_free))

    free(writing.SPARE_BYTES + size - 1)
    with pytest.raises(
        library_file.NoRoom,
        match=r"needs about [\d.]+ MB, and 1\.0 GB is free on the disk of .*library",
    ):
        library_file.write(target, key, library, index)
    assert not folder.exists() or not any(folder.iterdir())
    free(writing.SPARE_BYTES + size)
    assert library_file.write(target, key, library, index)
    target.unlink()

    def unknown(path: Path) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(shutil, "disk_usage", unknown)  # free space not known: written
    assert library_file.write(target, key, library, index)
    assert reopened(folder, [digests]).library.ordered_ids == library.ordered_ids


def test_warnings_of_the_load_are_kept_with_it(tmp_path: Path, data_dir: Path) -> None:
    digests = Path(shutil.copytree(data_dir, tmp_path / "digests"))
    library, _ = keep(tmp_path / "library", [digests])
    assert library.warnings
    assert reopened(tmp_path / "library", [digests]).library.warnings == library.warnings


@pytest.mark.parametrize("change", ["changed", "added", "removed"])
def test_a_change_to_the_digests_makes_the_file_stale(
    digests: Path, folder: Path, change: str
) -> None:
    keep(folder, [digests])
    some = sorted(digests.rglob("*.md"))[0]
    if change == "changed":
        some.write_text(some.read_text() + "\n")
    elif change == "added":
        (digests / "2030-01-01.md").write_text(some.read_text())
    else:
        some.unlink()
    assert fresh(folder, [digests]) is None  # stale (no damage: fresh asserts that)
    keep(folder, [digests])  # the slow load writes it again
    assert reopened(folder, [digests]).library.papers.keys() == load([digests])[0].papers.keys()


def test_each_set_of_folders_has_its_own_file(digests: Path, folder: Path) -> None:
    one = sorted(digests.iterdir())[0]
    keep(folder, [digests])
    keep(folder, [one])
    assert len(reopened(folder, [one]).library) < len(reopened(folder, [digests]).library)


def damage_truncated(target: Path) -> None:
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])


def damage_footer(target: Path) -> None:
    data = bytearray(target.read_bytes())
    data[-10:] = b"\xff" * 10
    target.write_bytes(bytes(data))


def damage_version(target: Path) -> None:
    data = target.read_bytes()
    target.write_bytes(data.replace(b'"format": 1,', b'"format": 9,'))


def damage_foreign(target: Path) -> None:
    target.write_text("# just some notes\n" * 100)


def damage_empty(target: Path) -> None:
    target.write_bytes(b"")


def damage_sections(target: Path) -> None:
    """A footer whose sections point past the data (as a bad copy could)."""
    data = target.read_bytes()
    target.write_bytes(data.replace(b'"ids": [24,', b'"ids": [999999999,'))


def damage_a_column(target: Path) -> None:
    """A word id past the vocabulary, as a flipped bit on disk could make."""
    offset = json_footer(target)["sections"]["abstracts_word_ids"][0]
    data = bytearray(target.read_bytes())
    data[offset : offset + 4] = (2**31 - 1).to_bytes(4, "little")
    target.write_bytes(bytes(data))


def damage_listings(target: Path) -> None:
    """A listing that names a position before the first."""
    offset = json_footer(target)["sections"]["date_positions"][0]
    data = bytearray(target.read_bytes())
    data[offset : offset + 8] = (-5).to_bytes(8, "little", signed=True)
    target.write_bytes(bytes(data))


def damage_key(target: Path) -> None:
    """A footer whose key has an entry of the wrong shape."""
    footer = json_footer(target)
    footer["key"][0] = [footer["key"][0][0], "not a size"]
    data = target.read_bytes()
    offset = struct.unpack_from("<QQ", data, len(MAGIC))[0]
    written = json.dumps(footer).encode()
    head = MAGIC + struct.pack("<QQ", offset, len(written))
    target.write_bytes(head + data[len(head) : offset] + written)


def json_footer(target: Path) -> dict[str, Any]:
    data = target.read_bytes()
    offset, length = struct.unpack_from("<QQ", data, len(MAGIC))
    footer: dict[str, Any] = json.loads(data[offset : offset + length])
    return footer


DAMAGE = [
    damage_a_column,
    damage_listings,
    damage_truncated,
    damage_footer,
    damage_version,
    damage_foreign,
    damage_empty,
    damage_sections,
    damage_key,
]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda damage: damage.__name__)
def test_a_damaged_file_is_a_warning_then_rebuilt(
    digests: Path, folder: Path, damage: object
) -> None:
    _, target = keep(folder, [digests])
    before = target.read_bytes()
    assert callable(damage)
    damage(target)
    assert target.read_bytes() != before
    found = library_file.kept(folder, [digests])
    if found.reader is None:  # seen at once (the head, the footer)
        warning = found.warning
    else:  # seen once the columns are read
        with pytest.raises(library_file.Damaged) as raised:
            found.reader.newest_day()
            found.reader.read()
        warning = library_file.damaged(target, raised.value)
    assert warning is not None
    assert str(target) in str(warning) and "rebuilt" in str(warning)
    keep(folder, [digests])
    assert len(reopened(folder, [digests]).library) == 240


def test_a_damaged_record_reads_as_a_paper_that_says_so(digests: Path, folder: Path) -> None:
    library, target = keep(folder, [digests])
    offset = json_footer(target)["sections"]["records"][0]
    data = bytearray(target.read_bytes())
    data[offset : offset + 8] = b"\xff" * 8  # the first record's start
    target.write_bytes(bytes(data))
    opened = reopened(folder, [digests])
    first = opened.library.ordered_papers()[0]
    assert first.id == library.ordered_ids[0] and first.title == UNREADABLE
    assert opened.library.ordered_papers()[1] == library.ordered_papers()[1]


def test_magic_names_the_file_kind(digests: Path, folder: Path) -> None:
    _, target = keep(folder, [digests])
    assert target.read_bytes().startswith(MAGIC)


def test_an_open_library_survives_the_file_being_rewritten(digests: Path, folder: Path) -> None:
    """Two apps: one has the file open while the other writes a new one."""
    library, _ = keep(folder, [digests])
    opened = reopened(folder, [digests])
    (digests / "2030-01-01.md").write_text(sorted(digests.rglob("*.md"))[0].read_text())
    keep(folder, [digests])
    assert list(opened.library.ordered_papers()) == list(library.ordered_papers())
    assert SearchIndex(opened.columns).search("segmentation").positions


def test_writers_at_once_leave_one_whole_file(digests: Path, folder: Path) -> None:
    library, index, builder = load([digests])
    key = library_file.key_of(builder.files)
    assert key is not None
    target = library_file.location(folder, [digests])
    results: list[bool] = []

    def write() -> None:
        results.append(library_file.write(target, key, library, index))

    writers = [threading.Thread(target=write) for _ in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert results == [True, True, True]
    assert list(reopened(folder, [digests]).library.ordered_papers()) == list(
        library.ordered_papers()
    )
    assert [path.name for path in folder.iterdir()] == [target.name]  # no temporary left


def test_an_id_the_file_cannot_hold_leaves_no_file(digests: Path, folder: Path) -> None:
    """IDs are kept NUL-separated; the parser never lets a NUL through, and a
    writer handed one anyway writes nothing rather than a wrong file."""
    library, index, builder = load([digests])
    key = library_file.key_of(builder.files)
    assert key is not None
    columns = index.columns()
    bad = SearchIndex(dataclasses.replace(columns, ids=("a\0b", *columns.ids[1:])))
    assert not library_file.write(library_file.location(folder, [digests]), key, library, bad)
    assert not folder.exists() or not list(folder.iterdir())


def test_only_the_most_recently_used_files_are_kept(digests: Path, folder: Path) -> None:
    days = sorted(digests.rglob("*.md"))[: library_file.KEPT + 1]
    for day in days:
        keep(folder, [day])
    assert len(list(folder.glob("*" + library_file.SUFFIX))) == library_file.KEPT
    assert library_file.kept(folder, [days[0]]).reader is None  # the oldest went
    assert fresh(folder, [days[-1]]) is not None


def test_the_newest_day_comes_first_and_alone(digests: Path, folder: Path) -> None:
    library, _ = keep(folder, [digests])
    reader = fresh(folder, [digests])
    assert reader is not None
    first = reader.newest_day()
    newest = library.dates[0]
    assert first.dates == (newest,)
    assert first.ordered_ids == library.by_date[newest]
    assert list(first.ordered_papers()) == library.papers_on(newest)


def test_an_empty_library_round_trips(tmp_path: Path) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    keep(tmp_path / "library", [empty])
    opened = reopened(tmp_path / "library", [empty])
    assert len(opened.library) == 0
    reader = fresh(tmp_path / "library", [empty])
    assert reader is not None and len(reader.newest_day()) == 0
    assert SearchIndex(opened.columns).search("anything").positions == ()
