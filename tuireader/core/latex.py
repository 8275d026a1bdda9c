"""LaTeX in arXiv titles and abstracts to readable Unicode text.

arXiv metadata is written in LaTeX: ``$\\alpha$-divergence``, ``Schr\\"odinger``,
``{\\it et al.}``, ``$98.1\\pm 0.1\\%$``. A terminal shows it best as Unicode:
``α-divergence``, ``Schrödinger``, ``et al.``, ``98.1 ± 0.1%``.

Most text has no LaTeX at all, and the rest has a few short pieces in plain
prose, so the text is never handed to a LaTeX parser whole: the pieces that
need converting (``$…$`` spans, macros, accents, braced groups, ``--``, ``~``,
quotes) are found by substring search, everything between them is kept exactly
as written, and each piece is converted by pylatexenc's ``LatexNodes2Text``
and memoised, because the same pieces (``$\\pm$``, ``$\\alpha$``) recur
constantly. Text of prose and ``$…$`` only, the commonest, takes a shorter
path (split on "$"); math of characters and symbol macros is converted
without the parser, from pylatexenc's own symbol table.

How pylatexenc is configured, and why (compared on the samples):

* ``math_mode="text"``: math becomes text ("verbatim" would keep ``$``;
  "remove" would drop words such as ``$\\mathbf{E}$diting``);
* unknown macros stay readable instead of vanishing (pylatexenc's default):
  ``\\foo{bar}`` is ``bar`` (the argument is the text, the name is markup:
  ``\\ac{CNN}``), a bare ``\\foo`` stays ``\\foo`` (``we propose \\ours,`` must
  not lose its subject), and so does a known macro missing its arguments;
* ``strict_latex_spaces=False`` ("macros"): "based-on-source" splits words
  (``Sk\\l odowska``); the space after a control word that TeX would eat is
  eaten only where it is not a word break (``\\l``, ``\\it``);
* ``\\mathbf``, ``\\boldsymbol``, ``\\mathit`` give plain letters (searchable,
  in every font); ``\\mathcal`` and ``\\mathbb`` keep 𝒪 and ℝ, which are
  different symbols, not a style;
* scripts are Unicode only when every character has a form (``x²``,
  ``xᵢ₊₁``, else ``x_θ``, ``e^(-x²/2)``); ``\\frac{a}{b}`` is ``a/b``;
* comments are off, and ``%`` is a percent sign, never a comment; ``~``
  is a space only between two words (``by ~1%`` stays); ``$`` opens math only
  as Pandoc decides (``costs $5 and $10`` stays); ``_`` and ``^`` are scripts
  only in math (``snake_case`` stays); ``\\input`` never reads a file.

The input is untrusted and so is pylatexenc's output: every character of the
result comes from :func:`tuireader.core.text.strip_unsafe`, and malformed or
pathological input degrades to the input rather than raising or hanging.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import repeat
from operator import mod
from typing import Any

from tuireader.core.text import strip_unsafe

# --- Limits -------------------------------------------------------------------

#: Longer texts are not converted at all (arXiv caps abstracts at 1,920
#: characters): the work stays bounded whatever the input.
MAX_TEXT_LENGTH = 20_000
#: Longest piece (math span, macro call) handed to pylatexenc.
_MAX_PIECE = 400
#: Deepest brace nesting converted; deeper groups are kept as written.
_MAX_DEPTH = 12
#: Tokens looked at to close a group before pairing the whole text's braces.
_LOOKAHEAD_TOKENS = 16
#: Entries per memo: the common snippets are a few hundred (numbers share one
#: entry per shape), and a miss costs pylatexenc's 50-300 µs.
_CACHE_SIZE = 8192

# --- Scanning prose ---------------------------------------------------------------

# What starts a piece, each found by a C-speed substring search: memchr for
# one character, and sre for "--" (twice as fast as str.find there). A regex
# over the whole prose would be ten times slower. "^" and "_" are not among
# them: outside math they are kept as written, and math needs a "$".
_TRIGGERS = ("$", "\\", "{", "~", "`")  # and "--", searched apart
_DOUBLE_DASH = re.compile("--").search
_URL_TRIGGER = "http"  # only where "://" occurs
_QUOTE_TRIGGER = "''"  # only where "``" occurs
_ANY_TRIGGER = re.compile(r"[$\\{~`]|--|''|://").search
#: What strip_unsafe removes from ASCII text: controls but the newline, and DEL.
_ASCII_UNSAFE = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F])

_MATH_BODY = r"(?:[^$\n\\]|\\[^\n])"
# What starts at a trigger, by kind (the last group of a match names it).
# Inline math follows Pandoc: "$" opens only before a non-space, closes only
# after a non-space and not before a digit, so "$5 and $10" is money, not
# math. Unlike Pandoc, a digit may follow when the math has a macro:
# "0.64$\pm$0.10" is common.
_PIECE = re.compile(
    rf"\$\$(?P<display>{_MATH_BODY}{{1,{_MAX_PIECE}}}?)\$\$"
    rf"|\$(?P<inline>(?=[^\s$]){_MATH_BODY}{{1,{_MAX_PIECE}}}?)(?<=[^\s\\])\$(?P<digit>\d?)"
    rf"|\\\((?P<paren>(?:[^\n\\]|\\[^)\n]){{1,{_MAX_PIECE}}}?)\\\)"
    rf"|\\\[(?P<bracket>(?:[^\n\\]|\\[^\]\n]){{1,{_MAX_PIECE}}}?)\\\]"
    r"|\\(?P<macro>[A-Za-z]+|[^A-Za-z])"
    r"|\{(?P<brace>)"
    r"|~(?P<tilde>)"
    r"|--(?P<dashes>-*)"
    r"|``(?P<open_quote>)"
    r"|''(?P<close_quote>)"
    # "~", "--" and "_" in a link are part of it.
    r"|https?://[^\s<>\"'`{}]+(?P<url>)"
)
_MACRO_NAME = re.compile(r"\\(?:[A-Za-z]+|.)", re.DOTALL)
# Braces, and what makes a brace not one: an escape (\{) or an escaped backslash.
_BRACE_TOKEN = re.compile(r"\\[\\{}]|[{}\n]")
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

# --- Scripts and math spacing ---------------------------------------------------------

# Characters with a Unicode superscript or subscript form, and that form.
_SUPERSCRIPTS = str.maketrans(
    "0123456789+-\N{MINUS SIGN}=()"
    "abcdefghijklmnoprstuvwxyz"
    "ABDEGHIJKLMNOPRTUVW\N{DOWN TACK}"
    "αβγδεϵθιφϕχ",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵀᵅᵝᵞᵟᵋᵋᶿᶥᵠᵠᵡ",
)
_SUBSCRIPTS = str.maketrans(
    "0123456789+-\N{MINUS SIGN}=()aehijklmnoprstuvxβγρφϕχ",
    "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵩᵪ",
)
_SCRIPT_TABLES = {"^": _SUPERSCRIPTS, "_": _SUBSCRIPTS}
_SCRIPTED_CHARS = {
    mark: frozenset(chr(code) for code in table.values()) for mark, table in _SCRIPT_TABLES.items()
}
# Marks that read better without a caret: x^* is x*, f^\prime is f′, 90^\circ is 90°.
_BARE_SUPERSCRIPTS = {
    "*": "*", "\N{ASTERISK OPERATOR}": "*", "'": "′", "\N{PRIME}": "′", "\N{DAGGER}": "†",
    "\N{DOUBLE DAGGER}": "‡", "\N{RING OPERATOR}": "°", "\N{DEGREE SIGN}": "°",
}  # fmt: skip
_SCRIPT_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|[\^_]", re.DOTALL)
_SIMPLE = re.compile(r"[\w.′'∂∇√\u0300-\u036f\u20d0-\u20ff]+")
_PLACEHOLDER_BASE = 0xE000  # Private Use Area: never produced by pylatexenc
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# Relations and binary operators: spaced on both sides if spaced on either in
# the source ("98.1\pm 0.1" and "a \pm b" read alike), else on neither.
_OPERATOR = re.compile(r"\s*([=<>±∓×÷·≤≥⩽⩾≈∼≃≅≡≠≪≫≲≳∝→←↔⇒⇐⇔⟹⟺↦∈∉⊂⊆⊃⊇])\s*")
# Math _symbols_only can convert: no scripts, groups, specials or comments.
_NOT_SYMBOLS_ONLY = re.compile(r"[\^_{}&~#$`]|\\[\^_{}&~#$`'\"=.]")
_MATH_MACRO = re.compile(r"\\(?:([A-Za-z]+)(\s*)|([^A-Za-z]))", re.DOTALL)
# Spaces TeX would not show either: inside brackets, after a prefix symbol.
_TIGHT = re.compile(r"(?<=[(\[{⟨∂∇√¬]) | (?=[)\]}⟩,;])")
_DIGIT_RUN = re.compile(r"([0-9]+)")
_PERCENT = re.compile(r"\\.|%", re.DOTALL)


def has_latex(text: str) -> bool:
    """Could ``text`` hold LaTeX worth converting?

    A few substring searches (memchr for single characters, sre's literal
    search for "--", twice as fast as ``in``): it runs on every title and
    abstract at parse time and is False for most. ``^`` and ``_`` alone do
    not count: outside ``$…$`` they are kept as written (``snake_case``);
    nor does a closing ``''`` without an opening "``".
    """
    return (
        "$" in text
        or "\\" in text
        or "{" in text
        or "~" in text
        or ("`" in text and "``" in text)
        or _DOUBLE_DASH(text) is not None
    )


def latex_to_text(text: str) -> str:
    """LaTeX source to readable Unicode; never raises.

    Text between the LaTeX pieces is kept exactly as written, so a title stays
    one line and an abstract keeps its paragraph breaks. The result is always
    safe for the terminal (``strip_unsafe``), whatever macros the input used.
    """
    try:
        # strip_unsafe, tested faster for clean ASCII (nearly every text):
        # str.isprintable looks each character up in the Unicode database,
        # deleting ASCII controls from the bytes is a table lookup, 3x faster.
        # Inlined, as the checks below: this runs on every title and abstract.
        if not text.isascii():
            text = strip_unsafe(text)
        else:
            encoded = text.encode("ascii")
            if len(encoded.translate(None, _ASCII_UNSAFE)) != len(encoded):
                text = strip_unsafe(text)
        if len(text) > MAX_TEXT_LENGTH:
            return text
        # Every piece of the result is safe: the prose is the cleaned input,
        # and each converted piece went through strip_unsafe when it was made
        # (and cached), so the whole text is not searched again.
        if "$" in text:
            converted = _dollars(text)
            if converted is not None:
                return converted
        elif not has_latex(text):
            return text
        scan = _Scan(text)
        converted = scan.convert(0, len(text), 0)
        return _tidy(converted, text) if scan.loose else converted
    except Exception:  # noqa: BLE001 - never raise: the input is the fallback
        return strip_unsafe(text)


def _dollars(text: str) -> str | None:
    """The common case, fast: prose and ``$…$`` math and nothing else.

    Splitting on "$" is a C loop, and the spans are what the scanner would
    find (tests check the two agree); None sends anything less plain (escaped
    or unpaired dollars, money, malformed math, a link glued to a dollar,
    other LaTeX in the prose) to the scanner.
    """
    if "~" in text or "`" in text or _DOUBLE_DASH(text) is not None:
        return None
    parts = text.split("$")
    count = len(parts)
    if count % 2 == 0:
        return None
    prose = "".join(parts[::2])
    if "\\" in prose or "{" in prose:
        return None
    maths = parts[1::2]
    converted = list(map(_inline_math, maths))  # the loops in C: this runs on every span
    if not all(converted):  # None (no math) or "" (math that is nothing)
        return None
    for following in parts[2::2]:
        if following[:1].isdigit():  # rare: a closing dollar before a digit
            for math, after in zip(maths, parts[2::2], strict=True):
                if after[:1].isdigit() and "\\" not in math:
                    return None  # money: "$5-$10"
            break
    if "/" in prose:
        for before in parts[:-1:2]:
            if before[-1:].isspace() or "://" not in before[before.rfind(" ") + 1 :]:
                continue
            return None  # "https://x.org/$a$" is a link
    parts[1::2] = converted  # type: ignore[assignment]  # no None left
    return "".join(parts)


@lru_cache(maxsize=_CACHE_SIZE)
def _inline_math(math: str) -> str | None:
    """The body between two dollars as text; None if it is no (or malformed) math.

    Memoised whole, the commonest lookup: ``$\\alpha$``, ``$\\ell_1$`` recur.
    """
    if (
        not math
        or math[0].isspace()
        or math[-1].isspace()
        or math[-1] == "\\"
        or len(math) > _MAX_PIECE
        or "\n" in math
        or ("{" in math or "}" in math)
        and not _balanced(math)
    ):
        return None
    return _math_by_shape(math)


def _balanced(math: str) -> bool:
    """Whether the braces pair up: ``$\\frac{1$`` is shown as written."""
    depth = 0
    for token in _BRACE_TOKEN.finditer(math):
        char = token.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@lru_cache(maxsize=_CACHE_SIZE)
def _math_text(math: str) -> str | None:
    """A math body as text, memoised as written (and by shape behind)."""
    return _math_by_shape(math)


def cache_info() -> dict[str, Any]:
    """Hits and misses of the piece caches, for benchmarks."""
    caches = {
        "inline": _inline_math,
        "math_text": _math_text,
        "shape": _shape_text,
        "math": _math,
        "piece": _piece,
        "script": _script_text,
    }
    return {name: cache.cache_info()._asdict() for name, cache in caches.items()}


def cache_clear() -> None:
    """Forget memoised pieces (benchmarks measure cold conversions)."""
    _inline_math.cache_clear()
    _math_text.cache_clear()
    _shape_text.cache_clear()
    _math.cache_clear()
    _piece.cache_clear()
    _script_text.cache_clear()


# --- The scanner ------------------------------------------------------------------


class _Scan:
    """One text being converted: the pieces are found left to right.

    Braces are paired lazily (most texts only have braces inside math,
    which pylatexenc pairs itself).
    """

    __slots__ = ("text", "loose", "_triggers", "_pairs")

    def __init__(self, text: str) -> None:
        self.text = text
        #: Whether a piece became empty or spaced: doubled spaces may need folding.
        self.loose = False
        triggers: tuple[str, ...] = _TRIGGERS
        if ":" in text and "://" in text:  # one-character tests first: memchr
            triggers += (_URL_TRIGGER,)
        if "`" in text and "``" in text:  # '' closes a quote only where one is opened
            triggers += (_QUOTE_TRIGGER,)
        self._triggers = triggers
        self._pairs: dict[int, int] | None = None

    def convert(self, start: int, end: int, depth: int) -> str:
        """``text[start:end]`` with every LaTeX piece in it converted."""
        text = self.text
        if depth > _MAX_DEPTH:
            return text[start:end]
        if end - start < 64 and _ANY_TRIGGER(text, start, end) is None:
            return text[start:end]  # \emph{word}: one search, not one per trigger
        find = text.find
        triggers = self._triggers
        nowhere = end + 1
        # Where each trigger occurs next (end: nowhere); the nearest is a candidate.
        upcoming = list(map(mod, map(find, triggers, repeat(start), repeat(end)), repeat(nowhere)))
        dash = _DOUBLE_DASH(text, start, end)  # sre finds "--" twice as fast as str.find
        upcoming.append(dash.start() if dash else end)
        dash_index = len(triggers)
        out: list[str] = []
        pos = start
        while (candidate := min(upcoming)) < end:
            out.append(text[pos:candidate])
            match = _PIECE.match(text, candidate, end)
            if match is None:
                replacement, pos = text[candidate], candidate + 1
            else:
                replacement, pos = self._piece(match, end, depth)
                if not replacement or replacement[0] == " " or replacement[-1] == " ":
                    self.loose = True
            out.append(replacement)
            while (behind := min(upcoming)) < pos:  # the triggers the piece went past
                index = upcoming.index(behind)
                if index == dash_index:
                    dash = _DOUBLE_DASH(text, pos, end)
                    upcoming[index] = dash.start() if dash else end
                else:
                    upcoming[index] = find(triggers[index], pos, end) % nowhere
        out.append(text[pos:end])
        return "".join(out)

    def _piece(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        """The piece's text and where the scan goes on, by the kind of piece."""
        return _HANDLERS[match.lastgroup or ""](self, match, end, depth)

    def _inline(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        math = match.group("inline")
        after = match.end()
        if match.group("digit"):  # a digit after the closing dollar
            if "\\" not in math:
                return "$", match.start() + 1  # money: "$5-$10"
            after -= 1
        # The fast path's cache; both keep math over _MAX_PIECE characters as written.
        converted = _inline_math(math)
        return (match.string[match.start() : after] if converted is None else converted), after

    def _display(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        """$$…$$, \\(…\\) and \\[…\\]."""
        math = match.group(match.lastgroup or "")
        converted = None if "$" in math else _math_text(math)
        return (match.group() if converted is None else converted), match.end()

    def _group(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        close = self.closing(match.start(), end)
        if close >= end:
            return "{", match.end()
        return self.convert(match.end(), close, depth + 1), close + 1

    def _tie(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        """A tie (~) between two words is a space; "~1%" and "0.5 ~ 0.8" are prose."""
        text = self.text
        before = text[match.start() - 1 : match.start()]
        following = text[match.end() : match.end() + 1]
        tie = before not in _NOT_WORD and following not in _NOT_WORD
        return (" " if tie and not (before.isdigit() and following.isdigit()) else "~"), match.end()

    def _as_is(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        return match.group(), match.end()

    def _open_quote(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        return "\N{LEFT DOUBLE QUOTATION MARK}", match.end()

    def _close_quote(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        return "\N{RIGHT DOUBLE QUOTATION MARK}", match.end()

    def _dashes(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        dashes = match.group()
        text = self.text
        if (
            text[match.start() - 1 : match.start()] == "<"
            or text[match.end() : match.end() + 1] == ">"
        ):
            return dashes, match.end()  # an arrow: "-->"
        return _DASHES.get(len(dashes), dashes), match.end()

    def _macro(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        text = self.text
        name = match.group("macro")
        start, after = match.start(), match.end()
        if not name.isalpha():
            if name in _ACCENT_SYMBOLS:
                return self._accent(start, after, end)
            return _TEXT_ESCAPES.get(name, match.group()), after
        if name in _ACCENT_LETTERS and not text.startswith("{", after):
            return self._accent(start, after, end)
        groups, stop = self._arguments(after, end)
        if name == "url" and len(groups) == 1:
            return text[groups[0][0] : groups[0][1]].strip(), stop
        if name == "href" and len(groups) == 2:
            url = text[groups[0][0] : groups[0][1]].strip()
            label = self.convert(groups[1][0], groups[1][1], depth + 1).strip()
            return (f"{label} ({url})" if label and label != url else url), stop
        if name in ("begin", "end") and groups:
            return "", stop
        if name in _TRANSPARENT and len(groups) == 1 and stop == groups[0][1] + 1:
            return self.convert(groups[0][0], groups[0][1], depth + 1), stop
        source = text[start:stop]
        if len(source) > _MAX_PIECE or "\n" in source:
            return match.group(), after  # its groups are converted as groups
        converted = _piece(source)
        if converted is None:
            return source, stop
        if stop == after and (
            not converted or name in _LETTERS or (len(converted) == 1 and not converted.isalnum())
        ):
            # TeX eats the space after a control word: "Sk\l odowska", "{\it et al.}",
            # "a\textbackslash b". Not after a word or a Greek letter in prose.
            stop = _SPACES.match(text, stop, end).end()  # type: ignore[union-attr]
        return converted, stop

    def _accent(self, start: int, after: int, end: int) -> tuple[str, int]:
        r"""An accent and its letter: \"o, \"{o}, \c c, \'{\i}."""
        text = self.text
        arg = _SPACES.match(text, after, end).end()  # type: ignore[union-attr]
        if arg >= end:
            return text[start:after], after
        if text[arg] == "{":
            close = self.closing(arg, end)
            if close >= end or close - start > _MAX_PIECE:
                return text[start:after], after
            stop = close + 1
        elif text[arg] == "\\":
            macro = _MACRO_NAME.match(text, arg, end)
            stop = macro.end() if macro else arg + 1
        elif text[arg].isspace():
            return text[start:after], after
        else:
            stop = arg + 1
        converted = _piece(text[start:stop])
        return (text[start:stop] if converted is None else converted), stop

    def _arguments(self, pos: int, end: int) -> tuple[list[tuple[int, int]], int]:
        """The ``[opt]`` and ``{group}`` arguments glued to a macro name.

        Returns the groups' inner spans and where the call ends.
        """
        text = self.text
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
                close = self.closing(pos, end)
                if close >= end:
                    break
                groups.append((pos + 1, close))
                pos = close + 1
            else:
                break
        return groups, pos

    def closing(self, brace: int, end: int) -> int:
        """Where the group opened at ``brace`` closes, or ``end`` if not before it.

        Escaped braces do not count and a line break closes nothing: a group
        never spans paragraphs. Most groups are short and found by looking
        ahead a few tokens; past that, every brace of the text is paired once
        (a stack, linear), so ten thousand "{" cost one pass, not a pass each.
        """
        if self._pairs is None:
            depth = 0
            for count, token in enumerate(_BRACE_TOKEN.finditer(self.text, brace, end)):
                char = token.group()
                if char == "{":
                    depth += 1
                elif char == "}":
                    depth -= 1
                    if depth == 0:
                        return token.start()
                elif char == "\n":
                    return end
                if count == _LOOKAHEAD_TOKENS:
                    self._pairs = self._pair_all()
                    break
            else:
                return end
        close = self._pairs.get(brace, end)
        return close if close < end else end

    def _pair_all(self) -> dict[int, int]:
        pairs: dict[int, int] = {}
        stack: list[int] = []
        for token in _BRACE_TOKEN.finditer(self.text):
            char = token.group()
            if char == "{":
                stack.append(token.start())
            elif char == "}":
                if stack:
                    pairs[stack.pop()] = token.start()
            elif char == "\n":
                stack.clear()
        return pairs


_Handler = Callable[[_Scan, "re.Match[str]", int, int], tuple[str, int]]
#: Each kind of piece (the name of the _PIECE group that closes last) and its handler.
_HANDLERS: dict[str, _Handler] = {
    "digit": _Scan._inline,
    "display": _Scan._display,
    "paren": _Scan._display,
    "bracket": _Scan._display,
    "macro": _Scan._macro,
    "brace": _Scan._group,
    "tilde": _Scan._tie,
    "dashes": _Scan._dashes,
    "open_quote": _Scan._open_quote,
    "close_quote": _Scan._close_quote,
    "url": _Scan._as_is,
}


def _tidy(converted: str, original: str) -> str:
    """Fold the doubled spaces that removed pieces leave behind."""
    if "  " in converted:
        converted = re.sub(r" {2,}", " ", converted)
    if " \n" in converted or "\n " in converted:
        converted = re.sub(r" *\n *", "\n", converted)
    if converted[:1] == " " and original[:1] != " ":
        converted = converted.lstrip(" ")
    if converted[-1:] == " " and original[-1:] != " ":
        converted = converted.rstrip(" ")
    return converted


# --- Converting pieces with pylatexenc ---------------------------------------------


@lru_cache(maxsize=_CACHE_SIZE)
def _piece(source: str) -> str | None:
    """A text-mode macro call or accent as text; None if it cannot be converted."""
    try:
        return strip_unsafe(" ".join(_to_text(_escape_percent(source)).split()))
    except Exception:  # noqa: BLE001 - pylatexenc on hostile input
        return None


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


@lru_cache(maxsize=_CACHE_SIZE)
def _math(source: str) -> str | None:
    """The body of a math span as text; None if it cannot be converted."""
    try:
        return strip_unsafe(_math_to_text(source, 0))
    except Exception:  # noqa: BLE001 - pylatexenc on hostile input
        return None


def _math_to_text(source: str, depth: int) -> str:
    """Math body to text: scripts first (as Unicode where possible), then the rest."""
    if depth > _MAX_DEPTH:
        return source
    text = _symbols_only(source)
    if text is None:
        scripts: list[str] = []
        if ("^" in source or "_" in source) and not _PRIVATE_USE.search(source):
            source = _replace_scripts(source, scripts, depth)
        text = _to_text("$" + _escape_percent(source) + "$")
        if scripts:
            text = _PRIVATE_USE.sub(lambda m: scripts[ord(m.group()) - _PLACEHOLDER_BASE], text)
    return _finish_math(text)


def _finish_math(text: str) -> str:
    """Spacing as TeX shows math: one space at most, none inside brackets, and
    operators spaced on both sides or neither."""
    text = " ".join(text.split())
    if " " in text:
        text = _TIGHT.sub("", text)
    if _OPERATOR.search(text):
        text = _OPERATOR.sub(
            lambda m: m.group(1) if m.group() == m.group(1) else f" {m.group(1)} ", text
        )
    return text.strip()


_NOT_A_SHAPE = "\N{REPLACEMENT CHARACTER}not a shape"


@lru_cache(maxsize=_CACHE_SIZE)
def _shape_text(shape: str) -> str | None:
    """Math with its numbers zeroed, as text; _NOT_A_SHAPE where digits matter."""
    return _math(shape) if _symbols_and_characters(shape) else _NOT_A_SHAPE


def _symbols_and_characters(source: str) -> bool:
    """Whether _symbols_only can convert this math (without converting it)."""
    if _NOT_SYMBOLS_ONLY.search(source) or "--" in source or "''" in source:
        return False
    symbols = _pylatexenc()[2]
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
    symbols = _pylatexenc()[2]
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
        argument = _script_argument(source, pos)
        if argument is None:
            continue
        arg_source, pos = argument
        out.append(source[last : token.start()])
        out.append(chr(_PLACEHOLDER_BASE + len(scripts)))
        scripts.append(_script(token.group(), _script_text(arg_source, depth + 1)))
        last = pos
    out.append(source[last:])
    return "".join(out)


@lru_cache(maxsize=_CACHE_SIZE)
def _script_text(source: str, depth: int) -> str:
    """A script's argument as text, memoised: ``_i``, ``^2``, ``_{\\theta}`` recur."""
    return _math_to_text(source, depth)


def _script_argument(source: str, pos: int) -> tuple[str, int] | None:
    """The argument after ``^`` or ``_``: a group, a macro call or one character."""
    while pos < len(source) and source[pos] == " ":
        pos += 1
    if pos >= len(source) or source[pos] in "}^_":
        return None
    if source[pos] == "{":
        close = _closing_brace(source, pos)
        return None if close is None else (source[pos + 1 : close], close + 1)
    if source[pos] == "\\":
        macro = _MACRO_NAME.match(source, pos)
        if macro is None:
            return None
        end = macro.end()
        if macro.group()[1:].isalpha():
            while end < len(source) and source[end] == "{":
                close = _closing_brace(source, end)
                if close is None:
                    break
                end = close + 1
        return source[pos:end], end
    return source[pos], pos + 1


def _closing_brace(source: str, pos: int) -> int | None:
    depth = 0
    for token in _BRACE_TOKEN.finditer(source, pos):
        char = token.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return token.start()
    return None


def _script(mark: str, argument: str) -> str:
    """``x^2`` → ``x²``; ``x_\\theta`` → ``x_θ``: Unicode only if every character has it."""
    if mark == "^" and argument in _BARE_SUPERSCRIPTS:
        return _BARE_SUPERSCRIPTS[argument]
    if argument in ("*", "\N{ASTERISK OPERATOR}"):
        return mark + "*"
    compact = argument.replace(" ", "")
    if not compact:
        return ""
    scripted = compact.translate(_SCRIPT_TABLES[mark])
    if all(char in _SCRIPTED_CHARS[mark] for char in scripted):
        return scripted
    if len(argument) == 1 or _SIMPLE.fullmatch(argument):
        return mark + argument
    return f"{mark}({argument})"


def _escape_percent(source: str) -> str:
    """A bare ``%`` is a percent sign in metadata, never a comment."""
    if "%" not in source:
        return source
    return _PERCENT.sub(lambda m: m.group() if len(m.group()) == 2 else "\\%", source)


def _to_text(source: str) -> str:
    walker_context, converter, _ = _pylatexenc()
    from pylatexenc.latexwalker import LatexWalker

    walker = LatexWalker(source, latex_context=walker_context, tolerant_parsing=True)
    nodes = walker.get_latex_nodes()[0]
    return str(converter.nodelist_to_text(nodes))


@cache
def _pylatexenc() -> tuple[Any, Any, dict[str, str]]:
    """The parser context, the converter and its symbol macros, built on first use.

    Imported lazily: pylatexenc costs ~17 ms to import and most digests never
    need it. Its loggers are silenced: it warns on every malformed macro, and a
    warning on stderr would scribble over the TUI.
    """
    import logging

    from pylatexenc import latexwalker
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
        get_default_latex_context_db,
    )
    from pylatexenc.macrospec import MacroSpec

    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)

    walker_context = latexwalker.get_default_latex_context_db().filter_context()
    walker_context.add_context_category(
        "tuireader",
        prepend=True,
        macros=[MacroSpec(name, args) for name, args in _WALKER_ARGUMENTS.items()],
    )
    text_context = get_default_latex_context_db().filter_context(
        exclude_categories=["latex-ethuebung", "nonstandard-qit"]
    )
    macros = [MacroTextSpec(name, simplify_repl=repl) for name, repl in _MACRO_TEXT.items()]
    macros += [MacroTextSpec(name, discard=True) for name in _INVISIBLE]
    macros += [MacroTextSpec(name, discard=False) for name in _ARGUMENT_ONLY]
    text_context.add_context_category(
        "tuireader",
        prepend=True,
        macros=macros,
        specials=[SpecialsTextSpec("~", " "), SpecialsTextSpec("&", "&")],
    )

    class Converter(LatexNodes2Text):  # type: ignore[misc]
        """Unknown macros stay readable: ``\\foo{bar}`` is ``bar``, ``\\foo`` is ``\\foo``."""

        def nodelist_to_text(self, nodelist: list[Any]) -> str:
            kept = [
                node
                for index, node in enumerate(nodelist)
                if not (
                    index + 1 < len(nodelist)
                    and _bare_unknown(node)
                    and not node.macro_post_space
                    and nodelist[index + 1].isNodeType(latexwalker.LatexGroupNode)
                )
            ]
            return str(super().nodelist_to_text(kept))

        def macro_node_to_text(self, node: Any) -> str:
            if _bare_unknown(node):
                return "\\" + str(node.macroname)
            if text_context.get_macro_spec(node.macroname) is None:
                # Unknown here, but the parser knew its arguments: keep them.
                return "".join(
                    str(self._groupnodecontents_to_text(arg))
                    for arg in node.nodeargd.argnlist
                    if arg is not None
                )
            return str(super().macro_node_to_text(node))

    def _bare_unknown(node: Any) -> bool:
        """An unknown macro, or a known one whose arguments are missing."""
        if node is None or not node.isNodeType(latexwalker.LatexMacroNode):
            return False
        if text_context.get_macro_spec(node.macroname) is None:
            args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
            return not any(arg is not None for arg in args)
        spec = walker_context.get_macro_spec(node.macroname)
        argspec = getattr(getattr(spec, "args_parser", None), "argspec", "") or ""
        if "{" not in argspec:
            return False
        if node.nodeargd is None or not node.nodeargd.argnlist:
            return True
        return any(
            kind == "{" and arg is None
            for kind, arg in zip(argspec, node.nodeargd.argnlist, strict=False)
        )

    converter = Converter(
        latex_context=text_context, math_mode="text", keep_comments=False, strict_latex_spaces=False
    )
    # Macros that take no argument and stand for a fixed text: \alpha, \pm, \,.
    symbols: dict[str, str] = {}
    for spec in text_context.iter_macro_specs():
        name = spec.macroname
        spec = text_context.get_macro_spec(name)  # the one that wins
        walker_spec = walker_context.get_macro_spec(name)
        if walker_spec is not None and walker_spec.args_parser.argspec:
            continue
        if isinstance(spec.simplify_repl, str) and (
            "%" not in spec.simplify_repl or spec.simplify_repl == "%"
        ):
            symbols[name] = spec.simplify_repl
        elif spec.simplify_repl is None and spec.discard:
            symbols[name] = ""
    return walker_context, converter, symbols


# --- Macro tables -------------------------------------------------------------------


def _arg(node: Any, l2tobj: Any, index: int) -> str:
    args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
    if index >= len(args) or args[index] is None:
        return ""
    return _TIGHT.sub("", " ".join(str(l2tobj.nodelist_to_text([args[index]])).split()))


def _grouped(text: str) -> str:
    return text if len(text) <= 1 or _SIMPLE.fullmatch(text) else f"({text})"


def _fraction(node: Any, l2tobj: Any) -> str:
    """``\\frac{1}{2}`` → ``1/2``, ``\\frac{a+b}{2}`` → ``(a+b)/2``."""
    return f"{_grouped(_arg(node, l2tobj, 0))}/{_grouped(_arg(node, l2tobj, 1))}"


def _binomial(node: Any, l2tobj: Any) -> str:
    return f"({_arg(node, l2tobj, 0)} choose {_arg(node, l2tobj, 1)})"


def _root(node: Any, l2tobj: Any) -> str:
    """``\\sqrt{n}`` → ``√n``, ``\\sqrt{n+1}`` → ``√(n+1)``, ``\\sqrt[3]{x}`` → ``³√x``."""
    index = _arg(node, l2tobj, 0)
    return (_script("^", index) if index else "") + "√" + _grouped(_arg(node, l2tobj, 1))


def _link(node: Any, l2tobj: Any) -> str:
    url, label = _arg(node, l2tobj, 0), _arg(node, l2tobj, 1)
    return f"{label} ({url})" if label and label != url else url


def _double_struck(node: Any, l2tobj: Any) -> str:
    return _arg(node, l2tobj, 0).translate(_DOUBLE_STRUCK)


_DOUBLE_STRUCK = str.maketrans(
    {"1": "𝟙", "C": "ℂ", "E": "𝔼", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}
)

# Argument specs for macros pylatexenc's parser does not know.
_WALKER_ARGUMENTS = {
    "boldsymbol": "{", "bm": "{", "pmb": "{", "mathbbm": "{", "mathds": "{", "mathnormal": "{",
    "operatorname": "*{", "mathop": "{", "mathbin": "{", "mathrel": "{", "textnormal": "{",
    "textsuperscript": "{", "textsubscript": "{", "href": "{{", "url": "{",
    "dfrac": "{{", "tfrac": "{{", "cfrac": "{{", "binom": "{{", "tbinom": "{{", "dbinom": "{{",
    "overset": "{{", "underset": "{{", "stackrel": "{{", "substack": "{", "pmod": "{",
    "phantom": "{", "smash": "{", "tag": "*{", "thanks": "{", "uline": "{", "hbox": "{",
}  # fmt: skip

_MACRO_TEXT: dict[str, str | Callable[..., str]] = {
    "frac": _fraction, "dfrac": _fraction, "tfrac": _fraction, "cfrac": _fraction,
    "nicefrac": _fraction, "textfrac": _fraction,
    "binom": _binomial, "tbinom": _binomial, "dbinom": _binomial,
    "sqrt": _root, "href": _link, "url": "%s",
    "mathbbm": _double_struck, "mathds": _double_struck,
    "overset": "%(2)s", "underset": "%(2)s", "stackrel": "%(2)s",
    "textsuperscript": lambda node, l2tobj: _script("^", _arg(node, l2tobj, 0)),
    "textsubscript": lambda node, l2tobj: _script("_", _arg(node, l2tobj, 0)),
    "tag": "(%(2)s)", "pmod": " (mod %s)",
    "bmod": " mod ",
    "|": "‖", "Vert": "‖", "lVert": "‖", "rVert": "‖",
    "arg": "arg", "det": "det", "dim": "dim", "Pr": "Pr", "gcd": "gcd", "lg": "lg",
    "deg": "deg", "hom": "hom", "ker": "ker", "cot": "cot", "sec": "sec", "csc": "csc",
    "argmax": "argmax", "argmin": "argmin",
    "iff": "⟺", "implies": "⟹", "gets": "←", "neg": "¬", "lnot": "¬", "land": "∧", "lor": "∨",
    "ne": "≠", "bot": "⊥", "models": "⊨", "triangle": "△", "checkmark": "✓", "copyright": "©",
    "S": "§", "P": "¶", "ddag": "‡", "degree": "°", "celsius": "°C", "micro": "µ", "Re": "ℜ",
    "Im": "ℑ", "imath": "ı", "jmath": "ȷ", "colon": ":", "coloneqq": "≔", "eqqcolon": "≕",
    "hdots": "…", "ldotp": ".", "cdotp": "·",
    "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "TeX": "TeX", "BibTeX": "BibTeX",
    "ie": "i.e.", "eg": "e.g.", "etal": "et al.", "cf": "cf.", "etc": "etc.", "vs": "vs.",
    "wrt": "w.r.t.",
    "\\": " ", "newline": " ", "linebreak": " ", "today": "today", "%": "%",
    "title": "%s", "author": "%s", "date": "%s",
}  # fmt: skip

# Layout and font switches: they change how text looks, not what it says.
_INVISIBLE = (
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr bigm Bigm "
    "displaystyle textstyle scriptstyle scriptscriptstyle limits nolimits nonumber notag "
    "label noindent par centering raggedright small footnotesize scriptsize large Large LARGE "
    "huge Huge tiny normalsize bfseries itshape mdseries upshape slshape scshape rmfamily "
    "sffamily ttfamily normalfont rm bf it em sf tt sc sl cal xspace phantom hphantom "
    "vphantom hfill hfil vfill kern mkern mskip allowbreak protect relax maketitle thanks "
    "enspace thinspace negthinspace medspace thickspace"
).split()
# Known macros whose argument is simply the text. Bold and italic math letters
# among them: ``$\\mathbf{E}$diting`` reads "Editing", is found by a search for
# it, and shows in every terminal font (𝐄 does not).
_ARGUMENT_ONLY = (
    "texttt textsf textup textmd textnormal mbox hbox operatorname mathop mathbin mathrel "
    "smash substack uline mathbf mathit mathsf mathtt mathnormal boldsymbol bm pmb"
).split()
