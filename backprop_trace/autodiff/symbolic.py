"""The symbolic view of a trace, made from the tape and the steps after the passes: node
symbols, local partials, adjoints as ∂y/∂u symbols (so nothing swells), and, when asked,
whole expressions in the inputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import sympy as sp

from ..errors import GraphError
from ..graph import NodeKind, Tape
from .rules import ARGS, RULES, SYMBOLIC_CONSTANTS
from .steps import Step, StepColumns

__all__ = ["SymbolicView", "PartialSymbol", "partial_symbol", "Composite"]


@dataclass(frozen=True)
class Composite:
    """A composite gate's own expression and local partials, in its arguments' symbols (a
    partial may instead be in the gate's own symbol where that is how it is taught:
    ∂σ/∂z = p(1 − p) for p = σ(z))."""

    body: sp.Expr
    partials: tuple[sp.Expr, ...]
    kind: str = "function"
    """"function": drawn as its name (σ(z)); "equation": as its expression."""


def _symbolic(op: str) -> Any:
    form = RULES[op].symbolic
    if form is None:
        raise GraphError(f"{op} works on vectors and matrices: it has no scalar form (see the "
                         f"trace's matrix expressions)")
    return form


class PartialSymbol(sp.Symbol):
    """The symbol ∂y/∂x, which knows its two names (``of`` and ``wrt``) so printers never
    parse them back out of the symbol's name."""

    of: str
    wrt: str

    def __new__(cls, of: str, wrt: str) -> PartialSymbol:
        obj = super().__new__(cls, f"∂{of}/∂{wrt}", real=True)
        obj.of, obj.wrt = of, wrt
        return obj

    def __getnewargs_ex__(self) -> tuple[tuple[str, str], dict[str, Any]]:
        return (self.of, self.wrt), {}

    @classmethod
    def class_key(cls) -> tuple[int, int, str]:
        return sp.Symbol.class_key()  # printed products order it as any other symbol


def partial_symbol(y: str, x: str) -> PartialSymbol:
    """The symbol ∂y/∂x (the printers show it as a fraction of partials)."""
    return PartialSymbol(y, x)


