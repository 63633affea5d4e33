"""Frame view → DOT source: node tables (name, gate, expression, value, gradient), edges with
their local partials, dashed backward arrows and the caption. All user-derived text reaches
DOT through ``html()``."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Final

import graphviz

from .captions import contribution_label, header_line, local_label, value_line
from .ops import OPS
from .printing import pretty_name
from .themes import Theme

if TYPE_CHECKING:
    from .frames import FrameView
    from .trace import Trace

__all__ = ["html", "dot_source", "node_id", "forward_edge_id", "backward_edge_id",
           "RANKDIRS"]

RANKDIRS: Final = ("LR", "TB")
_EDGE_FONT_SIZE: Final = 11
_GATE_FONT_SIZE: Final = 18


def html(text: str) -> str:
    """The one way text enters a DOT HTML-like label: &, <, >, quotes escaped."""
    return escape(text, quote=True)


def node_id(t: Trace, node: str) -> str:
    return f"n{t.graph.nodes[node]['order']}"


def forward_edge_id(t: Trace, via: str, position: int) -> str:
    return f"f{t.graph.nodes[via]['order']}_{position}"


def backward_edge_id(step_index: int) -> str:
    return f"b{step_index}"


def dot_source(t: Trace, view: FrameView, theme: Theme, rankdir: str = "LR",
               large: bool = False) -> str:
    """The DOT of one frame. ``large`` caps Graphviz's crossing-minimisation effort."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"unknown rankdir {rankdir!r} (must be one of {list(RANKDIRS)})")
    g = graphviz.Digraph("backprop")
    g.attr(rankdir=rankdir, bgcolor=theme.background, fontname=theme.font,
           fontcolor=theme.text, fontsize="14", labelloc="b", nodesep="0.35", ranksep="0.7",
           label=f"<{html(view.caption)}>", pad="0.2",
           ordering="in")  # arguments top to bottom in the order of the formula
    if large:
        g.attr(mclimit="0.2", nslimit="2", nslimit1="2", searchsize="10", remincross="false")
    g.attr("node", shape="plain", fontname=theme.font, fontcolor=theme.text)
    g.attr("edge", fontname=theme.font, fontcolor=theme.text, arrowsize="0.7", color=theme.edge)
    for node in t.graph.graph["order"]:
        g.node(node_id(t, node), label=_node_label(t, node, view, theme),
               id=node_id(t, node))
    step_of = {(s.via, s.position): s for s in t.steps if not s.is_seed}
    for via in t.graph.graph["order"]:
        for position, arg in enumerate(t.graph.nodes[via].get("args", ())):
            edge = forward_edge_id(t, via, position)
            step = step_of.get((via, position))
            if step is None:
                g.edge(node_id(t, arg), node_id(t, via), id=edge, color=theme.muted)
                continue
            label = f"<<FONT POINT-SIZE=\"{_EDGE_FONT_SIZE}\">{html(local_label(step))}</FONT>>"
            g.edge(node_id(t, arg), node_id(t, via), id=edge, label=label, penwidth="1.2")
            if step.index in view.shown:
                back = html(contribution_label(step))
                g.edge(node_id(t, arg), node_id(t, via), id=backward_edge_id(step.index),
                       dir="back", style="dashed", color=theme.backward,
                       fontcolor=theme.backward, penwidth="1.2",
                       label=f"<<FONT POINT-SIZE=\"{_EDGE_FONT_SIZE}\">{back}</FONT>>")
    return g.source


def _node_label(t: Trace, node: str, view: FrameView, theme: Theme) -> str:
    attrs = t.graph.nodes[node]
    if attrs["kind"] == "const":
        return (f'<<TABLE BORDER="1" CELLBORDER="0" CELLPADDING="3" STYLE="ROUNDED" '
                f'COLOR="{theme.muted}" BGCOLOR="{theme.const_fill}"><TR><TD>'
                f'{html(pretty_name(attrs["text"]))}</TD></TR></TABLE>>')
    name, expression = header_line(t, node)
    rows = [f'<B>{html(name)}</B>{html(expression)}']
    value = value_line(t, node)
    if value is not None:
        rows.append(f'<FONT COLOR="{theme.forward}">{html(value)}</FONT>')
    if node in view.gradients:
        colour = theme.pending if node in view.pending else theme.backward
        rows.append(f'<FONT COLOR="{colour}">{html(view.gradients[node])}</FONT>')
    current = node in view.current_nodes
    fill = theme.highlight_fill if current else theme.node_fill
    border = theme.highlight_border if current else theme.node_border
    width = 3 if current else (2 if node == t.output else 1)
    cells = [f'<TD ALIGN="LEFT" BALIGN="LEFT">{row}</TD>' for row in rows]
    if attrs["kind"] == "op":
        gate = pretty_name(attrs["op"]) if attrs["abstract"] else OPS[attrs["op"]].label
        cells[0] = (f'<TD ROWSPAN="{len(rows)}" BGCOLOR="{theme.gate_fill}">'
                    f'<FONT POINT-SIZE="{_GATE_FONT_SIZE}">{html(gate)}</FONT></TD>' + cells[0])
    body = "".join(f"<TR>{c}</TR>" for c in cells)
    return (f'<<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" '
            f'STYLE="ROUNDED" COLOR="{border}" BGCOLOR="{fill}">{body}</TABLE>>')
