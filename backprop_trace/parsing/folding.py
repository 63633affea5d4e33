"""Constant folding of all-number nodes, so exponents and magnitudes are bounded before sympy
ever sees them (2^2^2^40 must fail fast, not compute)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Final

from ..errors import ParseError
from ..limits import Limits

__all__ = ["fold_constant"]

_FOLDABLE: Final[dict[str, Callable[..., float]]] = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "pow": lambda a, b: float(a) ** float(b), "neg": lambda a: -a,
}


def fold_constant(func: str, values: Sequence[float | None], offsets: Sequence[int],
                  limits: Limits, text: str) -> float | None:
    """The value of an all-numbers arithmetic node from its arguments' values (None where an
    argument is not constant) and offsets, so exponents and constants can be bounded before
    sympy ever sees them (2^2^2^40 must fail fast, not compute)."""
    if func == "pow" and values[1] is not None and abs(values[1]) > limits.max_exponent:
        raise ParseError(f"exponent {values[1]:.4g} is larger than the limit of "
                         f"{limits.max_exponent:g} (raise limits.max_exponent)",
                         text, offsets[1])
    if None in values or func not in _FOLDABLE:
        return None
    try:
        value = _FOLDABLE[func](*values)
    except (ZeroDivisionError, ValueError):
        return None  # left to the forward pass, which names the node
    except OverflowError:
        value = math.inf
    if isinstance(value, complex):
        return None
    if math.isinf(value):
        raise ParseError("this constant is too large to compute (over 1.8e308)",
                         text, offsets[0])
    return value
