"""Command line: the scripting commands, and the reader when none is given.

The commands live by job: :mod:`.entry` reads the arguments,
:mod:`.library_commands` read the digests, :mod:`.data_commands` change the
user's data, :mod:`.filters` turn flags into queries, :mod:`.parsers` hold
the grammar.

This module imports nothing itself: the ``tuireader`` script imports it, and
a worker process that parses digests runs its parent's script first (that is
how ``spawn`` starts one), so each worker imported every command, and numpy,
for nothing: ~0.2 s of CPU each, on a cold start whose cores are all busy.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tuireader`` command; returns the exit status."""
    from tuireader.cli.entry import run

    return run(argv)
