"""Frames as SVG, drawn from the one layout: every box, wire, arrowhead and text is ours, at
the positions the layout engine gave, so frames are identical on every machine and nothing
moves between them. A frame is a list of pieces in fixed positions — head, caption, one
piece per edge and per node group, tail — and a frame after a step redraws only the groups
the step changed (the HTML player stores frames as these differences).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from html import escape
from typing import Final

from ..describe import Description
from ..graph import NodeKind
from ..printing.captions import contribution_label
from . import style
from .boxes import Boxes, LabelBlock, NodeBox, backward_mark, forward_mark, gradient_rows
from .dot import forward_edge_id, label_id, node_id
from .layout import Layout
from .metrics import CELL_GAP, CJK_FAMILY, CJK_RUN, block_columns, text_width, wrap_text
from .style import ASPECTS, SCREEN, Theme
from .views import FrameView

__all__ = ["FrameDrawer", "slide_size", "projected_scale", "caption_lines"]

Point = tuple[float, float]
_OPEN: Final = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                '<svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" '
                'font-family="{font}" font-size="{fs}" width="{pw}" height="{ph}" '
                'viewBox="0 0 {w} {h}">\n')
"""The frame's root; its first child is a ``<title>``, the caption, for screen readers."""
_HEAD: Final = ("<style>text{{white-space:pre}}</style>\n"
                '<rect width="{w}" height="{h}" fill="{background}"/>\n'
                '<text class="caption" text-anchor="middle" x="{cx}" y="{cy}" '
                'font-size="{fs}" fill="{colour}">')