class SymbolicView:
    """Caches per trace; every method is cheap except ``expr``/``grad_exprs`` on huge graphs."""

    def __init__(self, tape: Tape, columns: StepColumns,
                 composites: Mapping[str, Composite] = MappingProxyType({})) -> None:
        self.tape = tape
        self.columns = columns
        self.composites = composites
        self.output = tape.names[tape.output]
        self._symbols: dict[str, sp.Expr] = {}
        self._locals: dict[tuple[str, int], sp.Expr] = {}
        self._exprs: dict[str, sp.Expr] = {}

    def symbol(self, node: str) -> sp.Expr:
        """The symbol a node is known by: ``x``, ``u1``; a constant is its exact number."""
        if node not in self._symbols:
            i = self.tape.index[node]
            if self.tape.kinds[i] is NodeKind.CONST:
                text = self.tape.texts[i]
                self._symbols[node] = SYMBOLIC_CONSTANTS.get(text) or sp.Rational(text)
            else:
                self._symbols[node] = sp.Symbol(node, real=True)
        return self._symbols[node]

    def adjoint_symbol(self, node: str) -> sp.Expr:
        """∂y/∂node as a symbol; 1 for the output itself."""
        return sp.S.One if node == self.output else partial_symbol(self.output, node)

    def local(self, via: str, position: int) -> sp.Expr:
        """∂via/∂(argument ``position``) in the node symbols: ``z`` for u = u₁·z."""
        key = (via, position)
        if key not in self._locals:
            args = self.tape.arg_names(via)
            i = self.tape.index[via]
            if via in self.composites:
                self._locals[key] = self.composites[via].partials[position]
            elif self.tape.abstract[i]:
                self._locals[key] = partial_symbol(via, args[position])
            elif RULES[self.tape.ops[i]].vjp:
                raise GraphError(f"{via} = {self.tape.ops[i]}(…) has a vector-Jacobian product, "
                                 f"not a scalar local partial")
            else:
                partial = RULES[self.tape.ops[i]].partials[position]
                self._locals[key] = partial.xreplace(
                    {ARGS[k]: self.symbol(a) for k, a in enumerate(args)})
        return self._locals[key]

    def node_expr_local(self, node: str) -> sp.Expr:
        """An operation node in terms of its arguments' symbols: ``x + y`` for u₁."""
        i = self.tape.index[node]
        args = [self.symbol(a) for a in self.tape.arg_names(node)]
        if node in self.composites:
            return self.composites[node].body
        if self.tape.abstract[i]:
            return sp.Function(self.tape.ops[i])(*args)
        return _symbolic(self.tape.ops[i])(*args)

    # -- the symbolic fields of a Step ------------------------------------------------------

    def local_expr(self, step: Step) -> sp.Expr:
        return sp.S.One if step.via is None else self.local(step.via, step.position or 0)

    def upstream_expr(self, step: Step) -> sp.Expr:
        return sp.S.One if step.via is None else self.adjoint_symbol(step.via)

    def contribution_expr(self, step: Step) -> sp.Expr:
        return self.upstream_expr(step) * self.local_expr(step)

    def total_expr(self, step: Step) -> sp.Expr:
        return self.total_at(step.node, step.term)

    def _contribution_at(self, k: int) -> sp.Expr:
        via = self.columns.vias[k]
        if via < 0:
            return sp.S.One
        name = self.tape.names[via]
        return self.adjoint_symbol(name) * self.local(name, self.columns.positions[k])

    def total_at(self, node: str, terms: int) -> sp.Expr:
        """∂y/∂node after its first ``terms`` contributions, as their sum."""
        steps = self.columns.by_node.get(node, [])[:terms]
        return sp.Add(*[self._contribution_at(k) for k in steps])

    def adjoint_expr(self, node: str) -> sp.Expr:
        """∂y/∂node as the sum of all its chain-rule terms (0 if it gets none)."""
        return self.total_at(node, len(self.columns.by_node.get(node, [])))

    # -- whole expressions in the inputs (may grow with depth: only on request) ---------------

    def expr(self, node: str) -> sp.Expr:
        """The node's value as an expression in the inputs: ``z*(x + y)`` for f = (x + y)·z."""
        if node not in self._exprs:
            tape = self.tape
            needed = {tape.index[node]}
            stack = [tape.index[node]]
            while stack:  # the node and its ancestors
                for a in tape.args[stack.pop()]:
                    if a not in needed:
                        needed.add(a)
                        stack.append(a)
            for i in sorted(needed):
                if tape.names[i] not in self._exprs:
                    self._exprs[tape.names[i]] = self._build(i)
        return self._exprs[node]

    def _build(self, i: int) -> sp.Expr:
        tape = self.tape
        if tape.kinds[i] is not NodeKind.OPERATION:
            return self.symbol(tape.names[i])
        args = [self._exprs[tape.names[a]] for a in tape.args[i]]
        if tape.names[i] in self.composites:
            return self.composites[tape.names[i]].body.xreplace(
                {self.symbol(tape.names[a]): e for a, e in zip(tape.args[i], args)})
        if tape.abstract[i]:
            return sp.Function(tape.ops[i])(*args)
        return _symbolic(tape.ops[i])(*args)

    def grad_exprs(self, wrt: Sequence[str]) -> dict[str, sp.Expr]:
        """∂y/∂x for each input in ``wrt``, in the inputs. Abstract partials stay symbols
        (∂u/∂x·∂x/∂a + …), exactly the textbook chain rule."""
        tape = self.tape
        substitute = {self.symbol(n): self.expr(n)
                      for n, kind in zip(tape.names, tape.kinds) if kind is NodeKind.OPERATION}
        adjoint: dict[str, sp.Expr] = {self.output: sp.S.One}
        columns = self.columns
        names = tape.names
        for k in range(1, len(columns)):
            node, via = names[columns.nodes[k]], names[columns.vias[k]]
            local = self.local(via, columns.positions[k]).xreplace(substitute)
            adjoint[node] = adjoint.get(node, sp.S.Zero) + adjoint[via] * local
        return {x: adjoint.get(x, sp.S.Zero) for x in wrt}
