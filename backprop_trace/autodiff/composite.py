"""A trace seen with composite gates (CS231n's sigmoid gate): groups of nodes — a call of a
user function, a named equation — drawn as one operation with its own local partials. The
gradients are the trace's own; the steps inside a group become one step per argument, whose
contribution is the sum of what the group's members passed that argument. Drawing reads this
view; the trace's steps, listing and narrative stay the whole computation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import sympy as sp

from ..graph import Group, NodeKind, collapse
from ..graph.collapse import outermost
from .result import TraceData
from .steps import StepColumns
from .symbolic import Composite, SymbolicView

__all__ = ["collapsed"]

_OWN_FORMS: Final = (lambda s: s, lambda s: s * (1 - s), lambda s: 1 - s**2)
"""How a one-argument gate's derivative is taught in terms of the gate's own value, tried in
turn: eˣ' = eˣ, σ' = σ(1 − σ), tanh' = 1 − tanh²."""


def collapsed(data: TraceData, groups: Sequence[Group]) -> TraceData:
    """``data`` with ``groups`` (the outermost where they nest) drawn as composite gates."""
    chosen = outermost(groups)
    if not chosen:
        return data
    tape = data.tape
    ctape, kept = collapse(tape, chosen)
    view = data.view
    composites = {tape.names[g.output]: _composite(view, data, g) for g in chosen}
    columns = _columns(data, chosen, ctape.names, kept, composites)
    node_values = None if data.node_values is None else [data.node_values[i] for i in kept]
    return TraceData(ctape, data.wrt, node_values, [data.adjoint[i] for i in kept], columns,
                     data.source, data.limits,
                     tuple(data.shapes[i] for i in kept) if data.shapes else (), composites)


def _composite(view: SymbolicView, data: TraceData, group: Group) -> Composite:
    """The group's value in its arguments' symbols, and its partial by each argument (0 for
    a constant), in the gate's own symbol where one of the taught forms fits."""
    tape = data.tape
    exprs: dict[int, sp.Expr] = {}
    for i in (*group.members, group.output):
        if tape.kinds[i] is not NodeKind.OPERATION:
            continue
        exprs[i] = view.node_expr_local(tape.names[i]).xreplace(
            {view.symbol(tape.names[a]): exprs[a] for a in tape.args[i] if a in exprs})
    body = exprs[group.output]
    own = view.symbol(tape.names[group.output])
    partials = tuple(sp.S.Zero if tape.kinds[a] is NodeKind.CONST else
                     _taught(sp.diff(body, view.symbol(tape.names[a])), body, own,
                             len(group.arguments) == 1)
                     for a in group.arguments)
    return Composite(body, partials, group.kind)


def _taught(derivative: sp.Expr, body: sp.Expr, own: sp.Expr, single: bool) -> sp.Expr:
    if single:
        for form in _OWN_FORMS:
            if sp.simplify(derivative - form(body)) == 0:
                return form(own)
    return derivative


def _columns(data: TraceData, groups: Sequence[Group], names: tuple[str, ...],
             kept: tuple[int, ...], composites: dict[str, Composite]) -> StepColumns:
    """The steps outside the groups as they are; a group's steps as one per argument, placed
    where its last contribution was (every upstream total is complete by then)."""
    cols = data.columns
    new = {old: k for k, old in enumerate(kept)}
    group_of = {i: g for g in groups for i in (*g.members, g.output)}
    nodes, vias, positions = [cols.nodes[0]], [-1], [-1]
    numbers = [list(c[:1]) for c in cols.numbers] if cols.numbers is not None else None
    nodes[0] = new[nodes[0]]
    pending: dict[int, list[int]] = {}  # argument → the group's steps that reach it
    current: Group | None = None

    def flush() -> None:
        assert current is not None
        for argument, steps in sorted(pending.items(), key=lambda p: p[1][-1]):
            nodes.append(new[argument])
            vias.append(new[current.output])
            positions.append(current.arguments.index(argument))
            if numbers is not None:
                numbers[0].append(_local_value(data, current, argument, composites))
                numbers[1].append(data.adjoint[current.output])
                numbers[2].append(sum(cols.numbers[2][k] for k in steps))
                numbers[3].append(cols.numbers[3][steps[-1]])
        pending.clear()

    for k in range(1, len(cols)):
        node, via = cols.nodes[k], cols.vias[k]
        group = group_of.get(via)
        if current is not None and group is not current:
            flush()
        current = group
        if group is None:
            nodes.append(new[node])
            vias.append(new[via])
            positions.append(cols.positions[k])
            if numbers is not None:
                for column, source in zip(numbers, cols.numbers):
                    column.append(source[k])
        elif node not in group_of or group_of[node] is not group:
            pending.setdefault(node, []).append(k)
    if current is not None:
        flush()
    if numbers is not None and isinstance(cols.numbers[0], np.ndarray):
        numbers = [np.array(c, dtype=np.float64) for c in numbers]
    return StepColumns(names, nodes, vias, positions,
                       None if numbers is None else tuple(numbers))  # type: ignore[arg-type]


def _local_value(data: TraceData, group: Group, argument: int,
                 composites: dict[str, Composite]) -> Any:
    """The gate's partial by ``argument`` at the trace's values."""
    tape, view = data.tape, data.view
    assert data.node_values is not None
    partial = composites[tape.names[group.output]].partials[group.arguments.index(argument)]
    at = {view.symbol(tape.names[i]): sp.Float(float(data.node_values[i]), 17)
          for i in (*group.arguments, group.output) if tape.kinds[i] is not NodeKind.CONST}
    return float(partial.xreplace(at).evalf(17))
