"""Property tests: the parser survives arbitrary bytes and mangled real digests.

Every input is written to a file and read with ``parse_file``, so decoding,
binary sniffing and line splitting are fuzzed along with the two formats (the
text-level hypothesis test in ``test_parser_robustness.py`` only reaches
``parse_text``). The invariants checked are the parser's contract: it never
raises; every warning names the file and a line that exists; invalid UTF-8 is
reported on exactly the lines that hold it; and every paper has an ASCII arXiv
ID found in the file, a one-line title, and no text a terminal would act on.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from paper_fields import texts_in

from tuireader.core.formats import ParseResult, looks_binary, parse_file
from tuireader.core.model import Paper

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "sample_digests"
#: Every real sample, by its path under ``sample_digests/``.
SAMPLES: dict[str, bytes] = {
    path.relative_to(SAMPLES_DIR).as_posix(): path.read_bytes()
    for path in sorted(SAMPLES_DIR.rglob("*.md"))
}
#: How much of a file ``parse_file`` promises to sniff before calling it binary.
SNIFF_BYTES = 8192

# ``tmp_path`` is shared by the examples of one test; each example overwrites
# the same file, which is all these tests need.
FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

FULLWIDTH_ID = "\uff12\uff12\uff10\uff11.\uff11\uff12\uff19\uff14\uff14".encode()
HEADERS = [
    b"",
    b"# ArXiv cs.CV --Wed, 21 Jul 2021\n",
    b"# Arxiv Papers in cs.CV on 2022-01-31\n",
    b"\xef\xbb\xbf# ArXiv cs.CV --Wed, 21 Jul 2021\r\n",
    b"\n \t\n# arxiv papers in hep-th on 1999-01-04\n",
]
#: Pieces of both formats and of hostile text, mixed with random bytes.
FRAGMENTS = [
    b"\n",
    b"\r\n",
    b"\r",
    b"###",
    b"### 1.",
    b"### 2.A title  [ :arrow_down: ](https://arxiv.org/pdf/2107.09652.pdf)\n",
    b" [ :arrow_down: ](https://arxiv.org/pdf/hep-th/9901001v2.pdf)",
    b">  ",
    b">",
    b"- **Arxiv ID**: ",
    b"http://arxiv.org/abs/2201.12944v5",
    b"- **Links**: [PDF](http://arxiv.org/pdf/2201.00001v1)",
    b"- **Authors**: ",
    b"- **Summary**: ",
    b"- **Comment**: ",
    b"- **Categories**: **cs.CV**, I.2.7; I.4",
    b"- **",
    b"**: ",
    b"  ",
    b"<br>",
    b'<a href="https://x.org/a">this https URL</a>',
    b"&amp;",
    b"&#27;[2J",
    b"&#x9b;",
    b"\x1b[2J",
    b"\x1b]52;c;aGk=\x07",
    b"\xc2\x9b31m",  # C1 CSI, UTF-8 encoded
    "\u202e\u200b\ufeff".encode(),  # bidi override, zero width, BOM
    FULLWIDTH_ID,  # digits to \d, but no arXiv ID
    b"\x00",
    b"\x7f",
    b"\t",
    b"\x0b\x0c",
    b"\xff\xfe",
    b"\xc3",
]

random_bytes = st.binary(max_size=6000)
structured_bytes = st.builds(
    lambda head, parts: head + b"".join(parts),
    st.sampled_from(HEADERS),
    st.lists(st.one_of(st.binary(max_size=24), st.sampled_from(FRAGMENTS)), max_size=80),
)


def unsafe(text: str) -> list[str]:
    """Control (Cc: C0 with ESC and TAB, DEL, C1) and invisible format (Cf) characters."""
    if text.isprintable():  # the common case, decided fast: Cc and Cf are unprintable
        return []
    return [c for c in text if unicodedata.category(c) in {"Cc", "Cf"}]


def one_line_fields(paper: Paper) -> list[str]:
    """Every text in every field but the abstract (walked generically, so a new
    field is checked too): none may hold a line break."""
    return [
        text
        for field in dataclasses.fields(paper)
        if field.name != "abstract"
        for text in texts_in(getattr(paper, field.name))
    ]


def decodes(raw: bytes) -> bool:
    """Whether a raw line is valid UTF-8, as the parser decodes it on its own."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_contract(result: ParseResult, path: Path, data: bytes) -> None:
    """What ``parse_file`` guarantees for any file content."""
    assert isinstance(result, ParseResult)
    lines = data.split(b"\n")
    for warning in result.warnings:
        assert warning.source == str(path)
        assert 0 <= warning.line <= len(lines), warning
        assert warning.message

    # Binary sniffing looks at the first SNIFF_BYTES, whatever the file system.
    binary = [w for w in result.warnings if "binary" in w.message]
    assert bool(binary) == looks_binary(data[:SNIFF_BYTES])
    if binary:
        assert result.digest is None
        assert [(w.line, w.message) for w in result.warnings] == [(0, "binary file, skipped")]
        return

    # One bad byte costs its own line a warning, never a neighbour's.
    flagged = {w.line for w in result.warnings if "UTF-8" in w.message}
    invalid = {number for number, raw in enumerate(lines, start=1) if not decodes(raw)}
    assert flagged <= invalid
    if result.digest is None:
        assert result.warnings, "a skipped file must say why"
        return
    assert flagged == invalid  # a digest is read to its end

    digest = result.digest
    assert digest.source == str(path)
    for paper in digest.papers:
        # The ID builds the arXiv URLs: ASCII, and taken from the file, not made up.
        assert paper.id and paper.id.isascii(), paper.id
        assert paper.id.encode() in data
        assert paper.version is None or paper.version >= 0
        assert paper.title
        assert paper.dates == (digest.date,)
        assert paper.categories
        for text in one_line_fields(paper):
            assert unsafe(text) == [], (text, paper)
            assert "\n" not in text
        assert paper.title == " ".join(paper.title.split())
        # Abstracts keep paragraph breaks, and nothing else invisible.
        assert unsafe(paper.abstract.replace("\n", "")) == [], paper.abstract
        assert paper.abstract == paper.abstract.strip()
        assert "\n\n\n" not in paper.abstract


