"""LaTeX in titles and abstracts to readable Unicode: real arXiv cases with
exact expected text, malformed and hostile input, and the fast paths agreeing
with the general one."""

from __future__ import annotations

import logging
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tuireader.core import latex
from tuireader.core.formats import parse_file
from tuireader.core.latex import MAX_TEXT_LENGTH, has_latex, latex_to_text
from tuireader.core.text import strip_unsafe

# --- Real-world cases -------------------------------------------------------------

# Taken from sample_digests/ (first block) and from arXiv titles and abstracts.
REAL_WORLD = [
    # sample_digests/
    (r"$\beta$-Variational Classifiers Under Attack", "β-Variational Classifiers Under Attack"),
    ("$β$-Variational Classifiers Under Attack", "β-Variational Classifiers Under Attack"),
    (r"reaching $98.1\pm 0.1\%$ Dice score", "reaching 98.1 ± 0.1% Dice score"),
    (r"from $70.43\pm4.10\%$ to $83.79\pm1.25\%$ AUC", "from 70.43±4.10% to 83.79±1.25% AUC"),
    (r"a Dice score of 0.642$\pm$0.101 while", "a Dice score of 0.642±0.101 while"),
    (r"integers $K > 2$ and $L$, there are", "integers K > 2 and L, there are"),
    (r"probability greater than $1/2$, (b)", "probability greater than 1/2, (b)"),
    (r"computes a NN with $K-1$ correct digits", "computes a NN with K-1 correct digits"),
    (
        r"only $\mathcal{O}(|\log(\epsilon)|)$ layers are needed for an $\epsilon$ accurate",
        "only 𝒪(|log(ϵ)|) layers are needed for an ϵ accurate",
    ),
    (r"drops slightly ($\leq 0.68\%$), demonstrating", "drops slightly (≤ 0.68%), demonstrating"),
    (r"QAM improves the AP$^\text{r}$ criterion", "QAM improves the APʳ criterion"),
    (r"bounding metrics such as $\ell_p$ norms", "bounding metrics such as ℓₚ norms"),
    (r"how the $\ell_2$ norm and other metrics", "how the ℓ₂ norm and other metrics"),
    (
        r"a method for $\mathbf{E}$diting $\mathbf{I}$mplicit $\mathbf{S}$hapes",
        "a method for Editing Implicit Shapes",
    ),
    (r"$\mathbf{A}$ware $\mathbf{G}$enera$\mathbf{T}$ion", "Aware GeneraTion"),
    (r"we propose \textit{TDA-Net}, a novel", "we propose TDA-Net, a novel"),
    (r"in the absence of \emph{any} label information", "in the absence of any label information"),
    (r"sensitive information, \textit{e.g.,} due to", "sensitive information, e.g., due to"),
    (r"Neural Networks (NNs) can {\it discover} the", "Neural Networks (NNs) can discover the"),
    (r"unstructured pruning of \ac{CNN} filters", "unstructured pruning of CNN filters"),
    ("Spatial--spectral Feature Pyramid Network", "Spatial–spectral Feature Pyramid Network"),
    (
        "face blurring -- a typical obfuscation technique -- impacts",
        "face blurring – a typical obfuscation technique – impacts",
    ),
    (
        r"Code is available at \url{https://github.com/GaoLii/DSP}.",
        "Code is available at https://github.com/GaoLii/DSP.",
    ),
    (
        r"available on \url{ https://github.com/yanglixiaoshen/SAP-Net}.",
        "available on https://github.com/yanglixiaoshen/SAP-Net.",
    ),
    (
        r"instance level information (\ie, the difference",
        "instance level information (i.e., the difference",
    ),
    (r"categorization is 97.17 \% on the", "categorization is 97.17 % on the"),
    (r"we achieve over $31\%$ relative improvement", "we achieve over 31% relative improvement"),
    # arXiv titles and abstracts
    (r"$\alpha$-divergence", "α-divergence"),
    (r"in $\mathcal{O}(n^2)$ time", "in 𝒪(n²) time"),
    (r"$256\times256$ images", "256×256 images"),
    (r"{\it et al.}", "et al."),
    (r"Schr\"odinger Bridges", "Schrödinger Bridges"),
    (r"Pad\'e approximants", "Padé approximants"),
    (r"Fran\c{c}ois and M\"uller", "François and Müller"),
    (r"G{\"o}del and Erd{\H o}s", "Gödel and Erdős"),
    (r"Sk\l odowska", "Skłodowska"),
    (r"points in $\mathbb{R}^n$", "points in ℝⁿ"),
    (r"$\mathbb{R}^{d}$", "ℝᵈ"),
    (r"$x \in \mathbb{R}^d$", "x ∈ ℝᵈ"),
    (r"$\mathbb{E}[X]$", "𝔼[X]"),
    (r"$\sqrt{n}$-consistent estimators", "√n-consistent estimators"),
    (r"$\sqrt{T}$ regret", "√T regret"),
    (r"sorting in $O(n \log n)$ time", "sorting in O(n log n) time"),
    (r"$\ell_1$-regularized regression", "ℓ₁-regularized regression"),
    (r"Research \& Development", "Research & Development"),
    (r"top-1 accuracy of 80\%", "top-1 accuracy of 80%"),
    (r"see issue \#42", "see issue #42"),
    (r"\textbf{bold} and \texttt{code}", "bold and code"),
    (r"\textsc{Bert} meets \emph{vision}", "Bert meets vision"),
    (r"as shown in Fig.~3", "as shown in Fig. 3"),
    ("a ``simple'' baseline", "a “simple” baseline"),
    ("Attention --- all you need", "Attention — all you need"),
    (r"\LaTeX{} documents", "LaTeX documents"),
    (r"a $\times$4 speed-up", "a ×4 speed-up"),
    (r"from A $\to$ B", "from A → B"),
    (r"$\leq$ 5 and $\geq$ 3", "≤ 5 and ≥ 3"),
    (r"$\approx$ 3x faster", "≈ 3x faster"),
    (r"$\infty$-norm", "∞-norm"),
    (r"$\sim$100 samples", "∼100 samples"),
    (r"$a \cdot b$", "a · b"),
    (r"$\mathrm{d}x$", "dx"),
    (r"$\hat{x}$", "x\N{COMBINING CIRCUMFLEX ACCENT}"),
    (r"$\tilde{x}$", "x\N{COMBINING TILDE}"),
    (r"$\frac{1}{2}$", "1/2"),
    (r"$\frac{a+b}{c}$", "(a+b)/c"),
    (r"$\frac{\partial L}{\partial w}$", "∂L/∂w"),
    (r"$10^{-3}$", "10⁻³"),
    (r"$2^{10}$", "2¹⁰"),
    (r"$x_{i}^{2}$", "xᵢ²"),
    (r"$x_{i+1}$", "xᵢ₊₁"),
    (r"$x^{abc}$", "xᵃᵇᶜ"),
    (r"$x_{\theta}$", "x_θ"),
    (r"$\mathbf{x}_t$", "xₜ"),
    (r"$\sigma^2$", "σ²"),
    (r"$L_\infty$", "L_∞"),
    (r"$L_{\text{CE}}$", "L_CE"),
    (r"$e^{-x^2/2}$", "e^(-x²/2)"),
    (r"$W^\top$", "Wᵀ"),
    (r"$90^\circ$", "90°"),
    (r"$f^\prime$", "f′"),
    (r"$\sum_{i=1}^{n} x_i$", "∑ᵢ₌₁ⁿ xᵢ"),
    (r"$\lim_{n\to\infty}$", "lim_(n→∞)"),
    (r"$\|x\|_2$", "‖x‖₂"),
    (r"$\left( x \right)$", "(x)"),
    (r"$\{0,1\}^n$", "{0,1}ⁿ"),
    (r"$\beta$-VAE", "β-VAE"),
    (r"$k$-NN and $k$NN", "k-NN and kNN"),
    (r"$\epsilon$-greedy", "ϵ-greedy"),
    (r"\href{https://x.org}{our code}", "our code (https://x.org)"),
    (r"\url{https://x.org}", "https://x.org"),
    (r"$\mathcal{O}(1/\sqrt{n})$ rate", "𝒪(1/√n) rate"),
    (r"{\bf Bold} claims", "Bold claims"),
    (r"\textit{\textbf{nested}} markup", "nested markup"),
]


