"""Matrix calculus with sympy's matrix symbols, for traces with vector and matrix operations:
each input a ``MatrixSymbol`` named as the input (vectors as columns, as the textbook writes
them), each step's vector-Jacobian product written once per op in matrix form
(``∂J/∂W = ∂J/∂z · xᵀ``, ``∂J/∂x = Wᵀ · ∂J/∂z``), so ``grad_expr`` of ``y = xᵀAx`` is
``Ax + Aᵀx``. Linear algebra only (products, transposes, sums, scaling); an elementwise
function of a matrix or a softmax has no form here and says so."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import sympy as sp
from sympy.matrices.exceptions import ShapeError as SympyShapeError

from ..errors import GraphError
from ..graph import NodeKind, Tape
from .rules import SYMBOLIC_CONSTANTS
from .steps import StepColumns

__all__ = ["MatrixView", "partial_matrix", "is_partial_matrix", "MATRIX_OPS"]

Shape = tuple[int, ...]


def _is_matrix(e: Any) -> bool:
    return isinstance(e, sp.MatrixExpr)


def partial_matrix(of: str, wrt: str, shape: Shape) -> Any:
    """∂of/∂wrt as a symbol of the node's shape (a matrix symbol for a vector or matrix)."""
    name = f"∂{of}/∂{wrt}"
    if not shape:
        return sp.Symbol(name, real=True)
    rows, cols = (shape[0], 1) if len(shape) == 1 else shape
    return sp.MatrixSymbol(name, rows, cols)


def is_partial_matrix(e: Any) -> tuple[str, str] | None:
    """(of, wrt) when ``e`` is a symbol made by ``partial_matrix``."""
    name = getattr(e, "name", None)
    if isinstance(name, str) and name.startswith("∂") and "/∂" in name:
        of, wrt = name[1:].split("/∂", 1)
        return of, wrt
    return None


def _scale(c: Any, m: Any) -> Any:
    return c * m


def _trace_of(g: Any, m: Any) -> Any:
    """⟨G, M⟩ = Σ Gᵢⱼ·Mᵢⱼ = tr(GᵀM): the gradient of a scalar that scales a matrix."""
    return sp.Trace(g.T * m) if _is_matrix(g) and _is_matrix(m) else g * m


def _mul_vjp(position: int) -> Callable[[Any, list[Any]], Any]:
    def vjp(g: Any, args: list[Any]) -> Any:
        a, b = args
        other, this = (b, a) if position == 0 else (a, b)
        if _is_matrix(other) and _is_matrix(this):
            return sp.HadamardProduct(g, other)
        if _is_matrix(this) or not _is_matrix(g):
            return _scale(other, g)
        return _trace_of(g, other)  # a scalar times a matrix: ∂/∂scalar = ⟨G, M⟩
    return vjp


def _sum(a: Any) -> Any:
    if not _is_matrix(a):
        return a
    return sp.OneMatrix(1, a.shape[0]) * a * sp.OneMatrix(a.shape[1], 1)


def _spread(g: Any, like: Any) -> Any:
    """A 1×1 (or scalar) gradient spread over every element of ``like``: G·𝟏."""
    if not _is_matrix(like):
        return g
    return sp.OneMatrix(like.shape[0], 1) * g * sp.OneMatrix(1, like.shape[1])


def _size(a: Any) -> Any:
    return a.shape[0] * a.shape[1] if _is_matrix(a) else 1


def _t(a: Any) -> Any:
    """The transpose of a matrix expression; a scalar (``0.T`` typed as text) is itself."""
    return a.T if _is_matrix(a) else a


MatrixVjp = Callable[[Any, list[Any]], Any]
MATRIX_OPS: Final[dict[str, tuple[Callable[..., Any], tuple[MatrixVjp, ...]]]] = {
    # op: (forward in matrix symbols, one vector-Jacobian product per argument)
    "add": (lambda a, b: a + b, (lambda g, args: g, lambda g, args: g)),
    "sub": (lambda a, b: a - b, (lambda g, args: g, lambda g, args: -g)),
    "neg": (lambda a: -a, (lambda g, args: -g,)),
    "id": (lambda a: a, (lambda g, args: g,)),
    "mul": (lambda a, b: sp.HadamardProduct(a, b) if _is_matrix(a) and _is_matrix(b) else a * b,
            (_mul_vjp(0), _mul_vjp(1))),
    "div": (lambda a, b: a * (1 / b),
            (lambda g, args: g * (1 / args[1]),
             lambda g, args: -_trace_of(g, args[0]) / args[1] ** 2)),
    "matmul": (lambda a, b: a * b, (lambda g, args: g * _t(args[1]),
                                    lambda g, args: _t(args[0]) * g)),
    "transpose": (lambda a: _t(a), (lambda g, args: _t(g),)),
    "sum": (_sum, (lambda g, args: _spread(g, args[0]),)),
    "mean": (lambda a: _sum(a) / _size(a), (lambda g, args: _spread(g, args[0]) / _size(args[0]),)),
    "dot": (lambda a, b: _t(a) * b, (lambda g, args: args[1] * g, lambda g, args: args[0] * g)),
    "outer": (lambda a, b: a * _t(b), (lambda g, args: g * args[1],
                                        lambda g, args: _t(g) * args[0])),
}


