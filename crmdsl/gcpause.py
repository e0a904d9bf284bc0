"""A pause of Python's cyclic garbage collector around work that makes no garbage cycles.

Loading, linting and formatting a map make many small objects and no cycles; the
collector's passes over them cost a third of the time and grow faster than the map.
Reference counting still frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector for the block; restore it as it was (nesting is fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