@pytest.mark.parametrize(("source", "expected"), REAL_WORLD, ids=[s for s, _ in REAL_WORLD])
def test_real_world_latex(source: str, expected: str) -> None:
    assert latex_to_text(source) == expected


def test_enough_real_world_cases() -> None:
    assert len(REAL_WORLD) >= 40


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("snake_case and file_name.py", "snake_case and file_name.py", id="underscore"),
        pytest.param("x^2 in prose, a^b", "x^2 in prose, a^b", id="caret"),
        pytest.param(r"costs $5 and $10", "costs $5 and $10", id="money"),
        pytest.param(r"from $5-$10 per $x$", "from $5-$10 per x", id="money-then-math"),
        pytest.param(r"pay \$5 now", "pay $5 now", id="escaped-dollar"),
        pytest.param("by ~1% mAP", "by ~1% mAP", id="approximately"),
        pytest.param("size 0.5 ~ 0.8 m", "size 0.5 ~ 0.8 m", id="spaced-tilde"),
        pytest.param("ranges 10~20", "ranges 10~20", id="number-range"),
        pytest.param("at 4% and 5%", "at 4% and 5%", id="percent-is-not-a-comment"),
        pytest.param(r"\textbf{10%} better", "10% better", id="percent-in-macro"),
        pytest.param("the \\alpha parameter", "the α parameter", id="symbol-in-text-keeps-space"),
        pytest.param("x <-- y --> z", "x <-- y --> z", id="arrows"),
        pytest.param("---- rule", "---- rule", id="long-dashes"),
        pytest.param("it''s odd", "it''s odd", id="closing-quote-alone"),
        pytest.param(
            "see https://x.org/~a--b_c/$d ok", "see https://x.org/~a--b_c/$d ok", id="url-untouched"
        ),
        pytest.param(r"we propose \ours, which", r"we propose \ours, which", id="unknown-bare"),
        pytest.param(r"\foo{bar} baz", "bar baz", id="unknown-with-argument"),
        pytest.param(r"\foo{a}{b} and $\foo{c}{d}$", "a b and c d", id="unknown-with-arguments"),
        pytest.param(r"$\Foo$", r"\Foo", id="unknown-in-math"),
        pytest.param(r"$\mathbbm{1}$", "𝟙", id="indicator"),
        pytest.param(r"as in \cite{smith_2020, doe21}.", "as in [smith_2020, doe21].", id="cite"),
        pytest.param(r"\citep[see][p.~3]{x}", "[see x, p. 3]", id="cite-with-notes"),
        pytest.param(r"A \\ B", "A B", id="line-break-stays-one-line"),
        pytest.param(
            r"the 19\textsuperscript{th} century", "the 19ᵗʰ century", id="textsuperscript"
        ),
    ],
)
def test_prose_rules(source: str, expected: str) -> None:
    assert latex_to_text(source) == expected


