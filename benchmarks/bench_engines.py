"""Our search against established engines, on our semantics and workload.

Compares, on the synthetic archive of ``generate.py``:

* ``ours``: :class:`SearchIndex` with the abstracts' word index
  (``index_words``), full recompute per keystroke and the incremental
  :class:`Searcher`;
* ``fts5``: SQLite FTS5 with ``tokenize='trigram'`` (stdlib ``sqlite3``), an
  external-content table over a plain table of the folded fields; terms
  shorter than 3 characters, which a trigram index cannot answer, fall back
  to a scan (``instr``) of the plain table, restricted to the rows the longer
  terms matched;
* ``tantivy-words``: tantivy (``pip install tantivy``) with a whitespace
  tokenizer and a ``regex_query`` ``.*term.*`` per field: a term matches a
  word of the term dictionary, the same idea as our word index;
* ``tantivy-trigram``: tantivy with its n-gram tokenizer (3-grams) and a
  conjunction of the term's trigrams (the bindings' n-gram tokens carry no
  positions, so this is a superset; terms under 3 characters match nothing).

Every engine indexes the very strings our search reads (folded title with
the words its LaTeX reads as, authors, ID and categories, abstract), each
term weighs what the heaviest field it occurs in weighs (title 3, authors or
keys 2, abstract 1), weights are summed, and the best 300 are re-ranked by
rapidfuzz exactly as :meth:`SearchIndex.rank` does, from the engine's own
stored title and authors; so results compare one to one, in order.

For each engine, in fresh processes: build (time, size on disk, peak RSS),
open (warm start: open the index and answer the first keystroke), latency
of every prefix of "diffusion segm" typed key by key and of a few other
queries (all matches, ranked; and the count alone), exactness against
``SearchIndex.search`` (matches missing and extra, and whether the order is
the same), and RSS after opening and after the queries. Latency runs
``--rounds`` times (3): the best round and the spread are reported.
Heavy steps wait until the 1-minute load average is under ``--max-load``.

Run::

    python benchmarks/bench_engines.py --papers 100000

and read the JSON it prints (also written to ``benchmarks/out/engines-<N>.json``).
Engines whose module is missing are skipped and say so.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import OUT_ROOT, add_corpus_arguments, corpus_from  # noqa: E402
from measure import summarize_ms  # noqa: E402

QUERY = "diffusion segm"
PREFIXES = tuple(QUERY[:n] for n in range(1, len(QUERY) + 1))
#: Whole queries besides the typed one: a two-word topic, a short term with
#: a long one, a long pair, the rarest surname of the generator's (typed
#: without its umlaut: "Nürnberger"), a 2-character term, punctuation, a
#: partial word.
OTHER_QUERIES = ("3d pose", "transformer segmentation", "nurnberger", "3d", "u-net", "net")
QUERIES = PREFIXES + OTHER_QUERIES
ENGINES = ("ours", "fts5", "tantivy-words", "tantivy-trigram")
RERANK_LIMIT = 300
TITLE, AUTHORS_OR_KEYS, ABSTRACT = 3, 2, 1
GOAL = {"p95_ms": 150.0, "median_ms": 50.0, "rss_mib": 1024.0, "warm_start_s": 3.0}

Positions = npt.NDArray[np.intp]


# --- Measuring ------------------------------------------------------------------


def memory_mib() -> dict[str, float]:
    """This process's resident memory now (anonymous and file-backed) and its own peak."""
    status = Path("/proc/self/status").read_text()
    found = dict(re.findall(r"^(VmRSS|VmHWM|RssAnon|RssFile):\s*(\d+) kB", status, re.M))
    names = {"VmRSS": "rss", "VmHWM": "peak", "RssAnon": "anon", "RssFile": "file"}
    return {names[key]: round(int(value) / 1024, 1) for key, value in found.items()}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def size_on_disk(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def load_average() -> float:
    return os.getloadavg()[0]


def wait_for_quiet(max_load: float, patience: float) -> dict[str, float]:
    """Wait (up to ``patience`` seconds) until the 1-minute load is under ``max_load``."""
    started = time.monotonic()
    while load_average() >= max_load and time.monotonic() - started < patience:
        time.sleep(10)
    return {"load_1min": round(load_average(), 2), "waited_s": round(time.monotonic() - started)}


# --- The library, as our search reads it ------------------------------------------


def load_papers(corpus: Path, cache: Path) -> tuple[list[Any], float]:
    """The library's papers in order, from a warm parse cache after the first time."""
    from tuireader.core.cache import ParseCache
    from tuireader.core.library import load_library

    seconds, library = timed(lambda: load_library([corpus], parse=ParseCache(cache)))
    return library.ordered_papers(), seconds


def fields_of(papers: Sequence[Any]) -> Iterator[tuple[int, str, str, str, str, str]]:
    """(position, id, title, authors, keys, abstract): the strings SearchIndex searches."""
    from tuireader.core.search_columns import abstract_searched, title_searched
    from tuireader.core.text import fold

    for position, paper in enumerate(papers):
        yield (
            position,
            paper.id,
            title_searched(paper),
            fold(", ".join(paper.authors)),
            fold(" ".join((paper.id, *paper.categories))),
            abstract_searched(paper),
        )


def plain_terms(query: str) -> tuple[list[str], str]:
    """The folded terms of a query of plain words (all must match), and the
    words rapidfuzz compares, exactly as our parser reads them."""
    from tuireader.core import query as q

    node = q.parse(query)
    terms = q.conjuncts(node)
    texts = [t for t in terms if isinstance(t, q.Text) and t.field == "any"]
    if len(texts) != len(terms):
        raise ValueError(f"only plain words are benchmarked: {query!r}")
    words = " ".join(t.text for t in q.positive_texts(node))
    return [t.text for t in texts], words


def rank(
    positions: Positions,
    totals: npt.NDArray[np.int32],
    words: str,
    titles_and_authors: Callable[[list[int]], dict[int, tuple[str, str]]],
) -> Positions:
    """Our order: weight, then rapidfuzz likeness for the best 300, then position."""
    from rapidfuzz import fuzz

    order = np.lexsort((positions, -totals))
    ordered = positions[order]
    head = ordered[:RERANK_LIMIT].tolist()
    weight = dict(zip(head, totals[order[:RERANK_LIMIT]].tolist(), strict=True))
    texts = titles_and_authors(head)

    def similarity(i: int) -> float:
        title, authors = texts[i]
        by_authors = fuzz.partial_ratio(words, authors) if authors else 0
        return max(fuzz.partial_ratio(words, title), by_authors)

    rank_of = {p: n for n, p in enumerate(head)}
    head.sort(key=lambda i: (-weight[i], -similarity(i), rank_of[i]))
    ordered[: len(head)] = head
    return ordered


def combine(
    term_weights: list[npt.NDArray[np.int8]],
) -> tuple[Positions, npt.NDArray[np.int32]]:
    """Dense per-term weights (0: no match) to matching positions and summed weights."""
    alive = np.logical_and.reduce([w > 0 for w in term_weights])
    positions = np.flatnonzero(alive)
    totals = np.sum([w[positions] for w in term_weights], axis=0, dtype=np.int32)
    return positions, totals


def parse_ids(text: str | None) -> Positions:
    """A ``group_concat`` of row ids (None for no rows) as an array: one
    string per query is ~10x quicker than fetching a row at a time."""
    if not text:
        return np.zeros(0, np.intp)
    return np.fromstring(text, dtype=np.intp, sep=",")


# --- Engines ------------------------------------------------------------------------


class Engine:
    """Build once; open in a fresh process; answer queries as ranked positions."""

    name = ""

    def __init__(self, path: Path) -> None:
        self.path = path

    def available(self) -> str | None:
        """Why the engine cannot run here, or None."""
        return None

    def build(self, papers: Sequence[Any]) -> dict[str, Any]:
        raise NotImplementedError

    def open(self) -> None:
        raise NotImplementedError

    def search(self, query: str) -> Positions:
        raise NotImplementedError

    def count(self, query: str) -> int | None:
        return None


class Fts5(Engine):
    """SQLite FTS5, trigram tokenizer; a scan for terms under 3 characters."""

    name = "fts5"
    _FIELDS = ((ABSTRACT, "abstract"), (AUTHORS_OR_KEYS, "authors keys"), (TITLE, "title"))

    def available(self) -> str | None:
        version = tuple(int(part) for part in sqlite3.sqlite_version.split("."))
        if version < (3, 34, 0):
            return f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer (needs 3.34)"
        return None

    def build(self, papers: Sequence[Any]) -> dict[str, Any]:
        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(self.path)
        db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE papers(
                pos INTEGER PRIMARY KEY, id TEXT NOT NULL,
                title TEXT, authors TEXT, keys TEXT, abstract TEXT);
            CREATE VIRTUAL TABLE fts USING fts5(
                title, authors, keys, abstract,
                content='papers', content_rowid='pos', tokenize='trigram', detail=full);
            """
        )
        insert = "INSERT INTO papers VALUES (?, ?, ?, ?, ?, ?)"
        rows_seconds, _ = timed(lambda: db.executemany(insert, fields_of(papers)))
        index_seconds, _ = timed(lambda: db.execute("INSERT INTO fts(fts) VALUES ('rebuild')"))
        optimize_seconds, _ = timed(lambda: db.execute("INSERT INTO fts(fts) VALUES ('optimize')"))
        db.commit()
        db.close()
        return {
            "sqlite": sqlite3.sqlite_version,
            "rows_seconds": round(rows_seconds, 2),
            "fts_rebuild_seconds": round(index_seconds, 2),
            "fts_optimize_seconds": round(optimize_seconds, 2),
        }

    def open(self) -> None:
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        self.size = self.db.execute("SELECT max(pos) + 1 FROM papers").fetchone()[0]

    @staticmethod
    def _phrase(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    def search(self, query: str) -> Positions:
        terms, words = plain_terms(query)
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        weights = []
        for term in long_terms:
            weight = np.zeros(self.size, np.int8)
            phrase = self._phrase(term)
            # Lightest first: a heavier field overwrites.
            for value, columns in self._FIELDS:
                weight[self._match(f"{{{columns}}}: {phrase}")] = value
            weights.append(weight)
        within = " AND ".join(map(self._phrase, long_terms))
        for term in short_terms:
            weights.append(self._scan(term, within))
        positions, totals = combine(weights)
        return rank(positions, totals, words, self._titles_and_authors)

    def _match(self, expression: str) -> Positions:
        sql = "SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?"
        return parse_ids(self.db.execute(sql, (expression,)).fetchone()[0])

    def _scan(self, term: str, within: str) -> npt.NDArray[np.int8]:
        """A short term's weights by scanning the rows (those the long terms matched)."""
        where = "WHERE pos IN (SELECT rowid FROM fts WHERE fts MATCH ?2)" if within else ""
        sql = f"""
            SELECT group_concat(pos), w FROM (
                SELECT pos, CASE
                    WHEN instr(title, ?1) THEN 3
                    WHEN instr(authors, ?1) OR instr(keys, ?1) THEN 2
                    WHEN instr(abstract, ?1) THEN 1 ELSE 0 END AS w
                FROM papers {where})
            WHERE w > 0 GROUP BY w"""
        weight = np.zeros(self.size, np.int8)
        parameters = (term, within) if within else (term,)
        for text, value in self.db.execute(sql, parameters):
            weight[parse_ids(text)] = value
        return weight

    def _titles_and_authors(self, positions: list[int]) -> dict[int, tuple[str, str]]:
        marks = ",".join("?" * len(positions))
        sql = f"SELECT pos, title, authors FROM papers WHERE pos IN ({marks})"
        return {pos: (title, authors) for pos, title, authors in self.db.execute(sql, positions)}

    def count(self, query: str) -> int | None:
        terms, _ = plain_terms(query)
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        if not short_terms:
            sql = "SELECT count(*) FROM fts WHERE fts MATCH ?"
            expression = " AND ".join(map(self._phrase, long_terms))
            return int(self.db.execute(sql, (expression,)).fetchone()[0])
        conditions, parameters = [], []
        if long_terms:
            conditions.append("pos IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            parameters.append(" AND ".join(map(self._phrase, long_terms)))
        for term in short_terms:
            conditions.append(
                "(instr(title, ?) OR instr(authors, ?) OR instr(keys, ?) OR instr(abstract, ?))"
            )
            parameters += [term] * 4
        sql = f"SELECT count(*) FROM papers WHERE {' AND '.join(conditions)}"
        return int(self.db.execute(sql, parameters).fetchone()[0])


class Tantivy(Engine):
    """tantivy-py: one text field per searched field, a tokenizer per variant."""

    tokenizer = ""

    def available(self) -> str | None:
        try:
            import tantivy  # noqa: F401
        except ImportError:
            return "tantivy is not installed (pip install tantivy)"
        return None

    def analyzer(self) -> Any:
        raise NotImplementedError

    def _schema(self) -> Any:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_unsigned_field("pos", fast=True)
        builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
        for field, stored in (("title", True), ("authors", True), ("keys", False)):
            builder.add_text_field(
                field, stored=stored, tokenizer_name=self.tokenizer, index_option="basic"
            )
        builder.add_text_field("abstract", tokenizer_name=self.tokenizer, index_option="basic")
        return builder.build()

    def build(self, papers: Sequence[Any]) -> dict[str, Any]:
        import tantivy

        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        schema = self._schema()
        index = tantivy.Index(schema, path=str(self.path))
        index.register_tokenizer(self.tokenizer, self.analyzer())
        writer = index.writer(heap_size=200_000_000)
        document = tantivy.Document.from_dict
        fields = ("pos", "id", "title", "authors", "keys", "abstract")
        add_seconds, _ = timed(
            lambda: [
                writer.add_document(document(dict(zip(fields, row, strict=True)), schema))
                for row in fields_of(papers)
            ]
        )
        commit_seconds, _ = timed(writer.commit)
        merge_seconds, _ = timed(writer.wait_merging_threads)
        index.reload()
        return {
            "tantivy": tantivy.__version__,
            "add_seconds": round(add_seconds, 2),
            "commit_seconds": round(commit_seconds, 2),
            "merge_seconds": round(merge_seconds, 2),
            "segments": index.searcher().num_segments,
        }

    def open(self) -> None:
        import tantivy

        self.index = tantivy.Index.open(str(self.path))
        self.index.register_tokenizer(self.tokenizer, self.analyzer())
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.size = self.searcher.num_docs

    def field_query(self, field: str, term: str) -> Any:
        raise NotImplementedError

    def _query(self, terms: list[str]) -> Any:
        from tantivy import Occur, Query

        def constant(query: Any, score: float) -> Any:
            return Query.const_score_query(query, score)

        per_term = []
        for term in terms:
            authors_or_keys = Query.boolean_query(
                [
                    (Occur.Should, self.field_query("authors", term)),
                    (Occur.Should, self.field_query("keys", term)),
                ]
            )
            per_term.append(
                Query.disjunction_max_query(
                    [
                        constant(self.field_query("title", term), float(TITLE)),
                        constant(authors_or_keys, float(AUTHORS_OR_KEYS)),
                        constant(self.field_query("abstract", term), float(ABSTRACT)),
                    ]
                )
            )
        if len(per_term) == 1:
            return per_term[0]
        return Query.boolean_query([(Occur.Must, query) for query in per_term])

    def search(self, query: str) -> Positions:
        terms, words = plain_terms(query)
        hits = self.searcher.search(self._query(terms), limit=self.size, count=False).hits
        if not hits:
            return np.zeros(0, np.intp)
        scores, addresses = zip(*hits, strict=True)
        positions = np.asarray(self.searcher.fast_field_values("pos", list(addresses)), np.intp)
        totals = np.rint(np.asarray(scores)).astype(np.int32)
        address_of = dict(zip(positions.tolist(), addresses, strict=True))

        def titles_and_authors(head: list[int]) -> dict[int, tuple[str, str]]:
            found = {}
            for pos in head:
                document = self.searcher.doc(address_of[pos])
                found[pos] = (document.get_first("title"), document.get_first("authors") or "")
            return found

        return rank(positions, totals, words, titles_and_authors)

    def count(self, query: str) -> int | None:
        terms, _ = plain_terms(query)
        return int(self.searcher.search(self._query(terms), limit=1, count=True).count)


class TantivyWords(Tantivy):
    """Whitespace tokens (the texts are folded beforehand) and ``.*term.*``
    regexes over the term dictionary: exact for terms without spaces."""

    name = "tantivy-words"
    tokenizer = "words"
    _META = frozenset("\\.+*?()|[]{}^$#&-~")

    def analyzer(self) -> Any:
        import tantivy

        return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()

    def field_query(self, field: str, term: str) -> Any:
        from tantivy import Query

        escaped = "".join("\\" + c if c in self._META else c for c in term)
        return Query.regex_query(self.schema, field, f".*{escaped}.*")


class TantivyTrigram(Tantivy):
    """3-grams (spaces and punctuation included) and the conjunction of a
    term's 3-grams: the bindings give n-grams no positions, so no phrase."""

    name = "tantivy-trigram"
    tokenizer = "trigram"

    def analyzer(self) -> Any:
        import tantivy

        return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(3, 3, False)).build()

    def field_query(self, field: str, term: str) -> Any:
        from tantivy import Occur, Query

        grams = sorted({term[i : i + 3] for i in range(len(term) - 2)})
        if not grams:
            return Query.empty_query()
        queries = [Query.term_query(self.schema, field, g, index_option="basic") for g in grams]
        if len(queries) == 1:
            return queries[0]
        return Query.boolean_query([(Occur.Must, query) for query in queries])


ENGINE_CLASSES: dict[str, type[Engine]] = {
    "fts5": Fts5,
    "tantivy-words": TantivyWords,
    "tantivy-trigram": TantivyTrigram,
}


def engine_path(work: Path, name: str) -> Path:
    return work / ("fts5.sqlite" if name == "fts5" else name)


# --- Latency ------------------------------------------------------------------------


def time_sequences(
    search: Callable[[str], Any], rounds: int, passes: int, fresh: Callable[[], None]
) -> dict[str, Any]:
    """Every prefix typed ``passes`` times per round, then each other query;
    ``fresh()`` starts a new typing session (the incremental Searcher)."""
    per_round: list[dict[str, float]] = []
    by_prefix: dict[str, list[float]] = {p: [] for p in PREFIXES}
    by_query: dict[str, list[float]] = {q: [] for q in OTHER_QUERIES}
    for _ in range(rounds):
        samples = []
        for _ in range(passes):
            fresh()
            for prefix in PREFIXES:
                elapsed, _ = timed(lambda p=prefix: search(p))
                samples.append(elapsed)
                by_prefix[prefix].append(elapsed)
        per_round.append(summarize_ms(samples))
        for query in OTHER_QUERIES:
            for _ in range(passes):
                fresh()
                elapsed, _ = timed(lambda q=query: search(q))
                by_query[query].append(elapsed)
    best = min(per_round, key=lambda r: (r["median_ms"], r["p95_ms"]))
    return {
        "typed": QUERY,
        "rounds": rounds,
        "passes_per_round": passes,
        "best_round": best,
        "spread": {
            key: [min(r[key] for r in per_round), max(r[key] for r in per_round)]
            for key in ("median_ms", "p95_ms", "max_ms")
        },
        "median_ms_per_prefix": {
            p: round(statistics.median(t) * 1000, 1) for p, t in by_prefix.items()
        },
        "other_queries": {q: summarize_ms(t) for q, t in by_query.items()},
    }


def time_counts(count: Callable[[str], int | None], passes: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for query in QUERIES:
        samples, value = [], None
        for _ in range(passes):
            elapsed, value = timed(lambda q=query: count(q))
            samples.append(elapsed)
        result[query] = {"count": value, "median_ms": round(statistics.median(samples) * 1000, 2)}
    return result


def exactness(
    results: dict[str, Positions], reference: dict[str, Positions]
) -> dict[str, dict[str, Any]]:
    """Per query: our count, the engine's matches missing and extra, same order or not."""
    report = {}
    for query, ours in reference.items():
        theirs = results[query]
        missing = np.setdiff1d(ours, theirs).size
        extra = np.setdiff1d(theirs, ours).size
        same_order = bool(theirs.size == ours.size and (theirs == ours).all())
        entry: dict[str, Any] = {"ours": int(ours.size), "missing": missing, "extra": extra}
        entry["same_order"] = same_order
        if not same_order and not missing and not extra:
            entry["first_difference_at"] = int(np.flatnonzero(theirs != ours)[0])
        report[query] = entry
    return report


def exact_summary(report: dict[str, dict[str, Any]]) -> dict[str, Any]:
    wrong = [q for q, e in report.items() if e["missing"] or e["extra"]]
    reordered = [q for q, e in report.items() if not e["same_order"] and q not in wrong]
    return {"queries": len(report), "different_sets": wrong, "same_set_other_order": reordered}


def load_reference(work: Path) -> dict[str, Positions]:
    stored = np.load(work / "reference.npz")
    return {query: stored[f"q{n}"] for n, query in enumerate(QUERIES)}


# --- Child processes ----------------------------------------------------------------


def child_ours(corpus: Path, work: Path, rounds: int, passes: int) -> dict[str, Any]:
    """Load, index, answer (and store the reference answers), time."""
    from tuireader.core.search import Searcher, SearchIndex
    from tuireader.core.search_columns import abstract_searched

    memory_start = memory_mib()
    papers, load_seconds = load_papers(corpus, work / "parse-cache")
    memory_loaded = memory_mib()
    index_seconds, index = timed(lambda: SearchIndex(papers))
    first_seconds, _ = timed(lambda: index.search(PREFIXES[0]))
    words_seconds, _ = timed(index.index_words)
    memory_indexed = memory_mib()
    first_indexed_seconds, _ = timed(lambda: index.search(PREFIXES[0]))

    reference = {}
    corrections = {}
    for query in QUERIES:
        result = index.search(query)
        reference[query] = np.asarray(result.positions, np.intp)
        if result.corrections:
            corrections[query] = result.corrections
    np.savez(work / "reference.npz", **{f"q{n}": reference[q] for n, q in enumerate(QUERIES)})

    full = time_sequences(index.search, rounds, passes, lambda: None)
    session: list[Searcher] = [Searcher(index)]

    def fresh() -> None:
        session[0] = Searcher(index)

    incremental = time_sequences(lambda query: session[0].search(query), rounds, passes, fresh)
    fresh()  # the incremental session agrees with the full search
    typed = [session[0].search(prefix).positions for prefix in PREFIXES]
    for query, positions in zip(PREFIXES, typed, strict=True):
        assert np.array_equal(np.asarray(positions, np.intp), reference[query]), query
    return {
        "papers": len(papers),
        "memory_at_start_mib": memory_start,
        "library_load_seconds": round(load_seconds, 2),
        "memory_after_library_mib": memory_loaded,
        "search_index_seconds": round(index_seconds, 2),
        "first_query_before_word_index_ms": round(first_seconds * 1000, 1),
        "word_index_seconds": round(words_seconds, 2),
        "first_query_with_word_index_ms": round(first_indexed_seconds * 1000, 1),
        "memory_after_indexing_mib": memory_indexed,
        "matches": {q: int(r.size) for q, r in reference.items()},
        "abstract_vocabulary_words": index._abstract_words.vocabulary().count("\n")
        if index._abstract_words
        else None,
        "abstracts_not_ascii_share": round(
            sum(not abstract_searched(p).isascii() for p in papers) / max(1, len(papers)),
            3,
        ),
        "corrections": corrections,
        "latency_full": full,
        "latency_incremental": incremental,
        "memory_after_queries_mib": memory_mib(),
        "parse_cache_bytes": size_on_disk(work / "parse-cache"),
    }


def child_build(name: str, corpus: Path, work: Path) -> dict[str, Any]:
    engine = ENGINE_CLASSES[name](engine_path(work, name))
    papers, load_seconds = load_papers(corpus, work / "parse-cache")
    gc.collect()
    memory_loaded = memory_mib()
    seconds, details = timed(lambda: engine.build(papers))
    memory_built = memory_mib()
    return {
        "papers": len(papers),
        "library_load_seconds": round(load_seconds, 2),
        "memory_after_library_mib": memory_loaded,
        "build_seconds": round(seconds, 2),
        "details": details,
        "size_bytes": size_on_disk(engine.path),
        "memory_after_build_mib": memory_built,
        "peak_rss_mib": memory_built["peak"],
        "peak_rss_above_library_mib": round(memory_built["peak"] - memory_loaded["rss"], 1),
    }


def child_query(name: str, work: Path, rounds: int, passes: int) -> dict[str, Any]:
    engine = ENGINE_CLASSES[name](engine_path(work, name))
    memory_start = memory_mib()
    open_seconds, _ = timed(engine.open)
    first_seconds, _ = timed(lambda: engine.search(PREFIXES[0]))
    memory_open = memory_mib()
    reference = load_reference(work)
    results = {query: engine.search(query) for query in QUERIES}
    exact = exactness(results, reference)
    latency = time_sequences(engine.search, rounds, passes, lambda: None)
    counts = time_counts(engine.count, passes)
    for query, entry in counts.items():
        entry["agrees_with_search"] = entry["count"] == results[query].size
    return {
        "memory_at_start_mib": memory_start,
        "open_seconds": round(open_seconds, 3),
        "first_query_ms": round(first_seconds * 1000, 1),
        "warm_start_seconds": round(open_seconds + first_seconds, 3),
        "memory_after_open_mib": memory_open,
        "exactness": exact,
        "exactness_summary": exact_summary(exact),
        "latency": latency,
        "count_only": counts,
        "memory_after_queries_mib": memory_mib(),
    }


def run_child(*arguments: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", *arguments]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-5:]}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- Driver -------------------------------------------------------------------------


def goals(ours: dict[str, Any] | None, engines: dict[str, Any]) -> dict[str, Any]:
    """Typing "diffusion segm": p95, median, RSS, warm start and exactness per engine."""
    verdict: dict[str, Any] = {"goal": GOAL}
    rows = {}
    if ours and "error" not in ours:
        for kind in ("latency_full", "latency_incremental"):
            best = ours[kind]["best_round"]
            rows[f"ours ({kind.removeprefix('latency_')})"] = {
                "median_ms": best["median_ms"],
                "p95_ms": best["p95_ms"],
                "rss_mib": ours["memory_after_queries_mib"]["rss"],
                "warm_start_s": round(
                    ours["library_load_seconds"]
                    + ours["search_index_seconds"]
                    + ours["first_query_before_word_index_ms"] / 1000,
                    2,
                ),
                "exact": True,
            }
    for name, result in engines.items():
        query = result.get("query")
        if not query or "error" in query:
            continue
        best = query["latency"]["best_round"]
        rows[name] = {
            "median_ms": best["median_ms"],
            "p95_ms": best["p95_ms"],
            "rss_mib": query["memory_after_queries_mib"]["rss"],
            "warm_start_s": query["warm_start_seconds"],
            "exact": not query["exactness_summary"]["different_sets"],
        }
    for row in rows.values():
        row["met"] = (
            row["median_ms"] <= GOAL["median_ms"]
            and row["p95_ms"] <= GOAL["p95_ms"]
            and row["rss_mib"] <= GOAL["rss_mib"]
            and row["warm_start_s"] <= GOAL["warm_start_s"]
            and row["exact"]
        )
    verdict["rows"] = rows
    return verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, default=3, help="typings per round")
    parser.add_argument("--reuse", action="store_true", help="keep indexes already built")
    parser.add_argument("--max-load", type=float, default=1.0)
    parser.add_argument("--patience", type=float, default=900, help="seconds to wait for it")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, *rest = args.child
        gc.collect()
        if kind == "ours":
            result = child_ours(Path(rest[0]), Path(rest[1]), args.rounds, args.passes)
        elif kind == "build":
            result = child_build(rest[0], Path(rest[1]), Path(rest[2]))
        else:
            result = child_query(rest[0], Path(rest[1]), args.rounds, args.passes)
        json.dump(result, sys.stdout, ensure_ascii=False)
        return 0

    corpus, corpus_summary = corpus_from(args)
    work = OUT_ROOT / f"engines-{args.papers}"
    work.mkdir(parents=True, exist_ok=True)
    wanted = [name.strip() for name in args.engines.split(",") if name.strip()]
    repeat = ["--rounds", str(args.rounds), "--passes", str(args.passes)]
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "sqlite": sqlite3.sqlite_version,
        },
        "corpus": corpus_summary,
        "queries": {"typed": QUERY, "others": OTHER_QUERIES},
    }
    ours = None
    if "ours" in wanted or not (work / "reference.npz").exists():
        quiet = wait_for_quiet(args.max_load, args.patience)
        ours = run_child("ours", str(corpus), str(work), *repeat)
        ours["load_before"] = quiet
    report["ours"] = ours
    engines: dict[str, Any] = {}
    for name in wanted:
        if name == "ours":
            continue
        engine = ENGINE_CLASSES[name](engine_path(work, name))
        missing = engine.available()
        if missing:
            print(f"{name}: skipped, {missing}", file=sys.stderr)
            engines[name] = {"skipped": missing}
            continue
        entry: dict[str, Any] = {}
        if not (args.reuse and engine.path.exists()):
            quiet = wait_for_quiet(args.max_load, args.patience)
            entry["build"] = run_child("build", name, str(corpus), str(work))
            entry["build"]["load_before"] = quiet
        quiet = wait_for_quiet(args.max_load, args.patience)
        entry["query"] = run_child("query", name, str(work), *repeat)
        entry["query"]["load_before"] = quiet
        engines[name] = entry
    report["engines"] = engines
    report["goals"] = goals(ours, engines)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    (OUT_ROOT / f"engines-{args.papers}.json").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
