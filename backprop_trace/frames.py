"""Frame views: what each frame shows (pure data from the steps), and the master view that
the single layout is made from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .backward import active_nodes
from .captions import forward_caption, gradient_line, step_caption

if TYPE_CHECKING:
    from .trace import Trace

__all__ = ["FrameView", "frame_views", "master_view", "gradient_nodes"]


@dataclass(frozen=True)
class FrameView:
    """Frame ``index``: 0 is the forward pass done, k is after step k (1-based)."""

    index: int
    caption: str
    gradients: Mapping[str, str]
    """Gradient line of every node that has one (``∂f/∂x = ?`` before it is computed)."""
    pending: frozenset[str]
    """Nodes whose gradient is not computed yet."""
    shown: frozenset[int]
    """Step indices whose backward arrows are drawn."""
    current: int | None
    """The step just applied (its edge and receiving node are highlighted)."""


def gradient_nodes(t: Trace) -> list[str]:
    """Nodes that get a gradient line: everything that carries gradient back to an input."""
    active = active_nodes(t.graph, t.wrt)
    return [n for n in t.graph.graph["order"] if n in active or n == t.output]


def frame_views(t: Trace) -> list[FrameView]:
    nodes = gradient_nodes(t)
    gradients = {n: gradient_line(t, n, None) for n in nodes}
    pending = set(nodes)
    views = [FrameView(0, forward_caption(t), dict(gradients), frozenset(pending), frozenset(),
                       None)]
    shown: set[int] = set()
    for step in t.steps:
        gradients[step.node] = gradient_line(t, step.node, step)
        pending.discard(step.node)
        if not step.is_seed:
            shown.add(step.index)
        views.append(FrameView(step.index + 1, step_caption(t, step), dict(gradients),
                               frozenset(pending), frozenset(shown), step.index))
    return views


def master_view(views: list[FrameView]) -> FrameView:
    """Everything at its widest: final gradients, every backward arrow, the longest caption."""
    widest = {n: max((v.gradients[n] for v in views), key=len) for n in views[-1].gradients}
    longest = max((v.caption for v in views), key=len)
    return FrameView(-1, longest, widest, frozenset(), views[-1].shown, None)
