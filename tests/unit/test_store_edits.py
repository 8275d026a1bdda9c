"""Edits, undo, tags, and files from other versions of tuireader, against real files."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pytest

from tuireader.core import locations
from tuireader.core.store import AnnotationStore, Edit, ReadOnlyError


@pytest.fixture
def path() -> Path:
    return locations.annotations_file()


def fresh(path: Path) -> AnnotationStore:
    store = AnnotationStore(path)
    assert store.load() == []
    return store


#: Exactly what tuireader 0.1 (format 1, stars and notes only) wrote.
VERSION_1 = textwrap.dedent(
    '''\
    version = 1

    [papers."2107.09652"]
    title = "Towards Privacy-preserving Explanations in Medical Image Analysis"
    starred = true
    starred_at = 2026-11-21 08:02:11.318207+00:00
    updated_at = 2026-11-21 08:02:11.318207+00:00

    [papers."2201.12944"]
    title = "Deep Learning Approaches on Image Captioning: A Review"
    starred = false
    note = """
    Read section 3 [again]
    and "quote" it"""
    note_at = 2026-11-21 08:05:40.102934+00:00
    updated_at = 2026-11-21 08:05:40.102934+00:00
    '''
)


def test_a_version_1_file_loads_without_loss_and_stays_version_1(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(VERSION_1)
    store = fresh(path)
    assert store.starred_ids() == {"2107.09652"}
    assert store.get("2201.12944").note == 'Read section 3 [again]\nand "quote" it'
    before = tomllib.loads(VERSION_1)["papers"]
    store.set_tag("2201.12944", "survey", True)
    after = tomllib.loads(path.read_text())
    assert after["version"] == 1  # tags are new keys: older versions keep reading the file
    for key, table in before.items():
        for name, value in table.items():
            if name != "updated_at":
                assert after["papers"][key][name] == value, (key, name)
    assert after["papers"]["2201.12944"]["tags"] == ["survey"]


def test_unknown_keys_survive_a_rewrite(path: Path) -> None:
    """A newer tuireader added fields (same version): this one keeps them."""
    path.parent.mkdir(parents=True)
    path.write_text(
        VERSION_1
        + textwrap.dedent(
            """\
            priority = 3
            reading = { progress = 0.4, page = 12 }

            [saved]
            colour = "teal"
            """
        ).replace("[saved]", '[papers."2301.00001"]\nrating = 5\n\n[saved]')
    )
    store = fresh(path)
    assert not store.get("2301.00001").is_empty  # holds only a key we do not know
    store.toggle_star("2201.12944")
    store.toggle_star("2201.12944")
    data = tomllib.loads(path.read_text())
    assert data["papers"]["2201.12944"]["priority"] == 3
    assert data["papers"]["2201.12944"]["reading"] == {"progress": 0.4, "page": 12}
    assert data["papers"]["2301.00001"] == {"starred": False, "rating": 5}
    assert data["saved"] == {"colour": "teal"}


def test_a_newer_file_is_shown_but_never_changed(path: Path) -> None:
    path.parent.mkdir(parents=True)
    content = VERSION_1.replace("version = 1", "version = 99").encode() + (
        b'\n[papers."2301.00001"]\nstarred = "a new kind of star"\n'
    )
    path.write_bytes(content)
    store = AnnotationStore(path)
    problems = store.load()
    assert any("newer tuireader" in p and "upgraded" in p for p in problems)
    assert store.starred_ids() == {"2107.09652"}  # what it understands is shown
    with pytest.raises(ReadOnlyError, match="upgraded"):
        store.toggle_star("2107.09652")
    with pytest.raises(ReadOnlyError):
        store.mark_read(["2107.09652"])
    assert path.read_bytes() == content
    written = [p for p in path.parent.iterdir() if p.suffix != ".lock"]
    assert written == [path]  # nothing moved aside, no journal, no backup


def test_an_entry_with_only_a_tag_or_a_time_survives(path: Path) -> None:
    store = fresh(path)
    store.set_tag("2107.09652", "to-read", True, "A title")
    again = fresh(path)
    assert again.get("2107.09652").tags == {"to-read"}
    assert again.tagged("to-read") == {"2107.09652"}
    again.set_tag("2107.09652", "to-read", False)
    table = tomllib.loads(path.read_text())["papers"]["2107.09652"]
    assert "tags" not in table and set(table["tags_at"]) == {"to-read"}


def test_tags_from_two_instances_both_survive(path: Path) -> None:
    first, second = fresh(path), fresh(path)
    first.set_tag("2107.09652", "survey", True)
    second.set_tag("2107.09652", "lab/nerf", True)
    second.set_tag("2107.09652", "survey", False)  # later than the first's add
    first.set_tag("2107.09652", "to-read", True)
    assert first.get("2107.09652").tags == {"lab/nerf", "to-read"}
    assert fresh(path).get("2107.09652").tags == {"lab/nerf", "to-read"}
    assert first.tag_names() == ["lab/nerf", "to-read"]


def test_apply_returns_the_edits_that_undo_it(path: Path) -> None:
    store = fresh(path)
    store.set_note("2201.12944", "old note")
    store.mark_read(["2201.00001"])
    action = [
        Edit("2107.09652", "starred", True, title="T"),
        Edit("2201.12944", "note", "new note"),
        Edit("2201.12944", "tag", True, tag="survey"),
        Edit("2201.00001", "read", False),
        Edit("2201.00002", "read", False),  # unread already: no change, nothing to undo
    ]
    undo = store.apply(action)
    assert {(e.paper_id, e.field, e.value) for e in undo} == {
        ("2107.09652", "starred", False),
        ("2201.12944", "note", "old note"),
        ("2201.12944", "tag", False),
        ("2201.00001", "read", True),
    }
    redo = store.apply(undo)
    assert fresh(path).get("2201.12944").note == "old note"
    assert fresh(path).read_ids() == {"2201.00001"} and fresh(path).starred_ids() == set()
    store.apply(redo)
    again = fresh(path)
    assert again.get("2201.12944").note == "new note" and again.starred_ids() == {"2107.09652"}
    assert again.tagged("survey") == {"2201.12944"} and again.read_ids() == set()


def test_a_bulk_action_is_one_write_per_file(path: Path) -> None:
    store = fresh(path)
    store.set_star("2201.00000", True)
    papers = [f"2201.{n:05d}" for n in range(1, 2001)]
    backups = []
    store.backup_path.write_bytes(b"")

    undo = store.apply(
        [Edit(p, "tag", True, tag="batch") for p in papers]
        + [Edit(p, "read", True) for p in papers]
    )
    backups.append(store.backup_path.read_bytes())
    assert len(undo) == 4000
    assert b"batch" not in backups[0]  # the backup is the file before the one write
    lines = store.journal.path.read_text().splitlines()
    assert len(lines) == 2001 and len({line.split()[2] for line in lines[1:]}) == 1  # one time
    assert fresh(path).tagged("batch") == set(papers)
