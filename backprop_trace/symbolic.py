"""Symbolic side of a trace, made on demand: node symbols, local partials, adjoints as ∂y/∂u
symbols (so nothing swells), and, when asked, whole expressions in the inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy as sp

from .graph import CONST, OPERATION, Tape
from .ops import ARGS, OPS

if TYPE_CHECKING:
    from .backward import Step, Steps

__all__ = ["Symbolic", "partial_symbol"]


def partial_symbol(y: str, x: str) -> sp.Symbol:
    """The symbol ∂y/∂x (the printers show it as a fraction of partials)."""
    return sp.Symbol(f"∂{y}/∂{x}", real=True)


class Symbolic:
    """Caches per graph; every method is cheap except ``expr``/``grad_expr`` on huge graphs."""

    def __init__(self, tape: Tape) -> None:
        self.tape = tape
        self.output = tape.names[tape.output]
        self._symbols: dict[str, sp.Expr] = {}
        self._locals: dict[tuple[str, int], sp.Expr] = {}
        self._exprs: dict[str, sp.Expr] = {}
        self._steps: Steps | None = None

    def attach(self, steps: Steps) -> None:
        self._steps = steps

    def steps_of(self, node: str) -> list[Step]:
        """The steps that add to ``node``'s adjoint, in order."""
        assert self._steps is not None, "attach the steps first"
        return self._steps.of_node(node)

    def symbol(self, node: str) -> sp.Expr:
        """The symbol a node is known by: ``x``, ``u1``; a constant is its exact number."""
        if node not in self._symbols:
            i = self.tape.index[node]
            if self.tape.kinds[i] == CONST:
                text = self.tape.texts[i]
                self._symbols[node] = {"e": sp.E, "pi": sp.pi}.get(text) or sp.Rational(text)
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
            if self.tape.abstract[i]:
                self._locals[key] = partial_symbol(via, args[position])
            else:
                partial = OPS[self.tape.ops[i]].partials[position]
                self._locals[key] = partial.xreplace(
                    {ARGS[i]: self.symbol(a) for i, a in enumerate(args)})
        return self._locals[key]

    def node_expr_local(self, node: str) -> sp.Expr:
        """An operation node in terms of its arguments' symbols: ``x + y`` for u₁."""
        i = self.tape.index[node]
        args = [self.symbol(a) for a in self.tape.arg_names(node)]
        if self.tape.abstract[i]:
            return sp.Function(self.tape.ops[i])(*args)
        return OPS[self.tape.ops[i]].symbolic(*args)

    # -- the symbolic fields of a Step ------------------------------------------------------

    def local_expr(self, step: Step) -> sp.Expr:
        return sp.S.One if step.via is None else self.local(step.via, step.position or 0)

    def upstream_expr(self, step: Step) -> sp.Expr:
        return sp.S.One if step.via is None else self.adjoint_symbol(step.via)

    def contribution_expr(self, step: Step) -> sp.Expr:
        return self.upstream_expr(step) * self.local_expr(step)

    def total_expr(self, step: Step) -> sp.Expr:
        terms = [self.contribution_expr(s) for s in self.steps_of(step.node)[: step.term]]
        return sp.Add(*terms)

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
        if tape.kinds[i] != OPERATION:
            return self.symbol(tape.names[i])
        args = [self._exprs[tape.names[a]] for a in tape.args[i]]
        if tape.abstract[i]:
            return sp.Function(tape.ops[i])(*args)
        return OPS[tape.ops[i]].symbolic(*args)

    def grad_exprs(self, wrt: Sequence[str]) -> dict[str, sp.Expr]:
        """∂y/∂x for each input in ``wrt``, in the inputs. Abstract partials stay symbols
        (∂u/∂x·∂x/∂a + …), exactly the textbook chain rule."""
        substitute = {self.symbol(n): self.expr(n)
                      for n, kind in zip(self.tape.names, self.tape.kinds) if kind == OPERATION}
        adjoint: dict[str, sp.Expr] = {self.output: sp.S.One}
        assert self._steps is not None, "attach the steps first"
        for step in self._steps[1:]:
            assert step.via is not None
            local = self.local(step.via, step.position or 0).xreplace(substitute)
            adjoint[step.node] = adjoint.get(step.node, sp.S.Zero) + adjoint[step.via] * local
        return {x: adjoint.get(x, sp.S.Zero) for x in wrt}
