"""Numeric partials derived once per op from the rules' sympy partials.

A small compiler from sympy expression trees to nested numpy closures. It replaces
``lambdify``, which builds and executes Python source, so nothing here ever runs text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np
import sympy as sp

from .rules import ARGS, RULES, np_sigmoid, sigmoid

__all__ = ["numeric_partials", "compile_expr"]

Fn = Callable[[Sequence[Any]], Any]

_UNARY: Final[dict[type, Callable[[Any], Any]]] = {
    sp.exp: np.exp, sp.log: np.log, sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
    sp.tanh: np.tanh, sp.sinh: np.sinh, sp.cosh: np.cosh, sp.atan: np.arctan,
    sp.asin: np.arcsin, sp.acos: np.arccos, sp.sign: np.sign, sp.Abs: np.abs,
    sigmoid: np_sigmoid,
}


def compile_expr(expr: sp.Expr, symbols: Sequence[sp.Symbol] = ARGS) -> Fn:
    """A function of the argument values (in the order of ``symbols``) that evaluates ``expr``."""
    index = {s: i for i, s in enumerate(symbols)}

    def build(e: sp.Expr) -> Fn:
        if e in index:
            i = index[e]
            return lambda v: v[i]
        if e.is_Number:
            c = np.float64(float(e))
            return lambda v: c
        parts = [build(arg) for arg in e.args]
        if e.is_Add:
            return lambda v: functools.reduce(lambda acc, p: acc + p(v), parts[1:], parts[0](v))
        if e.is_Mul:
            return lambda v: functools.reduce(lambda acc, p: acc * p(v), parts[1:], parts[0](v))
        if e.is_Pow:
            base, power = parts
            if e.exp == -1:
                return lambda v: 1.0 / base(v)
            return lambda v: base(v) ** power(v)
        if isinstance(e, sp.Heaviside):
            # Heaviside(x, h0): the step, with the value at 0 given by the table.
            x, h0 = parts
            return lambda v: np.heaviside(x(v), h0(v))[()]
        if isinstance(e, (sp.Max, sp.Min)):
            pick = np.maximum if isinstance(e, sp.Max) else np.minimum
            return lambda v: functools.reduce(lambda acc, p: pick(acc, p(v)), parts[1:],
                                              parts[0](v))
        fn = _UNARY.get(type(e))
        if fn is not None and len(parts) == 1:
            (x,) = parts
            return lambda v: fn(x(v))
        raise NotImplementedError(f"no numeric rule for {type(e).__name__} in {e}")

    return build(expr)


@functools.cache
def numeric_partials(op_name: str) -> tuple[Fn, ...]:
    """The op's partials as numeric functions of its argument values, compiled once per op."""
    if op_name == "pow":
        return _POW_PARTIALS
    partials = RULES[op_name].partials
    return tuple(compile_expr(p, ARGS[: max(len(partials), 1)]) for p in partials)


def _pow_base(v: Sequence[Any]) -> Any:
    """∂(a^b)/∂a = b·a^(b−1), which is 0 where b = 0 (x⁰ is constant, even at x = 0)."""
    a, b = v
    zero = np.equal(b, 0)
    return np.where(zero, 0.0, b * np.where(zero, 1.0, a) ** (b - 1))[()]


def _pow_exponent(v: Sequence[Any]) -> Any:
    """∂(a^b)/∂b = a^b·ln a, whose limit is 0 at a = 0 for b > 0."""
    a, b = v
    at_zero = np.equal(a, 0) & np.greater(b, 0)
    safe = np.where(at_zero, 1.0, a)
    return np.where(at_zero, 0.0, safe**b * np.log(safe))[()]


_POW_PARTIALS: Final[tuple[Fn, ...]] = (_pow_base, _pow_exponent)
