"""The commands that merge another copy of the user's data into this machine's:
``tuireader merge OTHER_FILE`` and git's ``tuireader merge-driver %O %A %B``.

The work is :mod:`tuireader.core.merge`'s; a file it refuses (not an
annotations file or read journal, damaged, of a newer format, missing) is one
line on stderr and exit 2, with nothing written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tuireader.cli.common import UsageError
from tuireader.core import locations
from tuireader.core.merge import MergeError, merge_driver, merge_other_copy


def run_merge(arguments: argparse.Namespace) -> int:
    try:
        summary = merge_other_copy(
            locations.annotations_file(), Path(arguments.other), dry_run=arguments.dry_run
        )
    except MergeError as error:
        raise UsageError(str(error)) from None
    print(summary.describe(arguments.dry_run))
    return 0


def run_merge_driver(arguments: argparse.Namespace) -> int:
    """Git takes the result from OURS (``%A``); a non-zero exit leaves a conflict."""
    try:
        merge_driver(Path(arguments.base), Path(arguments.ours), Path(arguments.theirs))
    except MergeError as error:
        raise UsageError(str(error)) from None
    return 0
