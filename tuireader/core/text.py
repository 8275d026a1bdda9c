"""Untrusted digest text to clean plain text.

Digest files are written by scripts from arXiv's HTML and are treated as
hostile: tags are removed (link targets kept as URLs), entities decoded,
``<br>`` turned into paragraph breaks, and every control character and
terminal escape sequence removed, because Textual writes text straight to the
terminal. Square brackets are left exactly as written: they are data, and the
UI never interprets text as markup.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import sys
import unicodedata
from collections.abc import Iterable

PARAGRAPH_BREAK = "\n\n"

_LINK_TAG = re.compile(
    r"<a\b[^<>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))[^<>]*>(.*?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
# Only real tag names with name=value attributes are tags: "a <b and c> d" in a
# formula stays as written.
_ATTRIBUTES = r"""(?:\s+[\w:-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))*\s*/?>"""
_BREAK_TAG = re.compile(r"</?(?:br|p|hr|li)" + _ATTRIBUTES, re.IGNORECASE)
_OTHER_TAG = re.compile(
    r"<!--.*?-->|</?(?:a|b|i|u|s|em|strong|sup|sub|span|div|code|tt|font|small|big|"
    r"ul|ol|dl|dt|dd|blockquote|pre|table|tr|td|th|img|abbr|cite|q|mark)" + _ATTRIBUTES,
    re.IGNORECASE | re.DOTALL,
)
# Terminal escape sequences: CSI, OSC, DCS/SOS/PM/APC strings, two-byte escapes,
# and their 8-bit C1 forms. Removed whole so no "[2J" debris is left behind.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
# Everything that must never reach a terminal: C0 (but newline), DEL, C1,
# bidirectional overrides and isolates, zero-width and other invisible format
# characters (every Unicode "Cf", tag characters included), line/paragraph
# separators and the BOM.
_UNSAFE_CHARS = (
    "\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
_SPACE_LIKE = str.maketrans({"\t": " ", "\r": " ", "\u2028": " ", "\u2029": " ", "\x0b": " "})
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}'\""
_PLACEHOLDER_LINK_TEXT = {"this https url", "this http url", "https url", "http url", "link"}


#: Text up to this length is quicker checked and folded by the plain calls
#: (``isprintable``, ``split``) than by the short cuts for long text.
_SHORT = 48
#: The unsafe characters of ASCII: controls but the newline, and DEL.
_ASCII_UNSAFE = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F])


def is_safe(text: str) -> bool:
    """True when ``strip_unsafe`` would leave ``text`` as it is.

    The check runs on every text of every paper, so it is made cheap: long
    ASCII text (abstracts) has its controls deleted from the bytes, a table
    lookup three times faster than ``isprintable`` and exact, newlines
    included; other text tries ``isprintable`` (every unsafe character is
    unprintable), quickest for short text and ten times faster than the
    search it saves, and again without its line breaks (safe but
    unprintable: abstracts have them).
    """
    if len(text) > _SHORT and text.isascii():
        encoded = text.encode("ascii")
        return len(encoded.translate(None, _ASCII_UNSAFE)) == len(encoded)
    if text.isprintable() or ("\n" in text and text.replace("\n", "").isprintable()):
        return True
    return not _UNSAFE.search(text)


def strip_unsafe(text: str) -> str:
    """Remove escape sequences and invisible or control characters.

    Tabs and carriage returns become spaces so that words stay apart.
    """
    if is_safe(text):
        return text
    text = _ESCAPE_SEQUENCE.sub("", text).translate(_SPACE_LIKE)
    return _UNSAFE.sub("", text)


def clean_line(raw: str) -> str:
    """Clean a one-line field (title, author, comment): whitespace folded."""
    return _fold_line(_decode(raw))


def clean_paragraphs(raw: str) -> str:
    """Clean an abstract: paragraphs separated by a blank line."""
    text = _decode(raw)
    if "\n" not in text:
        return _fold_line(text)
    paragraphs = map(_fold_line, text.split("\n"))
    return PARAGRAPH_BREAK.join(p for p in paragraphs if p)


def _fold_line(decoded: str) -> str:
    """``" ".join(decoded.split())`` for a line of ``_decode``'s output.

    Splitting makes an object of every word (most of the time of cleaning an
    abstract); ASCII text without a double space needs only its ends
    stripped, as ``_decode`` has removed the other ASCII whitespace but the
    line break (tab and CR became spaces, the rest are controls).
    """
    if len(decoded) > _SHORT and decoded.isascii() and "\n" not in decoded:
        stripped = decoded.strip(" ")  # a listing's abstract starts with spaces
        if _DOUBLE_SPACE(stripped) is None:
            return stripped
    return " ".join(decoded.split())


# sre's literal search, twice as fast as ``in`` for two characters.
_DOUBLE_SPACE = re.compile("  ").search
_SCHEME_SEPARATOR = re.compile("://").search


def fold(text: str) -> str:
    """Lowercase and strip accents, so "Bökman" matches "bokman"."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    # Lowered again: compatibility forms decompose to capitals too (𝒪 is O).
    return _combining_marks().sub("", decomposed).lower()


