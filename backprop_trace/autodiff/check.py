"""Gradient check: backprop against central differences and against ``sympy.diff`` of the
whole expression, with the relative error of the CS231n notes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import sympy as sp

from ..errors import DomainError, GraphError
from ..names import fmt_number, pretty_name
from .result import TraceData

__all__ = ["GradientCheck", "CheckReport", "check_trace", "check_gradient", "relative_error",
           "format_check"]

STEP: Final = 1e-6
TOLERANCE: Final = 1e-6
_MAX_ELEMENTS: Final = 1000


@dataclass(frozen=True)
class GradientCheck:
    """One input: the backprop gradient and the two independent answers."""

    name: str
    backprop: Any
    central: Any
    symbolic: Any
    error_central: float
    error_symbolic: float


@dataclass(frozen=True)
class CheckReport:
    rows: tuple[GradientCheck, ...]
    tolerance: float = TOLERANCE

    @property
    def ok(self) -> bool:
        return all(r.error_central <= self.tolerance and r.error_symbolic <= self.tolerance
                   for r in self.rows)

    @property
    def max_error(self) -> float:
        """The largest relative error (NaN if a central difference could not be taken)."""
        errors = [e for r in self.rows for e in (r.error_central, r.error_symbolic)]
        return float(np.max(errors)) if errors else 0.0

    def __str__(self) -> str:
        return format_check(self)

    def _repr_markdown_(self) -> str:
        """In a notebook: the table, not the dataclass."""
        head = ["| input | backprop | central diff | rel err | sympy.diff | rel err |",
                "|---|---|---|---|---|---|"]
        rows = [f"| {pretty_name(r.name)} | {fmt_number(r.backprop)} | {fmt_number(r.central)} "
                f"| {r.error_central:.1e} | {fmt_number(r.symbolic)} | {r.error_symbolic:.1e} |"
                for r in self.rows]
        verdict = "OK" if self.ok else "MISMATCH"
        return "\n".join([*head, *rows, "", f"**{verdict}**: largest relative error "
                           f"{self.max_error:.1e} (tolerance {self.tolerance:.0e})"])


TINY = 1e-10
"""Gradients smaller than this are compared absolutely: a central difference cannot resolve
them (2y at y = 1e-111 comes out as 0), so relative error would call agreement 100 %."""


def relative_error(a: Any, b: Any) -> float:
    """max |a − b| / max(|a|, |b|, TINY), elementwise (CS231n's measure, floored)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), TINY)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        err = np.abs(a - b) / scale
    err = np.where(np.isnan(a) | np.isnan(b), np.nan, err)  # no answer is not agreement
    return float(np.max(err)) if err.size else 0.0


def check_trace(data: TraceData) -> CheckReport:
    """Compare a trace's gradient with central differences and with sympy.diff of the whole
    expression (needs values)."""
    if data.node_values is None:
        raise GraphError("check() needs values: trace with at={…}")
    symbols = {x: data.view.symbol(x) for x in data.inputs}
    return check_gradient(data.input_values(), dict(data.grad), data.output_at,
                          data.view.expr(data.output), symbols)


def check_gradient(inputs: Mapping[str, Any], grad: Mapping[str, Any],
                   evaluate: Callable[[Mapping[str, Any]], Any], output_expr: sp.Expr,
                   symbols: Mapping[str, sp.Symbol]) -> CheckReport:
    """Compare ``grad`` (∂sum(y)/∂x per input) with central differences of ``evaluate`` and with
    ``sympy.diff(output_expr, x)`` evaluated at the same point."""
    rows = []
    for name, g in grad.items():
        central = _central(inputs, name, evaluate)
        exact = _symbolic(inputs, name, output_expr, symbols)
        rows.append(GradientCheck(name, g, central, exact, relative_error(g, central),
                                  relative_error(g, exact)))
    return CheckReport(tuple(rows))


def _central(inputs: Mapping[str, Any], name: str,
             evaluate: Callable[[Mapping[str, Any]], Any]) -> Any:
    x = np.array(inputs[name], dtype=float)
    out = np.zeros_like(x)
    for index in list(np.ndindex(x.shape))[:_MAX_ELEMENTS]:
        h = STEP * max(1.0, float(abs(x[index])))
        plus, minus = x.copy(), x.copy()
        plus[index] += h
        minus[index] -= h
        try:
            up = np.sum(evaluate({**inputs, name: plus}))
            down = np.sum(evaluate({**inputs, name: minus}))
        except DomainError:
            out[index] = np.nan  # x ± h crosses a singularity: no central difference here
            continue
        out[index] = (up - down) / (2 * h)
    return out[()] if out.ndim == 0 else out


def _symbolic(inputs: Mapping[str, Any], name: str, output_expr: sp.Expr,
              symbols: Mapping[str, sp.Symbol]) -> Any:
    derivative = sp.diff(output_expr, symbols[name])
    shape = np.broadcast_shapes(*(np.shape(v) for v in inputs.values()))
    total = np.zeros(shape)
    for index in list(np.ndindex(shape))[:_MAX_ELEMENTS]:
        point = {symbols[n]: float(np.broadcast_to(v, shape)[index]) for n, v in inputs.items()}
        total[index] = float(derivative.evalf(subs=point))
    x_shape = np.shape(inputs[name])
    while total.ndim > len(x_shape):
        total = total.sum(axis=0)
    return total[()] if total.ndim == 0 else total


def format_check(report: CheckReport) -> str:
    """The report as a table for a terminal or a notebook."""
    lines = [f"{'input':<8} {'backprop':>12} {'central diff':>12} {'rel err':>9} "
             f"{'sympy.diff':>12} {'rel err':>9}"]
    for r in report.rows:
        lines.append(f"{pretty_name(r.name):<8} {fmt_number(r.backprop):>12} "
                     f"{fmt_number(r.central):>12} {r.error_central:>9.1e} "
                     f"{fmt_number(r.symbolic):>12} {r.error_symbolic:>9.1e}")
    verdict = "OK" if report.ok else "MISMATCH"
    if any(np.isnan(r.error_central) for r in report.rows):
        lines.append("nan: x ± h crosses a point where the function is undefined")
    lines.append(f"{verdict}: largest relative error {report.max_error:.1e} "
                 f"(tolerance {report.tolerance:.0e})")
    return "\n".join(lines)


