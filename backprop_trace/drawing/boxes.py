"""What each box of a frame holds and how big it is, measured with the bundled font: a node
box (gate, name = expression, value, gradient) and, on every edge that carries gradient, a
label block (the local partial above the wire, the gradient passed back below it, CS231n
style). Sizes are fixed for the whole trace — each box as wide as its widest text in any
frame — so the layout engine only places boxes and routes edges, and nothing moves.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..describe import Description
from ..graph import NodeKind
from ..names import pretty_name
from ..printing.captions import contribution_label, header_line, local_label, value_line
from . import style
from .gates import drawn_nodes, node_gate
from .metrics import CJK_RUN, block_width, text_width, wrap_text
from .views import FrameView

__all__ = ["NodeBox", "LabelBlock", "Boxes", "measure", "backward_mark", "forward_mark",
           "wrap_at_equals",
           "gradient_rows", "split_at_port"]


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
    inline_value: bool
    """The value ends the header line (``u₁ = x + y = 3``) instead of a line of its own."""
    has_gradient: bool
    gate_width: float
    width: float
    height: float
    beside: float = 0.0
    """The gradient's column starts this far right of the header's left edge, on the
    header's line (0: the gradient is on lines of its own below)."""
    inset: float = 0.0
    """Extra space left of the text: a name starting with a Chinese or Korean character,
    whose glyphs fill their em and would touch the border."""


@dataclass(frozen=True)
class LabelBlock:
    """The label on the wire of edge ``via``/``position``: the local partial above, the
    gradient passed back below (``step`` is the step that passes it)."""

    via: int
    position: int
    step: int
    local: tuple[str, ...]
    """The local partial's lines (a long one wraps at its ``=`` signs)."""
    width: float
    height: float
    port: int = 0
    """The wire crosses the block in the middle of field ``port`` of its PORT_FIELDS equal
    fields (left to right in TB, top to bottom in LR), so the local partial and the gradient
    each get the room they need, not the wider one's twice."""
    vertical: bool = False
    """The wire runs down through the block (TB), not across it (LR)."""

    @property
    def wire_offset(self) -> float:
        """Where the wire crosses the block, from its left (TB) or top (LR) side."""
        across = self.width if self.vertical else self.height
        return (self.port + 0.5) * across / style.PORT_FIELDS


@dataclass(frozen=True)
class Boxes:
    """The drawn nodes' boxes by node, the label blocks by (via, position), and the drawn
    edges as (via, position, argument) in forward order."""

    nodes: dict[int, NodeBox]
    labels: dict[tuple[int, int], LabelBlock]
    edges: tuple[tuple[int, int, int], ...]
    rankdir: str


def backward_mark(rankdir: str) -> str:
    """The arrow before a gradient passed back: it flows against the forward direction (a
    thin space after it: wide spaces make a rank of labels wider)."""
    return "←\u2009" if rankdir == "LR" else "↑\u2009"


def forward_mark(rankdir: str) -> str:
    """The arrow before what forward mode passes along a wire: with the forward direction."""
    return "→\u2009" if rankdir == "LR" else "↓\u2009"


