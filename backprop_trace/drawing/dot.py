"""DOT sources. ``layout_source``: what the layout engine places — fixed-size boxes and the
edges between them, no text at all. ``dot_source``: a frame as a self-contained Graphviz
document (node tables, edge labels, the caption) for users' own Graphviz tools; all
user-derived text reaches it through ``html()``."""

from __future__ import annotations

import random
from html import escape
from typing import Final

import graphviz

from ..describe import Description
from ..errors import OptionError
from ..graph import NodeKind
from ..names import pretty_name
from ..printing.captions import contribution_label, header_line, local_label, value_line
from . import style
from .boxes import Boxes, backward_mark
from .gates import drawn_nodes, node_gate
from .style import Theme
from .views import FrameView

__all__ = ["html", "dot_source", "layout_source", "node_id", "label_id", "forward_edge_id",
           "check_rankdir", "ORDERINGS"]


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


ORDERINGS: Final = ("in", "free")
"""An operation's arguments in the order of its formula ("in"), or in whatever order crosses
fewest wires ("free")."""


def layout_source(desc: Description, boxes: Boxes, large: bool = False,
                  ordering: str = "in", ranksep: float = style.LAYOUT_RANKSEP,
                  restart: int = 0) -> str:
    """Boxes of the measured sizes (in inches) and edges; an edge that carries gradient runs
    through its label block, a record of PORT_FIELDS fields the wire enters and leaves in
    the field that leaves each text its room. Inputs are placed beside the operation that
    first uses them (a later time step's input beside that step, a target beside the loss),
    as the layout engine does by itself. ``ordering`` is one of ORDERINGS; ``ranksep`` the
    gap between ranks in inches; ``restart`` k > 0 declares the boxes in the k-th seeded
    shuffle of their order (the same layout for the same k on every machine)."""
    rankdir = check_rankdir(boxes.rankdir)
    enter, leave = ("w", "e") if rankdir == "LR" else ("n", "s")
    lines = [f"digraph layout {{rankdir={rankdir} nodesep={style.GRAPH_ATTRIBUTES['nodesep']} "
             f"ranksep={ranksep:g}" + (" ordering=in" if ordering == "in" else ""),
             'node [shape=box fixedsize=true label=""]', "edge [arrowhead=none]"]
    if large:
        lines.append(" ".join(f"{k}={v}" for k, v in style.LARGE_GRAPH_ATTRIBUTES.items()))
    start = len(lines)
    # each node with an empty margin across the wires' way (WIRE_MARGIN): a wire that leaves
    # a box sideways runs that far from the boxes beside it
    margin = 2 * style.WIRE_MARGIN
    across = (0.0, margin) if rankdir == "TB" else (margin, 0.0)
    for box in boxes.nodes.values():
        lines.append(f"{node_id(box.node)} [width={(box.width + across[0]) / 72:.4f} "
                     f"height={(box.height + across[1]) / 72:.4f}]")
    for v, position, a in boxes.edges:
        block = boxes.labels.get((v, position))
        if block is None:
            lines.append(f"{node_id(a)} -> {node_id(v)}")
            continue
        lid = label_id(v, position)
        lines.append(f"{lid} [shape=record label=\"{_FIELDS}\" width={block.width / 72:.4f} "
                     f"height={block.height / 72:.4f}]")
        lines.append(f"{node_id(a)} -> {lid}:p{block.port}:{enter}")
        lines.append(f"{lid}:p{block.port}:{leave} -> {node_id(v)} [weight=2]")
    if restart:  # every box and label block declared first, in a shuffled order
        body = lines[start:]
        declared = [line for line in body if "->" not in line]
        random.Random(restart).shuffle(declared)
        lines[start:] = declared + [line for line in body if "->" in line]
    lines.append("}")
    return "\n".join(lines) + "\n"


_FIELDS: Final = "|".join(f"<p{k}>" for k in range(style.PORT_FIELDS))


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
    gate = node_gate(desc.data, i, constants == "gate") if kind is NodeKind.OPERATION else ""
    if gate:
        cells[0] = (f'<TD ROWSPAN="{len(rows)}" BGCOLOR="{theme.gate_fill}">'
                    f'<FONT POINT-SIZE="{style.GATE_FONT_SIZE}">{html(gate)}</FONT></TD>'
                    + cells[0])
    body = "".join(f"<TR>{c}</TR>" for c in cells)
    return (f'<<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" '
            f'STYLE="ROUNDED" COLOR="{border}" BGCOLOR="{fill}">{body}</TABLE>>')
