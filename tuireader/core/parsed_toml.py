"""TOML parsed once per content. tomllib is pure Python: a heavy user's
annotations file (3,000 papers, 470 KB) takes it ~60 ms at every start,
before the first screen. What it parsed is kept in the cache folder under a
hash of the file's bytes, so an unchanged file loads in a few milliseconds
and any change, whoever made it, is parsed afresh. The TOML file stays the
only record: the kept copy is a cache, and a damaged one is parsed again.

Kept with marshal (no code runs when it is read, unlike pickle), readable
by this user only (the notes in it are private); TOML's
dates and times, which marshal cannot hold, are kept as tagged tuples (a TOML
document never holds a tuple: its arrays are lists).
"""

from __future__ import annotations

import hashlib
import marshal
import tomllib
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from tuireader.core.files import replacing

#: Part of every kept copy's name: a change to how copies are kept changes it,
#: so a copy kept by another version is never read as this one's.
_FORMAT = b"parsed-toml 1\n"
#: Read back from a kept copy: any of these means it is not usable.
_DAMAGE = (EOFError, ValueError, TypeError, KeyError, IndexError)
_TIMES: dict[str, Any] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
}


def loads(data: bytes, folder: Path) -> dict[str, Any]:
    """``tomllib.loads`` of ``data`` (UTF-8), kept in ``folder`` for next
    time; raises what tomllib and the decoding raise for a bad file."""
    kept = folder / f"{hashlib.blake2b(_FORMAT + data, digest_size=16).hexdigest()}.marshal"
    try:
        document = _restored(marshal.loads(kept.read_bytes()))
        if isinstance(document, dict):
            return document
        kept.unlink(missing_ok=True)  # not a table: not a copy of ours
    except OSError:
        pass
    except _DAMAGE:
        kept.unlink(missing_ok=True)
    document = tomllib.loads(data.decode("utf-8"))
    try:
        for old in folder.glob("*.marshal"):  # one file's contents are kept, the newest
            old.unlink(missing_ok=True)
        with replacing(kept, durable=False) as stream:
            stream.write(marshal.dumps(_plain(document)))
    except OSError:
        pass  # no cache this time: the file was read all the same
    return document


def _plain(value: Any) -> Any:
    """``value`` with every date and time as a tagged tuple."""
    return _leaves(value, _tagged)


def _restored(value: Any) -> Any:
    """What :func:`_plain` made, as it was."""
    return _leaves(value, _untagged)


def _leaves(value: Any, change: Callable[[Any], Any]) -> Any:
    """``value`` (tables and arrays of them) with ``change`` made to each leaf."""
    if isinstance(value, dict):
        return {key: _leaves(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_leaves(item, change) for item in value]
    return change(value)


def _tagged(value: Any) -> Any:
    if isinstance(value, datetime):  # before date: a datetime is a date
        return ("datetime", value.isoformat())
    if isinstance(value, date | time):
        return (type(value).__name__, value.isoformat())
    return value


def _untagged(value: Any) -> Any:
    if isinstance(value, tuple):
        kind, text = value
        return _TIMES[kind](text)
    return value