def test_paragraph_breaks_are_kept() -> None:
    source = "First $\\alpha$ part.\n\nSecond {\\it part} -- ends.\n\nThird."
    assert latex_to_text(source) == "First α part.\n\nSecond part – ends.\n\nThird."


def test_a_title_stays_one_line() -> None:
    out = latex_to_text(r"A \\ B $\begin{array}{c} x \\ y \end{array}$ \par C")
    assert "\n" not in out
    assert out.startswith("A B") and out.endswith("C")


# --- Malformed and pathological input ----------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("unclosed $x and more", "unclosed $x and more", id="unclosed-dollar"),
        pytest.param("Hello $\\alpha$ $", "Hello α $", id="odd-dollar"),
        pytest.param(r"a \frac{ b", r"a \frac{ b", id="unclosed-frac"),
        pytest.param(r"$\frac{1$ half", r"$\frac{1$ half", id="unbalanced-math-as-written"),
        pytest.param("a stray \\", "a stray \\", id="trailing-backslash"),
        pytest.param("unbalanced {braces", "unbalanced {braces", id="open-brace"),
        pytest.param("unbalanced braces}", "unbalanced braces}", id="close-brace"),
        pytest.param(r"\begin{itemize} x", "x", id="begin-without-end"),
        pytest.param(r"\url{", r"\url{", id="unclosed-url"),
        pytest.param(r"$x^$", "x^", id="script-without-argument"),
        pytest.param(r"$\sqrt$ and $\hat$", r"\sqrt and \hat", id="math-macro-without-argument"),
        pytest.param(r"$\frac{1}$ half", r"\frac{1} half", id="math-macro-missing-an-argument"),
        pytest.param(r"\"", '\\"', id="accent-without-letter"),
        pytest.param("``", "“", id="lone-open-quote"),
        pytest.param("{" * 10_000, "{" * 10_000, id="ten-thousand-braces"),
        pytest.param("$" * 10_000, "$" * 10_000, id="ten-thousand-dollars"),
    ],
)
def test_malformed_input_degrades_to_readable_text(source: str, expected: str) -> None:
    assert latex_to_text(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("{" * 60 + "deep" + "}" * 60, id="deep-nesting"),
        pytest.param("$x^{" * 5000, id="many-open-scripts"),
        pytest.param("\\frac{" * 3000, id="many-fracs"),
        pytest.param("\\" * 19_000, id="backslashes"),
        pytest.param("$\\x$ " * 3000, id="many-unknown-macros"),
        pytest.param("$x^{y^{z^{" + "{" * 150 + "w" + "}" * 153 + "$", id="deep-scripts"),
        pytest.param("$\\sqrt{" * 100 + "$", id="nested-roots"),
        pytest.param("\\'" * 5000, id="accents"),
    ],
)
def test_pathological_input_is_quick_and_safe(source: str) -> None:
    started = time.perf_counter()
    out = latex_to_text(source)
    assert time.perf_counter() - started < 5.0
    assert isinstance(out, str)
    assert strip_unsafe(out) == out


