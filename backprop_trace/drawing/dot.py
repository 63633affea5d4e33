"""DOT sources. ``layout_source``: what the layout engine places — fixed-size boxes and the
edges between them, no text at all. ``dot_source``: a frame as a self-contained Graphviz
document (node tables, edge labels, the caption) for users' own Graphviz tools; all
user-derived text reaches it through ``html()``."""

from __future__ import annotations

from collections.abc import Collection
from html import escape

import graphviz

from ..describe import Description
from ..errors import OptionError
from ..graph import NodeKind, Tape
from ..names import pretty_name
from ..ops import OPS
from ..printing.captions import contribution_label, header_line, local_label, value_line
from . import style
from .boxes import Boxes, backward_mark
from .gates import drawn_nodes, gate_text
from .style import Theme
from .views import FrameView

__all__ = ["html", "dot_source", "layout_source", "node_id", "label_id", "forward_edge_id",
           "check_rankdir", "first_layer_inputs"]


def html(text: str) -> str:
    """The one way text enters a DOT HTML-like label: &, <, >, quotes escaped."""
    return escape(text, quote=True)


def node_id(node: int) -> str:
    return f"n{node}"


def label_id(via: int, position: int) -> str:
    return f"l{via}_{position}"


def forward_edge_id(via: int, position: int) -> str:
    return f"f{via}_{position}"


def check_rankdir(rankdir: str, choices: tuple[str, ...] = style.RANKDIRS) -> str:
    if rankdir not in choices:
        raise OptionError(f"unknown rankdir {rankdir!r} (must be one of {list(choices)})")
    return rankdir