def measure(desc: Description, master: FrameView, rankdir: str, constants: str = "gate",
            wrap: bool = False, beside: bool = False) -> Boxes:
    """Every drawn box at its widest (``master`` holds each node's widest gradient line);
    ``constants="gate"`` draws constants inside their gates, not as nodes; ``wrap`` breaks
    long local partials into lines; ``beside`` puts a node's gradient beside its header
    line, not under it, top to bottom (lower boxes, for long chains)."""
    tape = desc.data.tape
    pad, line = style.NODE_PADDING, style.LINE_HEIGHT * style.FONT_SIZE
    nodes = {}
    drawn = drawn_nodes(tape, constants == "gate")
    for i in drawn:
        name, kind = tape.names[i], tape.kinds[i]
        if kind is NodeKind.CONST:
            text = pretty_name(tape.texts[i])
            width = text_width(text, style.FONT_SIZE) + 2 * style.CONST_PADDING
            nodes[i] = NodeBox(i, kind, "", text, "", None, False, False, 0.0, width,
                               line + 2 * style.CONST_PADDING)
            continue
        shown, expression = header_line(desc, name)
        value = value_line(desc, name)
        widths = [text_width(shown, style.FONT_SIZE, bold=True)
                  + text_width(expression, style.FONT_SIZE)]
        rows = 1
        # Top to bottom, height is what a slide runs out of: the value joins the header line.
        inline = rankdir == "TB" and value is not None and "\n" not in value
        if value is not None and inline:
            widths[0] += text_width(f" {value}", style.FONT_SIZE)
        elif value is not None:
            widths.append(block_width(value, style.FONT_SIZE))
            rows += value.count("\n") + 1
        gradient = master.gradients.get(name)
        column = 0.0
        if gradient is not None and beside and rows == 1 and "\n" not in gradient:
            # one line, never wrapped: the column is as wide as the widest line any frame shows
            column = widths[0] + style.COLUMN_GAP * style.FONT_SIZE
            widths[0] = column + text_width(gradient, style.FONT_SIZE)
        elif gradient is not None:
            # every line a frame shows, wrapped as frames wrap it: the box holds the widest
            # row and the most rows of any (a shorter line may wrap into wider rows)
            limit = max(widths)
            wrapped = [gradient_rows(line, limit)
                       for line in master.candidates.get(name, (gradient,))]
            widths.append(max(block_width(t, style.FONT_SIZE) for lines in wrapped
                              for t in lines))
            rows += max(sum(t.count("\n") + 1 for t in lines) for lines in wrapped)
        gate, gate_width = "", 0.0
        if kind is NodeKind.OPERATION:
            gate = node_gate(desc.data, i, constants == "gate")
            gate_width = (text_width(gate, style.GATE_FONT_SIZE) + 2 * style.GATE_PADDING
                          if gate else 0.0)
        inset = style.CJK_INSET if CJK_RUN.match(shown) else 0.0
        nodes[i] = NodeBox(i, kind, gate, shown, expression, value, inline,
                           gradient is not None, gate_width,
                           gate_width + inset + max(widths) + 2 * pad, rows * line + 2 * pad,
                           column, inset)
    labels = {}
    edge_line = style.LINE_HEIGHT * style.EDGE_FONT_SIZE
    mark = backward_mark(rankdir)
    for step in desc.steps[1:]:
        assert step.via is not None and step.position is not None
        back = mark + contribution_label(step)
        back_width = text_width(back, style.EDGE_FONT_SIZE)
        via = tape.index[step.via]
        forward = master.pushed.get((via, step.position))  # forward mode's, in its place
        if forward is not None:
            back_width = max(back_width, text_width(forward_mark(rankdir) + forward,
                                                    style.EDGE_FONT_SIZE))
        label = master.wire_labels.get(step.index) or local_label(step)
        local = wrap_at_equals(label, back_width) if wrap else (label,)
        local_width = max(text_width(t, style.EDGE_FONT_SIZE) for t in local)
        wide = max(back_width, local_width)
        if rankdir == "LR":  # the local partial above the wire, the gradient below, centred
            width = wide + 2 * style.LABEL_PADDING
            half = style.WIRE_CLEARANCE / 2
            height, port = split_at_port(len(local) * edge_line + half, edge_line + half)
        else:  # the wire runs down through it: the local partial left of it, the gradient right
            width, port = split_at_port(local_width + style.WIRE_GAP,
                                        back_width + style.WIRE_GAP)
            height = len(local) * edge_line + style.LABEL_PADDING
        labels[(via, step.position)] = LabelBlock(via, step.position, step.index, local,
                                                  width, height, port, rankdir != "LR")
    edges = tuple((v, position, a) for v in drawn for position, a in enumerate(tape.args[v])
                  if a in nodes)
    return Boxes(nodes, labels, edges, rankdir)


def split_at_port(before: float, after: float) -> tuple[float, int]:
    """The smallest length of a block of PORT_FIELDS equal fields, and the field the wire
    crosses it in, that leave ``before`` and ``after`` clear on either side of the wire."""
    n = style.PORT_FIELDS
    best = min(((max(before * n / (j + 0.5), after * n / (n - j - 0.5)), j) for j in range(n)))
    return best


def wrap_at_equals(text: str, width: float) -> tuple[str, ...]:
    """A long local partial as lines: the partial's symbol, then the rest broken before an
    ``=`` where a line would grow wider than ``width`` (or than WRAP_WIDTH ems):
    ``∂h/∂u = 1 − tanh(u)² = 0.4`` → (``∂h/∂u``, ``= 1 − tanh(u)² = 0.4``)."""
    size = style.EDGE_FONT_SIZE
    limit = max(width, style.WRAP_WIDTH * size)
    return tuple(wrap_text(text, limit, size, (" = ",), first_alone=True))


def gradient_rows(text: str, width: float) -> list[str]:
    """A node's gradient line, a long sum broken before its ``+`` signs (and ``=``) into
    lines no wider than ``width`` or GRADIENT_WIDTH ems: the chain rule's Σ over the node's
    users, a term a line."""
    size = style.FONT_SIZE
    if "\n" in text:  # a matrix block: its rows as they are
        return [text]
    return wrap_text(text, max(width, style.GRADIENT_WIDTH * size), size)