def test_deep_nesting_keeps_its_words() -> None:
    assert "deep" in latex_to_text("{" * 60 + "deep" + "}" * 60)


def test_overlong_text_is_not_converted() -> None:
    source = "$\\alpha$ " + "x" * MAX_TEXT_LENGTH
    assert latex_to_text(source) == source


def test_pylatexenc_warnings_stay_quiet(caplog: pytest.LogCaptureFixture) -> None:
    """A warning on stderr would scribble over the TUI."""
    with caplog.at_level(logging.DEBUG):
        latex_to_text(r"$\frac{1}{$ and $\sqrt$ and \begin{x} $\end{y}$ and $\textit{$")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


# --- Security ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("^^[ and ^^1b", "^^[ and ^^1b", id="tex-caret-notation"),
        pytest.param("$^^[$", "^^[", id="caret-notation-in-math"),
        pytest.param(r"\char27", r"\char27", id="char"),
        pytest.param(r'\char"1B', r'\char"1B', id="char-hex"),
        pytest.param(r"\symbol{27}", "27", id="symbol"),
        pytest.param(r"a\textbackslash b", "a\\b", id="textbackslash"),
        pytest.param("\\\x1b[31mred", "\\red", id="escape-after-backslash"),
        pytest.param("$\x1b[2J\\alpha$", "α", id="escape-in-math"),
        pytest.param("\\\u202eevil", "\\evil", id="bidi-override"),
        pytest.param("$\\text{\u202e}x$", "x", id="bidi-in-math"),
    ],
)
def test_no_control_characters_come_out(source: str, expected: str) -> None:
    assert latex_to_text(source) == expected


def test_input_files_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRET")
    for source in (rf"\input{{{secret}}}", rf"$\input{{{secret}}}$", rf"\include{{{secret}}}"):
        assert "SECRET" not in latex_to_text(source)


