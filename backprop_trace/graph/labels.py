"""How a node reads: its local expression in a diagram (``u₁·z``, ``x²``) and its line in the
straight-line listing (``u1 * z``). Arguments are shown by name, never expanded."""

from __future__ import annotations

from collections.abc import Sequence

from ..names import code_name, pretty_name, superscript
from ..ops import OPS
from .tape import NodeKind, Tape

__all__ = ["node_text", "operation_text", "code_node", "shown_text"]


def shown_text(tape: Tape, node: int) -> str:
    """How a node is referred to: its name, or a constant as typed (``π``, ``0.5``)."""
    if tape.kinds[node] is NodeKind.CONST:
        return pretty_name(tape.texts[node])
    return pretty_name(tape.names[node])


def node_text(tape: Tape, name: str) -> str:
    """How a node's local expression reads in a diagram: ``u₁·z``, ``x²``, ``ln(u₂)``, ``f(x, y)``.

    Arguments are node names, never expanded, so a label stays one line however deep the graph.
    """
    i = tape.index[name]
    if tape.kinds[i] is not NodeKind.OPERATION:
        return shown_text(tape, i)
    args = tape.args[i]
    return operation_text(tape.ops[i], [tape.texts[a] if tape.kinds[a] is NodeKind.CONST
                                        else tape.names[a] for a in args],
                          [tape.kinds[a] is NodeKind.CONST for a in args], tape.abstract[i])


def operation_text(op: str, args: Sequence[str], constants: Sequence[bool],
                   abstract: bool = False) -> str:
    """An operation on named arguments (``constants[k]``: argument k is a constant, given as
    typed) in textbook unicode: ``u₁·z``, ``x²``, ``exp(x₂)`` for eˣ, ``f(x, y)``."""
    shown = [pretty_name(a) for a in args]
    if abstract:
        return f"{pretty_name(op)}({', '.join(shown)})"
    if op == "pow" and constants[0] and args[0] == "e":
        return f"exp({shown[1]})"  # eˣ: no superscript can hold a name like x₂
    if op == "pow" and constants[1]:
        sup = superscript(args[1])
        if sup is not None:
            return f"{shown[0]}{sup}"
    return OPS[op].template.format(*shown)


def code_node(tape: Tape, name: str) -> str:
    """A node's forward line in the straight-line listing: ``x + y``, ``sin(u1)``."""
    i = tape.index[name]
    args = [tape.texts[a] if tape.kinds[a] is NodeKind.CONST else code_name(tape.names[a])
            for a in tape.args[i]]
    if tape.abstract[i]:
        return f"{tape.ops[i]}({', '.join(args)})"
    return OPS[tape.ops[i]].code_template.format(*args)