def _n(v: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros, never -0."""
    text = f"{v:.2f}"
    if text[-1] != "0":
        return text
    text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_TWO_ZEROS: Final = re.compile(r"\.00(?!\d)")
_LAST_ZERO: Final = re.compile(r"(\.\d)0(?!\d)")
_MINUS_ZERO: Final = re.compile(r"(?<![\d.])-0(?![\d.])")


def _coordinates(points: list[Point]) -> str:
    """``x,y x,y …`` as ``_n`` writes each number, in one pass over the whole text."""
    text = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
    return _MINUS_ZERO.sub("0", _LAST_ZERO.sub(r"\1", _TWO_ZEROS.sub("", text)))


def _text(text: str) -> str:
    """Text as SVG character data, subscripts enlarged (style.SUBSCRIPT_SCALE), Chinese and
    Korean set in the CJK font by name (PDF frames and every browser then draw them in it,
    not only renderers that fall back from font to font)."""
    text = _SUBSCRIPT_RUN.sub(_SUBSCRIPT_TSPAN, escape(text, quote=False))
    return CJK_RUN.sub(_CJK_TSPAN, text) if not text.isascii() else text


_CJK_TSPAN: Final = f'<tspan font-family="{CJK_FAMILY}">\\g<0></tspan>'
_SUBSCRIPT_RUN: Final = re.compile(f"[{style.SUBSCRIPTS}]+")
_SUBSCRIPT_TSPAN: Final = (f'<tspan font-size="{style.SUBSCRIPT_SCALE:.0%}" '
                           f'baseline-shift="{-style.SUBSCRIPT_DROP:g}em">'
                           '\\g<0></tspan>')


def caption_lines(caption: str, width: float) -> list[str]:
    """A caption as lines no wider than ``width`` where it can be broken: before an ``=`` or
    a ``+`` outside brackets."""
    return wrap_text(caption, width, style.FONT_SIZE)


def caption_width(layout: Layout) -> float:
    """How wide a caption line may run: the drawing's width, or CAPTION_WIDTH ems."""
    return max(layout.width, style.CAPTION_WIDTH * style.FONT_SIZE)


def slide_size(layout: Layout, captions: Sequence[str],
               aspect: str = "16:9") -> tuple[float, float]:
    """A frame's width and height (pt): the layout, the captions' lines below it and a
    margin, widened or heightened to the slide's aspect ratio (``"fit"``: no padding)."""
    margin, size = style.MARGIN, style.FONT_SIZE
    limit = caption_width(layout)
    wrapped = [caption_lines(c, limit) for c in dict.fromkeys(captions)]
    rows = max(map(len, wrapped))
    widest = max(text_width(line, size) for lines in wrapped for line in lines)
    width = max(layout.width, widest) + 2 * margin
    height = layout.height + 2 * margin + style.CAPTION_GAP + rows * style.LINE_HEIGHT * size
    ratio = ASPECTS[aspect]
    if ratio is None:
        return width, height
    return max(width, height * ratio), max(height, width / ratio)


def projected_scale(size: tuple[float, float]) -> float:
    """How much a frame of this size is magnified when shown full-screen at 1920×1080
    (1 pt of the frame = this many screen pixels)."""
    return min(SCREEN[0] / size[0], SCREEN[1] / size[1])


class FrameDrawer:
    """Draws any frame view of one trace in one theme and direction."""

    def __init__(self, desc: Description, boxes: Boxes, layout: Layout, theme: Theme,
                 captions: Sequence[str], aspect: str = "16:9", conceal: bool = False) -> None:
        self.desc, self.boxes, self.layout, self.theme = desc, boxes, layout, theme
        # an exercise sheet leaves out what each wire passes back rather than hiding it:
        # its answers would be in the file for anyone to read
        self.conceal = conceal
        data = desc.data
        size, line = style.FONT_SIZE, style.LINE_HEIGHT * style.FONT_SIZE
        self.width, self.height = slide_size(layout, captions, aspect)
        self.caption_width = caption_width(layout)
        rows = max(len(caption_lines(c, self.caption_width)) for c in dict.fromkeys(captions))
        # the drawing and its caption centred on the slide
        drawing_height = layout.height + style.CAPTION_GAP + rows * line
        self.dx = (self.width - layout.width) / 2
        self.dy = (self.height - drawing_height) / 2
        self.caption_x = self.width / 2
        self.caption_y = self.dy + layout.height + style.CAPTION_GAP \
            + (style.LINE_HEIGHT - 1) / 2 * size + 0.8 * size  # the first line's baseline
        # sizes in CSS pixels of the points the layout is in (1 pt = 4/3 px), as Graphviz's
        self.open = _OPEN.format(font=theme.font, w=_n(self.width), h=_n(self.height),
                                 pw=_n(self.width * 4 / 3), ph=_n(self.height * 4 / 3), fs=size)
        self.head = _HEAD.format(w=_n(self.width), h=_n(self.height),
                                 background=theme.background, cx=_n(self.caption_x),
                                 cy=_n(self.caption_y), fs=size, colour=theme.text)
        tape = data.tape
        self.group_ids = [forward_edge_id(v, position) for v, position, _ in boxes.edges]
        self.group_ids += [node_id(i) for i in sorted(boxes.nodes)]
        self._index = {gid: k + 4 for k, gid in enumerate(self.group_ids)}
        self._step_of_edge = {(tape.index[s.via], s.position): s for s in desc.steps
                              if s.via is not None}
        self.tape = tape
        self._cache: dict[tuple[object, ...], str] = {}
        self._wires: dict[tuple[int, int], tuple[str, str]] = {}
        self._statics: dict[str, tuple[str, str, float]] = {}
        self._label_texts: dict[tuple[int, int], tuple[str, str]] = {}

    # -- frames ---------------------------------------------------------------------------

    def frame(self, view: FrameView) -> str:
        return "".join(self.parts(view))

    def parts(self, view: FrameView) -> list[str]:
        parts = [self._title(view.caption), self.head, self._caption(view.caption),
                 "</text>\n"]
        parts += [self._group(gid, view) for gid in self.group_ids]
        parts.append("</svg>\n")
        return parts

    def all_parts(self, views: list[FrameView]) -> Iterator[list[str]]:
        """``parts`` of every view in order, each made from the previous frame by redoing only
        the groups a step can change. Each yielded list is a fresh copy."""
        parts: list[str] | None = None
        previous: FrameView | None = None
        for view in views:
            if parts is None or previous is None:
                parts = self.parts(view)
            else:
                parts[0] = self._title(view.caption)
                parts[2] = self._caption(view.caption)
                for gid in self._touched(previous, view):
                    parts[self._index[gid]] = self._group(gid, view)
            previous = view
            yield list(parts)

    def _title(self, caption: str) -> str:
        """The root and its title: the caption as plain text (what a screen reader says)."""
        return f"{self.open}<title>{escape(caption, quote=False)}</title>\n"

    def _caption(self, caption: str) -> str:
        """The caption's text; a second line and more close the head's text element and
        open their own, one line below."""
        lines = caption_lines(caption, self.caption_width)
        out = [_text(lines[0])]
        for k, line in enumerate(lines[1:], 1):
            y = self.caption_y + k * style.LINE_HEIGHT * style.FONT_SIZE
            out.append(f'</text>\n<text class="caption" text-anchor="middle" '
                       f'x="{_n(self.caption_x)}" y="{_n(y)}" font-size="{style.FONT_SIZE}" '
                       f'fill="{self.theme.text}">{_text(line)}')
        return "".join(out)

    def _touched(self, before: FrameView, after: FrameView) -> set[str]:
        tape, steps = self.tape, self.desc.steps
        if after.mode != "reverse" or before.mode != "reverse":
            # forward mode's seed sets many lines; a path lights nodes that get none
            at = tape.index
            changed = {node_id(at[n]) for n in after.gradients.keys() | before.gradients.keys()
                       if before.gradients.get(n) != after.gradients.get(n)
                       or (n in before.pending) != (n in after.pending)}
            changed |= {node_id(at[n]) for n in before.current_nodes | after.current_nodes}
            for k in (*before.current, *after.current):
                lit = steps[k]
                changed.add(forward_edge_id(at[lit.via or ""], lit.position or 0))
            changed |= {forward_edge_id(via, position)
                        for (via, position) in before.pushed.keys() | after.pushed.keys()
                        if before.pushed.get((via, position)) != after.pushed.get((via, position))}
            return changed & self._index.keys()
        # a node's gradient line (and whether it is pending) changes only at its own steps,
        # which are ``after.current``
        touched: set[str] = set()
        for index in (*before.current, *after.current):
            step = steps[index]
            touched.add(node_id(tape.index[step.node]))
            if step.via is not None:
                touched.add(forward_edge_id(tape.index[step.via], step.position or 0))
        for index in after.shown - before.shown:
            step = steps[index]
            if step.via is not None:
                touched.add(forward_edge_id(tape.index[step.via], step.position or 0))
        return touched

    def _group(self, gid: str, view: FrameView) -> str:
        if gid[0] == "n":
            box = self.boxes.nodes[int(gid[1:])]
            name = self.tape.names[box.node]
            key: tuple[object, ...] = (gid, view.gradients.get(name), name in view.pending,
                                       name in view.current_nodes, view.mode == "forward")
            if key not in self._cache:
                self._cache[key] = self._node(gid, box, *key[1:])  # type: ignore[arg-type]
            return self._cache[key]
        via, position = (int(p) for p in gid[1:].split("_"))
        step = self._step_of_edge.get((via, position))
        shown = step is not None and step.index in view.shown
        current = step is not None and step.index in view.current
        pushed = view.pushed.get((via, position))
        key = (gid, shown, current, pushed)
        if key not in self._cache:
            self._cache[key] = self._edge(gid, via, position, shown, current, pushed)
        return self._cache[key]

    # -- nodes ----------------------------------------------------------------------------

    def _node(self, gid: str, box: NodeBox, gradient: str | None, pending: bool,
              current: bool, tangent: bool = False) -> str:
        theme = self.theme
        cx, cy = self.layout.centres[gid]
        x0, y0 = cx - box.width / 2 + self.dx, cy - box.height / 2 + self.dy
        r = style.CORNER_RADIUS
        out = [f'<g id="{gid}" class="node">\n']
        if box.kind is NodeKind.CONST:
            out.append(f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(box.width)}" '
                       f'height="{_n(box.height)}" rx="{r}" fill="{theme.const_fill}" '
                       f'stroke="{theme.muted}"/>\n')
            out.append(self._line(box.name, cx + self.dx, y0 + style.CONST_PADDING,
                                  theme.text, anchor="middle"))
            out.append("</g>\n")
            return "".join(out)
        data = box.kind is NodeKind.INPUT and not box.has_gradient  # not differentiated
        fill = theme.highlight_fill if current else theme.const_fill if data else theme.node_fill
        border = theme.highlight_border if current else theme.muted if data else \
            theme.node_border
        width = (style.HIGHLIGHT_WIDTH if current else
                 style.OUTPUT_BORDER_WIDTH if box.node == self.tape.output else 1)
        rect = f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(box.width)}" ' \
            f'height="{_n(box.height)}" rx="{r}" '
        gate, header, y = self._node_static(gid, box, x0, y0)
        out += [f'{rect}fill="{fill}"/>\n', gate,
                f'{rect}fill="none" stroke="{border}" stroke-width="{width}"/>\n', header]
        if gradient is not None:
            x = x0 + box.gate_width + style.NODE_PADDING + box.inset + box.beside
            line = style.LINE_HEIGHT * style.FONT_SIZE
            colour = theme.pending if pending else theme.forward if tangent else theme.backward
            rows = [gradient] if box.beside else \
                gradient_rows(gradient, box.width - box.gate_width - box.inset
                              - 2 * style.NODE_PADDING)
            if box.beside:  # on the header's line, in a column of its own, never wrapped
                y = y0 + style.NODE_PADDING - line
            for text in rows:
                y += line
                out.append(self._block(text, x, y, colour))
                y += text.count("\n") * line
        out.append("</g>\n")
        return "".join(out)

    def _node_static(self, gid: str, box: NodeBox, x0: float,
                     y0: float) -> tuple[str, str, float]:
        """What a node shows in every frame, made once: its gate, its header and value
        lines, and the top of its last line."""
        if gid in self._statics:
            return self._statics[gid]
        theme, r = self.theme, style.CORNER_RADIUS
        gate = ""
        if box.gate:
            gw, h = box.gate_width, box.height
            baseline = y0 + h / 2 + 0.35 * style.GATE_FONT_SIZE
            gate = (f'<path d="M{_n(x0 + r)},{_n(y0)}H{_n(x0 + gw)}V{_n(y0 + h)}'
                    f'H{_n(x0 + r)}A{r},{r} 0 0 1 {_n(x0)},{_n(y0 + h - r)}'
                    f'V{_n(y0 + r)}A{r},{r} 0 0 1 {_n(x0 + r)},{_n(y0)}Z" '
                    f'fill="{theme.gate_fill}"/>\n'
                    f'<text x="{_n(x0 + gw / 2)}" y="{_n(baseline)}"'
                    f' text-anchor="middle" font-size="{style.GATE_FONT_SIZE}" '
                    f'fill="{theme.text}">{_text(box.gate)}</text>\n')
        x = x0 + box.gate_width + style.NODE_PADDING + box.inset
        y = y0 + style.NODE_PADDING
        line = style.LINE_HEIGHT * style.FONT_SIZE
        out = [self._line(box.name, x, y, theme.text, bold=True)]
        name_width = text_width(box.name, style.FONT_SIZE, bold=True)
        if box.expression:
            out.append(self._line(box.expression, x + name_width, y, theme.text))
        if box.value is not None and box.inline_value:
            header = name_width + text_width(f"{box.expression} ", style.FONT_SIZE)
            out.append(self._line(box.value, x + header, y, theme.forward))
        elif box.value is not None:
            y += line
            out.append(self._block(box.value, x, y, theme.forward))
            y += box.value.count("\n") * line
        self._statics[gid] = (gate, "".join(out), y)
        return self._statics[gid]

    def _block(self, text: str, x: float, top: float, colour: str) -> str:
        """A text that may be a block: rows on lines, cells split by tabs in aligned columns
        (a matrix: numbers right-aligned, its brackets and head left-aligned)."""
        if "\t" not in text:
            return "".join(self._line(row, x, top + k * style.LINE_HEIGHT * style.FONT_SIZE,
                                      colour) for k, row in enumerate(text.split("\n")))
        columns = block_columns(text, style.FONT_SIZE)
        gap = CELL_GAP * style.FONT_SIZE
        out = []
        for k, row in enumerate(text.split("\n")):
            left, y = x, top + k * style.LINE_HEIGHT * style.FONT_SIZE
            cells = row.split("\t")
            for j, cell in enumerate(cells):
                numeric = 1 < j < len(cells) - 1
                if cell:
                    out.append(self._line(cell, left + columns[j] if numeric else left, y, colour,
                                          anchor="end" if numeric else ""))
                left += columns[j] + gap
        return "".join(out)

    def _line(self, text: str, x: float, top: float, colour: str, *, bold: bool = False,
              anchor: str = "", size: float = style.FONT_SIZE) -> str:
        """One line of text whose line box starts at ``top``."""
        baseline = top + (style.LINE_HEIGHT - 1) / 2 * size + 0.8 * size
        extra = (' font-weight="bold"' if bold else "") + \
            (f' text-anchor="{anchor}"' if anchor else "")
        if size != style.FONT_SIZE:  # the frame's own size is inherited from its root
            extra += f' font-size="{_n(size)}"'
        return (f'<text x="{_n(x)}" y="{_n(baseline)}"{extra} '
                f'fill="{colour}">{_text(text)}</text>\n')

    # -- edges ----------------------------------------------------------------------------

    def _edge(self, gid: str, via: int, position: int, shown: bool, current: bool,
              pushed: str | None = None) -> str:
        theme = self.theme
        block = self.boxes.labels.get((via, position))
        wire, arrow = self._geometry(via, position)
        colour = theme.muted if block is None else theme.edge
        out = [f'<g id="{gid}" class="edge">\n']
        if current:
            out.append(f'<path d="{wire}" fill="none" stroke="{theme.halo}" '
                       f'stroke-width="{_n(style.HALO_WIDTH)}" stroke-linecap="round"/>\n')
        out.append(f'<path d="{wire}" fill="none" stroke="{colour}" '
                   f'stroke-width="{_n(style.EDGE_WIDTH)}"/>\n')
        out.append(f'<polygon points="{arrow}" fill="{colour}"/>\n')
        if block is not None:
            out.append(self._labels(block, shown, pushed))
        out.append("</g>\n")
        return "".join(out)

    def _geometry(self, via: int, position: int) -> tuple[str, str]:
        """The wire's path and its arrowhead, made once per edge (every state draws them)."""
        key = (via, position)
        if key not in self._wires:
            tail, head = node_id(self.tape.args[via][position]), node_id(via)
            if key not in self.boxes.labels:
                points = self._points(tail, head, position)
                wire = self._path(points)
            else:
                lid = label_id(via, position)
                first = self._points(tail, lid, 0)
                second = self._points(lid, head, 0)
                points = first + second
                wire = self._path(first) + f"L{_n(second[0][0])},{_n(second[0][1])}" + \
                    self._path(second, move=False)
            self._wires[key] = (wire, self._arrow(points))  # the arrow over the wire's end
        return self._wires[key]

    def _labels(self, block: LabelBlock, shown: bool, pushed: str | None = None) -> str:
        """The local partial, and the gradient passed back (hidden until its step); in
        forward mode, in its place, what the wire passed forward."""
        key = (block.via, block.position)
        if key not in self._label_texts:
            self._label_texts[key] = self._label_lines(block)
        top, bottom = self._label_texts[key]
        if pushed is not None:
            return top + self._under_wire(block, forward_mark(self.boxes.rankdir) + pushed,
                                          self.theme.forward)
        if shown:
            return top + bottom
        return top if self.conceal else top + bottom.replace("<text ",
                                                             '<text visibility="hidden" ', 1)

    def _under_wire(self, block: LabelBlock, text: str, colour: str) -> str:
        """The second text of a label block: below the wire (LR) or right of it (TB)."""
        cx, cy = self.layout.centres[label_id(block.via, block.position)]
        cx, cy = cx + self.dx, cy + self.dy
        size = style.EDGE_FONT_SIZE
        line = style.LINE_HEIGHT * size
        if not block.vertical:
            cy += block.wire_offset - block.height / 2
            return self._line(text, cx, cy + style.WIRE_CLEARANCE / 2, colour, anchor="middle",
                              size=size)
        cx += block.wire_offset - block.width / 2
        return self._line(text, cx + style.WIRE_GAP, cy - line / 2, colour, size=size)

    def _label_lines(self, block: LabelBlock) -> tuple[str, str]:
        theme = self.theme
        cx, cy = self.layout.centres[label_id(block.via, block.position)]
        cx, cy = cx + self.dx, cy + self.dy
        size = style.EDGE_FONT_SIZE
        line = style.LINE_HEIGHT * size
        step = self.desc.steps[block.step]
        back = backward_mark(self.boxes.rankdir) + contribution_label(step)
        if not block.vertical:  # above and below the wire, centred on it
            cy += block.wire_offset - block.height / 2  # the wire, where it crosses the block
            above = len(block.local)
            top = "".join(self._line(text, cx, cy - style.WIRE_CLEARANCE / 2 - (above - k) * line,
                                     theme.text, anchor="middle", size=size)
                          for k, text in enumerate(block.local))
        else:  # one line across the wire: the local partial left of it, the gradient right
            cx += block.wire_offset - block.width / 2
            first = cy - len(block.local) * line / 2
            top = "".join(self._line(text, cx - style.WIRE_GAP, first + k * line, theme.text,
                                     anchor="end", size=size)
                          for k, text in enumerate(block.local))
        return top, self._under_wire(block, back, theme.backward)

    def _points(self, tail: str, head: str, position: int) -> list[Point]:
        edges = self.layout.edges
        points = edges.get((tail, head)) or edges.get((tail, f"{head}#{position}")) or []
        return [(x + self.dx, y + self.dy) for x, y in points]

    @staticmethod
    def _path(points: list[Point], move: bool = True) -> str:
        if not points:
            return ""
        start = f"M{_n(points[0][0])},{_n(points[0][1])}" if move else ""
        return f"{start}C{_coordinates(points[1:])}"

    @staticmethod
    def _arrow(points: list[Point]) -> str:
        """The arrowhead at the wire's end, along its last direction."""
        end = points[-1]
        before = next((p for p in reversed(points[:-1]) if p != end), (end[0] - 1, end[1]))
        dx, dy = end[0] - before[0], end[1] - before[1]
        length = (dx * dx + dy * dy) ** 0.5 or 1.0
        ux, uy = dx / length, dy / length
        base = (end[0] - ux * style.ARROW_LENGTH, end[1] - uy * style.ARROW_LENGTH)
        hw = style.ARROW_HALF_WIDTH
        corners = [end, (base[0] - uy * hw, base[1] + ux * hw), (base[0] + uy * hw,
                                                                  base[1] - ux * hw)]
        return _coordinates(corners)