_VECTOR_MATMUL: Final = (lambda a, b: _t(b) * a, (lambda g, args: args[1] * g,
                                                   lambda g, args: args[0] * _t(g)))
"""a @ B for a 1-D vector a: the column Bᵀa, its VJPs B·g and a·gᵀ."""


class MatrixView:
    """Matrix expressions of one trace: inputs as matrix symbols, gradients by the matrix
    forms of the vector-Jacobian products."""

    def __init__(self, tape: Tape, columns: StepColumns, shapes: Sequence[Shape]) -> None:
        self.tape, self.columns, self.shapes = tape, columns, shapes
        unsupported = sorted({op for op, kind, abstract in zip(tape.ops, tape.kinds,
                                                               tape.abstract)
                              if kind is NodeKind.OPERATION and (abstract or op not in
                                                                 MATRIX_OPS)})
        self.unsupported = unsupported

    def require(self, what: str) -> None:
        if self.unsupported:
            raise GraphError(f"{what}: matrix calculus here covers products, transposes, sums "
                             f"and scaling, not {', '.join(self.unsupported)}; the numbers are "
                             f"in t.grad and the steps in the frames")

    def symbol(self, node: str) -> Any:
        i = self.tape.index[node]
        if self.tape.kinds[i] is NodeKind.CONST:
            text = self.tape.texts[i]
            return SYMBOLIC_CONSTANTS.get(text) or sp.Rational(text)
        shape = self.shapes[i]
        if not shape:
            return sp.Symbol(node, real=True)
        rows, cols = (shape[0], 1) if len(shape) == 1 else shape
        return sp.MatrixSymbol(node, rows, cols)

    def _rule(self, i: int, args: Sequence[Any]) -> tuple[Callable[..., Any],
                                                          tuple[Callable[..., Any], ...]]:
        """Node ``i``'s forward and VJP forms, given its arguments' matrix forms: numpy's
        ``a @ B`` with a 1-D ``a`` (a row there, a column here, where no transpose made it a
        row) is a dot product or the column Bᵀa."""
        op = self.tape.ops[i]
        if op == "matmul" and len(self.shapes[self.tape.args[i][0]]) == 1 \
                and _is_matrix(args[0]) and args[0].shape[1] == 1 and args[0].shape[0] > 1:
            return MATRIX_OPS["dot"] if len(self.shapes[self.tape.args[i][1]]) == 1 \
                else _VECTOR_MATMUL
        return MATRIX_OPS[op]

    def exprs(self) -> list[Any]:
        """Every node as a matrix expression in the inputs."""
        self.require("the expression")
        tape = self.tape
        out: list[Any] = []
        for i, kind in enumerate(tape.kinds):
            if kind is NodeKind.OPERATION:
                args = [out[a] for a in tape.args[i]]
                forward, _ = self._rule(i, args)
                try:
                    out.append(_tidy(forward(*args)))
                except (SympyShapeError, TypeError, ValueError):
                    # numpy's 1-D vectors (a row on the left of @) have no one matrix form
                    raise GraphError(f"the expression: matrix calculus here writes vectors as "
                                     f"columns, and {tape.names[i]} = {tape.ops[i]}(…) has no "
                                     f"such form (write a vector on the left of @ as "
                                     f"its transpose, aᵀ); the numbers are in t.grad and the "
                                     f"steps in the frames") from None
            else:
                out.append(self.symbol(tape.names[i]))
        return out

    def grad_exprs(self, wrt: Sequence[str]) -> dict[str, Any]:
        """∂y/∂x for each input in ``wrt`` as a matrix expression in the inputs (the
        gradient of the sum of the output's elements when the output is not a scalar)."""
        self.require("grad_expr")
        tape, columns, exprs = self.tape, self.columns, self.exprs()
        out = exprs[tape.output]
        seed: Any = sp.S.One if not _is_matrix(out) else (
            sp.Identity(1) if out.shape == (1, 1) else sp.OneMatrix(*out.shape))
        adjoint: dict[int, Any] = {tape.output: seed}
        for k in range(1, len(columns)):
            node, via, position = columns.nodes[k], columns.vias[k], columns.positions[k]
            args = [exprs[a] for a in tape.args[via]]
            _, vjps = self._rule(via, args)
            contribution = _fit(vjps[position](adjoint[via], args), exprs[node])
            adjoint[node] = contribution if node not in adjoint else adjoint[node] + contribution
        return {x: _tidy(adjoint.get(tape.index[x], sp.S.Zero)) for x in wrt}


def _fit(g: Any, like: Any) -> Any:
    """A 1×1 gradient of a scalar node (xᵀy is a 1×1 matrix) as a scalar, and back."""
    if _is_matrix(g) and g.shape == (1, 1) and not _is_matrix(like):
        return sp.Trace(g)
    return g


def _tidy(e: Any) -> Any:
    try:
        return e.doit() if _is_matrix(e) else sp.simplify(e) if isinstance(e, sp.Expr) else e
    except (TypeError, ValueError, AttributeError):
        return e

