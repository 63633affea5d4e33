"""Composite gates: a tape with groups of nodes drawn as one (CS231n's sigmoid gate). The
group's output becomes one operation on the group's arguments, named by the group (``σ``),
and its members leave the tape; every other node keeps its name, kind and order."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from .tape import Group, Tape

__all__ = ["collapse", "outermost", "body_size"]


def body_size(tape: Tape, group: Group, cap: int) -> int:
    """How many nodes the group's body has written out in its arguments (shared parts
    repeated, as sympy walks them), capped at ``cap``: nested calls can grow it
    exponentially (f₁₁(x) = f₁₀(x) + f₁₀(x)·2 …)."""
    inside = set(group.members)
    sizes: dict[int, int] = {}
    for i in (*group.members, group.output):
        sizes[i] = min(cap, 1 + sum(sizes[a] if a in inside else 1 for a in tape.args[i]))
    return sizes[group.output]


def outermost(groups: Sequence[Group]) -> list[Group]:
    """The groups not inside another of ``groups`` (a call inside a collapsed function or
    equation goes with it; of two with one output, ``p = σ(z)`` or ``g(x) = σ(2x)``, the
    larger), in forward order."""
    inside: set[int] = set()
    kept: list[Group] = []
    for group in sorted(groups, key=lambda g: -len(g.members)):
        if group.output not in inside:
            kept.append(group)
            inside.update(group.members)
            inside.add(group.output)
    return sorted(kept, key=lambda g: g.output)


def collapse(tape: Tape, groups: Sequence[Group]) -> tuple[Tape, tuple[int, ...]]:
    """The tape with each of ``groups`` (disjoint: see ``outermost``) as one node, and for
    each node of the new tape its index in ``tape``."""
    hidden = {i for g in groups for i in g.members}
    kept = tuple(i for i in range(len(tape)) if i not in hidden)
    new = {old: k for k, old in enumerate(kept)}
    ops, abstract, args = list(tape.ops), list(tape.abstract), list(tape.args)
    for g in groups:
        ops[g.output], abstract[g.output], args[g.output] = g.name, True, g.arguments
    new_args = tuple(tuple(new[a] for a in args[i]) for i in kept)
    levels: list[int] = []
    for node_args in new_args:
        levels.append(1 + max((levels[a] for a in node_args), default=-1))
    names = tuple(tape.names[i] for i in kept)
    return Tape(names, tuple(tape.kinds[i] for i in kept), tuple(ops[i] for i in kept),
                tuple(abstract[i] for i in kept), new_args, tuple(levels),
                tuple(tape.offsets[i] for i in kept), tuple(tape.texts[i] for i in kept),
                new[tape.output], tuple(new[i] for i in tape.inputs),
                MappingProxyType({name: k for k, name in enumerate(names)})), kept
