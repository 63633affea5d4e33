"""What a diagram draws: the nodes (constants inside their gates, CS231n style) and the
symbol in each operation's gate (``×3``, ``+1``, ``x²``, ``exp``)."""

from __future__ import annotations

from ..autodiff import TraceData
from ..graph import NodeKind, Tape
from ..graph.labels import shown_text
from ..names import pretty_name, superscript
from ..ops import OPS

__all__ = ["gate_text", "node_gate", "absorbed", "drawn_nodes"]


def node_gate(data: TraceData, node: int, inside: bool = True) -> str:
    """The gate of a drawn operation: a collapsed equation has none (its box shows its
    expression); any other as ``gate_text``."""
    composite = data.composites.get(data.tape.names[node])
    if composite is not None and composite.kind == "equation":
        return ""
    return gate_text(data.tape, node, inside)


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
    ``+1``, ``−1``, ``1−y``, ``÷2``, ``1/p``, ``x²``, ``exp`` for eˣ, ``2ˣ``,
    ``max(z, 0)``). The operand is written by its own name (a short one; ``·`` for a longer),
    never a placeholder ``x`` that would read as an input called x."""
    op = tape.ops[node]
    if tape.abstract[node]:
        return pretty_name(op)
    const = absorbed(tape, node) if inside else None
    if const is None:
        return OPS[op].label
    c = shown_text(tape, const)
    first = tape.args[node][0] == const
    operand = next(a for a in tape.args[node] if a != const)
    x = shown_text(tape, operand)
    x = x if len(x) <= _SHORT_OPERAND else "·"
    if op in ("add", "mul"):
        return f"{OPS[op].label}{c}"
    if op == "sub":
        return f"{c}−{x}" if first else f"−{c}"
    if op == "div":
        return f"{c}/{x}" if first else f"÷{c}"
    if op == "pow":
        if first:
            return "exp" if tape.texts[const] == "e" else f"{c}{_raised(x)}"
        return f"{x}{superscript(tape.texts[const]) or '^' + c}"
    shown = [x if a != const else c for a in tape.args[node]]
    return OPS[op].template.format(*shown)


_SHORT_OPERAND = 3
"""An operand's name this short is written in its gate; a longer one is ``·``."""


def _raised(name: str) -> str:
    """``2`` raised to a name, as a superscript where one exists (``2ˣ``), else ``^x``."""
    raised = name.translate(_SUPERSCRIPT_LETTERS)
    return raised if all(ch in _SUPERSCRIPT_LETTERS_SET for ch in raised) else f"^{name}"


_SUPERSCRIPT_LETTERS = str.maketrans("xyzabnt·", "ˣʸᶻᵃᵇⁿᵗ˙")
_SUPERSCRIPT_LETTERS_SET = frozenset("ˣʸᶻᵃᵇⁿᵗ˙")


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