def _is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} and char != "\n"


_LATEXISH = st.text(
    alphabet=st.sampled_from(
        list("$\\{}^_%&~#`'-[]() \n") + list("abcxyzAB019") + ["\x1b", "\x00", "\x9b", "\u202e"]
    ),
    max_size=120,
)
_MACROS = st.sampled_from(
    [r"\alpha", r"\frac", r"\mathbf", r"\mathcal", r"\sqrt", r"\text", r"\emph", r"\char",
     r"\symbol", r"\url", r"\href", r"\begin", r"\end", r"\left", r"\\", r"\'", r'\"', r"\c",
     r"\textbackslash", r"\input", r"\foo", r"\pm", r"\%", r"\ ", "^^[", "^^1b"]
)  # fmt: skip
_MIXED = st.lists(st.one_of(_LATEXISH, _MACROS), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(source=st.one_of(_LATEXISH, _MIXED))
@example(source="\\\x1b$\\x$")
@example(source="$\\text{\x9b}$")
@example(source="{\\\x00}")
def test_any_input_gives_safe_text_quickly(source: str) -> None:
    started = time.perf_counter()
    out = latex_to_text(source)
    assert time.perf_counter() - started < 2.0
    assert isinstance(out, str)
    assert strip_unsafe(out) == out
    assert not any(_is_unsafe(char) for char in out)


@settings(max_examples=200, deadline=None)
@given(source=st.text(max_size=80))
def test_any_unicode_gives_safe_text(source: str) -> None:
    out = latex_to_text(source)
    assert strip_unsafe(out) == out


# --- Plain text and the fast paths ------------------------------------------------------


def _sample_texts(samples_dir: Path) -> tuple[list[str], list[str]]:
    titles: list[str] = []
    abstracts: list[str] = []
    for path in sorted(samples_dir.rglob("*.md")):
        digest = parse_file(path).digest
        assert digest is not None
        titles += [paper.title for paper in digest.papers]
        abstracts += [paper.abstract for paper in digest.papers if paper.abstract]
    return titles, abstracts


def test_plain_sample_text_is_unchanged(samples_dir: Path) -> None:
    titles, abstracts = _sample_texts(samples_dir)
    plain = [text for text in titles + abstracts if not has_latex(text)]
    assert len(plain) > 400
    for text in plain:
        assert latex_to_text(text) == text


def test_has_latex_is_false_for_most_sample_titles(samples_dir: Path) -> None:
    titles, abstracts = _sample_texts(samples_dir)
    # Measured: 3 of 240 titles and 30 of 240 abstracts have something to convert.
    assert len(titles) == 240
    assert sum(map(has_latex, titles)) / len(titles) < 0.02
    assert sum(map(has_latex, abstracts)) / len(abstracts) < 0.15


def test_text_with_a_trigger_but_nothing_to_convert_is_unchanged() -> None:
    for text in ("by ~1% mAP", "a $5 fee", "see https://x.org/~me", "trailing \\"):
        assert has_latex(text)
        assert latex_to_text(text) == text


def test_sample_latex_leaves_no_markup(samples_dir: Path) -> None:
    titles, abstracts = _sample_texts(samples_dir)
    for text in titles + abstracts:
        out = latex_to_text(text)
        assert "$" not in out and "\\" not in out, out


def _scanned(text: str) -> str:
    scan = latex._Scan(text)
    converted = scan.convert(0, len(text), 0)
    return latex._tidy(converted, text) if scan.loose else converted


def test_dollar_fast_path_agrees_with_the_scanner_on_the_samples(samples_dir: Path) -> None:
    titles, abstracts = _sample_texts(samples_dir)
    used = 0
    for text in titles + abstracts:
        fast = latex._dollars(text)
        if fast is not None and "$" in text:
            used += 1
            assert fast == _scanned(text)
    assert used >= 10


_DOLLAR_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["$", "$x$", "$\\alpha$", "$\\pm$", "$5", " ", "a", "1", "\\$", "$ "]),
        st.text(alphabet="ab 1.$\\", max_size=6),
    ),
    max_size=10,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_DOLLAR_TEXT)