def layout_source(desc: Description, boxes: Boxes, large: bool = False,
                  layered: bool = True) -> str:
    """Boxes of the measured sizes (in inches) and edges; an edge that carries gradient runs
    through its label block, entering and leaving it at the middle of opposite sides, so the
    wire crosses the block straight between the text above and below it. ``layered`` puts
    the first layer's inputs in the first rank (it makes the layout of a graph too large to
    read several times slower: 16 s instead of 4 at 1,286 nodes)."""
    rankdir = check_rankdir(boxes.rankdir)
    enter, leave = ("w", "e") if rankdir == "LR" else ("n", "s")
    lines = [f"digraph layout {{rankdir={rankdir} nodesep={style.GRAPH_ATTRIBUTES['nodesep']} "
             f"ranksep={style.LAYOUT_RANKSEP} ordering=in",
             'node [shape=box fixedsize=true label=""]', "edge [arrowhead=none]"]
    if large:
        lines.append(" ".join(f"{k}={v}" for k, v in style.LARGE_GRAPH_ATTRIBUTES.items()))
    for box in boxes.nodes.values():
        lines.append(f"{node_id(box.node)} [width={box.width / 72:.4f} "
                     f"height={box.height / 72:.4f}]")
    inputs = [node_id(i) for i in first_layer_inputs(desc.data.tape, boxes.nodes)] \
        if layered else []
    if len(inputs) > 1:  # the inputs side by side in the first rank, as textbooks draw them
        lines.append(f"{{rank=min {' '.join(inputs)}}}")
    for v, position, a in boxes.edges:
        block = boxes.labels.get((v, position))
        if block is None:
            lines.append(f"{node_id(a)} -> {node_id(v)}")
            continue
        lid = label_id(v, position)
        lines.append(f"{lid} [width={block.width / 72:.4f} height={block.height / 72:.4f}]")
        lines.append(f"{node_id(a)} -> {lid} [headport={enter}]")
        lines.append(f"{lid} -> {node_id(v)} [tailport={leave} weight=2]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def first_layer_inputs(tape: Tape, drawn: Collection[int]) -> list[int]:
    """The drawn inputs used before any activation (a one-argument function such as tanh or
    exp): those go in the first rank. A later layer's weights (used after an activation) stay
    beside the layer that uses them, so a network reads layer by layer."""
    layer = [0] * len(tape)
    operations = tape.operation_nodes.tolist()
    for v in operations:
        layer[v] = max((layer[a] + _activation(tape, a) for a in tape.args[v]), default=0)
    first = {a for v in operations if layer[v] == 0 for a in tape.args[v]}
    return [i for i in drawn if tape.kinds[i] is NodeKind.INPUT and i in first]


def _activation(tape: Tape, node: int) -> int:
    op = tape.ops[node]
    return int(tape.kinds[node] is NodeKind.OPERATION and not tape.abstract[node]
               and OPS[op].arity == 1 and op not in ("neg", "id"))


def dot_source(desc: Description, view: FrameView, theme: Theme, rankdir: str = "LR",
               large: bool = False, constants: str = "gate") -> str:
    """The DOT of one frame. ``large`` caps Graphviz's crossing-minimisation effort;
    ``constants`` is where constants are drawn (in their gates or as nodes)."""
    check_rankdir(rankdir)
    tape = desc.data.tape
    drawn = drawn_nodes(tape, constants == "gate")
    g = graphviz.Digraph("backprop")
    g.attr(rankdir=rankdir, bgcolor=theme.background, fontname=theme.font,
           fontcolor=theme.text, fontsize=str(style.FONT_SIZE), labelloc="b",
           nodesep=style.GRAPH_ATTRIBUTES["nodesep"], ranksep=style.GRAPH_ATTRIBUTES["ranksep"],
           label=f"<{html(view.caption)}>", pad=style.GRAPH_ATTRIBUTES["pad"],
           ordering="in")  # arguments top to bottom in the order of the formula
    if large:
        g.attr(**style.LARGE_GRAPH_ATTRIBUTES)
    g.attr("node", shape="plain", fontname=theme.font, fontcolor=theme.text)
    g.attr("edge", fontname=theme.font, fontcolor=theme.text,
           arrowsize=str(style.EDGE_ARROW_SIZE), color=theme.edge)
    for i in drawn:
        g.node(node_id(i), label=_node_label(desc, i, view, theme, constants), id=node_id(i))
    shown = set(drawn)
    step_of = {(s.via, s.position): s for s in desc.steps if not s.is_seed}
    width = f"{style.EDGE_WIDTH:g}"
    edge_font = style.EDGE_FONT_SIZE
    for v in drawn:
        via = tape.names[v]
        for position, a in enumerate(tape.args[v]):
            if a not in shown:
                continue
            edge = forward_edge_id(v, position)
            step = step_of.get((via, position))
            if step is None:
                g.edge(node_id(a), node_id(v), id=edge, color=theme.muted)
                continue
            label = f'<FONT POINT-SIZE="{edge_font}">{html(local_label(step))}</FONT>'
            if step.index in view.shown:  # the gradient passed back, under the wire's label
                back = html(backward_mark(rankdir) + contribution_label(step))
                label += (f'<BR/><FONT POINT-SIZE="{edge_font}" COLOR="{theme.backward}">'
                          f'{back}</FONT>')
            g.edge(node_id(a), node_id(v), id=edge, label=f"<{label}>", penwidth=width)
    return g.source


def _node_label(desc: Description, i: int, view: FrameView, theme: Theme,
                constants: str) -> str:
    tape = desc.data.tape
    node = tape.names[i]
    kind = tape.kinds[i]
    if kind is NodeKind.CONST:
        return (f'<<TABLE BORDER="1" CELLBORDER="0" CELLPADDING="3" STYLE="ROUNDED" '
                f'COLOR="{theme.muted}" BGCOLOR="{theme.const_fill}"><TR><TD>'
                f'{html(pretty_name(tape.texts[i]))}</TD></TR></TABLE>>')
    name, expression = header_line(desc, node)
    rows = [f'<B>{html(name)}</B>{html(expression)}']
    value = value_line(desc, node)
    if value is not None:
        rows.append(f'<FONT COLOR="{theme.forward}">{html(value)}</FONT>')
    if node in view.gradients:
        colour = theme.pending if node in view.pending else theme.backward
        rows.append(f'<FONT COLOR="{colour}">{html(view.gradients[node])}</FONT>')
    current = node in view.current_nodes
    fill = theme.highlight_fill if current else theme.node_fill
    border = theme.highlight_border if current else theme.node_border
    width = (style.HIGHLIGHT_WIDTH if current else
             style.OUTPUT_BORDER_WIDTH if node == desc.output else 1)
    cells = [f'<TD ALIGN="LEFT" BALIGN="LEFT">{row}</TD>' for row in rows]
    if kind is NodeKind.OPERATION:
        gate = gate_text(tape, i, constants == "gate")
        cells[0] = (f'<TD ROWSPAN="{len(rows)}" BGCOLOR="{theme.gate_fill}">'
                    f'<FONT POINT-SIZE="{style.GATE_FONT_SIZE}">{html(gate)}</FONT></TD>'
                    + cells[0])
    body = "".join(f"<TR>{c}</TR>" for c in cells)
    return (f'<<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" '
            f'STYLE="ROUNDED" COLOR="{border}" BGCOLOR="{fill}">{body}</TABLE>>')
