"""Frames from the one master SVG: each frame restyles it (gradient text, highlight, which
backward arrows show, the caption) without moving anything, so the viewBox never changes.

The master is cut once into literal text and *slots* — per node group the background fill,
the border's stroke and the gradient line; per edge group the stroke and fill attributes of
its line and arrowhead — found by the element ids the DOT gave them and by their place in
the group, never by matching colours or widths. A frame fills the slots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from html import escape
from typing import Final, NamedTuple

from ..autodiff.result import TraceData
from . import style
from .dot import backward_edge_id, forward_edge_id, node_id
from .style import Theme
from .views import FrameView

__all__ = ["MasterSVG"]

_GROUP_RE: Final = re.compile(r'<g id="([nfb][0-9_]+)" class="(?:node|edge)">\n.*?\n</g>\n',
                              re.S)
_BACKGROUND_FILL_RE: Final = re.compile(r'<rect [^>]*? fill="([^"]*)"')
_BORDER_RE: Final = re.compile(r'<path fill="none"( stroke="[^"]*"(?: stroke-width="[^"]*")?)')
_TEXT_RE: Final = re.compile(r'(<text [^>]*?)( fill="[^"]*")?>([^<]*)</text>')
_EDGE_PAINT_RE: Final = re.compile(r'<(?:path|polygon) ([^>]*?)(?: d=| points=)')
_PAINT_RE: Final = re.compile(r' ?(fill|stroke|stroke-width)="([^"]*)"')
_BOX_RE: Final = re.compile(r'points="([^"]+)"')


class _Slotted(NamedTuple):
    """A group as literal pieces with named slots between them: ``pieces[k]`` comes before
    slot ``names[k]``; ``values`` are the slots as the master has them."""

    pieces: tuple[str, ...]
    names: tuple[str, ...]
    values: Mapping[str, str]

    def fill(self, **slots: str) -> str:
        out = []
        for piece, name in zip(self.pieces, self.names):
            out.append(piece)
            out.append(slots.get(name, self.values[name]))
        out.append(self.pieces[-1])
        return "".join(out)


def _slotted(group: str, spans: list[tuple[str, int, int]]) -> _Slotted:
    """Cut ``group`` at the named (start, end) spans."""
    spans.sort(key=lambda s: s[1])
    pieces, names, values, pos = [], [], {}, 0
    for name, start, end in spans:
        pieces.append(group[pos:start])
        names.append(name)
        values[name] = group[start:end]
        pos = end
    pieces.append(group[pos:])
    return _Slotted(tuple(pieces), tuple(names), values)


def _node_slots(group: str) -> _Slotted:
    spans = []
    background = _BACKGROUND_FILL_RE.search(group)
    if background is not None:
        spans.append(("background", *background.span(1)))
    borders = list(_BORDER_RE.finditer(group))
    if borders:
        spans.append(("border", *borders[-1].span(1)))
    texts = list(_TEXT_RE.finditer(group))
    last = texts[-1]
    fill_at = last.end(1)
    spans.append(("gradient_fill", fill_at, last.end(2) if last.group(2) else fill_at))
    spans.append(("gradient", *last.span(3)))
    return _slotted(group, spans)


def _edge_slots(group: str) -> _Slotted:
    """The paint attributes of the edge's line and arrowhead, each a slot named by element
    and attribute (``path.stroke``, ``polygon.fill`` …)."""
    spans = []
    for element in _EDGE_PAINT_RE.finditer(group):
        tag = "path" if group.startswith("<path", element.start()) else "polygon"
        for paint in _PAINT_RE.finditer(group, element.start(1), element.end(1)):
            spans.append((f"{tag}.{paint.group(1)}", *paint.span(2)))
    return _slotted(group, spans)


class MasterSVG:
    """The master SVG cut into literal chunks and restylable groups (nodes, edges, caption)."""

    def __init__(self, svg: str, data: TraceData, theme: Theme, master_caption: str) -> None:
        self.data, self.theme = data, theme
        self.chunks: list[str] = []
        self.slots: list[tuple[int, str]] = []  # (chunk index, group id)
        svg = _compact(svg, theme)
        pos = 0
        for m in _GROUP_RE.finditer(svg):
            self.chunks.append(svg[pos:m.start()])
            self.slots.append((len(self.chunks), m.group(1)))
            self.chunks.append(m.group(0))
            pos = m.end()
        self.chunks.append(svg[pos:])
        # Keep the spaces Graphviz writes at the edges of text pieces ("u₁" + " = x + y"),
        # which SVG renderers otherwise drop.
        # (xml:space for librsvg, the CSS rule for browsers).
        head = self.chunks[0].replace("<svg ", '<svg xml:space="preserve" ', 1)
        root_end = head.index(">", head.index("<svg ")) + 1
        style_rule = "\n<style>text{white-space:pre}</style>"
        self.chunks[0] = head[:root_end] + style_rule + head[root_end:]
        self.groups = {gid: self.chunks[i] for i, gid in self.slots}
        self._slots: dict[str, _Slotted] = {}  # cut on first restyle: most groups never are
        self._caption_slot(master_caption)
        tape = data.tape
        self._node_of = {node_id(i): name for i, name in enumerate(tape.names)}
        self._steps_by_edge = {forward_edge_id(tape.index[s.via], s.position or 0): s.index
                               for s in data.steps if s.via is not None}
        self._cache: dict[tuple[object, ...], str] = {}
        # parts() puts 3 pieces (head, caption, rest) where chunks has 1
        self._part_index = {gid: i + 2 for i, gid in self.slots}

    def _caption_slot(self, caption: str) -> None:
        """Find the graph label and re-anchor it at the centre, so any caption stays centred."""
        head = self.chunks[0]
        shown = _svg_text(caption)
        m = re.search(r'<text x="[^"]*"([^>]*)>' + re.escape(shown) +
                      r"</text>", head)
        if m is None:
            raise AssertionError("caption not found in the Graphviz output")
        box = _BOX_RE.search(head)
        xs = [float(p.split(",")[0]) for p in box.group(1).split()] if box else [0.0]
        centre = (min(xs) + max(xs)) / 2
        self.chunks[0] = head[:m.start()]
        self.caption_open = f'<text text-anchor="middle" x="{centre:g}"{m.group(1)}>'
        self.after_caption = "</text>" + head[m.end():]

    def frame(self, view: FrameView) -> str:
        return "".join(self.parts(view))

    def parts(self, view: FrameView) -> list[str]:
        """The frame as pieces in fixed positions (head, caption, rest, groups …), so frames can
        be stored as differences from one another (the HTML player does)."""
        parts = [self.chunks[0] + self.caption_open, _svg_text(view.caption), self.after_caption]
        slot_at = dict(self.slots)
        for i in range(1, len(self.chunks)):
            gid = slot_at.get(i)
            parts.append(self.chunks[i] if gid is None else self._group(gid, view))
        return parts

    def all_parts(self, views: list[FrameView]) -> Iterator[list[str]]:
        """``parts`` of every view in order, each made from the previous frame by redoing only
        the groups a step can change (its node, its edges, the highlight): a frame costs the
        size of its changes, not of the graph. Each yielded list is a fresh copy."""
        parts: list[str] | None = None
        previous: FrameView | None = None
        for view in views:
            if parts is None or previous is None:
                parts = self.parts(view)
            else:
                parts[1] = _svg_text(view.caption)
                for gid in self._touched(previous, view):
                    parts[self._part_index[gid]] = self._group(gid, view)
            previous = view
            yield list(parts)

    def _touched(self, before: FrameView, after: FrameView) -> set[str]:
        tape, steps = self.data.tape, self.data.steps
        touched = {node_id(tape.index[n]) for n, text in after.gradients.items()
                   if before.gradients.get(n) != text
                   or (n in before.pending) != (n in after.pending)}
        for index in (*before.current, *after.current):
            step = steps[index]
            touched.add(node_id(tape.index[step.node]))
            if step.via is not None:
                touched.add(forward_edge_id(tape.index[step.via], step.position or 0))
                touched.add(backward_edge_id(index))
        touched.update(backward_edge_id(i) for i in after.shown - before.shown)
        return {gid for gid in touched if gid in self.groups}

    def _group(self, gid: str, view: FrameView) -> str:
        kind = gid[0]
        if kind == "n":
            node = self._node_of[gid]
            if node not in view.gradients:
                return self.groups[gid]
            is_current = node in view.current_nodes
            key = ("n", gid, view.gradients[node], node in view.pending, is_current)
            if key not in self._cache:
                self._cache[key] = self._node(gid, view.gradients[node], node in view.pending,
                                              is_current)
            return self._cache[key]
        step_index = self._steps_by_edge.get(gid) if kind == "f" else int(gid[1:])
        is_current = step_index is not None and step_index in view.current
        if kind == "b" and step_index not in view.shown:
            return self.groups[gid].replace('class="edge">', 'class="edge" visibility="hidden">', 1)
        if not is_current:
            return self.groups[gid]
        edge_key: tuple[object, ...] = ("e", gid)
        if edge_key not in self._cache:
            self._cache[edge_key] = self._highlight_edge(gid, forward=kind == "f")
        return self._cache[edge_key]

    def _node(self, gid: str, gradient: str, pending: bool, current: bool) -> str:
        theme = self.theme
        slots = {"gradient_fill": f' fill="{theme.pending if pending else theme.backward}"',
                 "gradient": _svg_text(gradient)}
        if current:
            slots["background"] = theme.highlight_fill
            slots["border"] = (f' stroke="{theme.highlight_border}" '
                               f'stroke-width="{style.HIGHLIGHT_WIDTH}"')
        return self._slotted(gid).fill(**slots)

    def _slotted(self, gid: str) -> _Slotted:
        if gid not in self._slots:
            group = self.groups[gid]
            self._slots[gid] = _node_slots(group) if gid[0] == "n" else _edge_slots(group)
        return self._slots[gid]

    def _highlight_edge(self, gid: str, forward: bool) -> str:
        slotted = self._slotted(gid)
        width = str(style.HIGHLIGHT_WIDTH)
        slots = {name: width for name in slotted.names if name.endswith("stroke-width")}
        if forward:  # the forward arrow in the highlight colour, its arrowhead filled alike
            slots.update({name: self.theme.highlight_border for name in slotted.names
                          if name.endswith((".stroke", "polygon.fill"))})
        return slotted.fill(**slots)


_TITLE_RE: Final = re.compile(r"<!-- [^>]*? -->\n|<title>[^<]*</title>\n")
_BACKGROUND_RE: Final = re.compile(r'<path fill="([^"]+)" stroke="transparent" d="([^"]+)"/>')
_NUMBER_RE: Final = re.compile(r"-?\d+(?:\.\d+)?")


def _compact(svg: str, theme: Theme) -> str:
    """Graphviz draws each node table's background as a second copy of its long rounded
    border path, and repeats a comment, a title, the font and the anchor on every element;
    every frame repeats them all, so the background becomes a short rounded <rect> and the
    rest is said once (frames 40% smaller, written and joined faster)."""
    svg = _TITLE_RE.sub("", svg)
    # The theme's font and left-anchored text are set once on the root and inherited.
    svg = svg.replace(' text-anchor="start"', "").replace(f' font-family="{theme.font}"', "")
    svg = svg.replace("<svg ", f'<svg font-family="{theme.font}" ', 1)

    def rect(m: re.Match[str]) -> str:
        numbers = [float(v) for v in _NUMBER_RE.findall(m.group(2))]
        xs, ys = numbers[0::2], numbers[1::2]
        return (f'<rect x="{min(xs):g}" y="{min(ys):g}" width="{max(xs) - min(xs):g}" '
                f'height="{max(ys) - min(ys):g}" rx="{style.CORNER_RADIUS}" '
                f'fill="{m.group(1)}"/>')

    return _BACKGROUND_RE.sub(rect, svg)


def _svg_text(text: str) -> str:
    """Text as Graphviz writes it in SVG: escaped, runs of spaces kept with no-break spaces."""
    escaped = escape(text, quote=False)
    return re.sub(r"  +", lambda m: " " + "&#160;" * (len(m.group()) - 1), escaped)
