"""Frames from the one master SVG: each frame restyles it (gradient text, highlight, which
backward arrows show, the caption) without moving anything, so the viewBox never changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING, Final

from .dot_source import backward_edge_id, forward_edge_id, node_id
from .themes import Theme

if TYPE_CHECKING:
    from .frames import FrameView
    from .trace import Trace

__all__ = ["MasterSVG"]

_GROUP_RE: Final = re.compile(r'<g id="([nfb][0-9_]+)" class="(?:node|edge)">\n.*?\n</g>\n',
                              re.S)
_TEXT_RE: Final = re.compile(r'(<text [^>]*?)( fill="[^"]*")?>([^<]*)</text>')
_BOX_RE: Final = re.compile(r'points="([^"]+)"')
_HIGHLIGHT_WIDTH: Final = "3"


class MasterSVG:
    """The master SVG cut into literal chunks and restylable groups (nodes, edges, caption)."""

    def __init__(self, svg: str, t: Trace, theme: Theme, master_caption: str) -> None:
        self.t, self.theme = t, theme
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
        style = "\n<style>text{white-space:pre}</style>"
        self.chunks[0] = head[:root_end] + style + head[root_end:]
        self.groups = {gid: self.chunks[i] for i, gid in self.slots}
        self._caption_slot(master_caption)
        self._node_of = {node_id(t, n): n for n in t.graph}
        self._steps_by_edge = {forward_edge_id(t, s.via, s.position or 0): s.index
                               for s in t.steps if s.via is not None}
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
        t = self.t
        touched = {node_id(t, n) for n, text in after.gradients.items()
                   if before.gradients.get(n) != text
                   or (n in before.pending) != (n in after.pending)}
        for index in (*before.current, *after.current):
            step = t.steps[index]
            touched.add(node_id(t, step.node))
            if step.via is not None:
                touched.add(forward_edge_id(t, step.via, step.position or 0))
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
        return self._highlight_edge(self.groups[gid], forward=kind == "f")

    def _node(self, gid: str, gradient: str, pending: bool, current: bool) -> str:
        theme = self.theme
        group = self.groups[gid]
        texts = list(_TEXT_RE.finditer(group))
        last = texts[-1]
        colour = theme.pending if pending else theme.backward
        group = (group[:last.start()] + f'{last.group(1)} fill="{colour}">{_svg_text(gradient)}'
                 "</text>" + group[last.end():])
        if current:
            group = group.replace(f'fill="{theme.node_fill}"', f'fill="{theme.highlight_fill}"', 1)
            border = group.rfind(f'<path fill="none" stroke="{theme.node_border}"')
            if border >= 0:
                tag_end = group.index(">", border)
                tag = group[border:tag_end]
                tag = re.sub(r' stroke-width="[^"]*"', "", tag).replace(
                    f'stroke="{theme.node_border}"',
                    f'stroke="{theme.highlight_border}" stroke-width="{_HIGHLIGHT_WIDTH}"')
                group = group[:border] + tag + group[tag_end:]
        return group

    def _highlight_edge(self, group: str, forward: bool) -> str:
        theme = self.theme
        group = group.replace('stroke-width="1.2"', f'stroke-width="{_HIGHLIGHT_WIDTH}"')
        if forward:
            group = group.replace(f'"{theme.edge}"', f'"{theme.highlight_border}"')
        return group


_TITLE_RE: Final = re.compile(r"<!-- [^>]*? -->\n|<title>[^<]*</title>\n")
_BACKGROUND_RE: Final = re.compile(r'<path fill="([^"]+)" stroke="transparent" d="([^"]+)"/>')
_NUMBER_RE: Final = re.compile(r"-?\d+(?:\.\d+)?")
_CORNER_RADIUS: Final = 6  # Graphviz's rounded table corners


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
                f'height="{max(ys) - min(ys):g}" rx="{_CORNER_RADIUS}" fill="{m.group(1)}"/>')

    return _BACKGROUND_RE.sub(rect, svg)


def _svg_text(text: str) -> str:
    """Text as Graphviz writes it in SVG: escaped, runs of spaces kept with no-break spaces."""
    escaped = escape(text, quote=False)
    return re.sub(r"  +", lambda m: " " + "&#160;" * (len(m.group()) - 1), escaped)
