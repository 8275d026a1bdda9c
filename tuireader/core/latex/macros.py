"""What macros mean as text, beyond pylatexenc's defaults: fractions, roots,
links, operator names, layout that should vanish, and the argument specs its
parser lacks. Tables only; :mod:`.pylatexenc_converter` installs them in pylatexenc."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tuireader.core.latex.scripts import SIMPLE, script
from tuireader.core.latex.spacing import TIGHT


def _arg(node: Any, l2tobj: Any, index: int) -> str:
    args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
    if index >= len(args) or args[index] is None:
        return ""
    return TIGHT.sub("", " ".join(str(l2tobj.nodelist_to_text([args[index]])).split()))


def _grouped(text: str) -> str:
    return text if len(text) <= 1 or SIMPLE.fullmatch(text) else f"({text})"


def _fraction(node: Any, l2tobj: Any) -> str:
    """``\\frac{1}{2}`` → ``1/2``, ``\\frac{a+b}{2}`` → ``(a+b)/2``."""
    return f"{_grouped(_arg(node, l2tobj, 0))}/{_grouped(_arg(node, l2tobj, 1))}"


def _binomial(node: Any, l2tobj: Any) -> str:
    return f"({_arg(node, l2tobj, 0)} choose {_arg(node, l2tobj, 1)})"


def _root(node: Any, l2tobj: Any) -> str:
    """``\\sqrt{n}`` → ``√n``, ``\\sqrt{n+1}`` → ``√(n+1)``, ``\\sqrt[3]{x}`` → ``³√x``."""
    index = _arg(node, l2tobj, 0)
    return (script("^", index) if index else "") + "√" + _grouped(_arg(node, l2tobj, 1))


def _link(node: Any, l2tobj: Any) -> str:
    url, label = _arg(node, l2tobj, 0), _arg(node, l2tobj, 1)
    return f"{label} ({url})" if label and label != url else url


def _citation(node: Any, l2tobj: Any) -> str:
    """``\\cite[p.~3]{a,b}`` → ``[a, b, p. 3]``: the keys are what a reader can look up.

    The keys are kept as written (``smith_2020`` is no subscript); one optional
    argument is a note after them, two are a note before them and one after.
    """
    args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
    written = str(args[-1].latex_verbatim()).strip("{}") if args and args[-1] is not None else ""
    keys = ", ".join(key.strip() for key in written.split(",") if key.strip())
    if not keys:
        return ""
    before, after = _arg(node, l2tobj, 1), _arg(node, l2tobj, 2)
    if len(args) > 2 and args[2] is None:  # one note: it goes after
        before, after = "", before
    cited = f"{before} {keys}" if before else keys
    return f"[{cited}, {after}]" if after else f"[{cited}]"


def _double_struck(node: Any, l2tobj: Any) -> str:
    return _arg(node, l2tobj, 0).translate(_DOUBLE_STRUCK)


_DOUBLE_STRUCK = str.maketrans(
    {"1": "𝟙", "C": "ℂ", "E": "𝔼", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}
)

#: Argument specs for macros pylatexenc's parser does not know.
WALKER_ARGUMENTS = {
    "boldsymbol": "{", "bm": "{", "pmb": "{", "mathbbm": "{", "mathds": "{", "mathnormal": "{",
    "operatorname": "*{", "mathop": "{", "mathbin": "{", "mathrel": "{", "textnormal": "{",
    "textsuperscript": "{", "textsubscript": "{", "href": "{{", "url": "{",
    "dfrac": "{{", "tfrac": "{{", "cfrac": "{{", "binom": "{{", "tbinom": "{{", "dbinom": "{{",
    "overset": "{{", "underset": "{{", "stackrel": "{{", "substack": "{", "pmod": "{",
    "phantom": "{", "smash": "{", "tag": "*{", "thanks": "{", "uline": "{", "hbox": "{",
}  # fmt: skip

#: Macros and their text: a fixed string, a %-pattern of the arguments, or a callable.
MACRO_TEXT: dict[str, str | Callable[..., str]] = {
    "frac": _fraction, "dfrac": _fraction, "tfrac": _fraction, "cfrac": _fraction,
    "nicefrac": _fraction, "textfrac": _fraction,
    "binom": _binomial, "tbinom": _binomial, "dbinom": _binomial,
    "sqrt": _root, "href": _link, "url": "%s",
    "cite": _citation, "citep": _citation, "citet": _citation,
    "mathbbm": _double_struck, "mathds": _double_struck,
    "overset": "%(2)s", "underset": "%(2)s", "stackrel": "%(2)s",
    "textsuperscript": lambda node, l2tobj: script("^", _arg(node, l2tobj, 0)),
    "textsubscript": lambda node, l2tobj: script("_", _arg(node, l2tobj, 0)),
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

#: Layout and font switches: they change how text looks, not what it says.
INVISIBLE = (
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr bigm Bigm "
    "displaystyle textstyle scriptstyle scriptscriptstyle limits nolimits nonumber notag "
    "label noindent par centering raggedright small footnotesize scriptsize large Large LARGE "
    "huge Huge tiny normalsize bfseries itshape mdseries upshape slshape scshape rmfamily "
    "sffamily ttfamily normalfont rm bf it em sf tt sc sl cal xspace phantom hphantom "
    "vphantom hfill hfil vfill kern mkern mskip allowbreak protect relax maketitle thanks "
    "enspace thinspace negthinspace medspace thickspace"
).split()
#: Known macros whose argument is simply the text. Bold and italic math letters
#: among them: ``$\\mathbf{E}$diting`` reads "Editing", is found by a search for
#: it, and shows in every terminal font (𝐄 does not).
ARGUMENT_ONLY = (
    "texttt textsf textup textmd textnormal mbox hbox operatorname mathop mathbin mathrel "
    "smash substack uline mathbf mathit mathsf mathtt mathnormal boldsymbol bm pmb"
).split()
