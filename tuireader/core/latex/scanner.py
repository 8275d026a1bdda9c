"""The prose scanner: finds the LaTeX pieces of a text left to right and keeps
everything between them exactly as written.

The text is never handed to a LaTeX parser whole: each piece's start is found
by a C-speed substring search, matched by one regex that names its kind, and
converted by that kind's handler (:mod:`.prose_pieces`).
"""

from __future__ import annotations

import re
from itertools import repeat
from operator import mod

from tuireader.core.latex.limits import MAX_DEPTH, MAX_PIECE
from tuireader.core.latex.prose_pieces import HANDLERS
from tuireader.core.latex.tokens import BRACE_TOKEN

# What starts a piece, each found by a C-speed substring search: memchr for
# one character, and sre for "--" (twice as fast as str.find there). A regex
# over the whole prose would be ten times slower. "^" and "_" are not among
# them: outside math they are kept as written, and math needs a "$".
_TRIGGERS = ("$", "\\", "{", "~", "`")  # and "--", searched apart
DOUBLE_DASH = re.compile("--").search
_URL_TRIGGER = "http"  # only where "://" occurs
_QUOTE_TRIGGER = "''"  # only where "``" occurs
_ANY_TRIGGER = re.compile(r"[$\\{~`]|--|''|://").search
#: Tokens looked at to close a group before pairing the whole text's braces.
_LOOKAHEAD_TOKENS = 16

_MATH_BODY = r"(?:[^$\n\\]|\\[^\n])"
# What starts at a trigger, by kind (the last group of a match names it).
# Inline math follows Pandoc: "$" opens only before a non-space, closes only
# after a non-space and not before a digit, so "$5 and $10" is money, not
# math. Unlike Pandoc, a digit may follow when the math has a macro:
# "0.64$\pm$0.10" is common.
_PIECE = re.compile(
    rf"\$\$(?P<display>{_MATH_BODY}{{1,{MAX_PIECE}}}?)\$\$"
    rf"|\$(?P<inline>(?=[^\s$]){_MATH_BODY}{{1,{MAX_PIECE}}}?)(?<=[^\s\\])\$(?P<digit>\d?)"
    rf"|\\\((?P<paren>(?:[^\n\\]|\\[^)\n]){{1,{MAX_PIECE}}}?)\\\)"
    rf"|\\\[(?P<bracket>(?:[^\n\\]|\\[^\]\n]){{1,{MAX_PIECE}}}?)\\\]"
    r"|\\(?P<macro>[A-Za-z]+|[^A-Za-z])"
    r"|\{(?P<brace>)"
    r"|~(?P<tilde>)"
    r"|--(?P<dashes>-*)"
    r"|``(?P<open_quote>)"
    r"|''(?P<close_quote>)"
    # "~", "--" and "_" in a link are part of it.
    r"|https?://[^\s<>\"'`{}]+(?P<url>)"
)


class Scan:
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
        if depth > MAX_DEPTH:
            return text[start:end]
        if end - start < 64 and _ANY_TRIGGER(text, start, end) is None:
            return text[start:end]  # \emph{word}: one search, not one per trigger
        find = text.find
        triggers = self._triggers
        nowhere = end + 1
        # Where each trigger occurs next (end: nowhere); the nearest is a candidate.
        upcoming = list(map(mod, map(find, triggers, repeat(start), repeat(end)), repeat(nowhere)))
        dash = DOUBLE_DASH(text, start, end)  # sre finds "--" twice as fast as str.find
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
                    dash = DOUBLE_DASH(text, pos, end)
                    upcoming[index] = dash.start() if dash else end
                else:
                    upcoming[index] = find(triggers[index], pos, end) % nowhere
        out.append(text[pos:end])
        return "".join(out)

    def _piece(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int]:
        """The piece's text and where the scan goes on, by the kind of piece."""
        return HANDLERS[match.lastgroup or ""](self, match, end, depth)

    def closing(self, brace: int, end: int) -> int:
        """Where the group opened at ``brace`` closes, or ``end`` if not before it.

        Escaped braces do not count and a line break closes nothing: a group
        never spans paragraphs. Most groups are short and found by looking
        ahead a few tokens; past that, every brace of the text is paired once
        (a stack, linear), so ten thousand "{" cost one pass, not a pass each.
        """
        if self._pairs is None:
            depth = 0
            for count, token in enumerate(BRACE_TOKEN.finditer(self.text, brace, end)):
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
        for token in BRACE_TOKEN.finditer(self.text):
            char = token.group()
            if char == "{":
                stack.append(token.start())
            elif char == "}":
                if stack:
                    pairs[stack.pop()] = token.start()
            elif char == "\n":
                stack.clear()
        return pairs


def tidy(converted: str, original: str) -> str:
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
