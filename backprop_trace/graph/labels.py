"""How a node reads: its local expression in a diagram (``u₁·z``, ``x²``) and its line in the
straight-line listing (``u1 * z``). Arguments are shown by name, never expanded."""

from __future__ import annotations

from ..names import pretty_name, superscript
from ..ops import OPS
from .tape import NodeKind, Tape

__all__ = ["node_text", "code_node", "shown_text", "gate_text", "absorbed", "drawn_nodes"]


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
    shown = [shown_text(tape, a) for a in args]
    op = tape.ops[i]
    if tape.abstract[i]:
        return f"{pretty_name(op)}({', '.join(shown)})"
    if op == "pow" and tape.kinds[args[0]] is NodeKind.CONST and tape.texts[args[0]] == "e":
        return f"exp({shown[1]})"  # eˣ: no superscript can hold a name like x₂
    if op == "pow" and tape.kinds[args[1]] is NodeKind.CONST:
        sup = superscript(tape.texts[args[1]])
        if sup is not None:
            return f"{shown[0]}{sup}"
    return OPS[op].template.format(*shown)


def code_node(tape: Tape, name: str) -> str:
    """A node's forward line in the straight-line listing: ``x + y``, ``sin(u1)``."""
    i = tape.index[name]
    args = [tape.texts[a] if tape.kinds[a] is NodeKind.CONST else tape.names[a]
            for a in tape.args[i]]
    if tape.abstract[i]:
        return f"{tape.ops[i]}({', '.join(args)})"
    return OPS[tape.ops[i]].code_template.format(*args)


def absorbed(tape: Tape, node: int) -> int | None:
    """The constant argument an operation draws inside its gate, if any: a built-in op with
    exactly one constant argument and at least one that is not."""
    if tape.kinds[node] is not NodeKind.OPERATION or tape.abstract[node]:
        return None
    constants = [a for a in tape.args[node] if tape.kinds[a] is NodeKind.CONST]
    if len(constants) != 1 or len(constants) == len(tape.args[node]):
        return None
    return constants[0]


def gate_text(tape: Tape, node: int, inside: bool = True) -> str:
    """The symbol in an operation's gate: ``+``, ``exp``; with its constant inside (``×3``,
    ``+1``, ``−1``, ``1−x``, ``÷2``, ``1/x``, ``x²``, ``exp`` for eˣ, ``2ˣ``, ``max(x, 0)``)."""
    op = tape.ops[node]
    if tape.abstract[node]:
        return pretty_name(op)
    const = absorbed(tape, node) if inside else None
    if const is None:
        return OPS[op].label
    c = shown_text(tape, const)
    first = tape.args[node][0] == const
    if op in ("add", "mul"):
        return f"{OPS[op].label}{c}"
    if op == "sub":
        return f"{c}−x" if first else f"−{c}"
    if op == "div":
        return f"{c}/x" if first else f"÷{c}"
    if op == "pow":
        if first:
            return "exp" if tape.texts[const] == "e" else f"{c}ˣ"
        return f"x{superscript(tape.texts[const]) or '^' + c}"
    shown = ["x" if a != const else c for a in tape.args[node]]
    return OPS[op].template.format(*shown)


def drawn_nodes(tape: Tape, inside: bool = True) -> list[int]:
    """The nodes a diagram draws: every node but the constants drawn inside their gates
    (all nodes when constants are not drawn ``inside``)."""
    if not inside:
        return list(range(len(tape)))
    in_gates = {absorbed(tape, i) for i in range(len(tape))}
    shown: set[int] = set()  # a constant still drawn because some user keeps it as an argument
    for i, node_args in enumerate(tape.args):
        const = absorbed(tape, i)
        shown.update(a for a in node_args if tape.kinds[a] is NodeKind.CONST and a != const)
    return [i for i in range(len(tape)) if i not in in_gates or i in shown]
