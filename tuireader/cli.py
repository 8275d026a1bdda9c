"""Command line: the scripting commands, and the reader when none is given.

Only the pure core is imported here; Textual is imported when the reader
opens, so that ``tuireader export | jq`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import NoReturn

from tuireader import __version__
from tuireader.core import export, locations
from tuireader.core.cache import ParseCache
from tuireader.core.config import load_config
from tuireader.core.library import Library, LibraryError, load_library
from tuireader.core.model import Paper, facts, parse_arxiv_id
from tuireader.core.query import QueryError
from tuireader.core.query import parse as parse_query
from tuireader.core.search import SearchIndex
from tuireader.core.store import AnnotationStore, ReadOnlyError, StoreError

#: Warnings shown on stderr before the rest is summarised.
WARNINGS_SHOWN = 5


class UsageError(Exception):
    """Wrong arguments or unusable paths: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line, not usage plus a line."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tuireader`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            # Per command, so that options and paths may come in any order
            # (argparse cannot intermix them under subparsers).
            parser = _command_parsers()[argv[0]]
            arguments = parser.parse_intermixed_args(argv[1:])
            return int(arguments.run(arguments))
        arguments = _reader_parser().parse_args(argv)
        return _open_reader(arguments)
    except (UsageError, ReadOnlyError) as error:
        print(f"tuireader: {error}", file=sys.stderr)
        return 2
    except StoreError as error:
        print(f"tuireader: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output (head, less) went away: that is fine.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def resolve_paths(paths: Sequence[str]) -> list[str]:
    """The paths given, else the configured digest folders, else the samples."""
    if paths:
        return list(paths)
    config = load_config()
    if config.problem:
        print(f"tuireader: warning: ignoring config: {config.problem}", file=sys.stderr)
    return list(config.digests) or [str(locations.bundled_samples())]


def load(paths: Sequence[str], *, quiet: bool = False) -> Library:
    """Load the library for a command; warnings go to stderr, summarised."""
    resolved = resolve_paths(paths)
    for path in paths:
        if os.path.isfile(path) and not os.access(path, os.R_OK):
            raise UsageError(f"cannot read {path}: permission denied")
    try:
        library = load_library(resolved, parse=ParseCache())
    except LibraryError as error:
        raise UsageError(str(error)) from None
    if not quiet:
        for warning in library.warnings[:WARNINGS_SHOWN]:
            print(f"tuireader: warning: {warning}", file=sys.stderr)
        hidden = len(library.warnings) - WARNINGS_SHOWN
        if hidden > 0:
            print(f"tuireader: warning: … and {hidden} more", file=sys.stderr)
    return library


# The commands ---------------------------------------------------------------


def annotation_store() -> AnnotationStore:
    """The user's stars and notes; a problem with the file is a warning."""
    store = AnnotationStore()
    for problem in store.load():
        if problem != store.read_only:
            print(f"tuireader: warning: {problem}", file=sys.stderr)
    return store


def _export(arguments: argparse.Namespace) -> int:
    library = load(arguments.paths, quiet=arguments.quiet)
    store = annotation_store()
    papers = library.ordered_papers()
    if arguments.starred:
        papers = [p for p in papers if p.id in store.starred_ids()]
    sys.stdout.write(export.FORMATS[arguments.format](papers, store.all(), store.read_ids()))
    return 0


def _star(arguments: argparse.Namespace) -> int:
    store = annotation_store()
    for paper_id in arguments.ids:
        store.set_star(paper_id, not arguments.remove)
    return 0


def _note(arguments: argparse.Namespace) -> int:
    text = sys.stdin.read() if arguments.text == "-" else arguments.text
    annotation_store().set_note(arguments.id, text)
    return 0


def _list(arguments: argparse.Namespace) -> int:
    library = load(arguments.paths, quiet=arguments.quiet)
    if arguments.date is None:
        rows = [(max(p.dates), p) for p in library.ordered_papers()]
    else:
        rows = [(arguments.date, p) for p in library.papers_on(arguments.date)]
    sys.stdout.writelines(f"{day.isoformat()}\t{p.id}\t{p.title}\n" for day, p in rows)
    return 0


def _search(arguments: argparse.Namespace) -> int:
    try:
        parse_query(arguments.query)  # before loading anything: a typo fails fast
    except QueryError as error:
        raise UsageError(f"bad query at character {error.position + 1}: {error}") from None
    library = load(arguments.paths, quiet=arguments.quiet)
    index = SearchIndex(library.ordered_papers())
    result = index.search(arguments.query, marks=annotation_store())
    papers = [library.papers[index.ids[i]] for i in result.positions[: arguments.limit]]
    for term, alternatives in result.corrections:
        print(
            f"tuireader: no match for {term!r}; searched {', '.join(alternatives)}", file=sys.stderr
        )
    if arguments.format == "json":
        sys.stdout.write(export.to_json(papers))
    else:
        sys.stdout.writelines(
            f"{p.id}\t{max(p.dates).isoformat()}\t{p.title}\t{p.short_authors}\n" for p in papers
        )
    return 0


def _show(arguments: argparse.Namespace) -> int:
    library = load(arguments.paths, quiet=arguments.quiet)
    paper = library.find(arguments.id)
    if paper is None:
        print(f"tuireader: no paper {arguments.id} in the library", file=sys.stderr)
        return 1
    sys.stdout.write(describe(paper))
    return 0


def describe(paper: Paper) -> str:
    """A paper's full detail as plain text."""
    lines = [paper.title, ""]
    rows = [("Authors", ", ".join(paper.authors)), *facts(paper)]
    rows += [("Abstract page", paper.abs_url), ("PDF", paper.pdf_url)]
    width = max(len(name) for name, _ in rows)
    lines += [f"{name + ':':<{width + 1}} {value}" for name, value in rows if value]
    if paper.abstract:
        lines += ["", paper.abstract]
    if paper.links:
        lines += ["", "Links:", *(f"  {url}" for url in paper.links)]
    return "\n".join(lines) + "\n"


def _open_reader(arguments: argparse.Namespace) -> int:
    """Open the app; its folders are checked first so a typo fails here, fast."""
    paths = resolve_paths(arguments.paths)
    missing = [path for path in paths if not os.path.exists(os.path.expanduser(path))]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    from tuireader.ui.app import ReaderApp

    ReaderApp(paths).run()
    return 0


# The parsers ----------------------------------------------------------------


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _arxiv_id(text: str) -> str:
    parsed = parse_arxiv_id(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"not an arXiv ID: {text!r}")
    return parsed[0]


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        default=[],  # without a default argparse lists PATH as "required" in errors
        metavar="PATH",
        help="digest files or folders (default: the configured folders, else the samples)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print load warnings")


