"""Gradient check: backprop against central differences and against ``sympy.diff`` of the
whole expression, with the relative error of the CS231n notes — and honest about what it
cannot check: a point where the function has a kink (one-sided differences disagree), a
difference quotient that does not settle, an expression too large for sympy.

Arrays are checked on at most 1,000 elements (evenly spaced when there are more), the same
elements on every side; the sympy side is summed back to each input's shape as backprop's
gradient is (broadcasting).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import sympy as sp

from ..errors import DomainError, GraphError
from .elementwise import MAX_SYMBOLIC_ELEMENTS, element_symbols, evaluate_elementwise
from .numeric import compile_expr
from .result import TraceData
from .reverse import sum_to_shape

__all__ = ["GradientCheck", "CheckResult", "check_trace", "check_gradient", "relative_error"]

STEP: Final = 1e-6
TOLERANCE: Final = 1e-6
KINK: Final = 1e-2
"""One-sided differences further apart than this (relatively) mark a kink."""
_MAX_ELEMENTS: Final = 1000
_MIN_ELEMENTS: Final = 20
_MAX_INPUTS: Final = 100
"""Inputs checked at most (evenly spaced): each costs sympy.diff and a forward pass per h."""
_DIFFERENCE_SECONDS: Final = 3.0
"""About how long the central differences may take (the two costs below, measured on the
development machine: a node of a forward pass, and an element of an array through it)."""
_NODE_SECONDS: Final = 2e-6
_ELEMENT_SECONDS: Final = 5e-9
_PASSES: Final = 9
"""Forward passes one element's central difference takes at most (h shrinking)."""
_REFINEMENTS: Final = 4


@dataclass(frozen=True)
class GradientCheck:
    """One input: the backprop gradient and the two independent answers (on the checked
    elements), and what could not be checked."""

    name: str
    backprop: Any
    central: Any
    symbolic: Any  # None: sympy's side was not formed (the expression is too large)
    error_central: float
    error_symbolic: float
    kink: bool = False  # one-sided differences disagree: no derivative at this point
    unsettled: bool = False  # the central difference did not settle as h shrank
    elements: str = ""  # "" for all elements, else how many were checked
    one_sided: bool = False  # x ± h left the domain: a one-sided difference was taken


@dataclass(frozen=True)
class CheckResult:
    rows: tuple[GradientCheck, ...]
    tolerance: float = TOLERANCE
    symbolic_skipped: str = ""
    inputs_checked: str = ""
    """"" when every input was checked, else how many (``100 of 3000``, evenly spaced)."""

    def confirmed(self, r: GradientCheck) -> bool:
        """sympy.diff agrees: the gradient is right whatever the central difference says."""
        return r.symbolic is not None and r.error_symbolic <= self.tolerance

    def row_ok(self, r: GradientCheck) -> bool:
        if r.kink:
            return False
        if self.confirmed(r):
            return True
        return not r.unsettled and r.error_central <= self.tolerance and r.symbolic is None

    @property
    def ok(self) -> bool:
        return all(map(self.row_ok, self.rows))

    @property
    def max_error(self) -> float:
        """The largest relative error that bears on the verdict (NaN if a difference could not
        be taken): a gradient sympy.diff confirms is judged by sympy's error alone."""
        errors = [e for r in self.rows
                  for e in ((r.error_symbolic,) if self.confirmed(r) and not r.kink else
                            (r.error_central, *(() if r.symbolic is None else
                                                (r.error_symbolic,))))]
        return float(np.max(errors)) if errors else 0.0

    @property
    def verdict(self) -> str:
        """OK, NOT DIFFERENTIABLE (a kink), UNRELIABLE (agreement, but the central difference
        never settled) or MISMATCH."""
        if self.ok:
            return "OK"
        if any(r.kink for r in self.rows):
            return "NOT DIFFERENTIABLE"
        failing = [r for r in self.rows if not self.row_ok(r)]
        if all(r.unsettled and r.symbolic is None for r in failing):
            return "UNRELIABLE"  # the central difference never settled: no evidence either way
        return "MISMATCH"


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


Exact = Callable[[str, np.ndarray], np.ndarray]
"""sympy's derivative of the output by one input, at the chosen (flat) elements."""


