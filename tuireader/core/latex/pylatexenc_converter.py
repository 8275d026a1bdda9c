"""pylatexenc, configured for arXiv metadata and imported on first use.

pylatexenc costs ~17 ms to import and most digests never need it, so it is
built only when a piece needs it. Its parser and converter get this package's
macro tables (:mod:`.macros`), and a converter subclass keeps unknown macros
readable: ``\\foo{bar}`` is ``bar``, a bare ``\\foo`` stays ``\\foo``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from tuireader.core.latex.macros import ARGUMENT_ONLY, INVISIBLE, MACRO_TEXT, WALKER_ARGUMENTS
from tuireader.core.latex.memo import memoised
from tuireader.core.text import strip_unsafe

_PERCENT = re.compile(r"\\.|%", re.DOTALL)
# Where the converter is in a node list: prose, after an unknown macro's name
# it dropped, after one of that macro's groups.
_PROSE, _NAME, _ARGUMENT = range(3)


@memoised("piece")
def convert_piece(source: str) -> str | None:
    """A text-mode macro call or accent as text; None if it cannot be converted."""
    try:
        return strip_unsafe(" ".join(to_text(escape_percent(source)).split()))
    except Exception:  # noqa: BLE001 - pylatexenc on hostile input
        return None


def escape_percent(source: str) -> str:
    """A bare ``%`` is a percent sign in metadata, never a comment."""
    if "%" not in source:
        return source
    return _PERCENT.sub(lambda m: m.group() if len(m.group()) == 2 else "\\%", source)


def to_text(source: str) -> str:
    """LaTeX source through pylatexenc's parser and converter; may raise."""
    walker_context, converter, _ = _pylatexenc()
    from pylatexenc.latexwalker import LatexWalker

    walker = LatexWalker(source, latex_context=walker_context, tolerant_parsing=True)
    nodes = walker.get_latex_nodes()[0]
    return str(converter.nodelist_to_text(nodes))


def symbol_macros() -> dict[str, str]:
    """Macros that take no argument and stand for a fixed text: ``\\alpha``, ``\\pm``."""
    return _pylatexenc()[2]


@cache
def _pylatexenc() -> tuple[Any, Any, dict[str, str]]:
    """The parser context, the converter and its symbol macros, built on first use.

    Its loggers are silenced: it warns on every malformed macro, and a
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
        macros=[MacroSpec(name, args) for name, args in WALKER_ARGUMENTS.items()],
    )
    text_context = get_default_latex_context_db().filter_context(
        exclude_categories=["latex-ethuebung", "nonstandard-qit"]
    )
    macros = [MacroTextSpec(name, simplify_repl=repl) for name, repl in MACRO_TEXT.items()]
    macros += [MacroTextSpec(name, discard=True) for name in INVISIBLE]
    macros += [MacroTextSpec(name, discard=False) for name in ARGUMENT_ONLY]
    text_context.add_context_category(
        "tuireader",
        prepend=True,
        macros=macros,
        specials=[SpecialsTextSpec("~", " "), SpecialsTextSpec("&", "&")],
    )

    class Converter(LatexNodes2Text):  # type: ignore[misc]
        """Unknown macros stay readable: ``\\foo{bar}`` is ``bar``, ``\\foo`` is ``\\foo``."""

        def nodelist_to_text(self, nodelist: list[Any]) -> str:
            # The groups after an unknown macro's dropped name are its arguments,
            # the text, a space apart: \foo{a}{b} is "a b", not "ab".
            segments: list[list[Any]] = [[]]
            state = _PROSE
            for index, node in enumerate(nodelist):
                if state != _PROSE and node.isNodeType(latexwalker.LatexGroupNode):
                    if state == _ARGUMENT:
                        segments.append([])
                    segments[-1].append(node)
                    state = _ARGUMENT
                    continue
                state = _PROSE
                if (
                    index + 1 < len(nodelist)
                    and _bare_unknown(node)
                    and not node.macro_post_space
                    and nodelist[index + 1].isNodeType(latexwalker.LatexGroupNode)
                ):
                    state = _NAME
                    continue
                segments[-1].append(node)
            texts = list(map(str, map(super().nodelist_to_text, segments)))
            return texts[0] if len(texts) == 1 else " ".join(filter(None, texts))

        def macro_node_to_text(self, node: Any) -> str:
            if _bare_unknown(node):
                return "\\" + str(node.macroname)
            if _took_closing_dollar(node):
                return str(node.latex_verbatim())[:-1]  # as written, as if it had no argument
            if text_context.get_macro_spec(node.macroname) is None:
                # Unknown here, but the parser knew its arguments: keep them.
                args = node.nodeargd.argnlist
                return " ".join(filter(None, map(str, map(self._groupnodecontents_to_text, args))))
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

    def _took_closing_dollar(node: Any) -> bool:
        """``$\\sqrt$``: the parser took the math's closing "$" for the argument.

        Math bodies hold no "$" of their own, so a "$" argument of a macro in
        math is that one (in prose it may be an accent's: ``\\"$``).
        """
        if not node.parsing_state.in_math_mode:
            return False
        args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
        last = next((arg for arg in reversed(args) if arg is not None), None)
        return (
            last is not None and last.isNodeType(latexwalker.LatexCharsNode) and last.chars == "$"
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
