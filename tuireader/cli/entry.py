"""The command line's entry: a command's arguments to its run, or the reader.

Only the pure core is imported here; Textual is imported when the reader
opens, so that ``tuireader export | jq`` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tuireader.cli.common import NotFound, UsageError, resolve_paths
from tuireader.cli.parsers import COMMANDS, command_parsers, reader_parser
from tuireader.core.discovery import DIGEST_SUFFIXES
from tuireader.core.store import ReadOnlyError, StoreError

if TYPE_CHECKING:
    from tuireader.ui.app import ReaderApp


def run(argv: Sequence[str] | None = None) -> int:
    """Run the ``tuireader`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            # Per command, so that options and paths may come in any order
            # (argparse cannot intermix them under subparsers).
            parser = command_parsers()[argv[0]]
            arguments = parser.parse_intermixed_args(argv[1:])
            return int(arguments.run(arguments))
        if argv and _unknown_command(argv[0]):
            raise UsageError(f"unknown command {argv[0]!r} (commands: {', '.join(COMMANDS)})")
        reader_app(argv).run()
        return 0
    except (UsageError, ReadOnlyError) as error:
        print(f"tuireader: {error}", file=sys.stderr)
        return 2
    except (StoreError, NotFound) as error:
        print(f"tuireader: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output (head, less) went away: that is fine.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _unknown_command(word: str) -> bool:
    """A word that is no option, no existing path and does not look like one
    (no slash, no digest suffix, no leading ``~`` or ``.``): a mistyped command."""
    looks_like_path = (
        any(sep in word for sep in (os.sep, os.altsep or os.sep))
        or word.startswith(("~", "."))
        or word.lower().endswith(DIGEST_SUFFIXES)
    )
    return not (word.startswith("-") or looks_like_path or os.path.exists(word))


def reader_app(argv: Sequence[str]) -> ReaderApp:
    """The app the reader's arguments ask for, not yet running; its folders
    are checked first so a typo fails here, fast."""
    arguments = reader_parser().parse_args(argv)
    paths = resolve_paths(arguments.paths)
    missing = [path for path in paths if not os.path.exists(os.path.expanduser(path))]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    from tuireader.ui.app import ReaderApp

    return ReaderApp(paths, watch=not arguments.no_watch)
