"""Wires as drawn, and what is wrong with a layout as a reader would see it: wires that
cross, wires that run along or through a box (or a wire's label) they do not belong to, and
how long the wires are. The renderer lays a graph out several ways and keeps the one with the
largest text among those with the fewest faults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from .boxes import Boxes
from .dot import label_id, node_id
from .layout import Layout

__all__ = ["Faults", "measure_faults", "wires", "attached", "CLEARANCE"]

CLEARANCE: Final = 2.0
"""A wire closer than this (pt) to a box it does not connect runs along or through it."""
_SAMPLES: Final = 16
"""Points per Bézier segment when a wire is read as a polyline."""


@dataclass(frozen=True)
class Faults:
    """``crossings``: pairs of wires that cross (wires that share an end are never counted);
    ``near_boxes``: (wire, box) pairs closer than CLEARANCE, the box neither end of the wire
    nor its own label; ``wire_length`` in pt."""

    crossings: int
    near_boxes: int
    wire_length: float

    @property
    def count(self) -> int:
        return self.crossings + self.near_boxes


def wires(boxes: Boxes, layout: Layout) -> dict[tuple[int, int], np.ndarray]:
    """Every drawn edge's wire as a polyline (an array of points), by (via, position): the
    Bézier curves the layout engine routed, through the edge's label block if it has one."""
    out = {}
    for via, position, argument in boxes.edges:
        tail, head = node_id(argument), node_id(via)
        if (via, position) in boxes.labels:
            block = label_id(via, position)
            parts = [layout.edges.get((tail, block), []), layout.edges.get((block, head), [])]
        else:
            parts = [layout.edges.get((tail, head), [])]
        points = [_polyline(p) for p in parts if len(p) >= 4]
        if points:
            out[(via, position)] = np.concatenate(points)
    return out


