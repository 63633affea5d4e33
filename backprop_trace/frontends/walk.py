"""A sympy expression (or ``sp.Eq(u, expr)``) → equations, walked node by node, keeping the
tree sympy holds: an n-ary sum becomes a chain of additions, ``x**-1`` stays a power,
``-x`` (sympy's ``-1·x``) a negation. The result is the same ``System`` the text parser
makes."""

from __future__ import annotations

import math
from typing import Any, Final

import sympy as sp

from ..errors import TraceError
from ..limits import Limits, recursion_room
from ..names import OUTPUT_NAMES
from ..ops import CALLABLE
from ..parsing.lexer import name_problem
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
    try:
        with recursion_room(limits.max_depth):  # sympy's own walks recurse
            return _walk(expression, limits)
    except RecursionError:
        raise TraceError(f"the expression is nested too deeply (limits.max_depth = "
                         f"{limits.max_depth})") from None


def _checked_name(name: str) -> str:
    problem = name_problem(name)
    if problem is not None:
        raise TraceError(f"the sympy name {name!r:.40} cannot name a variable: {problem}")
    return name


def _walk(expression: Any, limits: Limits) -> System:
    name = "f"
    if isinstance(expression, sp.Equality):
        if not isinstance(expression.lhs, sp.Symbol):
            raise TraceError(f"the left side of {str(expression)[:60]} must be a symbol (u = …)")
        name, expression = _checked_name(expression.lhs.name), expression.rhs
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
        stack.extend(_expand(node, limits))
    # every name is the user's variable: a symbol called e or pi is not the constant
    return System((Equation(name, (), tuple(code), 0, True),), _text(expression),
                  frozenset(symbols | {name}), shapes, constants_by_name=False)


def _text(expression: Any) -> str:
    """The expression as text for the outputs' headings (bounded: a huge one is cut)."""
    try:
        text = str(expression)
    except (RecursionError, ValueError):
        return "a sympy expression"
    return text if len(text) <= 2000 else text[:1999] + "…"


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


def _expand(e: Any, limits: Limits) -> list[tuple[Any, bool]]:  # noqa: C901 - a case a kind
    """What ``e`` pushes on the walk's stack: its item, then its arguments in reverse."""
    def apply(op: str, *args: Any, kind: str = OP) -> list[tuple[Any, bool]]:
        return [((kind, op, len(args), 0), True), *((a, False) for a in reversed(args))]

    if isinstance(e, (sp.Symbol, sp.MatrixSymbol)):
        return [((NAME, _checked_name(str(e.name)), 0, 0), True)]
    if isinstance(e, sp.MatrixExpr):
        return _matrix(e, apply)
    if e is sp.E:  # the constants themselves: a symbol named e is the user's variable
        return [((NUM, "e", math.e, 0), True)]
    if e is sp.pi:
        return [((NUM, "pi", math.pi, 0), True)]
    if e.is_Number:
        if e.is_Rational:  # p/q: digits bounded before Python's int-to-text conversion
            for part in (e.p, e.q):
                if abs(part).bit_length() * 0.30103 > limits.max_number_digits:
                    raise TraceError(f"the number {'p/q' if e.q != 1 else 'p'} has more than "
                                     f"{limits.max_number_digits} digits "
                                     f"(limits.max_number_digits)")
        if e.is_Integer or e.is_Float:
            value = float(e)
            if not math.isfinite(value):
                raise TraceError("a number outside the float range (over 1.8e308)")
            if value < 0:
                return apply("neg", -e)
            return [((NUM, str(int(e)) if e.is_Integer else repr(value), value, 0), True)]
        if e.is_Rational:  # p/q as a division of its integers
            return apply("div", sp.Integer(e.p), sp.Integer(e.q))
        raise TraceError(f"the number {e} is not a real number this tool can draw")
    if e.is_Add or e.is_Mul:
        args = list(e.args)
        if e.is_Mul and args[0].is_Number and args[0] < 0:  # sympy's −4·x: −(4·x)
            rest = args[1:] if args[0] == -1 else [-args[0], *args[1:]]
            return apply("neg", sp.Mul(*rest, evaluate=False) if len(rest) > 1 else rest[0])
        # a chain, left to right: ((a + b) − c) + d, a subtraction kept as typed; pushed at
        # once (rebuilding a sum of n − 1 terms at each step would take n² work)
        chain: list[tuple[Any, bool]] = [(args[0], False)]
        for term in args[1:]:
            op = "add" if e.is_Add else "mul"
            if e.is_Add and term.could_extract_minus_sign():
                op, term = "sub", -term
            chain += [(term, False), ((OP, op, 2, 0), True)]
        return chain[::-1]
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
        name = type(e).__name__
        if name in CALLABLE:
            raise TraceError(f"sympy's Function({name!r}) is an undefined function that only "
                             f"shares a name with {name}: use sympy's own (sp.{name}) or "
                             f"another name")
        if not e.args:
            raise TraceError(f"{name}() has no arguments: an abstract function needs at least "
                             f"one (f(x))")
        return apply(_checked_name(name), *e.args, kind=FN)
    raise TraceError(f"{type(e).__name__} ({e!s:.40}) is not an operation this tool traces")
