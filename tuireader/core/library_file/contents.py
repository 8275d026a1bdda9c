"""What a library file holds, named once for the reader and the writer."""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from typing import Any

from tuireader.core.cache import schema_of
from tuireader.core.library import Library
from tuireader.core.model import Paper
from tuireader.core.search_columns import SearchColumns
from tuireader.core.word_index import WordArrays

FORMAT_VERSION = 1
SUFFIX = ".tlib"
#: The searched fields, each kept as its texts and their word index.
FIELDS = ("titles", "authors", "keys", "abstracts")
#: The arrays of each field's word index, by their names in WordArrays.
WORD_ARRAYS = tuple(field.name for field in dataclasses.fields(WordArrays))
#: Every digest file's [path, size, mtime in ns], sorted.
Key = list[list[Any]]


@dataclass(frozen=True)
class Opened:
    """A library read from its file, and the columns to search it with."""

    library: Library
    columns: SearchColumns


def footer_stamp() -> dict[str, Any]:
    """What a file must have been written by: this format, Python and Paper."""
    schema = [list(pair) for pair in schema_of(Paper)]
    return {"format": FORMAT_VERSION, "python": list(sys.version_info[:2]), "schema": schema}
