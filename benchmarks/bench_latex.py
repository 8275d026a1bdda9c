"""Cost of LaTeX: what search does (the words each title and abstract
reads as) and what showing a paper does (the conversion).

On the corpus from ``generate.py`` (generated once, then reused from
``benchmarks/out/corpus-<N>/``), in one fresh child process:

* **synthetic**: every file is parsed with ``tuireader.core.formats.parse_file``
  (the parser's cold first pass, timed alone); then ``readable_words``
  alone over every title and abstract (what building the search columns
  adds, against the parse), and ``latex_to_text`` (the display
  conversion, done lazily for the rows and the detail pane on screen). The
  generator writes ``$…$`` snippets from a short list into about half of
  the abstracts;
* **realistic mix**: the same titles and abstracts, the generator's ``$…$``
  replaced by a word, then LaTeX injected as arXiv has it, into
  ``--abstract-share`` (30%) of the abstracts and ``--title-share`` (10%) of
  the titles: one to four snippets drawn from ~50 real forms (math with
  varied numbers, accents, ``\\emph``, ``--``, quotes, ``\\url``), converted
  with cold caches.

For each: the share of texts ``has_latex`` accepts, the conversion seconds
for all texts, microseconds per text that has LaTeX (a screen shows about
forty), and the cache hit rate; for the synthetic corpus also the cold parse
in MB/s against the 50 MB/s goal. Run::

    python benchmarks/bench_latex.py --papers 100000

and read the JSON it prints.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import add_corpus_arguments, corpus_from  # noqa: E402

PARSE_GOAL_MB_S = 50.0

# Real forms of LaTeX in arXiv titles and abstracts; <n>, <x>, <k>, <w> are
# filled in at random, so numbers vary as they do (and caches miss as they would).
SNIPPETS = (
    r"$\alpha$", r"$\beta$", r"$\gamma$", r"$\lambda=<x>$", r"$\epsilon$-greedy", r"$\tau$",
    r"$\ell_1$", r"$\ell_2$", r"$\ell_p$", r"$\ell_\infty$", r"$k$-NN", r"$k=<n>$",
    r"$\mathcal{O}(n \log n)$", r"$\mathcal{O}(n^{<k>})$", r"$\mathcal{O}(\sqrt{T})$",
    r"$<n>\times<n>$", r"$\times<k>$", r"$<x>\pm<x>$", r"$98.<k>\pm 0.<k>\%$",
    r"<x>$\pm$<x>", r"$\sim$<n>\%", r"$\leq <x>$", r"$\geq$<n>\%", r"$\approx$<n>",
    r"$p<0.05$", r"$\mathbb{R}^{d}$", r"$\mathbb{R}^{<n>}$", r"$10^{-<k>}$", r"$x_{t}^{(i)}$",
    r"$\frac{1}{<n>}$", r"$\sqrt{<n>}$", r"$\sigma^{2}$", r"$L_{\text{CE}}$", r"$F_1$",
    r"$\mathbf{W}\in\mathbb{R}^{<n>\times <n>}$", r"$\hat{y}$", r"$\theta^*$",
    r"$\mathcal{L}_{\text{KD}}$", r"$\mathbf{x}_i$", r"$\beta$-VAE", r"$\{0,1\}^n$",
    r"\emph{<w>}", r"\textit{<w>}", r"\textbf{<w>}", r"{\it et al.}", r"\texttt{<w>}",
    r"Schr\"odinger", r"Poincar\'e", r"M\"uller", r"Fran\c{c}ois", r"-- <w> --", r"<w>---<w>",
    r"``<w>''", r"<n>\%", r"Fig.~<k>", r"\url{https://github.com/<w>/<w>}",
)  # fmt: skip
_GENERATED_MATH = re.compile(r"\$[^$\n]*\$")
WORDS = ("robust", "sparse", "latent", "prior", "attention", "scale", "graph", "token", "depth")


def inject(text: str, rng: random.Random) -> str:
    """``text`` with one to four snippets put between its words."""
    words = text.split(" ")
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
        snippet = rng.choice(SNIPPETS)
        for field, values in (
            ("<n>", lambda: str(rng.choice((2, 3, 4, 8, 16, 32, 64, 128, 256, 512, 1024)))),
            ("<x>", lambda: f"{rng.uniform(0, 100):.{rng.choice((1, 2))}f}"),
            ("<k>", lambda: str(rng.randint(1, 9))),
            ("<w>", lambda: rng.choice(WORDS)),
        ):
            while field in snippet:
                snippet = snippet.replace(field, values(), 1)
        words.insert(rng.randint(0, len(words)), snippet)
    return " ".join(words)


def digest_files(corpus: Path) -> list[Path]:
    """The digest files of the corpus in a stable order (dot files excluded)."""
    return sorted(p for p in corpus.rglob("*.md") if not p.name.startswith("."))


def _hit_rate(info: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Lookups start in the front caches (a whole $…$ span, a macro call); the
    conversions are the misses of the caches behind them that did the work."""
    front = [info[name] for name in ("inline", "math_text", "piece")]
    hits = sum(cache["hits"] for cache in front)
    misses = sum(cache["misses"] for cache in front)
    return {
        "lookups": hits + misses,
        "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None,
        "conversions": info["math"]["misses"] + info["piece"]["misses"],
        "entries": sum(cache["currsize"] for cache in info.values()),
        "per_cache": {
            name: {key: cache[key] for key in ("hits", "misses", "currsize")}
            for name, cache in info.items()
        },
    }


