"""The entry points: a cheap check for LaTeX, run on every title and abstract
at parse time, and the conversion, which takes a short path for the commonest
LaTeX (prose and ``$…$`` only) and the prose scanner for the rest."""

from __future__ import annotations

from tuireader.core.latex.limits import MAX_TEXT_LENGTH
from tuireader.core.latex.math_mode import inline_math
from tuireader.core.latex.memo import memoised
from tuireader.core.latex.scanner import DOUBLE_DASH, Scan, tidy
from tuireader.core.text import strip_unsafe


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
        or DOUBLE_DASH(text) is not None
    )


def latex_to_text(text: str) -> str:
    """LaTeX source to readable Unicode; never raises.

    Text between the LaTeX pieces is kept exactly as written, so a title stays
    one line and an abstract keeps its paragraph breaks. The result is always
    safe for the terminal (``strip_unsafe``), whatever macros the input used.
    """
    try:
        text = strip_unsafe(text)  # fast for clean ASCII, nearly every text
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
        scan = Scan(text)
        converted = scan.convert(0, len(text), 0)
        return tidy(converted, text) if scan.loose else converted
    except Exception:  # noqa: BLE001 - never raise: the input is the fallback
        return strip_unsafe(text)


def _dollars(text: str) -> str | None:
    """The common case, fast: prose and ``$…$`` math and nothing else."""
    parts = _dollar_parts(text)
    return None if parts is None else "".join(parts)


def readable_words(text: str) -> tuple[str, ...]:
    """The words of ``latex_to_text(text)`` that ``text`` does not have
    ("α-divergence", "𝒪(n²)"), sorted: what search must find besides the
    source. For prose and ``$…$`` only (the commonest) the words are taken
    around each converted span, without splitting the whole text."""
    if "$" in text:
        parts = _dollar_parts(text)
        if parts is not None:
            return _words_around_math(parts)
    elif not has_latex(text):
        return ()
    shown = latex_to_text(text)
    if shown == text:
        return ()
    return tuple(sorted(set(shown.split()).difference(text.split())))


def _words_around_math(parts: list[str]) -> tuple[str, ...]:
    """The words made by each converted span (odd parts) with the word pieces
    glued to it on either side, sorted."""
    words: tuple[str, ...] = ()
    for k in range(1, len(parts), 2):
        before, after = parts[k - 1], parts[k + 1]
        head = "" if not before or before[-1].isspace() else before.rsplit(None, 1)[-1]
        tail = "" if not after or after[0].isspace() else after.split(None, 1)[0]
        words += _piece_words(head + parts[k] + tail)
    return words if len(parts) == 3 else tuple(sorted(set(words)))


@memoised("readable piece")
def _piece_words(piece: str) -> tuple[str, ...]:
    """The sorted words of one converted span with its context: memoised,
    as the same pieces ("𝒪(n²).", "±") recur in every library."""
    return tuple(sorted(set(piece.split())))


def _dollar_parts(text: str) -> list[str] | None:
    """``text`` split on "$", the math (odd parts) converted; None unless the
    text is prose and ``$…$`` math only.

    Splitting on "$" is a C loop, and the spans are what the scanner would
    find (tests check the two agree); None sends anything less plain (escaped
    or unpaired dollars, money, malformed math, a link glued to a dollar,
    other LaTeX in the prose) to the scanner.
    """
    if "~" in text or "`" in text or DOUBLE_DASH(text) is not None:
        return None
    parts = text.split("$")
    count = len(parts)
    if count % 2 == 0:
        return None
    prose = "".join(parts[::2])
    if "\\" in prose or "{" in prose:
        return None
    maths = parts[1::2]
    converted = list(map(inline_math, maths))  # the loops in C: this runs on every span
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
    return parts
