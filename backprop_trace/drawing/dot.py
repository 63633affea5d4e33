"""DOT sources. ``layout_source``: what the layout engine places — fixed-size boxes and the
edges between them, no text at all. ``dot_source``: a frame as a self-contained Graphviz
document (node tables, edge labels, the caption) for users' own Graphviz tools; all
user-derived text reaches it through ``html()``."""

from __future__ import annotations

from html import escape

import graphviz

from ..autodiff.result import TraceData
from ..errors import OptionError
from ..graph import NodeKind
from ..names import pretty_name
from ..ops import OPS
from ..printing.captions import contribution_label, header_line, local_label, value_line
from . import style
from .boxes import Boxes
from .style import Theme
from .views import FrameView

__all__ = ["html", "dot_source", "layout_source", "node_id", "label_id", "forward_edge_id",
           "backward_edge_id", "check_rankdir"]


def html(text: str) -> str:
    """The one way text enters a DOT HTML-like label: &, <, >, quotes escaped."""
    return escape(text, quote=True)


def node_id(node: int) -> str:
    return f"n{node}"


def label_id(via: int, position: int) -> str:
    return f"l{via}_{position}"


def forward_edge_id(via: int, position: int) -> str:
    return f"f{via}_{position}"


def backward_edge_id(step_index: int) -> str:
    return f"b{step_index}"


def check_rankdir(rankdir: str) -> str:
    if rankdir not in style.RANKDIRS:
        raise OptionError(f"unknown rankdir {rankdir!r} (must be one of {list(style.RANKDIRS)})")
    return rankdir


def layout_source(data: TraceData, boxes: Boxes, large: bool = False) -> str:
    """Boxes of the measured sizes (in inches) and edges; an edge that carries gradient runs
    through its label block, entering and leaving it at the middle of opposite sides, so the
    wire crosses the block straight between the text above and below it."""
    rankdir = check_rankdir(boxes.rankdir)
    enter, leave = ("w", "e") if rankdir == "LR" else ("n", "s")
    lines = [f"digraph layout {{rankdir={rankdir} nodesep={style.GRAPH_ATTRIBUTES['nodesep']} "
             f"ranksep={style.LAYOUT_RANKSEP} ordering=in",
             'node [shape=box fixedsize=true label=""]', "edge [arrowhead=none]"]
    if large:
        lines.append(" ".join(f"{k}={v}" for k, v in style.LARGE_GRAPH_ATTRIBUTES.items()))
    for box in boxes.nodes:
        lines.append(f"{node_id(box.node)} [width={box.width / 72:.4f} "
                     f"height={box.height / 72:.4f}]")
    for v, node_args in enumerate(data.tape.args):
        for position, a in enumerate(node_args):
            block = boxes.labels.get((v, position))
            if block is None:
                lines.append(f"{node_id(a)} -> {node_id(v)}")
                continue
            lid = label_id(v, position)
            lines.append(f"{lid} [width={block.width / 72:.4f} height={block.height / 72:.4f}]")
            lines.append(f"{node_id(a)} -> {lid} [headport={enter}]")
            lines.append(f"{lid} -> {node_id(v)} [tailport={leave}]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_source(data: TraceData, view: FrameView, theme: Theme, rankdir: str = "LR",
               large: bool = False) -> str:
    """The DOT of one frame. ``large`` caps Graphviz's crossing-minimisation effort."""
    check_rankdir(rankdir)
    tape = data.tape
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
    for i, node in enumerate(tape.names):
        g.node(node_id(i), label=_node_label(data, node, view, theme), id=node_id(i))
    step_of = {(s.via, s.position): s for s in data.steps if not s.is_seed}
    width = f"{style.EDGE_WIDTH:g}"
    edge_font = style.EDGE_FONT_SIZE
    for v, via in enumerate(tape.names):
        for position, a in enumerate(tape.args[v]):
            edge = forward_edge_id(v, position)
            step = step_of.get((via, position))
            if step is None:
                g.edge(node_id(a), node_id(v), id=edge, color=theme.muted)
                continue
            label = f"<<FONT POINT-SIZE=\"{edge_font}\">{html(local_label(data, step))}</FONT>>"
            g.edge(node_id(a), node_id(v), id=edge, label=label, penwidth=width)
            if step.index in view.shown:
                back = html(contribution_label(data, step))
                g.edge(node_id(a), node_id(v), id=backward_edge_id(step.index),
                       dir="back", style="dashed", color=theme.backward,
                       fontcolor=theme.backward, penwidth=width,
                       label=f"<<FONT POINT-SIZE=\"{edge_font}\">{back}</FONT>>")
    return g.source


def _node_label(data: TraceData, node: str, view: FrameView, theme: Theme) -> str:
    tape = data.tape
    i = tape.index[node]
    kind = tape.kinds[i]
    if kind is NodeKind.CONST:
        return (f'<<TABLE BORDER="1" CELLBORDER="0" CELLPADDING="3" STYLE="ROUNDED" '
                f'COLOR="{theme.muted}" BGCOLOR="{theme.const_fill}"><TR><TD>'
                f'{html(pretty_name(tape.texts[i]))}</TD></TR></TABLE>>')
    name, expression = header_line(data, node)
    rows = [f'<B>{html(name)}</B>{html(expression)}']
    value = value_line(data, node)
    if value is not None:
        rows.append(f'<FONT COLOR="{theme.forward}">{html(value)}</FONT>')
    if node in view.gradients:
        colour = theme.pending if node in view.pending else theme.backward
        rows.append(f'<FONT COLOR="{colour}">{html(view.gradients[node])}</FONT>')
    current = node in view.current_nodes
    fill = theme.highlight_fill if current else theme.node_fill
    border = theme.highlight_border if current else theme.node_border
    width = (style.HIGHLIGHT_WIDTH if current else
             style.OUTPUT_BORDER_WIDTH if node == data.output else 1)
    cells = [f'<TD ALIGN="LEFT" BALIGN="LEFT">{row}</TD>' for row in rows]
    if kind is NodeKind.OPERATION:
        gate = pretty_name(tape.ops[i]) if tape.abstract[i] else OPS[tape.ops[i]].label
        cells[0] = (f'<TD ROWSPAN="{len(rows)}" BGCOLOR="{theme.gate_fill}">'
                    f'<FONT POINT-SIZE="{style.GATE_FONT_SIZE}">{html(gate)}</FONT></TD>'
                    + cells[0])
    body = "".join(f"<TR>{c}</TR>" for c in cells)
    return (f'<<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" '
            f'STYLE="ROUNDED" COLOR="{border}" BGCOLOR="{fill}">{body}</TABLE>>')
