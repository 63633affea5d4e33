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

from ..ops import NAMED_CONSTANTS, OPS, TENSOR_OPS

__all__ = ["Rule", "RULES", "ARGS", "sigmoid", "np_sigmoid", "SYMBOLIC_CONSTANTS", "apply_op",
           "Vjp", "np_softmax", "np_logsumexp", "output_shape"]

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


Vjp = Callable[[Any, list[Any], Any], Any]
"""A vector-Jacobian product: (gradient of the output, argument values, output value) → the
contribution to one argument's gradient."""


@dataclass(frozen=True)
class Rule:
    """How an op computes: ``forward`` on numpy values, ``symbolic`` on sympy expressions,
    ``partials[k]`` = ∂op/∂(argument k) in ``ARGS``; ``domain`` gives, per argument, an
    interval of valid inputs (used by the op tests).

    An elementwise op broadcasts as numpy does and its gradient is the upstream gradient
    times its partial, element by element. A tensor op (``vjp`` given) has instead its
    output's shape from its arguments' (``shape``, raising ValueError with the reason) and one
    vector-Jacobian product per argument (``∂J/∂W = ∂J/∂z · xᵀ`` for z = Wx)."""

    forward: Callable[..., Any]
    symbolic: Callable[..., sp.Expr] | None
    partials: tuple[sp.Expr, ...]
    domain: tuple[tuple[float, float], ...] = ((-3.0, 3.0), (-3.0, 3.0))
    vjp: tuple[Vjp, ...] = ()
    shape: Callable[..., tuple[int, ...]] | None = None

    @property
    def arity(self) -> int:
        return len(self.vjp) or len(self.partials)


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

# -- tensor ops: forward, shape and one vector-Jacobian product per argument ----------------

def _matrix_shape(shape: tuple[int, ...], what: str) -> None:
    if len(shape) not in (1, 2):
        raise ValueError(f"{what} must be a vector or a matrix, not "
                         f"{'a scalar' if not shape else f'{len(shape)}-dimensional'}")


def _matmul_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    _matrix_shape(a, "the left factor")
    _matrix_shape(b, "the right factor")
    if a[-1] != b[0]:
        raise ValueError(f"the left factor has {a[-1]} column{'s' * (a[-1] != 1)} but the "
                         f"right one {b[0]} row{'s' * (b[0] != 1)}")
    return (*a[:-1], *b[1:])


def _matmul_a(g: Any, args: list[Any], out: Any) -> Any:
    a, b = args
    if a.ndim == 2 and b.ndim == 1:
        return np.outer(g, b)  # ∂J/∂W = ∂J/∂z · xᵀ
    if a.ndim == 1:
        return b @ g if b.ndim == 2 else g * b
    return g @ b.T  # ∂J/∂A = ∂J/∂Z · Bᵀ


def _matmul_b(g: Any, args: list[Any], out: Any) -> Any:
    a, b = args
    if a.ndim == 1 and b.ndim == 2:
        return np.outer(a, g)
    if a.ndim == 1:
        return g * a
    return a.T @ g  # ∂J/∂x = Wᵀ · ∂J/∂z


def _vector_shape(what: str) -> Callable[..., tuple[int, ...]]:
    def shape(*shapes: tuple[int, ...]) -> tuple[int, ...]:
        for s in shapes:
            if len(s) != 1:
                raise ValueError(f"{what} needs vectors")
        if what == "dot" and shapes[0] != shapes[1]:
            raise ValueError("the two vectors have different lengths")
        return (shapes[0][0], shapes[1][0]) if what == "outer" else ()
    return shape


def _at_least_vector(what: str, keep: bool) -> Callable[[tuple[int, ...]], tuple[int, ...]]:
    def shape(s: tuple[int, ...]) -> tuple[int, ...]:
        if not s:
            raise ValueError(f"{what} needs a vector or a matrix (over its last axis)")
        return s if keep else s[:-1]
    return shape


def np_softmax(a: Any) -> Any:
    """softmax over the last axis, shifted so exp never overflows."""
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def np_logsumexp(a: Any) -> Any:
    m = np.max(a, axis=-1, keepdims=True)
    return (np.log(np.sum(np.exp(a - m), axis=-1, keepdims=True)) + m)[..., 0]


def _softmax_vjp(g: Any, args: list[Any], out: Any) -> Any:
    return out * (g - np.sum(g * out, axis=-1, keepdims=True))  # (diag(s) − ssᵀ)·g


def _norm_vjp(g: Any, args: list[Any], out: Any) -> Any:
    return g * args[0] / out  # x/‖x‖ (undefined at 0: the pass says so)


def _ones(g: Any, args: list[Any], out: Any) -> Any:
    return g * np.ones_like(args[0])


_TENSORS: Final[dict[str, Rule]] = {
    "matmul": Rule(np.matmul, None, (), vjp=(_matmul_a, _matmul_b), shape=_matmul_shape),
    "transpose": Rule(np.transpose, None, (), vjp=(lambda g, args, out: np.transpose(g),),
                      shape=lambda s: s[::-1]),
    "sum": Rule(lambda a: np.float64(np.sum(a)), None, (), vjp=(_ones,), shape=lambda s: ()),
    "mean": Rule(lambda a: np.float64(np.mean(a)), None, (),
                 vjp=(lambda g, args, out: g * np.ones_like(args[0]) / max(np.size(args[0]), 1),),
                 shape=lambda s: ()),
    "dot": Rule(lambda a, b: np.float64(np.dot(a, b)), None, (),
                vjp=(lambda g, args, out: g * args[1], lambda g, args, out: g * args[0]),
                shape=_vector_shape("dot")),
    "norm": Rule(lambda a: np.float64(np.linalg.norm(a)), None, (), vjp=(_norm_vjp,),
                 shape=lambda s: ()),
    "outer": Rule(np.outer, None, (),
                  vjp=(lambda g, args, out: g @ args[1], lambda g, args, out: g.T @ args[0]),
                  shape=_vector_shape("outer")),
    "softmax": Rule(np_softmax, None, (), vjp=(_softmax_vjp,),
                    shape=_at_least_vector("softmax", keep=True)),
    "logsumexp": Rule(np_logsumexp, None, (),
                      vjp=(lambda g, args, out: np.asarray(g)[..., None] * np_softmax(args[0]),),
                      shape=_at_least_vector("logsumexp", keep=False)),
}
_RULES.update(_TENSORS)

RULES: Final[Mapping[str, Rule]] = MappingProxyType(_RULES)
"""Every op's rule, by the op table's name."""

SYMBOLIC_CONSTANTS: Final[Mapping[str, sp.Expr]] = MappingProxyType({"e": sp.E, "pi": sp.pi})
"""The named constants of the op table as sympy numbers."""


def output_shape(op: str, shapes: list[tuple[int, ...]]) -> tuple[int, ...]:
    """The shape of ``op`` applied to arguments of ``shapes``: numpy's broadcasting for an
    elementwise op; a ValueError saying why they do not fit."""
    rule = RULES[op]
    if rule.shape is not None:
        return rule.shape(*shapes)
    return tuple(np.broadcast_shapes(*shapes))


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
        if rule.arity != OPS[name].arity or (name in TENSOR_OPS) != bool(rule.vjp):
            raise TypeError(f"op {name}: arity {OPS[name].arity}, {len(rule.partials)} partials, "
                            f"{len(rule.vjp)} vector-Jacobian products")


_check_table()