def parsed(data: bytes, path: Path) -> ParseResult:
    """Parse ``data`` the way the app does: from a file."""
    path.write_bytes(data)
    return parse_file(path)


# --- Random bytes -------------------------------------------------------------


@settings(FUZZ, max_examples=300)
@given(data=st.one_of(random_bytes, structured_bytes))
@example(  # text in the first 4 KiB, then NULs: still within the sniffed 8 KiB
    data=b"# ArXiv cs.CV --Wed, 21 Jul 2021\n" + b"x" * 4100 + b"\n" + bytes(100)
)
@example(  # an unknown field's name is shown next to its value
    data=b"# Arxiv Papers in cs.CV on 2022-01-31\n### T\n- **Arxiv ID**: 2201.00001\n"
    b"- **Evil\x1b]52;c;aGk=\x07\x1b[2J\x01**: value\n"
)
@example(  # fullwidth digits are digits to \d, but no arXiv ID
    data=b"# ArXiv cs.CV --Wed, 21 Jul 2021\n### 1.T  [ :arrow_down: ](https://arxiv.org/pdf/"
    + FULLWIDTH_ID
    + b".pdf)\n"
)
@example(  # found by this test on a fresh clone: a Links URL kept its escape sequence
    data=b"# Arxiv Papers in cs.CV on 2022-01-31\n### T\n- **Arxiv ID**: 2201.00001\n"
    b"- **Links**: [PDF](http://arxiv.org/pdf/2201.00001v1), [X](http://x\x1b[2J.org)\n"
)
def test_random_bytes_keep_the_contract(data: bytes, tmp_path: Path) -> None:
    """Bytes from nowhere, with or without a header: the whole file-level contract."""
    path = tmp_path / "fuzz.md"
    check_contract(parsed(data, path), path, data)


# --- Mutated real samples -----------------------------------------------------

HOSTILE = st.one_of(st.binary(min_size=1, max_size=16), st.sampled_from(FRAGMENTS))


#: Where the formats' syntax is: line starts and ends, "**", brackets, ":", ">".
ANCHOR = re.compile(rb"\n|\*\*|[()\[\]:>]")


def offset(draw: Callable[..., Any], data: bytes, *, end: bool = True) -> int:
    """A position in ``data`` (``end`` allows the one just past the last byte),
    half the time right at a piece of syntax, where a change does the most harm."""
    last = max(0, len(data) - (0 if end else 1))
    if data and draw(st.booleans()):
        anchors = [m.start() for m in ANCHOR.finditer(data)]
        if anchors:
            near = draw(st.sampled_from(anchors)) + draw(st.integers(-2, 2))
            return min(last, max(0, near))
    return draw(st.integers(0, last))


def flip(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    at = offset(draw, data, end=False)
    return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]


def insert(draw: st.DrawFn, data: bytes) -> bytes:
    at = offset(draw, data)
    return data[:at] + draw(HOSTILE) + data[at:]


def delete(draw: st.DrawFn, data: bytes) -> bytes:
    at = offset(draw, data)
    return data[:at] + data[at + draw(st.integers(1, 256)) :]


def truncate(draw: st.DrawFn, data: bytes) -> bytes:
    return data[: offset(draw, data)]


def splice(draw: st.DrawFn, data: bytes) -> bytes:
    other = SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))]
    return data[: offset(draw, data)] + other[offset(draw, other) :]


def duplicate(draw: st.DrawFn, data: bytes) -> bytes:
    start = offset(draw, data)
    stop = draw(st.integers(start, min(len(data), start + 8192)))
    return data[:stop] + data[start:stop] + data[stop:]


