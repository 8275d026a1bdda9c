"""Superscripts and subscripts as Unicode where every character has a form
(``x²``, ``xᵢ₊₁``), else as readable ASCII (``x_θ``, ``e^(-x²/2)``): a script
must never be half raised."""

from __future__ import annotations

import re

from tuireader.core.latex.tokens import MACRO_NAME, closing_brace

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
#: Text that reads as one unit without parentheses: ``x^ab`` is fine, ``x^a+b`` is not.
SIMPLE = re.compile(r"[\w.′'∂∇√\u0300-\u036f\u20d0-\u20ff]+")


def script_argument(source: str, pos: int) -> tuple[str, int] | None:
    """The argument after ``^`` or ``_``: a group, a macro call or one character."""
    while pos < len(source) and source[pos] == " ":
        pos += 1
    if pos >= len(source) or source[pos] in "}^_":
        return None
    if source[pos] == "{":
        close = closing_brace(source, pos)
        return None if close is None else (source[pos + 1 : close], close + 1)
    if source[pos] == "\\":
        macro = MACRO_NAME.match(source, pos)
        if macro is None:
            return None
        end = macro.end()
        if macro.group()[1:].isalpha():
            while end < len(source) and source[end] == "{":
                close = closing_brace(source, end)
                if close is None:
                    break
                end = close + 1
        return source[pos:end], end
    return source[pos], pos + 1


def script(mark: str, argument: str) -> str:
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
    if len(argument) == 1 or SIMPLE.fullmatch(argument):
        return mark + argument
    return f"{mark}({argument})"
