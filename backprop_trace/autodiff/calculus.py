"""The rest of the calculus chapter: the derivative as a limit of difference quotients, and the
tangent line at a point (both from the trace's own forward pass and gradient)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from ..errors import DomainError, GraphError, OptionError
from .result import TraceData

__all__ = ["LimitRow", "limit_table", "Tangent", "tangent", "curve", "scalar_input",
           "DEFAULT_STEPS"]

DEFAULT_STEPS: Final = (0.1, 0.01, 0.001, 0.0001, 0.00001)
"""The h values of the chapter's table."""


@dataclass(frozen=True)
class LimitRow:
    h: float
    quotient: float
    """(f(x + h) − f(x)) / h"""
    error: float
    """quotient − f′(x)"""


def scalar_input(t: TraceData, var: str | None) -> str:
    """The one scalar input a limit table or tangent is about (``var``, or the only input)."""
    if t.value is None:
        raise GraphError("this needs values: give the point with at={…} (--at on the command line)")
    if var is not None and not isinstance(var, str):
        raise GraphError(f"wrt must name one input, got {type(var).__name__} {var!r:.40}")
    name = var or (t.wrt[0] if len(t.wrt) == 1 else None)
    if name is None:
        raise GraphError(f"several inputs ({', '.join(t.wrt)}): choose one with wrt=… (--wrt)")
    if name not in t.grad:
        raise GraphError(f"{name!r} is not an input (inputs: {', '.join(t.inputs)})")
    if np.ndim(t.grad[name]) or np.ndim(t.value):
        raise DomainError("the limit table and the tangent need scalar values, not arrays")
    return name


def _output_at(t: TraceData, var: str, x: float) -> float:
    point = {n: t.values[n] for n in t.inputs}
    point[var] = x
    return float(t.output_at(point))


def limit_table(t: TraceData, var: str | None = None,
                steps: Sequence[float] = DEFAULT_STEPS) -> tuple[LimitRow, ...]:
    """(f(x+h) − f(x))/h for shrinking h, next to the exact derivative ``t.grad[var]``."""
    name = scalar_input(t, var)
    if not isinstance(steps, Sequence) or not 1 <= len(steps) <= 30 or not all(
            isinstance(h, (int, float)) and not isinstance(h, bool) and math.isfinite(h)
            and h != 0 for h in steps):
        raise OptionError(f"steps must be 1 to 30 finite, non-zero numbers h, got {steps!r:.60}")
    x, fx, exact = float(t.values[name]), float(t.value), float(t.grad[name])
    rows = []
    for h in steps:
        q = (_output_at(t, name, x + h) - fx) / h
        rows.append(LimitRow(h, q, q - exact))
    return tuple(rows)


@dataclass(frozen=True)
class Tangent:
    """The tangent y = slope·x + intercept at (x0, y0)."""

    var: str
    x0: float
    y0: float
    slope: float

    @property
    def intercept(self) -> float:
        return self.y0 - self.slope * self.x0

    def __call__(self, x: Any) -> Any:
        return self.slope * np.asarray(x) + self.intercept


def tangent(t: TraceData, var: str | None = None) -> Tangent:
    name = scalar_input(t, var)
    return Tangent(name, float(t.values[name]), float(t.value), float(t.grad[name]))


def curve(t: TraceData, var: str, xs: Any) -> Any:
    """The output along ``xs`` (other inputs fixed); NaN where it is undefined."""
    ys = []
    for x in np.asarray(xs, dtype=float):
        try:
            ys.append(_output_at(t, var, float(x)))
        except DomainError:
            ys.append(float("nan"))
    return np.array(ys)