def check_trace(data: TraceData) -> CheckResult:
    """Compare a trace's gradient with central differences and with sympy.diff of the whole
    expression (needs values)."""
    if data.node_values is None:
        raise GraphError("check() needs values: trace with at={…}")
    inputs = data.input_values()
    exact: Exact | None = None
    skipped = ""
    if data.tensors:
        sizes = {x: int(np.size(v)) for x, v in inputs.items()}
        if max(sizes.values(), default=0) <= MAX_SYMBOLIC_ELEMENTS:
            exact = _elementwise_oracle(data, inputs)
        else:
            skipped = (f"inputs of more than {MAX_SYMBOLIC_ELEMENTS} elements are checked "
                       f"against central differences only")
    else:
        try:
            data.require_small_expression("sympy.diff")
            expression = data.view.expr(data.output)
            symbols = {x: data.view.symbol(x) for x in data.inputs}
            exact = _expression_oracle(inputs, expression, symbols)
        except GraphError as exc:
            skipped = str(exc)
    report = check_gradient(inputs, dict(data.grad), data.output_at, exact, len(data.tape))
    return CheckResult(report.rows, report.tolerance, skipped, report.inputs_checked)


def check_gradient(inputs: Mapping[str, Any], grad: Mapping[str, Any],
                   evaluate: Callable[[Mapping[str, Any]], Any],
                   exact_at: Exact | None, nodes: int = 1) -> CheckResult:
    """Compare ``grad`` (∂sum(y)/∂x per input) with central differences of ``evaluate`` and with
    sympy's derivative (``exact_at``) at the same point."""
    rows = []
    names = list(grad)
    if len(names) > _MAX_INPUTS:  # thousands of scalar inputs: an even sample of them
        names = [names[k] for k in np.unique(np.linspace(0, len(names) - 1, _MAX_INPUTS)
                                             .round().astype(np.intp))]
    # central differences cost a forward pass (every node, every element) per element and h
    size = max((int(np.size(v)) for v in inputs.values()), default=1)
    passes = _DIFFERENCE_SECONDS / (nodes * (_NODE_SECONDS + size * _ELEMENT_SECONDS))
    names = names[:max(1, int(passes // _PASSES))]
    # no gradient to check (no inputs, or wrt=[]): an empty report, not a division by zero
    per_input = max(_MIN_ELEMENTS, min(_MAX_ELEMENTS,
                                       int(passes // _PASSES // max(1, len(names)))))
    for name in names:
        g = grad[name]
        x = np.asarray(inputs[name], dtype=float)
        chosen = _elements(x.size, per_input)
        backprop = np.broadcast_to(np.asarray(g, dtype=float), x.shape).reshape(-1)[chosen]
        central, kink, unsettled, one_sided = _central(inputs, name, evaluate, chosen)
        exact = None if exact_at is None else exact_at(name, chosen)

        def shown(v: np.ndarray) -> Any:
            if x.ndim == 0:
                return float(v[0])
            return v.reshape(x.shape) if len(chosen) == x.size else v

        counted = "" if len(chosen) == x.size else f"{len(chosen)} of {x.size}"
        rows.append(GradientCheck(
            name, shown(backprop), shown(central), None if exact is None else shown(exact),
            relative_error(backprop, central),
            relative_error(backprop, exact) if exact is not None else 0.0,
            kink, unsettled, counted, one_sided))
    return CheckResult(tuple(rows), inputs_checked=(
        "" if len(names) == len(grad) else f"{len(names)} of {len(grad)}"))


def _expression_oracle(inputs: Mapping[str, Any], expression: sp.Expr,
                       symbols: Mapping[str, sp.Symbol]) -> Exact:
    def exact_at(name: str, chosen: np.ndarray) -> np.ndarray:
        return _symbolic(inputs, name, expression, symbols, chosen)
    return exact_at


def _elementwise_oracle(data: TraceData, inputs: Mapping[str, Any]) -> Exact:
    """sympy.diff of the output written out element by element (vectors and matrices)."""
    symbols = {x: element_symbols(x, np.shape(v)) for x, v in inputs.items()}
    expression = evaluate_elementwise(data.tape, symbols)
    point = {}
    for x, v in inputs.items():
        for symbol, value in zip(np.ravel(symbols[x]), np.ravel(v)):
            point[symbol] = float(value)

    def exact_at(name: str, chosen: np.ndarray) -> np.ndarray:
        flat = np.ravel(symbols[name])
        out = np.empty(len(chosen))
        for k, index in enumerate(chosen.tolist()):
            try:
                out[k] = float(sp.diff(expression, flat[index]).evalf(subs=point))
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                out[k] = np.nan
        return out
    return exact_at


def _elements(size: int, most: int = 1000) -> np.ndarray:
    """The flat indices checked: all, or ``most`` evenly spaced ones."""
    if size <= most:
        return np.arange(size)
    return np.unique(np.linspace(0, size - 1, most).round().astype(np.intp))


def _one_sided(outputs: Callable[[np.ndarray], np.ndarray], x: np.ndarray, index: int, h: float,
               base: np.ndarray | None) -> float:
    """A second-order one-sided difference, forward or else backward, with h as given and
    then relative to x (a domain edge is near when x ± h left the domain); NaN if none."""
    if base is None:
        return float("nan")
    for step in (h, STEP * abs(float(x[index]))):
        for side in (1.0, -1.0):
            if step == 0:
                continue
            one, two = x.copy(), x.copy()
            one[index] += side * step
            two[index] += 2 * side * step
            try:
                f1, f2 = outputs(one), outputs(two)
            except DomainError:
                continue
            return side * float(np.sum(-3 * base + 4 * f1 - f2)) / (2 * step)
    return float("nan")


def _central(inputs: Mapping[str, Any], name: str, evaluate: Callable[[Mapping[str, Any]], Any],
             chosen: np.ndarray) -> tuple[np.ndarray, bool, bool, bool]:
    """Central differences at the chosen elements, h shrinking until two agree; and whether
    any element is a kink (one-sided differences disagree), never settled, or was taken from
    one side (at a domain edge)."""
    x = np.array(inputs[name], dtype=float).reshape(-1)
    shape = np.shape(inputs[name])
    out = np.zeros(len(chosen))
    kink = unsettled = False
    one_sided: set[int] = set()

    def outputs(v: np.ndarray) -> np.ndarray:
        v = v.reshape(shape)
        return np.asarray(evaluate({**inputs, name: v[()] if v.ndim == 0 else v}), dtype=float)

    base: np.ndarray | None = None
    for k, index in enumerate(chosen.tolist()):
        h = STEP * max(1.0, float(abs(x[index])))
        previous = None
        gaps: list[float] = []
        scales: list[float] = []
        for _ in range(_REFINEMENTS):
            plus, minus = x.copy(), x.copy()
            plus[index] += h
            minus[index] -= h
            try:
                if base is None:
                    base = outputs(x)
                up, down = outputs(plus), outputs(minus)
            except DomainError:  # x ± h leaves the domain (√x near 0): one side, if either
                out[k] = _one_sided(outputs, x, index, h, base)
                one_sided.add(k)
                break
            # sums of differences, not differences of sums: no cancellation across elements
            estimate = float(np.sum(up - down)) / (2 * h)
            right, left = float(np.sum(up - base)) / h, float(np.sum(base - down)) / h
            gaps.append(abs(right - left))
            scales.append(max(1.0, abs(right), abs(left)))
            out[k] = estimate
            if previous is not None and abs(estimate - previous) <= 1e-7 * max(1.0, abs(estimate)):
                break
            previous = estimate
            h /= 10
        else:
            unsettled = unsettled or not np.isnan(out[k])
        # a kink: the one-sided slopes stay apart as h shrinks (for a smooth function their
        # gap shrinks with h)
        if len(gaps) >= 2 and gaps[-1] > KINK * scales[-1] and gaps[-1] > 0.5 * gaps[-2]:
            kink = True
    return out, kink, unsettled, bool(one_sided)


def _symbolic(inputs: Mapping[str, Any], name: str, output_expr: sp.Expr,
              symbols: Mapping[str, sp.Symbol], chosen: np.ndarray) -> np.ndarray:
    """sympy.diff at the chosen elements, summed back to the input's shape where it was
    broadcast, flat: evaluated by numpy over whole arrays where sympy's form allows, else
    element by element."""
    derivative = sp.diff(output_expr, symbols[name])
    shape = np.broadcast_shapes(*(np.shape(v) for v in inputs.values()))
    own = np.shape(inputs[name])
    order = list(inputs)
    try:
        fn = compile_expr(derivative, [symbols[n] for n in order])
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(fn([np.asarray(inputs[n], dtype=float)
                                                     for n in order]), dtype=float), shape)
        return np.asarray(sum_to_shape(np.array(values), own), dtype=float).reshape(-1)[chosen]
    except (NotImplementedError, TypeError, ValueError, KeyError):
        pass  # a form numpy cannot evaluate: sympy, element by element
    if own == shape:  # no broadcasting for this input: only the chosen elements
        flat = [np.broadcast_to(np.asarray(inputs[n], dtype=float), shape).reshape(-1)
                for n in order]
        out = np.empty(len(chosen))
        for k, index in enumerate(chosen.tolist()):
            point = {symbols[n]: float(v[index]) for n, v in zip(order, flat)}
            try:
                out[k] = float(derivative.evalf(subs=point))
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                out[k] = np.nan
        return out
    total = np.zeros(shape)
    for index in np.ndindex(shape):
        point = {symbols[n]: float(np.broadcast_to(v, shape)[index]) for n, v in inputs.items()}
        try:
            total[index] = float(derivative.evalf(subs=point))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            total[index] = np.nan  # sympy's form has no value here (x**a/x at 0): no answer
    return np.asarray(sum_to_shape(total, own), dtype=float).reshape(-1)[chosen]