def _polyline(controls: list[tuple[float, float]]) -> np.ndarray:
    """A B-spline of cubic Bézier segments (start, then three points each) as points."""
    c = np.asarray(controls, dtype=float)
    count = (len(c) - 1) // 3
    t = np.linspace(0.0, 1.0, _SAMPLES + 1)[:, None]
    pieces = [c[:1]]
    for k in range(count):
        p0, p1, p2, p3 = c[3 * k: 3 * k + 4]
        curve = ((1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t ** 2 * p2
                 + t ** 3 * p3)
        pieces.append(curve[1:])
    return np.concatenate(pieces)


def measure_faults(boxes: Boxes, layout: Layout) -> Faults:
    lines = wires(boxes, layout)
    ends = _ends(boxes)
    keys = list(lines)
    segments = {k: _segments(lines[k]) for k in keys}
    crossings = sum(1 for i, a in enumerate(keys) for b in keys[i + 1:]
                    if not ends[a] & ends[b] and _cross(segments[a], segments[b]))
    rectangles = _rectangles(boxes, layout)
    near = sum(_near(lines[k], _foreign(rectangles, ends, k)) for k in keys)
    length = float(sum(np.hypot(*np.diff(p, axis=0).T).sum() for p in lines.values()))
    return Faults(crossings, near, length)


def _ends(boxes: Boxes) -> dict[tuple[int, int], set[int]]:
    return {(via, position): {via, argument} for via, position, argument in boxes.edges}


def _segments(points: np.ndarray) -> np.ndarray:
    return np.hstack([points[:-1], points[1:]])


def _foreign(rectangles: dict[str, tuple[float, float, float, float]],
             ends: dict[tuple[int, int], set[int]], key: tuple[int, int]) -> np.ndarray:
    """The boxes a wire does not belong to: all but its two ends and its own label."""
    own = {node_id(n) for n in ends[key]} | {label_id(*key)}
    return np.array([r for name, r in rectangles.items() if name not in own]).reshape(-1, 4)


def _cross(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether any segment of ``a`` properly crosses any of ``b`` (rows x0, y0, x1, y1)."""
    p, r = a[:, None, :2], a[:, None, 2:] - a[:, None, :2]
    q, s = b[None, :, :2], b[None, :, 2:] - b[None, :, :2]
    denominator = r[..., 0] * s[..., 1] - r[..., 1] * s[..., 0]
    qp = q - p
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (qp[..., 0] * s[..., 1] - qp[..., 1] * s[..., 0]) / denominator
        u = (qp[..., 0] * r[..., 1] - qp[..., 1] * r[..., 0]) / denominator
    # half-open: a crossing at a sample point shared by two segments counts once
    inside = (t >= 0) & (t < 1) & (u >= 0) & (u < 1)
    return bool(np.any(inside & (np.abs(denominator) > 1e-12)))


def _rectangles(boxes: Boxes, layout: Layout) -> dict[str, tuple[float, float, float, float]]:
    """Node boxes and the text parts of label blocks as (x0, y0, x1, y1)."""
    out = {}
    for node, box in boxes.nodes.items():
        x, y = layout.centres[node_id(node)]
        out[node_id(node)] = (x - box.width / 2, y - box.height / 2, x + box.width / 2,
                              y + box.height / 2)
    for (via, position), block in boxes.labels.items():
        name = label_id(via, position)
        x, y = layout.centres[name]
        out[name] = (x - block.width / 2, y - block.height / 2, x + block.width / 2,
                     y + block.height / 2)
    return out


def _near(points: np.ndarray, rectangles: np.ndarray) -> int:
    """How many rectangles some point of the polyline comes within CLEARANCE of."""
    x, y = points[:, 0][:, None], points[:, 1][:, None]
    x0, y0, x1, y1 = (rectangles[:, k][None, :] for k in range(4))
    dx = np.maximum(np.maximum(x0 - x, x - x1), 0)
    dy = np.maximum(np.maximum(y0 - y, y - y1), 0)
    close = np.hypot(dx, dy) < CLEARANCE
    return int(close.any(axis=0).sum())


def attached(boxes: Boxes, layout: Layout) -> Layout:
    """The layout with each wire carried on, straight, from where the engine ends it (the
    edge of a node's margin, WIRE_MARGIN) to the node's drawn box: the margins keep a wire
    that leaves a box sideways clear of its neighbours, and the wire still touches its box."""
    rectangles = _rectangles(boxes, layout)
    vertical = boxes.rankdir != "LR"
    nodes = {node_id(n) for n in boxes.nodes}
    edges = {}
    for (tail, head), points in layout.edges.items():
        points = list(points)
        if len(points) >= 4 and tail in nodes:
            start = _onto(rectangles[tail], points[0], vertical, leaving=True)
            if start != points[0]:
                points = _straight(start, points[0]) + points[1:]
        if len(points) >= 4 and head in nodes:
            end = _onto(rectangles[head], points[-1], vertical, leaving=False)
            if end != points[-1]:
                points = points[:-1] + _straight(points[-1], end)
        edges[(tail, head)] = points
    return Layout(layout.width, layout.height, layout.centres, edges, layout.work)


def _straight(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    """A straight Bézier segment from a to b (all four points)."""
    return [a, (a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3),
            (a[0] + 2 * (b[0] - a[0]) / 3, a[1] + 2 * (b[1] - a[1]) / 3), b]


_INSET: Final = 6.0
"""A wire meets a box at least this far from its corners (they are rounded)."""


def _onto(box: tuple[float, float, float, float], point: tuple[float, float], vertical: bool,
          leaving: bool) -> tuple[float, float]:
    """The point of a drawn box's bottom (top; right, left in LR) side nearest ``point``, or
    ``point`` itself if it is on the box already."""
    x0, y0, x1, y1 = box
    if vertical:
        y = y1 if leaving else y0
        if (point[1] <= y) if leaving else (point[1] >= y):
            return point
        inset = min(_INSET, (x1 - x0) / 2)
        return (min(max(point[0], x0 + inset), x1 - inset), y)
    x = x1 if leaving else x0
    if (point[0] <= x) if leaving else (point[0] >= x):
        return point
    inset = min(_INSET, (y1 - y0) / 2)
    return (x, min(max(point[1], y0 + inset), y1 - inset))
