"""What each kind of piece found in prose becomes: math spans, macros,
accents, groups, ties, dashes, quotes and links.

Each handler takes the scan, the piece's match, where the scanned range ends
and the nesting depth, and returns the piece's text and where the scan goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from tuireader.core.latex.limits import MAX_PIECE
from tuireader.core.latex.math_mode import inline_math, math_text
from tuireader.core.latex.pylatexenc_converter import convert_piece
from tuireader.core.latex.tokens import MACRO_NAME

if TYPE_CHECKING:
    from tuireader.core.latex.scanner import Scan

_OPTIONAL_ARG = re.compile(r"\[[^\[\]{}\n]{0,100}\]")
_SPACES = re.compile(r"[ \t]*")

# Escaped characters and spacing commands of text mode, converted directly.
_TEXT_ESCAPES = {
    "%": "%", "&": "&", "#": "#", "_": "_", "$": "$", "{": "{", "}": "}",
    "\\": " ", " ": " ", ",": " ", ";": " ", ":": " ", ">": " ", "!": "", "/": "",
    "-": "", "@": "",
}  # fmt: skip
_ACCENT_SYMBOLS = frozenset("'`\"^~=.")
_ACCENT_LETTERS = frozenset("cHkbdruvt")
# Macros whose argument is prose: converted with the same rules as the text
# around them (money stays money inside \emph{...}).
_TRANSPARENT = frozenset(
    "emph textit textbf texttt textsc textrm textsf textsl textup textmd textnormal "
    "text mbox hbox underline uline".split()
)
# Macros that are a letter: the space after them is TeX's, not a word break.
_LETTERS = frozenset("i j l L o O ss ae AE oe OE aa AA".split())
_NOT_WORD = frozenset(("", " ", "\n", "~"))
_DASHES = {2: "\N{EN DASH}", 3: "\N{EM DASH}"}


def _inline(scan: Scan, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
    math = match.group("inline")
    after = match.end()
    if match.group("digit"):  # a digit after the closing dollar
        if "\\" not in math:
            return "$", match.start() + 1  # money: "$5-$10"
        after -= 1
    # The fast path's cache; both keep math over MAX_PIECE characters as written.
    converted = inline_math(math)
    return (match.string[match.start() : after] if converted is None else converted), after


def _display(scan: Scan, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
    """$$…$$, \\(…\\) and \\[…\\]."""
    math = match.group(match.lastgroup or "")
    converted = None if "$" in math else math_text(math)
    return (match.group() if converted is None else converted), match.end()


def _group(scan: Scan, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
    close = scan.closing(match.start(), end)
    if close >= end:
        return "{", match.end()
    return scan.convert(match.end(), close, depth + 1), close + 1


def _tie(scan: Scan, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
    """A tie (~) between two words is a space; "~1%" and "0.5 ~ 0.8" are prose."""
    text = scan.text
    before = text[match.start() - 1 : match.start()]
    following = text[match.end() : match.end() + 1]
    tie = before not in _NOT_WORD and following not in _NOT_WORD
    return (" " if tie and not (before.isdigit() and following.isdigit()) else "~"), match.end()


def _as_is(scan: Scan, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
    return match.group(), match.end()


def _open_quote(scan: Scan, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
    return "\N{LEFT DOUBLE QUOTATION MARK}", match.end()


def _close_quote(scan: Scan, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
    return "\N{RIGHT DOUBLE QUOTATION MARK}", match.end()


def _dashes(scan: Scan, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
    dashes = match.group()
    text = scan.text
    if text[match.start() - 1 : match.start()] == "<" or text[match.end() : match.end() + 1] == ">":
        return dashes, match.end()  # an arrow: "-->"
    return _DASHES.get(len(dashes), dashes), match.end()


def _macro(scan: Scan, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
    text = scan.text
    name = match.group("macro")
    start, after = match.start(), match.end()
    if not name.isalpha():
        if name in _ACCENT_SYMBOLS:
            return _accent(scan, start, after, end)
        return _TEXT_ESCAPES.get(name, match.group()), after
    if name in _ACCENT_LETTERS and not text.startswith("{", after):
        return _accent(scan, start, after, end)
    groups, stop = _arguments(scan, after, end)
    if name == "url" and len(groups) == 1:
        return text[groups[0][0] : groups[0][1]].strip(), stop
    if name == "href" and len(groups) == 2:
        url = text[groups[0][0] : groups[0][1]].strip()
        label = scan.convert(groups[1][0], groups[1][1], depth + 1).strip()
        return (f"{label} ({url})" if label and label != url else url), stop
    if name in ("begin", "end") and groups:
        return "", stop
    if name in _TRANSPARENT and len(groups) == 1 and stop == groups[0][1] + 1:
        return scan.convert(groups[0][0], groups[0][1], depth + 1), stop
    source = text[start:stop]
    if len(source) > MAX_PIECE or "\n" in source:
        return match.group(), after  # its groups are converted as groups
    converted = convert_piece(source)
    if converted is None:
        return source, stop
    if stop == after and (
        not converted or name in _LETTERS or (len(converted) == 1 and not converted.isalnum())
    ):
        # TeX eats the space after a control word: "Sk\l odowska", "{\it et al.}",
        # "a\textbackslash b". Not after a word or a Greek letter in prose.
        stop = _SPACES.match(text, stop, end).end()  # type: ignore[union-attr]
    return converted, stop


def _accent(scan: Scan, start: int, after: int, end: int) -> tuple[str, int]:
    r"""An accent and its letter: \"o, \"{o}, \c c, \'{\i}."""
    text = scan.text
    arg = _SPACES.match(text, after, end).end()  # type: ignore[union-attr]
    if arg >= end:
        return text[start:after], after
    if text[arg] == "{":
        close = scan.closing(arg, end)
        if close >= end or close - start > MAX_PIECE:
            return text[start:after], after
        stop = close + 1
    elif text[arg] == "\\":
        macro = MACRO_NAME.match(text, arg, end)
        stop = macro.end() if macro else arg + 1
    elif text[arg].isspace():
        return text[start:after], after
    else:
        stop = arg + 1
    converted = convert_piece(text[start:stop])
    return (text[start:stop] if converted is None else converted), stop


def _arguments(scan: Scan, pos: int, end: int) -> tuple[list[tuple[int, int]], int]:
    """The ``[opt]`` and ``{group}`` arguments glued to a macro name.

    Returns the groups' inner spans and where the call ends.
    """
    text = scan.text
    groups: list[tuple[int, int]] = []
    if pos < end and text[pos] == "*":
        pos += 1
    while pos < end:
        if text[pos] == "[" and not groups:
            optional = _OPTIONAL_ARG.match(text, pos, end)
            if optional is None:
                break
            pos = optional.end()
        elif text[pos] == "{":
            close = scan.closing(pos, end)
            if close >= end:
                break
            groups.append((pos + 1, close))
            pos = close + 1
        else:
            break
    return groups, pos


_Handler = Callable[["Scan", "re.Match[str]", int, int], tuple[str, int]]
#: Each kind of piece (the name of the scanner's regex group that closes last) and its handler.
HANDLERS: dict[str, _Handler] = {
    "digit": _inline,
    "display": _display,
    "paren": _display,
    "bracket": _display,
    "macro": _macro,
    "brace": _group,
    "tilde": _tie,
    "dashes": _dashes,
    "open_quote": _open_quote,
    "close_quote": _close_quote,
    "url": _as_is,
}