def test_dollar_fast_path_agrees_with_the_scanner(text: str) -> None:
    fast = latex._dollars(text)
    if fast is not None:
        assert fast == _scanned(text)


_MIXED_TEXT = st.lists(
    st.sampled_from(
        [
            "$x$",
            "$\\alpha$",
            "$a_{1}$",
            "$\\frac{1}{2}$",
            "$\\pm$",
            "$}$",
            "${$",
            "$5",
            "\\$",
            "\\emph{",
            "}",
            "{",
            "\\'",
            "\\c ",
            "\\url{",
            "\\href{u}{",
            "https://x.org/",
            "~",
            "--",
            "``",
            "''",
            "\\it ",
            "\\label{",
            "\\begin{x}",
            " ",
            "a",
            "1",
            "\\%",
            "\\l ",
            "\\foo",
            "\ue000",
        ]
    ),  # fmt: skip
    max_size=12,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=_MIXED_TEXT)
def test_dollar_fast_path_agrees_with_the_scanner_amid_prose_latex(text: str) -> None:
    """Links, macros, accents and groups around the dollars: the fast path
    either reads the text as the scanner does or leaves it to the scanner."""
    fast = latex._dollars(text)
    if fast is not None:
        assert fast == _scanned(text)


_SYMBOL_MACROS = (
    r"\pm \times \alpha \leq \log \cdot \% \, \quad \infty \to \left( \right) \approx \sim "
    r"\in \mid"
).split()
# Characters never glued to a macro name: "\pm" + "b" is "\pmb", another macro.
_MATH_CHARS = st.text(alphabet="ab1.=<>()+- ", min_size=1, max_size=4).filter(
    lambda chars: not chars[0].isalpha()
)
_SYMBOL_MATH = (
    st.lists(st.one_of(st.sampled_from(_SYMBOL_MACROS), _MATH_CHARS), min_size=1, max_size=6)
    .map("".join)
    .filter(lambda math: "--" not in math)  # an en dash: pylatexenc's job
)


@settings(max_examples=300, deadline=None)
@given(math=_SYMBOL_MATH)
def test_symbol_fast_path_agrees_with_pylatexenc(math: str) -> None:
    fast = latex._symbols_only(math)
    assert fast is not None
    parsed = latex._to_text("$" + math + "$")
    assert latex._finish_math(fast) == latex._finish_math(parsed)


def test_caches_are_bounded() -> None:
    info = latex.cache_info()
    assert all(cache["maxsize"] for cache in info.values())
    latex_to_text(r"$\gamma$ and $\gamma$")
    assert latex.cache_info()["inline"]["hits"] > info["inline"]["hits"]


def test_numbers_share_a_cache_entry() -> None:
    latex.cache_clear()
    assert latex_to_text(r"$98.1\pm 0.1\%$ and $97.3\pm 0.5\%$") == "98.1 ± 0.1% and 97.3 ± 0.5%"
    assert latex.cache_info()["math"]["currsize"] == 1


_NUMBERED_MATH = st.lists(
    st.sampled_from(
        [
            r"\pm",
            r"\frac{",
            "}{",
            "}",
            r"\mathbb{",
            r"\mathbbm{",
            r"\sqrt[",
            "]",
            "^",
            "_",
            r"\!",
            r"\phantom{",
            r"\text{",
            r"\times",
            r"\LaTeXe",
            "x",
            " ",
            ".",
            "-",
            "1",
            "0",
            "10",
            "2",
            "007",
            r"\hat{",
            r"\mathcal{",
        ]
    ),  # fmt: skip
    min_size=1,
    max_size=10,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(math=_NUMBERED_MATH)
def test_conversion_by_shape_is_conversion(math: str) -> None:
    """Converting "0.0\\pm 0.0" and putting the numbers back is converting
    "98.1\\pm 0.1"."""
    assert latex._math_by_shape(math) == latex._math.__wrapped__(math)
