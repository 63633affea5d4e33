"""The rules beside the op table: each op's numpy forward, its sympy form and its local partials
(one per argument, written once in sympy), keyed by the op table's names. Numeric partials,
printing and checks are derived from these.

>>> RULES["mul"].partials
(b, a)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import sympy as sp

from ..ops import NAMED_CONSTANTS, OPS

__all__ = ["Rule", "RULES", "ARGS", "sigmoid", "np_sigmoid", "SYMBOLIC_CONSTANTS", "apply_op"]

ARGS: Final = sp.symbols("a b", real=True)
"""The symbols the partials are written in: argument 0 is ``a``, 1 is ``b``."""

_a, _b = ARGS
_HALF: Final = sp.Rational(1, 2)


class sigmoid(sp.Function):  # noqa: N801 - reads like sympy's own functions in printed output
    """The logistic function σ(x) = 1/(1 + e^(−x)), kept as one symbol so formulas stay short."""

    op_name = "sigmoid"  # the op it is (the sympy front end reads this, not the class)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0]))).evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real


def np_sigmoid(x: Any) -> Any:
    # exp(−|x|) never overflows; the two branches give σ(x) for either sign of x.
    with np.errstate(under="ignore"):
        t = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + t), t / (1 + t))[()]


@dataclass(frozen=True)
class Rule:
    """How an op computes: ``forward`` on numpy values, ``symbolic`` on sympy expressions,
    ``partials[k]`` = ∂op/∂(argument k) in ``ARGS``; ``domain`` gives, per argument, an
    interval of valid inputs (used by the op tests)."""

    forward: Callable[..., Any]
    symbolic: Callable[..., sp.Expr]
    partials: tuple[sp.Expr, ...]
    domain: tuple[tuple[float, float], ...] = ((-3.0, 3.0), (-3.0, 3.0))


def _fn(forward: Callable[..., Any], symbolic: Callable[..., sp.Expr], partial: sp.Expr,
        domain: tuple[float, float] = (-3.0, 3.0)) -> Rule:
    return Rule(forward, symbolic, (partial,), (domain,))


_RULES: Final[dict[str, Rule]] = {
    "add": Rule(lambda a, b: a + b, lambda a, b: a + b, (sp.S.One, sp.S.One)),
    "sub": Rule(lambda a, b: a - b, lambda a, b: a - b, (sp.S.One, -sp.S.One)),
    "mul": Rule(lambda a, b: a * b, lambda a, b: a * b, (_b, _a)),
    "div": Rule(lambda a, b: a / b, lambda a, b: a / b, (1 / _b, -_a / _b**2),
                ((-3.0, 3.0), (0.5, 3.0))),
    "pow": Rule(lambda a, b: a**b, lambda a, b: a**b, (_b * _a ** (_b - 1), _a**_b * sp.log(_a)),
                ((0.5, 3.0), (-2.0, 2.0))),
    "neg": Rule(lambda a: -a, lambda a: -a, (-sp.S.One,)),
    "id": Rule(lambda a: a, lambda a: a, (sp.S.One,)),
    "sin": _fn(np.sin, sp.sin, sp.cos(_a)),
    "cos": _fn(np.cos, sp.cos, -sp.sin(_a)),
    "tan": _fn(np.tan, sp.tan, 1 + sp.tan(_a) ** 2, (-1.2, 1.2)),
    "exp": _fn(np.exp, sp.exp, sp.exp(_a)),
    "log": _fn(np.log, sp.log, 1 / _a, (0.1, 5.0)),
    "sqrt": _fn(np.sqrt, sp.sqrt, 1 / (2 * sp.sqrt(_a)), (0.1, 5.0)),
    "tanh": _fn(np.tanh, sp.tanh, 1 - sp.tanh(_a) ** 2),
    "sinh": _fn(np.sinh, sp.sinh, sp.cosh(_a)),
    "cosh": _fn(np.cosh, sp.cosh, sp.sinh(_a)),
    "atan": _fn(np.arctan, sp.atan, 1 / (1 + _a**2)),
    "asin": _fn(np.arcsin, sp.asin, 1 / sp.sqrt(1 - _a**2), (-0.9, 0.9)),
    "acos": _fn(np.arccos, sp.acos, -1 / sp.sqrt(1 - _a**2), (-0.9, 0.9)),
    "sigmoid": _fn(np_sigmoid, sigmoid, sigmoid(_a) * (1 - sigmoid(_a))),
    "softplus": _fn(lambda a: np.logaddexp(0.0, a), lambda a: sp.log(1 + sp.exp(a)), sigmoid(_a)),
    # The derivative at a kink follows PyTorch: relu′(0) = 0, |x|′(0) = 0, ties in max/min
    # split the gradient evenly.
    "relu": _fn(lambda a: np.maximum(a, 0.0), lambda a: sp.Max(0, a), sp.Heaviside(_a, 0)),
    "abs": _fn(np.abs, sp.Abs, sp.sign(_a)),
    "max": Rule(np.maximum, sp.Max, (sp.Heaviside(_a - _b, _HALF), sp.Heaviside(_b - _a, _HALF))),
    "min": Rule(np.minimum, sp.Min, (sp.Heaviside(_b - _a, _HALF), sp.Heaviside(_a - _b, _HALF))),
}

RULES: Final[Mapping[str, Rule]] = MappingProxyType(_RULES)
"""Every op's rule, by the op table's name."""

SYMBOLIC_CONSTANTS: Final[Mapping[str, sp.Expr]] = MappingProxyType({"e": sp.E, "pi": sp.pi})
"""The named constants of the op table as sympy numbers."""


def apply_op(op: str, values: list[Any]) -> Any:
    """One op on numpy values, faults quiet (nan, ±inf): the value a Python function sees
    while it is recorded (the forward pass later names any fault)."""
    with np.errstate(all="ignore"):
        return RULES[op].forward(*values)


def _check_table() -> None:
    """Each op has exactly one rule, with one partial per argument (checked at import)."""
    if set(RULES) != set(OPS) or set(SYMBOLIC_CONSTANTS) != set(NAMED_CONSTANTS):
        raise TypeError("the op table and the rules name different ops or constants")
    for name, rule in RULES.items():
        if len(rule.partials) != OPS[name].arity:
            raise TypeError(f"op {name}: arity {OPS[name].arity}, {len(rule.partials)} partials")


_check_table()
