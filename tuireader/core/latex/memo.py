"""The memos of converted pieces, kept in one registry so that benchmarks can
read their hit rates and clear them all at once.

The same pieces (``$\\pm$``, ``$\\alpha$``) recur constantly, and a miss costs
pylatexenc's 50-300 µs, so every converter of a piece is memoised, bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import _lru_cache_wrapper, lru_cache
from typing import Any, TypeVar

from tuireader.core.latex.limits import CACHE_SIZE

_Result = TypeVar("_Result")

_MEMOS: dict[str, _lru_cache_wrapper[Any]] = {}


def memoised(name: str) -> Callable[[Callable[..., _Result]], _lru_cache_wrapper[_Result]]:
    """``functools.lru_cache`` of CACHE_SIZE entries, listed under ``name``."""

    def decorate(function: Callable[..., _Result]) -> _lru_cache_wrapper[_Result]:
        memo = lru_cache(maxsize=CACHE_SIZE)(function)
        _MEMOS[name] = memo
        return memo

    return decorate


def cache_info() -> dict[str, Any]:
    """Hits and misses of the piece caches, for benchmarks."""
    return {name: memo.cache_info()._asdict() for name, memo in _MEMOS.items()}


def cache_clear() -> None:
    """Forget memoised pieces (benchmarks measure cold conversions)."""
    for memo in _MEMOS.values():
        memo.cache_clear()
