"""Bounds on the work one text can cause: the input is untrusted, so every
conversion stays bounded in length, nesting and memory whatever it holds."""

from __future__ import annotations

#: Longer texts are not converted at all (arXiv caps abstracts at 1,920
#: characters): the work stays bounded whatever the input.
MAX_TEXT_LENGTH = 20_000
#: Longest piece (math span, macro call) handed to pylatexenc.
MAX_PIECE = 400
#: Deepest brace nesting converted; deeper groups are kept as written.
MAX_DEPTH = 12
#: Entries per memo: the common snippets are a few hundred (numbers share one
#: entry per shape), and a miss costs pylatexenc's 50-300 µs.
CACHE_SIZE = 8192
