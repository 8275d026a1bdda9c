"""Math bodies (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) to text.

Most math is characters and symbol macros (``98.1\\pm 0.1\\%``, ``\\alpha``):
that is converted from pylatexenc's own symbol table, without its parser, and
memoised by shape, numbers zeroed. Scripts become placeholders converted on
their own (:mod:`.scripts`), and the rest goes through pylatexenc.
"""

from __future__ import annotations

import re

from tuireader.core.latex.limits import MAX_DEPTH, MAX_PIECE
from tuireader.core.latex.memo import memoised
from tuireader.core.latex.pylatexenc_converter import escape_percent, symbol_macros, to_text
from tuireader.core.latex.scripts import script, script_argument
from tuireader.core.latex.spacing import finish_math
from tuireader.core.latex.tokens import balanced
from tuireader.core.text import strip_unsafe

_SCRIPT_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|[\^_]", re.DOTALL)
_PLACEHOLDER_BASE = 0xE000  # Private Use Area: never produced by pylatexenc
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# Math _symbols_only can convert: no scripts, groups, specials or comments.
_NOT_SYMBOLS_ONLY = re.compile(r"[\^_{}&~#$`]|\\[\^_{}&~#$`'\"=.]")
_MATH_MACRO = re.compile(r"\\(?:([A-Za-z]+)(\s*)|([^A-Za-z]))", re.DOTALL)
_DIGIT_RUN = re.compile(r"([0-9]+)")
_NOT_A_SHAPE = "\N{REPLACEMENT CHARACTER}not a shape"


@memoised("inline")
def inline_math(math: str) -> str | None:
    """The body between two dollars as text; None if it is no (or malformed) math.

    Memoised whole, the commonest lookup: ``$\\alpha$``, ``$\\ell_1$`` recur.
    """
    if (
        not math
        or math[0].isspace()
        or math[-1].isspace()
        or math[-1] == "\\"
        or len(math) > MAX_PIECE
        or "\n" in math
        or ("{" in math or "}" in math)
        and not balanced(math)
    ):
        return None
    return _math_by_shape(math)


@memoised("math_text")
def math_text(math: str) -> str | None:
    """A math body as text, memoised as written (and by shape behind)."""
    return _math_by_shape(math)


def _math_by_shape(source: str) -> str | None:
    """The math as text, memoised by shape: the numbers are put back after.

    ``98.1\\pm 0.1\\%`` and ``97.3\\pm 0.5\\%`` are one cache entry, every run
    of digits a "0" while converting. Only for math of characters and symbol
    macros, where a digit is just a character: in a script (``x^{10}`` is
    x¹⁰) or under an accent (``\\hat{10}`` is 1̂0̂) it is not, and such math
    keeps an entry of its own. If the zeros do not come back one for one,
    the math is converted as it is.
    """
    pieces = _DIGIT_RUN.split(source)
    if len(pieces) == 1:
        return _math(source)
    converted = _shape_text("0".join(pieces[::2]))
    if converted is _NOT_A_SHAPE:
        return _math(source)
    if converted is None:
        return None
    parts = converted.split("0")
    if len(parts) != len(pieces) // 2 + 1:
        return _math(source)
    pieces[::2] = parts
    return "".join(pieces)


@memoised("shape")
def _shape_text(shape: str) -> str | None:
    """Math with its numbers zeroed, as text; _NOT_A_SHAPE where digits matter."""
    return _math(shape) if _symbols_and_characters(shape) else _NOT_A_SHAPE


@memoised("math")
def _math(source: str) -> str | None:
    """The body of a math span as text; None if it cannot be converted."""
    try:
        return strip_unsafe(_math_to_text(source, 0))
    except Exception:  # noqa: BLE001 - pylatexenc on hostile input
        return None


def _math_to_text(source: str, depth: int) -> str:
    """Math body to text: scripts first (as Unicode where possible), then the rest."""
    if depth > MAX_DEPTH:
        return source
    text = _symbols_only(source)
    if text is None:
        scripts: list[str] = []
        if ("^" in source or "_" in source) and not _PRIVATE_USE.search(source):
            source = _replace_scripts(source, scripts, depth)
        text = to_text("$" + escape_percent(source) + "$")
        if scripts:
            text = _PRIVATE_USE.sub(lambda m: scripts[ord(m.group()) - _PLACEHOLDER_BASE], text)
    return finish_math(text)


def _symbols_and_characters(source: str) -> bool:
    """Whether _symbols_only can convert this math (without converting it)."""
    if _NOT_SYMBOLS_ONLY.search(source) or "--" in source or "''" in source:
        return False
    symbols = symbol_macros()
    return all(
        (macro.group(1) or macro.group(3)) in symbols for macro in _MATH_MACRO.finditer(source)
    )


def _symbols_only(source: str) -> str | None:
    """Math of plain characters and symbol macros, converted without pylatexenc.

    ``98.1\\pm 0.1\\%``, ``K > 2``, ``\\alpha``: the commonest math, for a few
    µs instead of pylatexenc's ~150. The result is pylatexenc's (the symbols
    are its own, and a test checks the two agree); None when the math needs
    the parser.
    """
    if _NOT_SYMBOLS_ONLY.search(source) or "--" in source or "''" in source:
        return None
    symbols = symbol_macros()
    out: list[str] = []
    pos = 0
    for macro in _MATH_MACRO.finditer(source):
        symbol = symbols.get(macro.group(1) or macro.group(3))
        if symbol is None:
            return None
        chars = source[pos : macro.start()]
        if not chars.isspace():  # pylatexenc drops blank text between macros
            out.append(chars)
        out.append(symbol)
        # pylatexenc keeps the space after a control word before characters.
        if macro.group(2) and macro.end() < len(source) and source[macro.end()] != "\\":
            out.append(" ")
        pos = macro.end()
    out.append(source[pos:])
    return "".join(out)


def _replace_scripts(source: str, scripts: list[str], depth: int) -> str:
    """Each ``^arg``/``_arg`` becomes a placeholder for its converted form.

    Placeholders (private-use characters) pass through pylatexenc untouched,
    so a script inside ``\\frac{…}`` or ``\\mathbb{…}`` lands where it was.
    """
    out: list[str] = []
    last = pos = 0
    while (token := _SCRIPT_TOKEN.search(source, pos)) is not None:
        pos = token.end()
        if token.group()[0] == "\\":
            continue
        argument = script_argument(source, pos)
        if argument is None:
            continue
        arg_source, pos = argument
        out.append(source[last : token.start()])
        out.append(chr(_PLACEHOLDER_BASE + len(scripts)))
        scripts.append(script(token.group(), _script_text(arg_source, depth + 1)))
        last = pos
    out.append(source[last:])
    return "".join(out)


@memoised("script")
def _script_text(source: str, depth: int) -> str:
    """A script's argument as text, memoised: ``_i``, ``^2``, ``_{\\theta}`` recur."""
    return _math_to_text(source, depth)
