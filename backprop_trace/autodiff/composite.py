"""A trace seen with composite gates (CS231n's sigmoid gate): groups of nodes — a call of a
user function, a named equation — drawn as one operation with its own local partials. The
gradients are the trace's own; the steps inside a group become one step per argument, whose
contribution is the sum of what the group's members passed that argument. Drawing reads this
view; the trace's steps, listing and narrative stay the whole computation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import sympy as sp

from ..graph import Group, NodeKind, collapse
from ..graph.collapse import outermost
from .result import TraceData
from .steps import StepColumns
from .symbolic import Composite

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
    forms: dict[tuple[str, str], tuple[sp.Expr, tuple[sp.Expr, ...]]] = {}
    composites = {tape.names[g.output]: _composite(data, g, forms) for g in chosen}
    columns = _columns(data, chosen, ctape.names, kept)
    node_values = None if data.node_values is None else [data.node_values[i] for i in kept]
    return TraceData(ctape, data.wrt, node_values, [data.adjoint[i] for i in kept], columns,
                     data.source, data.limits,
                     tuple(data.shapes[i] for i in kept) if data.shapes else (), composites)


def _composite(data: TraceData, group: Group,
               forms: dict[tuple[str, str], tuple[sp.Expr, tuple[sp.Expr, ...]]]) -> Composite:
    """The group's value in its arguments' symbols, and its partial by each argument (0 for
    a constant), in the gate's own symbol where one of the taught forms fits. Worked out
    once per function body (``forms``, keyed by the body in placeholder arguments): a
    function called a hundred times costs one derivative."""
    tape, view = data.tape, data.view
    placeholders = [_placeholder(k) for k in range(len(group.arguments))]
    exprs: dict[int, sp.Expr] = {a: (view.symbol(tape.names[a])
                                     if tape.kinds[a] is NodeKind.CONST else p)
                                 for a, p in zip(group.arguments, placeholders)}
    for i in (*group.members, group.output):
        if tape.kinds[i] is not NodeKind.OPERATION:
            continue
        exprs[i] = view.node_expr_local(tape.names[i]).xreplace(
            {view.symbol(tape.names[a]): exprs[a] for a in tape.args[i] if a in exprs})
    own = _placeholder(-1)
    body = exprs[group.output]
    key = (group.name, sp.srepr(body))
    if key not in forms:
        forms[key] = (body, tuple(_taught(sp.diff(body, p), body, own, len(placeholders) == 1)
                                  for p in placeholders))
    body, partials = forms[key]
    actual = {p: view.symbol(tape.names[a]) for a, p in zip(group.arguments, placeholders)}
    actual[own] = view.symbol(tape.names[group.output])
    return Composite(body.xreplace(actual),
                     tuple(sp.S.Zero if tape.kinds[a] is NodeKind.CONST else d.xreplace(actual)
                           for a, d in zip(group.arguments, partials)),
                     group.kind)


def _placeholder(k: int) -> sp.Dummy:
    """Argument k of a gate's body (-1: the gate's own value); equal wherever made, so one
    body's forms serve every call."""
    return sp.Dummy("argument", dummy_index=k, real=True)


def _taught(derivative: sp.Expr, body: sp.Expr, own: sp.Expr, single: bool) -> sp.Expr:
    """``derivative``, or the taught form in the gate's own value (``own``) it equals —
    checked at sample points, never by ``simplify`` (minutes on a long body)."""
    if not single:
        return derivative
    (x,) = body.free_symbols & derivative.free_symbols or {None}
    if x is None:
        return derivative
    for form in _OWN_FORMS:
        if all(_agrees(derivative, form(body), x, at) for at in _SAMPLES):
            return form(own)
    return derivative


_SAMPLES: Final = (-1.3, 0.37, 0.81, 2.2)
"""Points where a taught form must agree with the derivative (relative 1e-9) to be shown."""


def _agrees(a: sp.Expr, b: sp.Expr, x: sp.Expr, at: float) -> bool:
    try:
        u, v = complex(a.xreplace({x: at}).evalf(20)), complex(b.xreplace({x: at}).evalf(20))
    except (TypeError, ValueError, ZeroDivisionError):
        return False
    return math.isfinite(abs(u)) and abs(u - v) <= 1e-9 * max(1.0, abs(u))
def _columns(data: TraceData, groups: Sequence[Group], names: tuple[str, ...],
             kept: tuple[int, ...]) -> StepColumns:
    """The steps outside the groups as they are; a group's steps as one per argument, placed
    where its last contribution was (every upstream total is complete by then). The gate's
    local partial by an argument is the chain rule inside the gate, worked out from the
    trace's own local partials (so its conventions hold: relu′(0) = 0, and σ(1 − σ) near
    saturation keeps its digits)."""
    cols = data.columns
    source = cols.numbers  # local, upstream, contribution, total; None without values
    new = {old: k for k, old in enumerate(kept)}
    group_of = {i: g for g in groups for i in (*g.members, g.output)}
    nodes, vias, positions = [new[cols.nodes[0]]], [-1], [-1]
    numbers = [list(c[:1]) for c in source] if source is not None else None
    block: list[int] = []  # the current group's steps, in order
    current: Group | None = None

    def flush() -> None:
        assert current is not None
        inside: dict[int, Any] = {current.output: 1.0}  # ∂(gate)/∂node, inside the gate
        reached: dict[int, list[int]] = {}  # argument → the steps that reach it
        for k in block:
            node, via = cols.nodes[k], cols.vias[k]
            if source is not None:
                inside[node] = inside.get(node, 0.0) + inside[via] * source[0][k]
            if group_of.get(node) is not current:
                reached.setdefault(node, []).append(k)
        for argument, steps in sorted(reached.items(), key=lambda p: p[1][-1]):
            nodes.append(new[argument])
            vias.append(new[current.output])
            positions.append(current.arguments.index(argument))
            if numbers is not None and source is not None:
                numbers[0].append(inside[argument])
                numbers[1].append(data.adjoint[current.output])
                numbers[2].append(sum(source[2][k] for k in steps))
                numbers[3].append(source[3][steps[-1]])
        block.clear()

    for k in range(1, len(cols)):
        group = group_of.get(cols.vias[k])
        if current is not None and group is not current:
            flush()
        current = group
        if group is not None:
            block.append(k)
            continue
        nodes.append(new[cols.nodes[k]])
        vias.append(new[cols.vias[k]])
        positions.append(cols.positions[k])
        if numbers is not None and source is not None:
            for column, values in zip(numbers, source):
                column.append(values[k])
    if current is not None:
        flush()
    if numbers is None or source is None:
        return StepColumns(names, nodes, vias, positions, None)
    if isinstance(source[0], np.ndarray):  # scalar traces keep float64 columns
        arrays = tuple(np.array(c, dtype=np.float64) for c in numbers)
        return StepColumns(names, nodes, vias, positions, arrays)
    return StepColumns(names, nodes, vias, positions, tuple(numbers))  # type: ignore[arg-type]
