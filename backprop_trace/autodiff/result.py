"""``TraceData``: what the passes produced — tape, values, adjoints, step columns — with the
views every output reads (values and gradients by name, the steps, the symbolic view). Plain
data handed to printing and drawing; the ``Trace`` façade wraps it for users."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import sympy as sp

from ..errors import GraphError
from ..graph import NodeKind, Tape
from ..limits import Limits
from ..names import is_short_fraction
from ..ops import TENSOR_OPS
from .forward import Values, forward
from .matrix import MATRIX_OPS, MatrixView
from .steps import Step, StepColumns
from .symbolic import Composite, SymbolicView

__all__ = ["TraceData", "EXPANSION_LIMIT"]

_EXPRESSION_DEPTH: Final = 100
"""sympy walks expressions recursively; deeper ones are left in the compact form."""

_EXACT_CHECK_ELEMENTS: Final = 1000
"""Larger input arrays are not examined for exactness (their numbers show as decimals)."""

EXPANSION_LIMIT: Final = 60
"""Operations up to which outputs expand gradients into the inputs (beyond, sizes explode)."""


@dataclass(frozen=True, eq=False)
class TraceData:
    tape: Tape
    wrt: tuple[str, ...]
    node_values: Values | None
    """Forward values by node index (None without ``at``)."""
    adjoint: Sequence[Any]
    """∂output/∂node by node index (None where no gradient reaches the node)."""
    columns: StepColumns
    source: str
    limits: Limits
    shapes: tuple[tuple[int, ...], ...] = ()
    """Every node's shape (``()`` for scalars; empty when every node is a scalar)."""
    composites: Mapping[str, Composite] = field(default_factory=dict)
    """Operations that are composite gates (a drawing's collapsed groups), by node."""

    def shape(self, node: str) -> tuple[int, ...]:
        return self.shapes[self.tape.index[node]] if self.shapes else ()

    @cached_property
    def tensors(self) -> bool:
        """Whether the trace has vector or matrix operations (matrix calculus, not scalar)."""
        return any(op in TENSOR_OPS for op in self.tape.ops)

    @cached_property
    def matrix(self) -> MatrixView:
        return MatrixView(self.tape, self.columns, self.shapes or ((),) * len(self.tape))

    @cached_property
    def view(self) -> SymbolicView:
        return SymbolicView(self.tape, self.columns, self.composites)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """Every step, seed first, in drawing order (made on first use)."""
        return self.columns.make_steps(self.view)

    @property
    def output(self) -> str:
        return self.tape.output_name

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.tape.input_names

    @cached_property
    def exact(self) -> bool:
        """Whether every input value is an integer or a short fraction (x = 1, 2, 2; not
        b = 6.8813…): then results that are short fractions are shown as fractions."""
        if self.node_values is None:
            return False
        for name in self.inputs:
            value = np.asarray(self.values[name], dtype=float).ravel()
            if value.size > _EXACT_CHECK_ELEMENTS or not all(map(is_short_fraction, value)):
                return False
        return True

    @cached_property
    def values(self) -> Mapping[str, Any]:
        """Forward values of inputs and operations by name (empty without values)."""
        if self.node_values is None:
            return MappingProxyType({})
        values = self.node_values
        if isinstance(values, np.ndarray):
            values = values.tolist()  # Python floats, as _plain gives
        const = NodeKind.CONST
        return MappingProxyType({name: _plain(values[i]) for i, (name, kind) in
                                 enumerate(zip(self.tape.names, self.tape.kinds))
                                 if kind is not const})

    @property
    def value(self) -> Any:
        return self.values.get(self.output)

    @cached_property
    def grad(self) -> Mapping[str, Any]:
        """∂output/∂input for each input in ``wrt`` (0 where the output does not depend on
        it); empty without values."""
        if self.node_values is None:
            return MappingProxyType({})
        index = self.tape.index
        return MappingProxyType({
            x: _plain(self.adjoint[index[x]] if self.adjoint[index[x]] is not None
                      else np.zeros_like(self.node_values[index[x]])) for x in self.wrt})

    @cached_property
    def grad_expr(self) -> Mapping[str, sp.Expr]:
        self.require_small_expression("grad_expr")
        if self.tensors:
            return MappingProxyType(self.matrix.grad_exprs(self.wrt))
        return MappingProxyType(self.view.grad_exprs(self.wrt))

    def expr_of(self, node: str) -> Any:
        """A node's value as an expression in the inputs (a matrix expression with tensors)."""
        self.require_variable(node)
        self.require_small_expression("the expression")
        if self.tensors:
            return self.matrix.exprs()[self.tape.index[node]]
        return self.view.expr(node)

    def require_small_expression(self, what: str) -> None:
        """Whole expressions in the inputs only where they stay small: they grow
        exponentially with reuse, and sympy would take minutes or run out of memory."""
        size = self.tape.expanded_size
        depth = self.tape.levels[self.tape.output]
        if depth > _EXPRESSION_DEPTH:
            raise GraphError(f"{what}: the output is nested {depth} operations deep, more than "
                             f"the {_EXPRESSION_DEPTH} sympy can take apart reliably; use "
                             f"adjoint_expr(x), the compact chain-rule form")
        if size > self.limits.max_expression_size:
            shown = f"{size:,}" if size < 10**9 else "over 1,000,000,000"
            raise GraphError(f"{what}: the output written out in the inputs has {shown} nodes, "
                             f"more than limits.max_expression_size = "
                             f"{self.limits.max_expression_size:,}; use adjoint_expr(x), the "
                             f"compact chain-rule form, or raise the limit")

    @property
    def expandable(self) -> bool:
        """Whether whole expressions in the inputs stay readable (and cheap) for this graph."""
        if self.tensors and self.matrix.unsupported:
            return False
        return (self.tape.operation_count <= EXPANSION_LIMIT
                and self.tape.expanded_size <= self.limits.max_expression_size
                and self.tape.levels[self.tape.output] <= _EXPRESSION_DEPTH)

    def require_variable(self, node: str) -> None:
        if not isinstance(node, str):
            raise GraphError(f"a node is named by a string, got {type(node).__name__} "
                             f"{node!r:.40}")
        if node not in self.tape.index or self.tape.is_constant(node):
            raise GraphError(f"{node!r} is not a variable of this trace "
                             f"(variables: {', '.join(self.tape.variables)})")

    def local_expr(self, node: str) -> Any:
        """An operation node in its arguments' symbols (``x + y`` for u₁ = x + y)."""
        self.require_variable(node)
        if not self.tape.is_operation(node):
            return self.view.symbol(node)
        if self.tensors:
            i = self.tape.index[node]
            view = self.matrix
            if self.tape.ops[i] in MATRIX_OPS:
                forward, _ = MATRIX_OPS[self.tape.ops[i]]
                return forward(*[view.symbol(a) for a in self.tape.arg_names(node)])
            raise GraphError(f"{node} = {self.tape.ops[i]}(…) has no matrix-calculus form here")
        return self.view.node_expr_local(node)

    def output_at(self, point: Mapping[str, Any]) -> Any:
        """The output's value at other input values (a forward pass)."""
        return forward(self.tape, point)[self.tape.output]

    def input_values(self) -> dict[str, Any]:
        """The traced point: every input's value as given to the forward pass."""
        assert self.node_values is not None
        return {x: self.node_values[self.tape.index[x]] for x in self.inputs}


def _plain(value: Any) -> Any:
    """numpy scalars as Python floats; arrays stay arrays."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return value
    return None if value is None else float(value)
