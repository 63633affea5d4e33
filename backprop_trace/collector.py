"""Pausing Python's cycle collector around bulk allocation.

Tracing and the views made from a trace allocate tens of thousands of small objects and no
garbage cycles; the collector would rescan them over and over (it cost a third of the time of
a 10,000-node trace, and four fifths of making its networkx graph).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
