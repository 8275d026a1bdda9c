"""The untrusted-text cleaner: markup out, text in, nothing reaches the terminal
that could control it."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.core.text import (
    _UNSAFE,  # the reference is_safe must agree with
    PARAGRAPH_BREAK,
    _decode,
    clean_line,
    clean_paragraphs,
    find_urls,
    fold,
    is_safe,
    is_web_url,
    strip_unsafe,
)


def unsafe_characters(text: str, allowed: str = "") -> list[str]:
    """Characters that must never reach a terminal: controls (Cc), invisible
    format characters (Cf) and line/paragraph separators."""
    return [
        char
        for char in text
        if char not in allowed and unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("H&amp;E stain", "H&E stain", id="amp"),
        pytest.param("&lt;1.5 days", "<1.5 days", id="lt"),
        pytest.param("(p &lt; .001)", "(p < .001)", id="lt-spaced"),
        pytest.param("DSC &gt;0.6", "DSC >0.6", id="gt"),
        pytest.param("&quot;local memory&quot;", '"local memory"', id="quot"),
        pytest.param("&#955;-calculus &#x3bb;", "λ-calculus λ", id="numeric"),
        pytest.param("a&nbsp;b", "a b", id="nbsp-is-space"),
        pytest.param("a&amp;#27;b", "a&#27;b", id="decoded-once-only"),
    ],
)
def test_entities_are_decoded(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("<i>italic</i> text", "italic text", id="i"),
        pytest.param("x<sup>2</sup> and H<sub>2</sub>O", "x2 and H2O", id="sup-sub"),
        pytest.param('<span class="c">s</span>pan', "span", id="attributes"),
        pytest.param("<EM>Loud</EM>", "Loud", id="upper-case"),
        pytest.param("shown<!-- hidden -->", "shown", id="comment"),
        pytest.param("a <b>bold</b> move", "a bold move", id="b"),
        pytest.param("a <b and c> d", "a <b and c> d", id="formula-not-a-tag"),
        pytest.param("i<j and j>k", "i<j and j>k", id="inequalities"),
        pytest.param("$x<y$ and $y>z$", "$x<y$ and $y>z$", id="math"),
        pytest.param("a < b > c", "a < b > c", id="spaced-angles"),
    ],
)
def test_tags_are_removed_but_formulas_kept(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            'at <a class="link-external link-https" href="https://github.com/d-li14/involution"'
            ' rel="external noopener nofollow">this https URL</a>.',
            "at https://github.com/d-li14/involution.",
            id="placeholder-label",
        ),
        pytest.param(
            '<a href="http://gvv.mpi-inf.mpg.de/x">this http URL</a>',
            "http://gvv.mpi-inf.mpg.de/x",
            id="http-placeholder",
        ),
        pytest.param(
            '<a href="https://x.org/p">project page</a>',
            "project page (https://x.org/p)",
            id="real-label",
        ),
        pytest.param(
            "<a href='https://x.org/q'>https://x.org/q</a>", "https://x.org/q", id="label-is-url"
        ),
        pytest.param("<a href=https://x.org/r>link</a>", "https://x.org/r", id="unquoted"),
        pytest.param(
            '<a href="https://x.org/?a=1&amp;b=2">this https URL</a>',
            "https://x.org/?a=1&b=2",
            id="entity-in-href",
        ),
        pytest.param(
            'Dataset &lt;<a href="https://github.com/shijieS/DMMN">this https URL</a>&gt;)',
            "Dataset <https://github.com/shijieS/DMMN>)",
            id="angle-quoted",
        ),
    ],
)
def test_link_targets_are_kept_as_urls(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("one<br>two", "one" + PARAGRAPH_BREAK + "two", id="br"),
        pytest.param("one <br/> two <BR >three", "one\n\ntwo\n\nthree", id="br-variants"),
        pytest.param("one. <br>Two. <br>Three.", "one.\n\nTwo.\n\nThree.", id="listing-style"),
        pytest.param("<br>lead and trail<br>", "lead and trail", id="no-empty-paragraphs"),
        pytest.param("a<br><br><br>b", "a\n\nb", id="collapsed"),
        pytest.param("  spaced \t out  ", "spaced out", id="whitespace"),
    ],
)
def test_paragraph_breaks(raw: str, expected: str) -> None:
    assert clean_paragraphs(raw) == expected


def test_one_line_fields_fold_breaks_into_spaces() -> None:
    assert clean_line("one<br>two\nthree\r\nfour\tfive  six") == "one two three four five six"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("Segment [red]Anything[/] and [/]", id="rich-markup"),
        pytest.param("[bold]x[/bold] [link=https://evil]y[/link]", id="rich-link"),
        pytest.param("[[double]] and ] and [", id="unbalanced"),
        pytest.param(r"\[escaped\] [@click=app.quit]", id="backslash-and-action"),
    ],
)
def test_square_brackets_are_kept_exactly(raw: str) -> None:
    assert clean_line(raw) == raw
    assert clean_paragraphs(raw) == raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("before \x1b[2J after", "before after", id="csi-clear-screen"),
        pytest.param("\x1b[31mred\x1b[0m", "red", id="csi-colour"),
        pytest.param("a \x1b]52;c;aGk=\x07 b", "a b", id="osc52-bel"),
        pytest.param("\x1b]0;title\x1b\\ok", "ok", id="osc-st"),
        pytest.param("\x1bPdcs payload\x1b\\ok", "ok", id="dcs"),
        pytest.param("a \x9b2J b", "a b", id="c1-csi"),
        pytest.param("\x9d52;c;aGk=\x9cok", "ok", id="c1-osc"),
        pytest.param("a\x1b7b", "ab", id="two-byte-escape"),
        pytest.param("nul\x00l", "null", id="nul"),
        pytest.param("bell\x07", "bell", id="bell"),
        pytest.param("back\x08space", "backspace", id="backspace"),
        pytest.param("del\x7fete", "delete", id="del"),
        pytest.param("abc\u202edcba", "abcdcba", id="bidi-override"),
        pytest.param("is\u2066olate\u2069", "isolate", id="bidi-isolate"),
        pytest.param("zero\u200bwidth", "zerowidth", id="zero-width-space"),
        pytest.param("\ufeffbom", "bom", id="bom"),
        pytest.param("soft\u00adhyphen", "softhyphen", id="soft-hyphen"),
        pytest.param("tag\U000e0041\U000e007fs", "tags", id="tag-characters"),
    ],
)
def test_control_characters_and_escape_sequences_are_removed(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected
    assert clean_paragraphs(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("a &#27;[2J b", id="decimal-esc"),
        pytest.param("a &#x1b;]52;c;aGk=&#7; b", id="hex-esc-osc"),
        pytest.param("a &#X1B;[31m b", id="upper-hex"),
        pytest.param("a &#155;2J b", id="c1-entity"),
        pytest.param("a &#0; b &#x202e; c", id="nul-and-bidi"),
    ],
)
def test_entity_encoded_controls_do_not_survive(raw: str) -> None:
    cleaned = clean_line(raw)
    assert unsafe_characters(cleaned) == []
    assert cleaned.startswith("a ")
    assert cleaned.endswith(" b") or cleaned.endswith(" c")


def test_every_control_and_format_character_is_removed() -> None:
    """All of Cc and Cf, whatever the Unicode version of this Python."""
    dangerous = [
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in {"Cc", "Cf"}
    ]
    assert len(dangerous) > 200
    # One at a time: an escape sequence may rightly swallow what follows it.
    left = {
        f"U+{ord(char):04X}": cleaned
        for char in dangerous
        for cleaned in (clean_line(f"a{char}b"), clean_paragraphs(f"a{char}b"), strip_unsafe(char))
        if unsafe_characters(cleaned, allowed="\n")
    }
    assert left == {}


@given(st.text())
def test_cleaned_text_never_holds_controls(raw: str) -> None:
    line = clean_line(raw)
    paragraphs = clean_paragraphs(raw)
    assert unsafe_characters(line) == []
    assert unsafe_characters(paragraphs, allowed="\n") == []
    assert line == " ".join(line.split())
    assert "\n\n\n" not in paragraphs


@given(st.text(alphabet=st.sampled_from("a \n\t\x1b\x7f\x85\u00ad\u200b\u2028é𝒪")) | st.text())
def test_is_safe_says_whether_strip_unsafe_would_change_the_text(text: str) -> None:
    """The fast check (bytes for ASCII, isprintable else) agrees with the regex."""
    assert is_safe(text) == (_UNSAFE.search(text) is None)
    assert is_safe(text) == (strip_unsafe(text) == text)


SPACES_AND_CONTROLS = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000a<br>é"


@given(st.text(alphabet=st.sampled_from(SPACES_AND_CONTROLS)) | st.text())
def test_whitespace_is_folded_as_split_and_join_would(raw: str) -> None:
    """The short cut for text already folded gives what splitting gives."""
    assert clean_line(raw) == " ".join(_decode(raw).split())
    paragraphs = (" ".join(part.split()) for part in _decode(raw).split("\n"))
    assert clean_paragraphs(raw) == PARAGRAPH_BREAK.join(p for p in paragraphs if p)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_plain_text_is_left_alone(raw: str) -> None:
    """Text without markup, entities or controls only has its whitespace folded."""
    if "<" in raw or "&" in raw:
        return
    assert clean_line(raw) == " ".join(raw.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "at https://github.com/d-li14/involution.",
            ["https://github.com/d-li14/involution"],
            id="full-stop",
        ),
        pytest.param(
            r"\url{https://github.com/GaoLii/DSP}.",
            ["https://github.com/GaoLii/DSP"],
            id="latex-url",
        ),
        pytest.param(
            "see (https://en.wikipedia.org/wiki/Foo_(bar)).",
            ["https://en.wikipedia.org/wiki/Foo_(bar)"],
            id="balanced-parenthesis",
        ),
        pytest.param("(https://x.org/a)", ["https://x.org/a"], id="wrapped-in-parenthesis"),
        pytest.param(
            "https://x.org/a, https://x.org/a; http://y.org",
            ["https://x.org/a", "http://y.org"],
            id="deduplicated",
        ),
        pytest.param("<https://x.org/a>", ["https://x.org/a"], id="angle-brackets"),
        pytest.param("ftp://x.org and javascript:alert(1)", [], id="not-web"),
    ],
)
def test_find_urls(text: str, expected: list[str]) -> None:
    assert find_urls(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://arxiv.org/abs/2201.12944", True, id="https"),
        pytest.param("HTTP://example.org", True, id="upper-case-http"),
        pytest.param("javascript:alert(1)", False, id="javascript"),
        pytest.param("file:///etc/passwd", False, id="file"),
        pytest.param("https://x.org/\x1b[2J", False, id="escape-inside"),
        pytest.param("https://x.org/\u202egpj.exe", False, id="bidi-inside"),
    ],
)
def test_is_web_url(url: str, expected: bool) -> None:
    assert is_web_url(url) is expected


@given(st.text())
def test_fold_strips_every_combining_mark(text: str) -> None:
    """Folding is lowercasing, compatibility decomposition and dropping each
    character with a combining class, whatever the script."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    expected = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    assert fold(text) == expected


def test_fold_examples() -> None:
    assert fold("Bökman") == "bokman"
    assert fold("NAÏVE Café") == "naive cafe"
    assert fold("𝒪(n)") == "o(n)"
    assert fold("αβγ") == "αβγ"  # letters stay, only their marks go
    assert fold("ά") == "α"


@given(st.lists(st.text() | st.text(alphabet="ΣσςΑa. '\u0301\u0345ǅİß\u00ad:Å\u212bﬁ"), max_size=4))
def test_names_folded_one_by_one_equal_them_folded_joined(names: list[str]) -> None:
    """The authors column folds each name once (names recur) and joins them:
    that must be what folding the joined names gives, final sigmas, combining
    marks and compatibility forms included."""
    assert ", ".join(map(fold, names)) == fold(", ".join(names))
