"""What a diagram draws: the nodes (constants inside their gates, CS231n style) and the
symbol in each operation's gate (``×3``, ``+1``, ``x²``, ``exp``)."""

from __future__ import annotations

from ..graph import NodeKind, Tape
from ..graph.labels import shown_text
from ..names import pretty_name, superscript
from ..ops import OPS

__all__ = ["gate_text", "absorbed", "drawn_nodes"]


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
