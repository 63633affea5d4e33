"""A sympy expression (or ``sp.Eq(u, expr)``) → equations, walked node by node, keeping the
tree sympy holds: an n-ary sum becomes a chain of additions, ``x**-1`` stays a power,
``-x`` (sympy's ``-1·x``) a negation. The result is the same ``System`` the text parser
makes."""

from __future__ import annotations

from typing import Any, Final

import sympy as sp

from ..errors import TraceError
from ..limits import Limits
from ..names import OUTPUT_NAMES
from ..parsing.syntax import FN, NAME, NUM, OP, Equation, Item, System

__all__ = ["walk"]

_FUNCTIONS: Final[dict[Any, str]] = {
    sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.exp: "exp", sp.log: "log",
    sp.tanh: "tanh", sp.sinh: "sinh", sp.cosh: "cosh", sp.atan: "atan", sp.asin: "asin",
    sp.acos: "acos", sp.Abs: "abs",
}
_BINARY: Final[dict[Any, str]] = {sp.Max: "max", sp.Min: "min"}


def walk(expression: Any, limits: Limits) -> System:
    """The equations of a sympy expression (the output is named ``f``) or equation."""
    name = "f"
    if isinstance(expression, sp.Equality):
        if not isinstance(expression.lhs, sp.Symbol):
            raise TraceError(f"the left side of {expression} must be a symbol (u = …)")
        name, expression = expression.lhs.name, expression.rhs
    if not isinstance(expression, (sp.Expr, sp.MatrixExpr)):
        raise TraceError(f"cannot trace {type(expression).__name__} {expression!s:.40}: give a "
                         f"sympy expression or equation")
    symbols = {str(s.name) for s in expression.free_symbols}
    shapes = {str(m.name): _shape(m) for m in expression.atoms(sp.MatrixSymbol)}
    functions = {type(f).__name__ for f in expression.atoms(sp.Function)}
    if name == "f":  # the output's name: one the expression does not use
        name = next((n for n in ("f", *OUTPUT_NAMES) if n not in symbols | functions),
                    "output")
    while name in symbols | functions:
        name += "′"
    code: list[Item] = []
    stack: list[tuple[Any, bool]] = [(expression, False)]
    while stack:  # without recursion: sympy trees can be deep
        node, done = stack.pop()
        if len(code) > limits.max_nodes:
            raise TraceError(f"the expression has more than {limits.max_nodes:,} nodes (raise "
                             f"limits.max_nodes)")
        if isinstance(node, tuple):  # an item to emit after its arguments
            code.append(node)
            continue
        stack.extend(_expand(node))
    return System((Equation(name, (), tuple(code), 0, True),), str(expression),
                  frozenset(symbols | {name}), shapes)


def _shape(m: Any) -> tuple[int, ...]:
    """A matrix symbol's shape as numpy's: a column (n×1) is a vector (n,)."""
    rows, cols = (int(n) for n in m.shape)
    return (rows,) if cols == 1 else (rows, cols)


def _matrix(e: Any, apply: Any) -> list[tuple[Any, bool]]:
    """Matrix expressions: products (a scalar factor first), sums, transposes, elementwise
    products, as the chains the text would give."""
    if isinstance(e, sp.Transpose):
        return apply("transpose", e.arg)
    if isinstance(e, (sp.MatMul, sp.MatAdd, sp.HadamardProduct)):
        args = list(e.args)
        scalars = [a for a in args if not isinstance(a, sp.MatrixExpr)]
        matrices = [a for a in args if isinstance(a, sp.MatrixExpr)]
        if isinstance(e, sp.MatMul) and scalars:
            rest = matrices[0] if len(matrices) == 1 else sp.MatMul(*matrices)
            return apply("mul", sp.Mul(*scalars), rest)
        op = {sp.MatMul: "matmul", sp.MatAdd: "add", sp.HadamardProduct: "mul"}[type(e)]
        head = args[0] if len(args) == 2 else type(e)(*args[:-1])
        return apply(op, head, args[-1])
    raise TraceError(f"{type(e).__name__} ({e!s:.40}) is not a matrix operation this tool "
                     f"traces (products, sums, transposes, elementwise products)")


def _expand(e: Any) -> list[tuple[Any, bool]]:  # noqa: C901 - one case per kind of node
    """What ``e`` pushes on the walk's stack: its item, then its arguments in reverse."""
    def apply(op: str, *args: Any, kind: str = OP) -> list[tuple[Any, bool]]:
        return [((kind, op, len(args), 0), True), *((a, False) for a in reversed(args))]

    if isinstance(e, (sp.Symbol, sp.MatrixSymbol)):
        return [((NAME, str(e.name), 0, 0), True)]
    if isinstance(e, sp.MatrixExpr):
        return _matrix(e, apply)
    if e is sp.E:
        return [((NAME, "e", 0, 0), True)]
    if e is sp.pi:
        return [((NAME, "pi", 0, 0), True)]
    if e.is_Number:
        if e.is_Integer or e.is_Float:
            value = float(e)
            if value < 0:
                return apply("neg", -e)
            return [((NUM, str(int(e)) if e.is_Integer else repr(value), value, 0), True)]
        if e.is_Rational:  # p/q as a division of its integers
            return apply("div", sp.Integer(e.p), sp.Integer(e.q))
        raise TraceError(f"the number {e} is not a real number this tool can draw")
    if e.is_Add or e.is_Mul:
        args = list(e.args)
        op = "add" if e.is_Add else "mul"
        if e.is_Mul and args[0].is_Number and args[0] < 0:  # sympy's −4·x: −(4·x)
            rest = args[1:] if args[0] == -1 else [-args[0], *args[1:]]
            return apply("neg", sp.Mul(*rest, evaluate=False) if len(rest) > 1 else rest[0])
        if e.is_Add and len(args) > 1 and args[-1].could_extract_minus_sign():
            head = sp.Add(*args[:-1], evaluate=False) if len(args) > 2 else args[0]
            return apply("sub", head, -args[-1])  # a − b, as typed
        result = apply(op, args[-2], args[-1]) if len(args) == 2 else None
        if result is not None:
            return result
        # a chain, left to right: ((a + b) + c) + d
        head = sp.Add(*args[:-1], evaluate=False) if e.is_Add else sp.Mul(*args[:-1],
                                                                               evaluate=False)
        return apply(op, head, args[-1])
    if e.is_Pow:
        base, exponent = e.args
        if exponent == sp.S.Half:
            return apply("sqrt", base)
        return apply("pow", base, exponent)
    for kind, name in _FUNCTIONS.items():
        if isinstance(e, kind):
            return apply(name, *e.args)
    op_name = getattr(type(e), "op_name", None)  # this package's own functions (σ)
    if isinstance(e, sp.Function) and isinstance(op_name, str):
        return apply(op_name, *e.args)
    for kind, name in _BINARY.items():
        if isinstance(e, kind) and len(e.args) == 2:
            return apply(name, *e.args)
    if isinstance(e, sp.Function) and isinstance(type(e), sp.core.function.UndefinedFunction):
        return apply(type(e).__name__, *e.args, kind=FN)
    raise TraceError(f"{type(e).__name__} ({e!s:.40}) is not an operation this tool traces")
