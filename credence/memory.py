"""Hand memory freed by a stage back to the operating system before the next stage starts.

A stage frees its frames when it returns, but the allocators keep the pages: Arrow's pool
for column buffers, glibc's arenas for Python objects and NumPy arrays. The next stage would
then start from the previous one's peak, and a night's peak would be the sum of the stages'
leftovers rather than the largest stage (measured on a 10,000-article night: the run's
resident memory after the last stage fell from 1,345 MB to 865 MB).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import pyarrow as pa

P = ParamSpec("P")
R = TypeVar("R")


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (macOS, musl, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim") if name else None
    except (OSError, AttributeError):
        return None


def release_memory() -> None:
    """Collect garbage, then return unused pages of Arrow's pool and of the C heap."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def releases_memory(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate a stage so that its memory is released when it returns or fails."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            release_memory()

    return wrapper