def prepare_folding() -> None:
    """Build what folding non-ASCII text needs (~50 ms, once), so that the
    first such text folded where a person waits (a highlighted row, on the
    UI thread) does not pay for it."""
    _combining_marks()


@functools.cache
def _combining_marks() -> re.Pattern[str]:
    """Every character with a combining class, as one character set: removed
    in C, ten times faster than testing each character (built once, ~50 ms)."""
    marks = [c for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c))]
    ranges, start = [], marks[0]
    for previous, current in itertools.pairwise([*marks, -1]):
        if current != previous + 1:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
            start = current
    return re.compile(f"[{''.join(ranges)}]+")


def fold_fully(text: str) -> str:
    """``fold`` until nothing changes (once or twice, in practice), so that a
    query text folds to itself and can be written back as typed."""
    for _ in range(8):
        folded = fold(text)
        if folded == text:
            break
        text = folded
    return text


def find_urls(text: str) -> list[str]:
    """The http(s) URLs in clean text, in order, without trailing punctuation."""
    # The common case, decided fast: memchr for the colon, then sre's literal
    # search, twice as fast as ``in`` for the three characters.
    if ":" not in text or _SCHEME_SEPARATOR(text) is None:
        return []
    urls = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        if url.count("(") > url.count(")") and match.group()[len(url) :].startswith(")"):
            url += ")"
        if url not in urls:
            urls.append(url)
    return urls


def is_web_url(url: str) -> bool:
    """Only http(s) links are ever handed to a browser."""
    return url.lower().startswith(("http://", "https://")) and not _UNSAFE.search(url)


def _decode(raw: str) -> str:
    """Tags, then entities, then unsafe characters (entities can encode ESC)."""
    if "<" in raw:
        raw = _LINK_TAG.sub(_link_replacement, raw)
        raw = _BREAK_TAG.sub("\n", raw)
        raw = _OTHER_TAG.sub("", raw)
    if "&" in raw:
        raw = html.unescape(raw)
    return strip_unsafe(raw)


def _link_replacement(match: re.Match[str]) -> str:
    url = html.unescape(next(g for g in match.groups()[:3] if g is not None)).strip()
    label = " ".join(_OTHER_TAG.sub("", match.group(4)).split())
    if not label or label.lower() in _PLACEHOLDER_LINK_TEXT or html.unescape(label) == url:
        return url
    return f"{label} ({url})"


def balanced(chars: Iterable[str], opening: str, closing: str) -> bool:
    """Whether every ``opening`` in ``chars`` is closed, and no ``closing``
    comes before its opening."""
    depth = 0
    for char in chars:
        depth += (char == opening) - (char == closing)
        if depth < 0:
            return False
    return depth == 0