def _reader_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tuireader",
        description="A fast, keyboard-driven terminal reader for daily arXiv digests. "
        f"Commands: {', '.join(COMMANDS)} (tuireader COMMAND --help).",
    )
    parser.add_argument("--version", action="version", version=f"tuireader {__version__}")
    parser.add_argument(
        "paths", nargs="*", default=[], metavar="PATH", help="digest files or folders to open"
    )
    return parser


def _command_parsers() -> dict[str, argparse.ArgumentParser]:
    parser = _Parser(prog="tuireader")
    commands = parser.add_subparsers(required=True, parser_class=_Parser)

    export_parser = commands.add_parser("export", help="print papers as JSON, Markdown or BibTeX")
    export_parser.add_argument(
        "-f", "--format", choices=sorted(export.FORMATS), default="json", help="default: json"
    )
    export_parser.add_argument("--starred", action="store_true", help="only starred papers")
    _add_paths(export_parser)
    export_parser.set_defaults(run=_export)

    list_parser = commands.add_parser("list", help="one line per paper: date, ID, title")
    list_parser.add_argument("--date", type=_iso_date, help="only this date (YYYY-MM-DD)")
    _add_paths(list_parser)
    list_parser.set_defaults(run=_list)

    search_parser = commands.add_parser("search", help="rank papers against a query")
    search_parser.add_argument("query", help='words to find; "quote" a phrase')
    search_parser.add_argument("-n", "--limit", type=_positive, default=20, help="default: 20")
    search_parser.add_argument("-f", "--format", choices=("text", "json"), default="text")
    _add_paths(search_parser)
    search_parser.set_defaults(run=_search)

    show_parser = commands.add_parser("show", help="a paper's full detail")
    show_parser.add_argument("id", help="arXiv ID, with or without version, or its URL")
    _add_paths(show_parser)
    show_parser.set_defaults(run=_show)

    saved = "Saved at once to the annotations file; no digests are read. Exit status: 0 saved, "
    saved += "1 could not save (the file is left as it was), 2 bad arguments."
    star_parser = commands.add_parser("star", help="star papers", description=saved)
    star_parser.add_argument("ids", nargs="+", type=_arxiv_id, metavar="ID", help="arXiv ID or URL")
    star_parser.add_argument("--remove", action="store_true", help="unstar them instead")
    star_parser.set_defaults(run=_star)

    note_parser = commands.add_parser("note", help="set a paper's note", description=saved)
    note_parser.add_argument("id", type=_arxiv_id, metavar="ID", help="arXiv ID or URL")
    note_parser.add_argument("text", metavar="TEXT", help="the note; - reads stdin; empty deletes")
    note_parser.set_defaults(run=_note)
    return dict(commands.choices)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "export": _export,
    "list": _list,
    "search": _search,
    "show": _show,
    "star": _star,
    "note": _note,
}
