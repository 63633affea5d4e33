"""Forward mode and the sum over paths, from the same edge partials as the reverse pass.

Forward mode from an input b pushes ∂node/∂b forward through the graph: each operation's
tangent is Σₖ ∂node/∂argₖ · ∂argₖ/∂b over its arguments that depend on b. The local partials
are the reverse pass's own (one per edge), so the two modes differ only in the order they
are multiplied and summed in: both are the sum over the paths from b to the output of the
products of their edge partials, which ``paths`` lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import sympy as sp

from ..errors import GraphError, OptionError
from ..graph import NodeKind
from .result import TraceData
from .reverse import active_by_walk

__all__ = ["Edge", "PathRecord", "ModeWork", "edge_steps", "depends_on", "forward_tangents",
           "forward_tangent_exprs", "count_paths", "paths", "mode_work"]

Edge = tuple[int, int]
"""An edge as (operation, argument position), by node index."""


def require_scalar(data: TraceData, what: str) -> None:
    if data.shapes or data.tensors:
        raise OptionError(f"{what}: worked out for scalar traces only (this one has vectors "
                          f"or matrices: its reverse pass is the vector-Jacobian products)")


def require_input(data: TraceData, wrt: object, what: str) -> str:
    """``wrt`` as one of the differentiated inputs (by default the first)."""
    if not data.wrt:
        raise OptionError(f"{what}: this trace differentiates no input (every input is data, "
                          f"or there is none)")
    if wrt is None:
        return data.wrt[0]
    if not isinstance(wrt, str):
        raise OptionError(f"{what}: wrt names one input (a str), got {type(wrt).__name__}")
    if wrt not in data.wrt:
        raise OptionError(f"{what}: {wrt!r:.40} is not a differentiated input of this trace "
                          f"(choices: {', '.join(data.wrt) or 'none'})")
    return wrt


def edge_steps(data: TraceData) -> dict[Edge, int]:
    """The reverse step of each edge that carries gradient: its local partial is the edge's."""
    columns = data.columns
    return {(via, position): k for k, (via, position)
            in enumerate(zip(columns.vias, columns.positions)) if via >= 0}


def depends_on(data: TraceData, wrt: str) -> list[bool]:
    """Which nodes (by index) depend on ``wrt``: those forward mode visits."""
    return active_by_walk(data.tape, [data.tape.index[wrt]])


def _edges_in(data: TraceData, i: int, flags: list[bool]) -> list[tuple[int, int]]:
    """(argument, position) of operation i's arguments that carry a tangent."""
    return [(a, k) for k, a in enumerate(data.tape.args[i]) if flags[a]]


def forward_tangents(data: TraceData, wrt: str) -> dict[str, Any]:
    """∂node/∂wrt for every variable node (inputs included), by forward accumulation of the
    edge partials (floats; needs values)."""
    tape = data.tape
    steps = edge_steps(data)
    flags = depends_on(data, wrt)
    tangent: list[Any] = [0.0] * len(tape)
    tangent[tape.index[wrt]] = 1.0
    locals_ = data.columns.numbers
    assert locals_ is not None
    local = locals_[0]
    for i in tape.operation_nodes.tolist():
        if flags[i]:
            tangent[i] = sum(float(local[steps[(i, k)]]) * tangent[a]
                             for a, k in _edges_in(data, i, flags))
    return {name: float(tangent[i]) for i, name in enumerate(tape.names)
            if tape.kinds[i] is not NodeKind.CONST}


def forward_tangent_exprs(data: TraceData, wrt: str) -> dict[str, sp.Expr]:
    """∂node/∂wrt for every variable node as sympy expressions in the inputs (abstract
    functions' partials stay symbols: ∂u/∂x·∂x/∂a + …)."""
    data.require_small_expression("forward mode")
    tape, view = data.tape, data.view
    substitute = {view.symbol(n): view.expr(n)
                  for n, kind in zip(tape.names, tape.kinds) if kind is NodeKind.OPERATION}
    flags = depends_on(data, wrt)
    tangent: list[sp.Expr] = [sp.S.Zero] * len(tape)
    tangent[tape.index[wrt]] = sp.S.One
    for i in tape.operation_nodes.tolist():
        if flags[i]:
            name = tape.names[i]
            tangent[i] = sp.Add(*[view.local(name, k).xreplace(substitute) * tangent[a]
                                  for a, k in _edges_in(data, i, flags)])
    return {name: tangent[i] for i, name in enumerate(tape.names)
            if tape.kinds[i] is not NodeKind.CONST}


