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

The modules, in the order a text goes through them: :mod:`.convert` (the
check and the entry point), :mod:`.scanner` and :mod:`.prose_pieces` (prose),
:mod:`.math_mode`, :mod:`.scripts` and :mod:`.spacing` (math),
:mod:`.pylatexenc_converter` and :mod:`.macros` (pylatexenc and what macros
mean), with :mod:`.tokens`, :mod:`.limits` and :mod:`.memo` shared by them.
"""

from __future__ import annotations

# The private names are internals the tests hold against each other (each fast
# path against the general one), under their names from when this was one module.
from tuireader.core.latex.convert import (  # noqa: F401
    _dollars,
    has_latex,
    latex_to_text,
    readable_words,
)
from tuireader.core.latex.limits import MAX_TEXT_LENGTH
from tuireader.core.latex.math_mode import _math, _math_by_shape, _symbols_only  # noqa: F401
from tuireader.core.latex.memo import cache_clear, cache_info
from tuireader.core.latex.pylatexenc_converter import to_text as _to_text  # noqa: F401
from tuireader.core.latex.scanner import Scan as _Scan  # noqa: F401
from tuireader.core.latex.scanner import tidy as _tidy  # noqa: F401
from tuireader.core.latex.spacing import finish_math as _finish_math  # noqa: F401

__all__ = [
    "MAX_TEXT_LENGTH",
    "cache_clear",
    "cache_info",
    "has_latex",
    "latex_to_text",
    "readable",
    "readable_words",
]


def readable(text: str) -> str:
    """``text`` as people read it: converted if it holds LaTeX (cheap if not)."""
    return latex_to_text(text) if has_latex(text) else text
