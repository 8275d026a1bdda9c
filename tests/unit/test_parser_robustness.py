"""Bad and odd input: nothing crashes or hangs, every problem is a warning that
names its file and line, and the good files next to the bad ones still load.

Most cases are real sample digests altered byte by byte in ``tmp_path`` (line
endings, BOM, broken UTF-8...), so they are compared with the unaltered parse.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.core.formats import ParseResult, parse_file, parse_text
from tuireader.core.library import load_library
from tuireader.core.model import Paper

LISTING = "2021-07-21-cs.CV.md"
API = "cs.CV/2022/01/20220131.md"
T = TypeVar("T")


def finishes(function: Callable[..., T], *args: object, timeout: float = 10.0) -> T:
    """Call ``function`` in a daemon thread so a hang fails the test instead of
    stalling the whole suite."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - re-raised below
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"{getattr(function, '__name__', function)} hung on {args}"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def papers_of(result: ParseResult) -> tuple[Paper, ...]:
    assert result.digest is not None, result.warnings
    return result.digest.papers


def rewrite(source: Path, target: Path, change: Callable[[bytes], bytes]) -> Path:
    """Write ``source`` altered by ``change`` to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(change(source.read_bytes()))
    return target


def reference(samples_dir: Path, name: str) -> tuple[Paper, ...]:
    result = parse_file(samples_dir / name)
    assert result.warnings == ()
    return papers_of(result)


def each_line(change: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    return lambda data: b"\n".join(change(line) for line in data.split(b"\n"))


LAYOUT_CHANGES: dict[str, Callable[[bytes], bytes]] = {
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "bom": lambda data: b"\xef\xbb\xbf" + data,
    "bom-and-crlf": lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"),
    "trailing-spaces": each_line(lambda line: line + b" \t  "),
    "extra-blank-lines": lambda data: data.replace(b"\n", b"\n\n\n"),
    "no-blank-lines": lambda data: re.sub(rb"\n\s*\n", b"\n", data),
    "leading-blank-lines": lambda data: b"\n\n   \n" + data,
    "no-final-newline": lambda data: data.rstrip(b"\n"),
}


@pytest.mark.parametrize("name", [LISTING, API], ids=["listing", "api"])
@pytest.mark.parametrize("change", LAYOUT_CHANGES, ids=list(LAYOUT_CHANGES))
def test_layout_changes_give_the_same_papers(
    name: str, change: str, samples_dir: Path, tmp_path: Path
) -> None:
    path = rewrite(samples_dir / name, tmp_path / "digest.md", LAYOUT_CHANGES[change])
    result = parse_file(path)
    assert result.warnings == ()
    assert papers_of(result) == reference(samples_dir, name)


def test_crlf_text_in_memory(samples_dir: Path) -> None:
    text = (samples_dir / API).read_text(encoding="utf-8").replace("\n", "\r\n")
    assert papers_of(parse_text(text)) == reference(samples_dir, API)


@pytest.mark.parametrize(
    ("name", "line"),
    [pytest.param(LISTING, 3, id="listing-title"), pytest.param(API, 12, id="api-summary")],
)
def test_invalid_utf8_is_replaced_with_a_warning(
    name: str, line: int, samples_dir: Path, tmp_path: Path
) -> None:
    def break_line(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines[line - 1] = lines[line - 1][:40] + b"\xff\xfe\xc3" + lines[line - 1][40:]
        return b"\n".join(lines)

    path = rewrite(samples_dir / name, tmp_path / "broken.md", break_line)
    result = parse_file(path)
    assert [(w.source, w.line) for w in result.warnings] == [(str(path), line)]
    assert "UTF-8" in result.warnings[0].message
    papers = papers_of(result)
    expected = reference(samples_dir, name)
    assert len(papers) == len(expected)
    changed = [i for i, (a, b) in enumerate(zip(papers, expected, strict=True)) if a != b]
    assert len(changed) == 1
    paper = papers[changed[0]]
    assert "\ufffd" in paper.title + paper.abstract


def test_edge_cases_of_the_api_format(data_dir: Path) -> None:
    path = data_dir / "api_edge.md"
    result = parse_file(path)
    assert [(w.source, w.line, w.message) for w in result.warnings] == [
        (str(path), 24, "no arXiv ID, paper skipped")
    ]
    assert result.digest is not None
    assert (result.digest.date, result.digest.category) == (date(1999, 1, 4), "hep-th")
    papers = {paper.id: paper for paper in result.digest.papers}
    assert list(papers) == [
        "hep-th/9901001",
        "math.GT/0309136",
        "2201.00002",
        "2201.00003",
        "2201.00004",
        "2201.00005",
    ]
    old = papers["hep-th/9901001"]
    assert (old.version, old.authors, old.abstract) == (2, ("A. Physicist",), "An old paper.")
    assert (old.categories, old.primary_category) == (("hep-th", "math.GT"), "hep-th")
    assert papers["math.GT/0309136"].version == 1
    bare = papers["2201.00002"]
    assert (bare.version, bare.title, bare.authors, bare.abstract) == (
        3,
        "Only a title and an ID",
        (),
        "",
    )
    assert bare.doi is bare.comment is bare.journal is bare.published is None
    assert bare.categories == ("hep-th",)
    unknown = papers["2201.00003"]
    assert unknown.extra == (("Report Number", "CERN-TH-2022-001"), ("MSC Class", "81T30; 83E30"))
    assert unknown.abstract == "Has an abstract, wrapped onto a second line."
    wrapped = papers["2201.00004"]
    assert wrapped.title == "A title that wraps onto a second line"
    assert wrapped.journal is wrapped.comment is wrapped.doi is None  # null, N/A, none
    assert papers["2201.00005"].version == 7


def test_edge_cases_of_the_listing_format(data_dir: Path) -> None:
    path = data_dir / "listing_edge.md"
    result = parse_file(path)
    assert [(w.source, w.line) for w in result.warnings] == [(str(path), 12)]
    assert "no arXiv link" in result.warnings[0].message
    old, versioned, brackets = papers_of(result)
    assert (old.id, old.version) == ("hep-th/9901001", None)
    assert old.abstract == "First paragraph.\n\nSecond paragraph with https://example.org/code."
    assert old.links == ("https://example.org/code",)
    assert (versioned.id, versioned.version, versioned.abstract) == ("2201.00001", 3, "")
    assert brackets.title == "Brackets [red]here[/] and [/]"
    assert brackets.abstract == (
        "An abstract that wraps without its marker.\n\nA second paragraph after an empty marker."
    )


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        pytest.param(b"", 0, "empty", id="empty"),
        pytest.param(b"\n  \n\t\n", 0, "empty", id="blank-lines"),
        pytest.param(b"\xef\xbb\xbf", 0, "empty", id="only-a-bom"),
        pytest.param(b"\n# Notes\nnothing here\n", 2, "not a digest", id="notes"),
        pytest.param(
            b"# ArXiv cs.CV --Wed, 31 Feb 2021\n", 1, "not a digest", id="impossible-date"
        ),
        pytest.param(
            b"# Arxiv Papers in cs.CV on 2022-13-01\n", 1, "not a digest", id="bad-api-date"
        ),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), 0, "binary", id="png"
        ),
        pytest.param(b"# ArXiv cs.CV --Wed, 21 Jul 2021\n\x00\x01\x02", 0, "binary", id="nul-late"),
    ],
)
def test_files_that_are_not_digests_are_skipped(
    content: bytes, line: int, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "odd.md"
    path.write_bytes(content)
    result = parse_file(path)
    assert result.digest is None
    assert [(w.source, w.line) for w in result.warnings] == [(str(path), line)]
    assert message in result.warnings[0].message


def test_not_a_digest_data_file(data_dir: Path) -> None:
    result = parse_file(data_dir / "not_a_digest.md")
    assert result.digest is None
    assert [(w.line, w.message) for w in result.warnings] == [
        (2, "not a digest (no known header), skipped")
    ]


def test_header_only_digest_has_no_papers(tmp_path: Path) -> None:
    path = tmp_path / "quiet-day.md"
    path.write_text("# ArXiv cs.CV --Sun, 1 Aug 2021\n", encoding="utf-8")
    result = parse_file(path)
    assert result.warnings == ()
    assert result.digest is not None
    assert (result.digest.date, result.digest.papers) == (date(2021, 8, 1), ())


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        pytest.param(
            "# Arxiv Papers in cs.CV on 2022-01-31\nstray text\n"
            "### T\n- **Arxiv ID**: 2201.00001\n",
            2,
            "before the first paper",
            id="api-text-before-paper",
        ),
        pytest.param(
            "# Arxiv Papers in cs.CV on 2022-01-31\n### T\n- **Arxiv ID**: 2201.00001\nloose\n",
            4,
            "unrecognised line",
            id="api-unrecognised",
        ),
        pytest.param(
            "# ArXiv cs.CV --Wed, 21 Jul 2021\n>  orphan abstract\n",
            2,
            "abstract without a title",
            id="listing-orphan-abstract",
        ),
        pytest.param(
            "# ArXiv cs.CV --Wed, 21 Jul 2021\n\nloose text\n",
            3,
            "unrecognised line",
            id="listing-unrecognised",
        ),
    ],
)
def test_warnings_name_the_line(text: str, line: int, fragment: str) -> None:
    result = parse_text(text, source="x.md")
    assert [(w.source, w.line) for w in result.warnings] == [("x.md", line)]
    assert fragment in result.warnings[0].message


def test_hostile_text_is_cleaned_in_every_field(tmp_path: Path) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(
        "# Arxiv Papers in cs.CV on 2022-01-31\n"
        "### Segment [red]Anything[/] and [/] \x1b[2J\x1b]52;c;aGk=\x07now\n"
        "- **Arxiv ID**: http://arxiv.org/abs/2201.00001v1\n"
        "- **Authors**: Eve \x9b31mEvil\u202e, Zero\u200bWidth\n"
        "- **Comment**: bell\x07 &#27;[2J and del\x7f\n"
        "- **Summary**: a <b and c> d &amp; <br> next \x1b[31mred\x1b[0m\n",
        encoding="utf-8",
    )
    result = parse_file(path)
    assert result.warnings == ()
    (paper,) = papers_of(result)
    assert paper.title == "Segment [red]Anything[/] and [/] now"
    assert paper.authors == ("Eve Evil", "ZeroWidth")
    assert paper.abstract == "a <b and c> d &\n\nnext red"
    assert paper.comment is not None and paper.comment.startswith("bell ")
    texts = [paper.title, paper.abstract, paper.comment, *paper.authors]
    assert [
        c for t in texts for c in t if c != "\n" and unicodedata.category(c) in {"Cc", "Cf"}
    ] == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    result = finishes(parse_file, fifo)
    assert result.digest is None
    assert [w.source for w in result.warnings] == [str(fifo)]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p.mkdir(), id="directory-named-md"),
        pytest.param(lambda p: p.symlink_to(p.parent / "nowhere.md"), id="dangling-symlink"),
        pytest.param(lambda p: p.symlink_to(p), id="self-symlink"),
    ],
)
def test_unreadable_paths_give_a_warning(make: Callable[[Path], None], tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    make(path)
    result = finishes(parse_file, path)
    assert result.digest is None
    assert [(w.source, w.line) for w in result.warnings] == [(str(path), 0)]
    assert "cannot read" in result.warnings[0].message


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads files whatever their mode, so chmod 000 cannot make one unreadable",
)
def test_a_file_without_read_permission_gives_a_warning(samples_dir: Path, tmp_path: Path) -> None:
    path = rewrite(samples_dir / LISTING, tmp_path / "secret.md", lambda data: data)
    path.chmod(0)
    try:
        result = parse_file(path)
    finally:
        path.chmod(0o644)
    assert result.digest is None
    assert [(w.source, w.line) for w in result.warnings] == [(str(path), 0)]
    assert "cannot read" in result.warnings[0].message


def test_a_folder_of_bad_files_still_loads_the_good_one(samples_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    good = rewrite(samples_dir / LISTING, folder / "good.md", lambda data: data)
    bad = {
        "empty.md": b"",
        "notes.md": b"# Notes\n",
        "binary.txt": b"\x00\x01\x02binary",
        "broken.md": b"# ArXiv cs.CV --Thu, 22 Jul 2021\n"
        b"### 1.T  [ :arrow_down: ](https://arxiv.org/pdf/2107.00001.pdf)\n>  \xff\n",
    }
    for name, content in bad.items():
        (folder / name).write_bytes(content)
    (folder / "folder.md").mkdir()
    (folder / "dangling.md").symlink_to(folder / "missing.md")
    (folder / "loop.md").symlink_to(folder / "loop.md")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.md")
    library = finishes(load_library, [folder])
    good_papers = reference(samples_dir, LISTING)
    assert len(library) == len(good_papers) + 1
    assert library.papers_on(date(2021, 7, 21)) == list(good_papers)
    assert [p.id for p in library.papers_on(date(2021, 7, 22))] == ["2107.00001"]
    warned = {Path(w.source).name for w in library.warnings}
    expected = {"empty.md", "notes.md", "binary.txt", "broken.md", "dangling.md", "loop.md"}
    if hasattr(os, "mkfifo"):
        expected.add("pipe.md")
    assert warned == expected
    assert str(good) not in {w.source for w in library.warnings}
    assert all(w.source.startswith(str(folder)) for w in library.warnings)


def test_symlink_loops_in_folders_terminate_with_a_warning(
    samples_dir: Path, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    rewrite(samples_dir / LISTING, root / "a" / "good.md", lambda data: data)
    (root / "a" / "up").symlink_to(root)
    (root / "a" / "self").symlink_to(root / "a")
    (root / "b").mkdir()
    (root / "b" / "ping").symlink_to(root / "c")
    (root / "c").mkdir()
    (root / "c" / "pong").symlink_to(root / "b")
    library = finishes(load_library, [root])
    assert len(library) == 45
    assert library.warnings  # every loop is reported
    assert all("visited" in w.message or "loop" in w.message for w in library.warnings)
    looped = {Path(w.source).name for w in library.warnings}
    assert {"up", "self"} <= looped
    assert looped & {"ping", "pong"}


_STRUCTURE = st.sampled_from(
    [
        "### 1.Title  [ :arrow_down: ](https://arxiv.org/pdf/2107.09652.pdf)",
        "### Title",
        ">  abstract <br> <a href='https://x.org'>this https URL</a> &amp;",
        "- **Arxiv ID**: http://arxiv.org/abs/2201.12944v5",
        "- **Categories**: **cs.CV**, I.2.7; I.4",
        "- **Authors**: A, B,, C",
        "- **Summary**: text",
        "  continued",
        "- **Unknown**:",
        "",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    header=st.sampled_from(
        ["# ArXiv cs.CV --Wed, 21 Jul 2021", "# Arxiv Papers in cs.CV on 2022-01-31", ""]
    ),
    lines=st.lists(st.one_of(_STRUCTURE, st.text()), max_size=25),
)
def test_arbitrary_input_never_crashes(header: str, lines: list[str]) -> None:
    result = parse_text("\n".join([header, *lines]), source="fuzz.md")
    for warning in result.warnings:
        assert warning.source == "fuzz.md"
        assert warning.line >= 0
    for paper in result.digest.papers if result.digest else ():
        assert paper.id and paper.title
        for text in (paper.title, paper.abstract, *paper.authors, *paper.categories):
            assert [c for c in text if c != "\n" and unicodedata.category(c) in {"Cc", "Cf"}] == []