@dataclass(frozen=True)
class PathRecord:
    """One path from an input to the output: its nodes, its edges (operation, position) and
    the product of their local partials, in the node symbols and (with values) as a number."""

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]
    product_expr: sp.Expr
    product: float | None

    def __repr__(self) -> str:
        product = "" if self.product is None else f", product={self.product!r}"
        return f"PathRecord({' → '.join(self.nodes)}{product}, product_expr={self.product_expr})"


def count_paths(data: TraceData, wrt: str, cap: int) -> int:
    """How many paths lead from ``wrt`` to the output (counted up to ``cap + 1``)."""
    tape = data.tape
    ways = [0] * len(tape)
    ways[tape.index[wrt]] = 1
    for i, node_args in enumerate(tape.args):
        if node_args:
            ways[i] = min(cap + 1, sum(ways[a] for a in node_args))
    return ways[tape.output]


def paths(data: TraceData, wrt: str, cap: int) -> tuple[PathRecord, ...]:
    """Every path from ``wrt`` to the output, in the graph's order (first users first);
    a GraphError past ``cap`` paths (their number grows exponentially with reuse)."""
    count = count_paths(data, wrt, cap)
    if count > cap:
        raise GraphError(f"more than {cap:,} path{'s' if cap != 1 else ''} lead from {wrt} to "
                         f"{data.output} (the limit "
                         f"limits.max_paths): forward_mode({wrt!r}) and the reverse pass give "
                         f"the same sum without listing them; or raise the limit")
    tape, view = data.tape, data.view
    steps = edge_steps(data)
    numbers = data.columns.numbers
    found: list[PathRecord] = []

    # depth first, without recursion (a chain of 1,000 operations is one path of 1,000
    # edges), users in the graph's order so the paths come out in it
    stack: list[tuple[int, tuple[int, ...], tuple[Edge, ...]]] = [
        (tape.index[wrt], (tape.index[wrt],), ())]
    while stack:
        i, nodes, edges = stack.pop()
        if i == tape.output:
            expr = sp.Mul(*[view.local(tape.names[v], k) for v, k in edges])
            product = None
            if numbers is not None:
                product = float(np.prod([float(numbers[0][steps[e]]) for e in edges]))
            found.append(PathRecord(tuple(tape.names[n] for n in nodes), edges, expr, product))
            continue
        onward = [(u, k) for user in tape.users[tape.names[i]]
                  for u in (tape.index[user],) for k, a in enumerate(tape.args[u]) if a == i]
        stack += [(u, (*nodes, u), (*edges, (u, k))) for u, k in reversed(onward)]
    return tuple(found)


_LISTED_INPUTS: Final = 20
"""Forward mode's work is listed per input up to this many inputs (then only its total)."""


@dataclass(frozen=True)
class ModeWork:
    """The work of each mode on one graph, in edges visited (multiply-adds): forward mode
    once per input, each pass visiting the edges out of the nodes that depend on it; one
    reverse pass visiting every edge that carries gradient."""

    forward: Mapping[str, int]
    """Edges visited by forward mode from each input (empty past 20 inputs)."""
    forward_total: int
    reverse: int
    passes: int
    """Forward-mode passes: one per differentiated input."""


def mode_work(data: TraceData) -> ModeWork:
    """Counted in one pass over the graph: each node's inputs as the bits of an integer, an
    edge visited once per input its argument depends on."""
    tape = data.tape
    bit = {tape.index[x]: 1 << k for k, x in enumerate(data.wrt)}
    deps = [bit.get(i, 0) for i in range(len(tape))]
    total = 0
    per_input = [0] * len(data.wrt)
    listed = len(data.wrt) <= _LISTED_INPUTS
    for i, node_args in enumerate(tape.args):
        for a in node_args:
            d = deps[a]
            deps[i] |= d
            total += d.bit_count()
            while listed and d:
                low = d & -d
                per_input[low.bit_length() - 1] += 1
                d ^= low
    forward = dict(zip(data.wrt, per_input)) if listed else {}
    return ModeWork(forward, total, len(data.columns) - 1, len(data.wrt))