def _figures(texts: list[str], with_latex: int, seconds: float) -> dict[str, Any]:
    from tuireader.core import latex

    return {
        "texts": len(texts),
        "has_latex_share": round(with_latex / len(texts), 4),
        "conversion_seconds": round(seconds, 3),
        "us_per_text_with_latex": round(seconds / max(1, with_latex) * 1e6, 2),
        "us_per_text": round(seconds / len(texts) * 1e6, 2),
        "cache": _hit_rate(latex.cache_info()),
    }


def child(corpus: Path, abstract_share: float, title_share: float, seed: int) -> dict[str, Any]:
    """Parse cold, converting file by file (as display would); then the
    realistic mix, cold caches."""
    import tuireader
    from tuireader.core import latex
    from tuireader.core.formats import parse_file
    from tuireader.core.latex import has_latex, latex_to_text, readable_words

    files = digest_files(corpus)
    total_bytes = sum(path.stat().st_size for path in files)
    parse_seconds = convert_seconds = 0.0
    titles: list[str] = []
    abstracts: list[str] = []
    clock = time.perf_counter
    for path in files:
        started = clock()
        result = parse_file(path)
        parsed = clock()
        parse_seconds += parsed - started
        if result.digest is None:
            continue
        papers = result.digest.papers
        started = clock()
        for paper in papers:
            latex_to_text(paper.title)
            latex_to_text(paper.abstract)
        convert_seconds += clock() - started
        for paper in papers:
            titles.append(paper.title)
            abstracts.append(paper.abstract)
    texts = titles + abstracts
    with_latex = sum(map(has_latex, texts))
    synthetic = _figures(texts, with_latex, convert_seconds)
    started = clock()
    for text in texts:
        readable_words(text)
    words_seconds = clock() - started
    synthetic["readable_words_seconds"] = round(words_seconds, 3)
    synthetic["readable_words_vs_parse"] = round(words_seconds / parse_seconds, 3)
    synthetic["cold_parse_goal_mb_per_s"] = PARSE_GOAL_MB_S
    synthetic["cold_parse_goal_met"] = total_bytes / 1e6 / parse_seconds >= PARSE_GOAL_MB_S
    synthetic["texts_changed"] = sum(latex_to_text(text) != text for text in texts)
    started = clock()
    for text in texts:
        has_latex(text)
    synthetic["has_latex_seconds_all_texts"] = round(clock() - started, 3)

    # The generator's own math out first, so that the shares are what arXiv has.
    titles = [_GENERATED_MATH.sub("term", title) for title in titles]
    abstracts = [_GENERATED_MATH.sub("term", abstract) for abstract in abstracts]
    base_with_latex = sum(map(has_latex, titles)) + sum(map(has_latex, abstracts))
    rng = random.Random(seed)
    mixed_titles = [inject(t, rng) if rng.random() < title_share else t for t in titles]
    mixed_abstracts = [inject(a, rng) if rng.random() < abstract_share else a for a in abstracts]
    mixed = mixed_titles + mixed_abstracts
    del titles, abstracts, texts
    latex.cache_clear()
    gc.collect()
    started = clock()
    for title, abstract in zip(mixed_titles, mixed_abstracts, strict=True):
        latex_to_text(title)
        latex_to_text(abstract)
    mix_seconds = clock() - started
    cold_cache = latex.cache_info()
    started = clock()
    for text in mixed:
        latex_to_text(text)
    warm_seconds = clock() - started
    with_latex = sum(map(has_latex, mixed))
    realistic = _figures(mixed, with_latex, mix_seconds)
    realistic["cache"] = _hit_rate(cold_cache)
    realistic["warm_conversion_seconds"] = round(warm_seconds, 3)
    realistic["injected"] = {
        "base_has_latex_share": round(base_with_latex / len(mixed), 4),
        "abstract_share": abstract_share,
        "title_share": title_share,
        "seed": seed,
        "snippet_forms": len(SNIPPETS),
    }
    return {
        "tuireader": str(Path(tuireader.__file__).parent),
        "files": len(files),
        "papers": len(mixed_titles),
        "corpus_mb": round(total_bytes / 1e6, 1),
        "cold_parse_seconds": round(parse_seconds, 3),
        "cold_parse_mb_per_s": round(total_bytes / 1e6 / parse_seconds, 1),
        "synthetic": synthetic,
        "realistic_mix": realistic,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--abstract-share", type=float, default=0.3)
    parser.add_argument("--title-share", type=float, default=0.1)
    parser.add_argument("--mix-seed", type=int, default=7)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        gc.collect()
        result = child(args.corpus, args.abstract_share, args.title_share, args.mix_seed)
        json.dump(result, sys.stdout)
        return 0

    corpus, corpus_summary = corpus_from(args)
    files = digest_files(corpus)
    for path in files:  # the page cache, not the disk, serves the parser
        path.read_bytes()
    command = [sys.executable, __file__, "--child", "--corpus", str(corpus)]
    command += ["--abstract-share", str(args.abstract_share)]
    command += ["--title-share", str(args.title_share), "--mix-seed", str(args.mix_seed)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    report = {
        "machine": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": [round(load, 2) for load in os.getloadavg()],
        },
        "corpus": corpus_summary,
        **json.loads(output),
    }
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
