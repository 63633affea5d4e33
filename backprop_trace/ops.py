"""The op table: every primitive once, with its gate label, numpy forward and sympy partials.

Everything else about an op (numeric partials, node labels, checks) is derived from its
entry here. Abstract functions (``f(x, y)`` with no definition) are not in the table: the
graph marks them ``abstract`` and their partials are the symbols ∂f/∂argₖ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import sympy as sp

__all__ = ["Op", "OPS", "CALLABLE", "ARGS", "sigmoid", "op_for_call"]

ARGS: Final = sp.symbols("a b", real=True)
"""The symbols the partials in the table are written in: argument 0 is ``a``, 1 is ``b``."""

_a, _b = ARGS
_HALF: Final = sp.Rational(1, 2)


class sigmoid(sp.Function):  # noqa: N801 - reads like sympy's own functions in printed output
    """The logistic function σ(x) = 1/(1 + e^(−x)), kept as one symbol so formulas stay short."""

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
class Op:
    """One primitive operation.

    ``partials[k]`` is ∂op/∂(argument k), written in ``ARGS``. ``template`` is how a node
    applying the op reads in a diagram (``{0}`` is the first argument's name), ``code`` how it
    reads in the straight-line listing of the backward pass (default ``name(args)``).
    ``domain`` gives, per argument, an interval of valid inputs (used by the op tests).
    """

    name: str
    label: str
    arity: int
    forward: Callable[..., Any]
    symbolic: Callable[..., sp.Expr]
    partials: tuple[sp.Expr, ...]
    template: str
    call_names: tuple[str, ...] = ()
    domain: tuple[tuple[float, float], ...] = ((-3.0, 3.0), (-3.0, 3.0))
    code: str = ""

    @property
    def code_template(self) -> str:
        return self.code or f"{self.name}({', '.join(f'{{{i}}}' for i in range(self.arity))})"

    def __post_init__(self) -> None:
        if len(self.partials) != self.arity:
            raise TypeError(f"op {self.name}: arity {self.arity}, {len(self.partials)} partials")


def _fn(name: str, label: str, forward: Callable[..., Any], symbolic: Callable[..., sp.Expr],
        partial: sp.Expr, *, names: tuple[str, ...] = (),
        domain: tuple[float, float] = (-3.0, 3.0), template: str = "") -> Op:
    """A one-argument function ``name(x)``, callable by ``name`` and any alias in ``names``."""
    return Op(name, label, 1, forward, symbolic, (partial,), template or f"{label}({{0}})",
              (name, *names), (domain,))


_TABLE: Final[tuple[Op, ...]] = (
    # Arithmetic as typed: a subtraction stays a subtraction, a division a division.
    Op("add", "+", 2, lambda a, b: a + b, lambda a, b: a + b, (sp.S.One, sp.S.One), "{0} + {1}",
       code="{0} + {1}"),
    Op("sub", "−", 2, lambda a, b: a - b, lambda a, b: a - b, (sp.S.One, -sp.S.One), "{0} − {1}",
       code="{0} - {1}"),
    Op("mul", "×", 2, lambda a, b: a * b, lambda a, b: a * b, (_b, _a), "{0}·{1}",
       code="{0} * {1}"),
    Op("div", "÷", 2, lambda a, b: a / b, lambda a, b: a / b, (1 / _b, -_a / _b**2), "{0}/{1}",
       domain=((-3.0, 3.0), (0.5, 3.0)), code="{0} / {1}"),
    Op("pow", "^", 2, lambda a, b: a**b, lambda a, b: a**b,
       (_b * _a ** (_b - 1), _a**_b * sp.log(_a)), "{0}^{1}", domain=((0.5, 3.0), (-2.0, 2.0)),
       code="{0} ** {1}"),
    Op("neg", "−", 1, lambda a: -a, lambda a: -a, (-sp.S.One,), "−{0}", code="-{0}"),
    Op("id", "=", 1, lambda a: a, lambda a: a, (sp.S.One,), "{0}", code="{0}"),
    # Elementary functions.
    _fn("sin", "sin", np.sin, sp.sin, sp.cos(_a)),
    _fn("cos", "cos", np.cos, sp.cos, -sp.sin(_a)),
    _fn("tan", "tan", np.tan, sp.tan, 1 + sp.tan(_a) ** 2, domain=(-1.2, 1.2)),
    _fn("exp", "exp", np.exp, sp.exp, sp.exp(_a)),
    _fn("log", "ln", np.log, sp.log, 1 / _a, names=("ln",), domain=(0.1, 5.0)),
    _fn("sqrt", "√", np.sqrt, sp.sqrt, 1 / (2 * sp.sqrt(_a)), domain=(0.1, 5.0),
        template="√{0}"),
    _fn("tanh", "tanh", np.tanh, sp.tanh, 1 - sp.tanh(_a) ** 2),
    _fn("sinh", "sinh", np.sinh, sp.sinh, sp.cosh(_a)),
    _fn("cosh", "cosh", np.cosh, sp.cosh, sp.sinh(_a)),
    _fn("atan", "atan", np.arctan, sp.atan, 1 / (1 + _a**2), names=("arctan",)),
    _fn("asin", "asin", np.arcsin, sp.asin, 1 / sp.sqrt(1 - _a**2), names=("arcsin",),
        domain=(-0.9, 0.9)),
    _fn("acos", "acos", np.arccos, sp.acos, -1 / sp.sqrt(1 - _a**2), names=("arccos",),
        domain=(-0.9, 0.9)),
    _fn("sigmoid", "σ", np_sigmoid, sigmoid, sigmoid(_a) * (1 - sigmoid(_a)), names=("σ",)),
    _fn("softplus", "softplus", lambda a: np.logaddexp(0.0, a), lambda a: sp.log(1 + sp.exp(a)),
        sigmoid(_a)),
    # Piecewise-linear ops: the derivative at the kink follows PyTorch (relu′(0) = 0,
    # |x|′(0) = 0, ties in max/min split the gradient evenly).
    _fn("relu", "ReLU", lambda a: np.maximum(a, 0.0), lambda a: sp.Max(0, a),
        sp.Heaviside(_a, 0), names=("ReLU",)),
    _fn("abs", "|·|", np.abs, sp.Abs, sp.sign(_a), names=("Abs",), template="|{0}|"),
    Op("max", "max", 2, np.maximum, sp.Max,
       (sp.Heaviside(_a - _b, _HALF), sp.Heaviside(_b - _a, _HALF)), "max({0}, {1})", ("max",)),
    Op("min", "min", 2, np.minimum, sp.Min,
       (sp.Heaviside(_b - _a, _HALF), sp.Heaviside(_a - _b, _HALF)), "min({0}, {1})", ("min",)),
)

OPS: Final[Mapping[str, Op]] = MappingProxyType({op.name: op for op in _TABLE})
"""Every op by its internal name."""

CALLABLE: Final[Mapping[str, Op]] = MappingProxyType(
    {call: op for op in _TABLE for call in op.call_names}
)
"""The ops a user can call as ``name(args)``, by every name they answer to."""


def op_for_call(name: str) -> Op | None:
    """The primitive a call ``name(...)`` means, or None when ``name`` is an abstract function."""
    return CALLABLE.get(name)
