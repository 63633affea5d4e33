"""Symbolic side of a trace, made on demand: node symbols, local partials, adjoints as ∂y/∂u
symbols (so nothing swells), and, when asked, whole expressions in the inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import networkx as nx
import sympy as sp

from .graph import args_of
from .ops import ARGS, OPS

if TYPE_CHECKING:
    from .backward import Step

__all__ = ["Symbolic", "partial_symbol"]


def partial_symbol(y: str, x: str) -> sp.Symbol:
    """The symbol ∂y/∂x (the printers show it as a fraction of partials)."""
    return sp.Symbol(f"∂{y}/∂{x}", real=True)


class Symbolic:
    """Caches per graph; every method is cheap except ``expr``/``grad_expr`` on huge graphs."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G
        self.output = G.graph["output"]
        self._symbols: dict[str, sp.Expr] = {}
        self._locals: dict[tuple[str, int], sp.Expr] = {}
        self._exprs: dict[str, sp.Expr] = {}
        self._steps: Sequence[Step] = ()

    def attach(self, steps: Sequence[Step]) -> None:
        self._steps = steps
        self._steps_of: dict[str, list[Step]] = {}
        for step in steps:
            self._steps_of.setdefault(step.node, []).append(step)

    def symbol(self, node: str) -> sp.Expr:
        """The symbol a node is known by: ``x``, ``u1``; a constant is its exact number."""
        if node not in self._symbols:
            attrs = self.G.nodes[node]
            if attrs["kind"] == "const":
                text = attrs["text"]
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
            args = args_of(self.G, via)
            attrs = self.G.nodes[via]
            if attrs["abstract"]:
                self._locals[key] = partial_symbol(via, args[position])
            else:
                partial = OPS[attrs["op"]].partials[position]
                self._locals[key] = partial.xreplace(
                    {ARGS[i]: self.symbol(a) for i, a in enumerate(args)})
        return self._locals[key]

    def node_expr_local(self, node: str) -> sp.Expr:
        """An operation node in terms of its arguments' symbols: ``x + y`` for u₁."""
        attrs = self.G.nodes[node]
        args = [self.symbol(a) for a in args_of(self.G, node)]
        if attrs["abstract"]:
            return sp.Function(attrs["op"])(*args)
        return OPS[attrs["op"]].symbolic(*args)

    # -- the symbolic fields of a Step ------------------------------------------------------

    def local_expr(self, step: Step) -> sp.Expr:
        return sp.S.One if step.via is None else self.local(step.via, step.position or 0)

    def upstream_expr(self, step: Step) -> sp.Expr:
        return sp.S.One if step.via is None else self.adjoint_symbol(step.via)

    def contribution_expr(self, step: Step) -> sp.Expr:
        return self.upstream_expr(step) * self.local_expr(step)

    def total_expr(self, step: Step) -> sp.Expr:
        terms = [self.contribution_expr(s) for s in self._steps_of[step.node][: step.term]]
        return sp.Add(*terms)

    # -- whole expressions in the inputs (may grow with depth: only on request) ---------------

    def expr(self, node: str) -> sp.Expr:
        """The node's value as an expression in the inputs: ``z*(x + y)`` for f = (x + y)·z."""
        if node not in self._exprs:
            needed = nx.ancestors(self.G, node) | {node}
            for n in self.G.graph["order"]:
                if n in needed and n not in self._exprs:
                    self._exprs[n] = self._build(n)
        return self._exprs[node]

    def _build(self, node: str) -> sp.Expr:
        attrs = self.G.nodes[node]
        if attrs["kind"] != "op":
            return self.symbol(node)
        args = [self._exprs[a] for a in args_of(self.G, node)]
        if attrs["abstract"]:
            return sp.Function(attrs["op"])(*args)
        return OPS[attrs["op"]].symbolic(*args)

    def grad_exprs(self, wrt: Sequence[str]) -> dict[str, sp.Expr]:
        """∂y/∂x for each input in ``wrt``, in the inputs. Abstract partials stay symbols
        (∂u/∂x·∂x/∂a + …), exactly the textbook chain rule."""
        substitute = {self.symbol(n): self.expr(n) for n in self.G.graph["order"]
                      if self.G.nodes[n]["kind"] == "op"}
        adjoint: dict[str, sp.Expr] = {self.output: sp.S.One}
        for step in self._steps[1:]:
            assert step.via is not None
            local = self.local(step.via, step.position or 0).xreplace(substitute)
            adjoint[step.node] = adjoint.get(step.node, sp.S.Zero) + adjoint[step.via] * local
        return {x: adjoint.get(x, sp.S.Zero) for x in wrt}
