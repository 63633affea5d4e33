"""Input size guards: how large, deep and extreme an expression ``trace`` accepts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["Limits", "DEFAULT_LIMITS"]


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
    """Nesting depth of one expression (parentheses, powers, unary signs, calls)."""
    max_exponent: float = 1_000
    """Largest magnitude of a constant exponent (``x^1000`` is fine, ``x^1e9`` is not)."""
    max_number_digits: int = 100
    """Longest numeric literal, in characters."""
    max_layout_work: float = 2e11
    """Work the layout engine may do for one picture, in wasmtime fuel units (about 3e9 a
    second on the development machine; a 300-node graph takes 1.2e9)."""

    def __post_init__(self) -> None:
        for name in ("max_chars", "max_nodes", "max_depth", "max_exponent", "max_number_digits",
                     "max_layout_work"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive number, got {value!r}")


DEFAULT_LIMITS: Final = Limits()
