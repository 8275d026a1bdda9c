"""TOML kept parsed in the cache folder: the same document as tomllib's,
whether parsed or read back; never stale, never in the way. Real files in
a temporary folder."""

from __future__ import annotations

import marshal
import tomllib
from datetime import UTC, date, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.core import locations, parsed_toml
from tuireader.core.store import AnnotationStore

EVERY_KIND = b"""
version = 1
title = "caf\\u00e9 \xe2\x80\x94 [red]x[/]"
count = 42
ratio = 0.25
big = inf
on = true
when = 2026-11-27T08:30:00.123456Z
east = 2026-11-27T08:30:00+05:30
local = 2026-11-27T08:30:00
day = 2026-11-27
at = 08:30:00.5
list = [1, "two", 2026-01-02, [3, 4]]
inline = { a = 1, b = 2026-11-27T00:00:00Z }

[papers."2101.00001"]
starred = true
starred_at = 2026-11-27T08:30:00Z
tags = ["a", "b"]

[[history]]
at = 2026-11-27T08:30:00Z

[[history]]
at = 2026-11-28T08:30:00Z
"""


def kept(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.marshal"))


def test_parsed_and_read_back_equal_tomllib(tmp_path: Path) -> None:
    expected = tomllib.loads(EVERY_KIND.decode())
    assert parsed_toml.loads(EVERY_KIND, tmp_path) == expected
    [copy] = kept(tmp_path)
    assert parsed_toml.loads(EVERY_KIND, tmp_path) == expected
    read_back = parsed_toml.loads(EVERY_KIND, tmp_path)
    assert read_back["when"].tzinfo is not None and read_back["local"].tzinfo is None
    assert type(read_back["day"]) is date and type(read_back["at"]) is time
    assert kept(tmp_path) == [copy]
    assert copy.stat().st_mode & 0o077 == 0  # notes are private: this user's only


def test_the_kept_copy_is_what_is_read(tmp_path: Path) -> None:
    """Proof that the second read comes from the cache folder: a kept copy
    changed by hand is what comes back, for the same bytes only."""
    parsed_toml.loads(EVERY_KIND, tmp_path)
    [copy] = kept(tmp_path)
    copy.write_bytes(marshal.dumps({"from": "the kept copy"}))
    assert parsed_toml.loads(EVERY_KIND, tmp_path) == {"from": "the kept copy"}
    other = EVERY_KIND + b"\n# edited\n"
    assert parsed_toml.loads(other, tmp_path) == tomllib.loads(other.decode())


def test_an_edited_file_is_parsed_again_and_only_its_copy_is_kept(tmp_path: Path) -> None:
    parsed_toml.loads(b"version = 1\n", tmp_path)
    edited = b"version = 1\nnote = 'changed by a merge'\n"
    assert parsed_toml.loads(edited, tmp_path)["note"] == "changed by a merge"
    assert len(kept(tmp_path)) == 1


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00garbage",
        marshal.dumps(("datetime",)),
        marshal.dumps(("x", "y")),
        marshal.dumps([1, 2]),
        marshal.dumps({"when": ("datetime", "not a time")}),
    ],
)
def test_a_damaged_copy_is_parsed_again_and_replaced(tmp_path: Path, damage: bytes) -> None:
    parsed_toml.loads(EVERY_KIND, tmp_path)
    [copy] = kept(tmp_path)
    copy.write_bytes(damage)
    assert parsed_toml.loads(EVERY_KIND, tmp_path) == tomllib.loads(EVERY_KIND.decode())
    assert copy.read_bytes() != damage
    assert parsed_toml.loads(EVERY_KIND, tmp_path) == tomllib.loads(EVERY_KIND.decode())


def test_no_cache_folder_to_write_still_reads(tmp_path: Path) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    assert parsed_toml.loads(EVERY_KIND, blocked) == tomllib.loads(EVERY_KIND.decode())


def test_a_bad_file_raises_as_tomllib_does_and_nothing_is_kept(tmp_path: Path) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        parsed_toml.loads(b"version = = 1", tmp_path)
    with pytest.raises(UnicodeDecodeError):
        parsed_toml.loads(b"title = '\xff'", tmp_path)
    assert kept(tmp_path) == []


_TIMES = st.one_of(
    st.datetimes(
        timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=-3, minutes=-30))])
    ),
    st.dates(),
    st.times(),
)
_VALUES = st.recursive(
    st.one_of(st.text(), st.integers(), st.booleans(), st.floats(allow_nan=False), _TIMES),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(value=_VALUES)
def test_every_value_round_trips(value: object) -> None:
    assert parsed_toml._restored(marshal.loads(marshal.dumps(parsed_toml._plain(value)))) == value


def test_the_store_sees_an_edit_made_behind_its_back() -> None:
    """The annotations file read through the cache: a star made, then the
    file changed by another program (a git merge), each seen by the next start."""
    store = AnnotationStore()
    assert store.load() == []
    store.set_star("2101.00001", True, title="One")
    for _ in range(2):  # parsed, then read back
        again = AnnotationStore()
        assert again.load() == []
        assert again.starred_ids() == {"2101.00001"}
    path = locations.annotations_file()
    path.write_bytes(path.read_bytes().replace(b"starred = true", b"starred = false"))
    after = AnnotationStore()
    assert after.load() == []
    assert after.starred_ids() == set()
    assert len(kept(locations.cache_dir() / "annotations")) == 1


@pytest.mark.parametrize(
    "kept_document",
    [{"version": "x"}, {"version": 1, "papers": 5}, {"version": 1, "papers": {"2101.00001": 5}}],
)
def test_a_wrong_kept_copy_never_makes_the_file_unreadable(kept_document: object) -> None:
    """Were a kept copy to hold something else than its file (damaged in a
    way marshal cannot tell), the file is read again: never moved aside."""
    store = AnnotationStore()
    store.load()
    store.set_star("2101.00001", True, title="One")
    AnnotationStore().load()  # keeps the parsed copy
    [copy] = kept(locations.cache_dir() / "annotations")
    copy.write_bytes(marshal.dumps(kept_document))
    again = AnnotationStore()
    assert again.load() == []
    assert again.starred_ids() == {"2101.00001"}
    assert locations.annotations_file().exists()
