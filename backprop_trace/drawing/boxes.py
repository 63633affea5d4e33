"""What each box of a frame holds and how big it is, measured with the bundled font: a node
box (gate, name = expression, value, gradient) and, on every edge that carries gradient, a
label block (the local partial above the wire, the gradient passed back below it, CS231n
style). Sizes are fixed for the whole trace — each box as wide as its widest text in any
frame — so the layout engine only places boxes and routes edges, and nothing moves.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..autodiff.result import TraceData
from ..graph import NodeKind
from ..names import pretty_name
from ..ops import OPS
from ..printing.captions import contribution_label, header_line, local_label, value_line
from . import style
from .metrics import text_width
from .views import FrameView

__all__ = ["NodeBox", "LabelBlock", "Boxes", "measure", "backward_mark"]


@dataclass(frozen=True)
class NodeBox:
    """A node's box: ``gate`` (empty for inputs and constants), the bold ``name`` and the
    rest of its header line, whether it shows a value and a gradient, and its size (pt)."""

    node: int
    kind: NodeKind
    gate: str
    name: str
    expression: str
    value: str | None
    has_gradient: bool
    gate_width: float
    width: float
    height: float


@dataclass(frozen=True)
class LabelBlock:
    """The label on the wire of edge ``via``/``position``: the local partial above, the
    gradient passed back below (``step`` is the step that passes it)."""

    via: int
    position: int
    step: int
    local: str
    width: float
    height: float


@dataclass(frozen=True)
class Boxes:
    nodes: tuple[NodeBox, ...]
    labels: dict[tuple[int, int], LabelBlock]
    rankdir: str


def backward_mark(rankdir: str) -> str:
    """The arrow before a gradient passed back: it flows against the forward direction."""
    return "← " if rankdir == "LR" else "↑ "


def measure(data: TraceData, master: FrameView, rankdir: str) -> Boxes:
    """Every box at its widest (``master`` holds each node's widest gradient line)."""
    tape = data.tape
    pad, line = style.NODE_PADDING, style.LINE_HEIGHT * style.FONT_SIZE
    nodes = []
    for i, name in enumerate(tape.names):
        kind = tape.kinds[i]
        if kind is NodeKind.CONST:
            text = pretty_name(tape.texts[i])
            width = text_width(text, style.FONT_SIZE) + 2 * style.CONST_PADDING
            nodes.append(NodeBox(i, kind, "", text, "", None, False, 0.0, width,
                                 line + 2 * style.CONST_PADDING))
            continue
        shown, expression = header_line(data, name)
        value = value_line(data, name)
        widths = [text_width(shown, style.FONT_SIZE, bold=True)
                  + text_width(expression, style.FONT_SIZE)]
        if value is not None:
            widths.append(text_width(value, style.FONT_SIZE))
        gradient = master.gradients.get(name)
        if gradient is not None:
            widths.append(text_width(gradient, style.FONT_SIZE))
        gate, gate_width = "", 0.0
        if kind is NodeKind.OPERATION:
            gate = pretty_name(tape.ops[i]) if tape.abstract[i] else OPS[tape.ops[i]].label
            gate_width = text_width(gate, style.GATE_FONT_SIZE) + 2 * style.GATE_PADDING
        rows = len(widths)
        nodes.append(NodeBox(i, kind, gate, shown, expression, value, gradient is not None,
                             gate_width, gate_width + max(widths) + 2 * pad,
                             rows * line + 2 * pad))
    labels = {}
    edge_line = style.LINE_HEIGHT * style.EDGE_FONT_SIZE
    mark = backward_mark(rankdir)
    for step in data.steps[1:]:
        assert step.via is not None and step.position is not None
        local = local_label(data, step)
        back = mark + contribution_label(data, step)
        wide = max(text_width(local, style.EDGE_FONT_SIZE),
                   text_width(back, style.EDGE_FONT_SIZE))
        via = tape.index[step.via]
        if rankdir == "LR":  # the wire runs through the middle: one line above, one below
            width, height = wide + 2 * style.LABEL_PADDING, 2 * edge_line + style.WIRE_GAP
        else:  # the wire runs down the middle: both lines on its right
            width, height = 2 * (wide + style.WIRE_GAP), 2 * edge_line + style.LABEL_PADDING
        labels[(via, step.position)] = LabelBlock(via, step.position, step.index, local,
                                                  width, height)
    return Boxes(tuple(nodes), labels, rankdir)