MUTATIONS = [flip, insert, delete, truncate, splice, duplicate]


@st.composite
def mutated_sample(draw: st.DrawFn) -> bytes:
    data = SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))]
    for mutate in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        data = mutate(draw, data)
    return data


@settings(FUZZ, max_examples=250)
@given(data=mutated_sample())
def test_mutated_samples_keep_the_contract(data: bytes, tmp_path: Path) -> None:
    """Real digests damaged the way disks, editors and scripts damage files."""
    path = tmp_path / "mutated.md"
    check_contract(parsed(data, path), path, data)


# --- Truncated real samples ---------------------------------------------------


@functools.cache
def full_parse(name: str) -> tuple[Paper, ...]:
    """The papers of a whole sample (asserted clean), parsed once."""
    result = parse_file(SAMPLES_DIR / name)
    assert result.warnings == () and result.digest is not None
    return result.digest.papers


def entry_ends(data: bytes) -> list[int]:
    """For each entry, the length of a prefix that holds all of it: the next
    entry's full ``###`` marker (a bare ``#`` or ``##`` could still be read as
    the entry's own text), or the end of the file for the last one."""
    starts = [match.start() for match in re.finditer(rb"^###", data, re.MULTILINE)]
    return [start + 3 for start in starts[1:]] + [len(data)]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_samples_parse_cleanly_with_one_paper_per_entry(name: str) -> None:
    """The truncation test below relies on this."""
    assert len(full_parse(name)) == len(entry_ends(SAMPLES[name]))


#: The text of arXiv links and IDs, where a cut can change which ID is read.
ID_TEXT = re.compile(rb"arxiv\.org/(?:abs|pdf)/[^\s)]+")
API = "cs.CV/2022/01/20220131.md"


def check_truncation(name: str, k: int, path: Path) -> None:
    """Parse the first ``k`` bytes of a sample and compare with the whole."""
    data = SAMPLES[name]
    result = parsed(data[:k], path)
    check_contract(result, path, data[:k])

    # The header is the first line; any cut inside it leaves no digest.
    assert (result.digest is None) == (k < len(data.split(b"\n", 1)[0]))
    if result.digest is None:
        return
    full = full_parse(name)
    papers = result.digest.papers
    complete = sum(end <= k for end in entry_ends(data))
    # Every entry before the cut is read exactly as in the whole file, and at
    # most one more, cut short, follows it.
    assert papers[:complete] == full[:complete]
    assert complete <= len(papers) <= complete + 1
    ids = [paper.id for paper in papers]
    if result.digest.format == "arxiv-listing":
        # The listing ID sits in a link that must end the title line with ")",
        # so a cut link gives no paper and every ID is one of the whole file's.
        assert set(ids) <= {paper.id for paper in full}
        if len(papers) > complete:
            assert ids[-1] == full[complete].id
    elif len(papers) > complete:
        # An API "Arxiv ID" line ends with the ID, so a cut there can leave a
        # shorter ID that is still well formed (2201.12944 -> 2201.1294): the
        # cut paper's ID is then a prefix of the real one, not one of the file's.
        assert full[complete].id.startswith(ids[-1])


@settings(FUZZ, max_examples=200)
@given(name=st.sampled_from(sorted(SAMPLES)), choice=st.data())
def test_a_truncated_sample_keeps_its_complete_papers(
    name: str, choice: st.DataObject, tmp_path: Path
) -> None:
    """A digest cut short (full disk, download stopped) keeps every paper
    before the cut intact and invents none."""
    data = SAMPLES[name]
    # Half the cuts land inside an arXiv link or ID.
    inside_ids = [n for m in ID_TEXT.finditer(data) for n in range(m.start(), m.end() + 1)]
    k = choice.draw(st.integers(0, len(data)) | st.sampled_from(inside_ids), label="k")
    check_truncation(name, k, tmp_path / "truncated.md")


def test_every_cut_at_the_end_of_an_api_id(tmp_path: Path) -> None:
    """Random cuts rarely hit the few bytes where an API ID can come out
    shorter; these are all of them in the sample (the last digits and the
    version of each "Arxiv ID" value)."""
    data = SAMPLES[API]
    ends = [m.end() for m in re.finditer(rb"\*\*Arxiv ID\*\*: \S+", data)]
    assert len(ends) == len(full_parse(API))
    for end in ends:
        for k in range(end - 4, end + 1):
            check_truncation(API, k, tmp_path / "cut.md")


@given(
    st.lists(
        st.one_of(st.binary(max_size=4), st.sampled_from([b"text ", b"\n", b"\t"])), max_size=400
    ).map(b"".join)
)
def test_binary_sniffing_counts_nuls_and_control_bytes(head: bytes) -> None:
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\x1b")
    expected = bool(head) and (head.count(0) > len(head) // 100 or controls > len(head) // 10)
    assert looks_binary(head) == expected
