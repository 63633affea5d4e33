"""Input size guards: how large, deep and extreme an expression ``trace`` accepts."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from .errors import OptionError

__all__ = ["Limits", "DEFAULT_LIMITS", "recursion_room", "MAX_DEPTH_CEILING"]

MAX_DEPTH_CEILING: Final = 10_000
_COUNTS: Final = frozenset({"max_chars", "max_nodes", "max_depth", "max_number_digits",
                            "max_array_elements", "max_expression_size", "max_instructions",
                            "max_drawn_nodes", "max_paths"})
_LARGEST: Final = float(2**62)
"""Every limit below this: the engine's counters are 64-bit (2**64 would wrap to 0)."""


@dataclass(frozen=True)
class Limits:
    """Upper bounds checked before any work that could explode.

    The defaults admit a 20,000-node, 200,000-character equation system and reject
    anything much larger, quickly and with a message saying which limit to raise.
    Pass ``limits=Limits(max_nodes=100_000, ...)`` to ``trace`` to raise them.
    """

    max_chars: int = 250_000
    """Characters of source text in all equations together."""
    max_nodes: int = 25_000
    """Nodes in the computational graph (inputs, constants and operations)."""
    max_depth: int = 200
    """Nesting depth of one expression (parentheses, powers, unary signs, calls); at most
    10,000, deeper would overflow the interpreter's own stack."""
    max_exponent: float = 1_000
    """Largest magnitude of a constant exponent (``x^1000`` is fine, ``x^1e9`` is not)."""
    max_number_digits: int = 100
    """Longest numeric literal, in characters."""
    max_array_elements: int = 1_000_000
    """Elements of one input array."""
    max_output_bytes: float = 500e6
    """Bytes ``render`` may write in one run (frames, player, narrative, JSON), estimated and
    checked before anything is written."""
    max_expression_size: int = 400
    """Nodes of the output's expression written out in the inputs, beyond which whole
    expressions (``grad_expr``, ``expr``, sympy.diff in ``check()``) are not formed: they grow
    exponentially with reuse. The compact chain-rule forms are always available."""
    max_instructions: int = 20_000_000
    """Python bytecode instructions a traced Python function may run (a loop that never ends
    is stopped here)."""
    max_layout_work: float = 2e10
    """Work the layout engine may do for one trace's pictures (all the layouts tried), in
    wasmtime fuel units (about 3e9 a second on the development machine: under 10 s; a
    300-node graph takes 1.2e9, the 1,286-node benchmark about 2e10)."""
    max_layout_memory: float = 768e6
    """Bytes of memory the layout engine may use."""
    max_layout_seconds: float = 5.0
    """Seconds the layout engine may take for one trace's pictures (all the layouts tried)."""
    max_convert_seconds: float = 8.0
    """Seconds ``render`` may spend converting frames to PNG or PDF, estimated from the
    first frame before anything is written."""
    max_drawn_nodes: int = 2000
    """Nodes a picture may have: a larger graph is traced (values, gradients, JSON) but not
    drawn, quickly, with this limit named."""
    max_paths: int = 64
    """Paths from an input to the output that ``paths`` lists and path frames draw (their
    number grows exponentially with reuse; forward mode and the reverse pass need none)."""

    def __post_init__(self) -> None:
        for name in ("max_chars", "max_nodes", "max_depth", "max_exponent", "max_number_digits",
                     "max_array_elements", "max_output_bytes", "max_expression_size",
                     "max_instructions", "max_layout_work", "max_layout_memory",
                     "max_layout_seconds", "max_convert_seconds", "max_drawn_nodes",
                     "max_paths"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value) or value <= 0:
                raise OptionError(f"Limits.{name} must be a positive finite number, got "
                                  f"{value!r:.40}")
            if name in _COUNTS and value != int(value):
                raise OptionError(f"Limits.{name} counts things: it must be a whole number, got "
                                  f"{value!r}")
            if (name in _COUNTS or name.startswith("max_layout")) and value > _LARGEST:
                raise OptionError(f"Limits.{name} must be at most {_LARGEST:.3g}, got "
                                  f"{value:.3g}")
        if self.max_depth > MAX_DEPTH_CEILING:
            raise OptionError(f"Limits.max_depth can be at most {MAX_DEPTH_CEILING:,}: deeper "
                              f"nesting would overflow the interpreter's stack")


DEFAULT_LIMITS: Final = Limits()


@contextmanager
def recursion_room(depth: int) -> Iterator[None]:
    """Room on Python's stack for walking ``depth`` levels of nesting recursively (the
    parser's and sympy's walks take a few frames a level)."""
    needed = 8 * depth + 1_000
    previous = sys.getrecursionlimit()
    if needed > previous:
        sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        if needed > previous:
            sys.setrecursionlimit(previous)
