"""The command line's grammar: one argparse parser per command."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import date

from tuireader import __version__
from tuireader.cli.common import Parser
from tuireader.cli.data_commands import run_note, run_read, run_star, run_tag
from tuireader.cli.filters import add_filter_options
from tuireader.cli.library_commands import run_export, run_list, run_search, run_show
from tuireader.cli.merge_commands import run_merge, run_merge_driver
from tuireader.cli.rank_commands import run_recommend, run_similar
from tuireader.core import export
from tuireader.core.model import parse_arxiv_id

Command = Callable[[argparse.Namespace], int]

#: Every command, by name, as the user types it.
COMMANDS: dict[str, Command] = {
    "export": run_export,
    "list": run_list,
    "merge": run_merge,
    "merge-driver": run_merge_driver,
    "note": run_note,
    "read": run_read,
    "recommend": run_recommend,
    "search": run_search,
    "show": run_show,
    "similar": run_similar,
    "star": run_star,
    "tag": run_tag,
}

SAVED = (
    "Saved at once to your data files; one change, undone as one. No digests are read, "
    "unless digests are configured: then an ID they do not list gets a warning. "
    "Exit status: 0 saved, 1 could not save (the files are left as they were), "
    "2 bad arguments."
)

BUILDS = (
    "Reads the titles and abstracts of the whole library first: well under a second "
    "for a few thousand papers, 6-7 s for 100,000."
)


class WordsParser(Parser):
    """A parser that takes every argument as a word, even ``-name``: only a
    leading ``-h``/``--help`` and a lone ``--list`` are options."""

    def parse_intermixed_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: None = None
    ) -> argparse.Namespace:
        words = list(args or ())
        if words[:1] in (["-h"], ["--help"]) or words == ["--list"]:
            return super().parse_intermixed_args(words)
        if "--list" in words:
            self.error("--list takes no other arguments")
        arguments = super().parse_intermixed_args([])
        arguments.words = words
        return arguments


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


def _limit(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(text)


def _add_ranked_output(parser: argparse.ArgumentParser) -> None:
    """How many of a ranking to print, and how (search, recommend, similar)."""
    parser.add_argument(
        "-n", "--limit", type=_limit, default=20, help="at most N (default: 20; 0: all)"
    )
    parser.add_argument("-f", "--format", choices=("text", "json"), default="text")


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        default=[],  # without a default argparse lists PATH as "required" in errors
        metavar="PATH",
        help="digest files or folders (default: the configured folders, else the samples)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print load warnings")


def reader_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="tuireader",
        description="A fast, keyboard-driven terminal reader for daily arXiv digests. "
        f"Commands: {', '.join(COMMANDS)} (tuireader COMMAND --help).",
    )
    parser.add_argument("--version", action="version", version=f"tuireader {__version__}")
    parser.add_argument(
        "paths", nargs="*", default=[], metavar="PATH", help="digest files or folders to open"
    )
    parser.add_argument(
        "--no-watch",
        action="store_true",
        help="do not follow the folders for new digests while the reader is open",
    )
    return parser


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    parser = Parser(prog="tuireader")
    commands = parser.add_subparsers(required=True, parser_class=Parser)

    export_parser = commands.add_parser(
        "export", help="print papers as JSON, Markdown, BibTeX, CSV or RIS"
    )
    export_parser.add_argument(
        "-f", "--format", choices=sorted(export.FORMATS), default="json", help="default: json"
    )
    add_filter_options(export_parser, query=True)
    _add_paths(export_parser)
    export_parser.set_defaults(run=run_export)

    list_parser = commands.add_parser("list", help="one line per paper: date, ID, title")
    list_parser.add_argument(
        "--date",
        type=_iso_date,
        help="only this date (YYYY-MM-DD); with --category, that day's CAT digest",
    )
    add_filter_options(list_parser, query=True)
    _add_paths(list_parser)
    list_parser.set_defaults(run=run_list)

    search_parser = commands.add_parser("search", help="rank papers against a query")
    search_parser.add_argument("query", help='words to find; "quote" a phrase')
    _add_ranked_output(search_parser)
    add_filter_options(search_parser, query=False)
    _add_paths(search_parser)
    search_parser.set_defaults(run=run_search)

    recommend_parser = commands.add_parser(
        "recommend",
        help="rank papers by likeness to your starred (or tagged) ones",
        description="Learns what your starred papers (with --tag, the papers with that tag; "
        "at least 5) have in common, from their titles and abstracts, and ranks the "
        "candidates by it: a date's papers, the unread ones, or every paper, but never "
        "the ones it learned from. Prints score, ID, date, title and the words that "
        "weighed most, tab-separated, best first. " + BUILDS + " Exit status: 0 ranked, "
        "1 too few papers to learn from or nothing to rank, 2 bad arguments.",
    )
    recommend_parser.add_argument(
        "--date", type=_iso_date, help="rank this date's papers (YYYY-MM-DD)"
    )
    recommend_parser.add_argument(
        "--unread", action="store_true", help="rank only papers not marked read"
    )
    recommend_parser.add_argument(
        "--category",
        metavar="CAT",
        help="rank only papers a CAT digest listed, or of category CAT; "
        "with --date, that day's CAT digest",
    )
    recommend_parser.add_argument(
        "--tag", metavar="NAME", help="learn from the papers with this tag, not the starred ones"
    )
    _add_ranked_output(recommend_parser)
    _add_paths(recommend_parser)
    recommend_parser.set_defaults(run=run_recommend)

    similar_parser = commands.add_parser(
        "similar",
        help="the papers most like one",
        description="Ranks the library's papers by how many weighty words (TF-IDF over "
        "title and abstract) they share with the paper: prints cosine, ID, date and title, "
        "tab-separated, best first. " + BUILDS + " Exit status: 0 found, 1 unknown ID or "
        "no paper alike, 2 bad arguments.",
    )
    similar_parser.add_argument("id", help="arXiv ID, with or without version, or its URL")
    _add_ranked_output(similar_parser)
    _add_paths(similar_parser)
    similar_parser.set_defaults(run=run_similar)

    show_parser = commands.add_parser("show", help="a paper's full detail")
    show_parser.add_argument("id", help="arXiv ID, with or without version, or its URL")
    _add_paths(show_parser)
    show_parser.set_defaults(run=run_show)

    star_parser = commands.add_parser("star", help="star papers", description=SAVED)
    star_parser.add_argument("ids", nargs="+", type=_arxiv_id, metavar="ID", help="arXiv ID or URL")
    star_parser.add_argument("--remove", action="store_true", help="unstar them instead")
    star_parser.set_defaults(run=run_star)

    note_parser = commands.add_parser("note", help="set a paper's note", description=SAVED)
    note_parser.add_argument("id", type=_arxiv_id, metavar="ID", help="arXiv ID or URL")
    note_parser.add_argument("text", metavar="TEXT", help="the note; - reads stdin; empty deletes")
    note_parser.set_defaults(run=run_note)

    read_parser = commands.add_parser(
        "read",
        help="mark papers read",
        usage="tuireader read [--unread] [-v] ID...\n"
        "       tuireader read --date YYYY-MM-DD [--category CAT] [--unread] [-v] [PATH...]",
        description=SAVED,
    )
    read_parser.add_argument(
        "targets",
        nargs="*",
        default=[],
        metavar="ID|PATH",
        help="arXiv IDs or URLs; with --date, digest files or folders (default: as for list)",
    )
    read_parser.add_argument("--unread", action="store_true", help="mark them unread instead")
    read_parser.add_argument(
        "--date", type=_iso_date, help="every paper of this date (YYYY-MM-DD), not IDs"
    )
    read_parser.add_argument("--category", metavar="CAT", help="with --date: only CAT's digest")
    read_parser.add_argument("-v", "--verbose", action="store_true", help="say how many")
    read_parser.add_argument("-q", "--quiet", action="store_true", help="no load warnings")
    read_parser.set_defaults(run=run_read)

    merge_parser = commands.add_parser(
        "merge",
        help="merge another copy of your data into this machine's",
        description="Merges another machine's copy of annotations.toml (and the read-marks.txt "
        "beside it, if any), a read-marks.txt, or a Syncthing conflict copy of either (then "
        "renamed *.merged-*) into your data files: per field the later change wins, a note "
        "changed in both keeps both texts, read marks the latest. Prints what changed. "
        "Exit status: 0 merged, 1 could not save, 2 a file that cannot be merged.",
    )
    merge_parser.add_argument("other", metavar="OTHER_FILE", help="the other copy")
    merge_parser.add_argument(
        "-n", "--dry-run", action="store_true", help="say what would change; change nothing"
    )
    merge_parser.set_defaults(run=run_merge)

    driver_parser = commands.add_parser(
        "merge-driver",
        help="git's merge driver for annotations.toml and read-marks.txt",
        description="Set it up with: git config merge.tuireader.driver "
        "'tuireader merge-driver %O %A %B' and, in .gitattributes, "
        "'annotations.toml merge=tuireader' and 'read-marks.txt merge=tuireader'.",
    )
    driver_parser.add_argument("base", metavar="ANCESTOR", help="%%O: the common ancestor")
    driver_parser.add_argument("ours", metavar="OURS", help="%%A: this copy; gets the result")
    driver_parser.add_argument("theirs", metavar="THEIRS", help="%%B: the other copy")
    driver_parser.set_defaults(run=run_merge_driver)

    tag_parser = WordsParser(  # not a subparser: add_parser takes no parser class
        prog="tuireader tag",
        usage="tuireader tag ID... [+]TAG... -TAG...\n       tuireader tag --list",
        description="IDs first, then tags: +name or name adds, -name removes. Names are "
        "lowercased, without accents; letters, digits and -_/.+ only. " + SAVED,
    )
    tag_parser.add_argument("words", nargs="*", metavar="ID|TAG", help=argparse.SUPPRESS)
    tag_parser.add_argument("--list", action="store_true", help="every tag in use, with its count")
    tag_parser.set_defaults(run=run_tag)
    return {**commands.choices, "tag": tag_parser}
