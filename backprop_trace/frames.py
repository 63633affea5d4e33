"""Frame views: what each frame shows (pure data from the steps), and the master view that
the single layout is made from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .backward import active_nodes
from .captions import forward_caption, gradient_line, group_caption, step_caption

if TYPE_CHECKING:
    from .backward import Step
    from .trace import Trace

__all__ = ["FrameView", "frame_views", "master_view", "gradient_nodes", "GRANULARITIES"]


@dataclass(frozen=True)
class FrameView:
    """Frame ``index``: 0 is the forward pass done; then one frame per step (granularity
    "edge") or per operation whose backward pass is done (granularity "node")."""

    index: int
    caption: str
    gradients: Mapping[str, str]
    """Gradient line of every node that has one (``∂f/∂x = ?`` before it is computed)."""
    pending: frozenset[str]
    """Nodes whose gradient is not computed yet."""
    shown: frozenset[int]
    """Step indices whose backward arrows are drawn."""
    current: tuple[int, ...]
    """The steps just applied (their edges and receiving nodes are highlighted)."""
    current_nodes: frozenset[str] = frozenset()
    """The nodes that received those steps' contributions."""


def gradient_nodes(t: Trace) -> list[str]:
    """Nodes that get a gradient line: everything that carries gradient back to an input."""
    active = active_nodes(t.tape, t.wrt)
    return [n for n in t.graph.graph["order"] if n in active or n == t.output]


GRANULARITIES = ("edge", "node")


def frame_views(t: Trace, granularity: str = "edge") -> list[FrameView]:
    """Frame 0, then a frame after each step ("edge") or after each operation's whole backward
    pass, all its input edges at once ("node": fewer frames for large graphs)."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"unknown granularity {granularity!r} (must be one of "
                         f"{list(GRANULARITIES)})")
    nodes = gradient_nodes(t)
    gradients = {n: gradient_line(t, n, None) for n in nodes}
    pending = set(nodes)
    views = [FrameView(0, forward_caption(t), dict(gradients), frozenset(pending), frozenset(),
                       ())]
    shown: set[int] = set()
    for group in _groups(t, granularity):
        for step in group:
            gradients[step.node] = gradient_line(t, step.node, step)
            pending.discard(step.node)
            if not step.is_seed:
                shown.add(step.index)
        caption = step_caption(t, group[0]) if len(group) == 1 else group_caption(t, group)
        views.append(FrameView(len(views), caption, dict(gradients), frozenset(pending),
                               frozenset(shown), tuple(s.index for s in group),
                               frozenset(s.node for s in group)))
    return views


def _groups(t: Trace, granularity: str) -> list[list[Step]]:
    if granularity == "edge":
        return [[s] for s in t.steps]
    groups: list[list[Step]] = []
    for step in t.steps:
        if groups and not step.is_seed and groups[-1][-1].via == step.via:
            groups[-1].append(step)
        else:
            groups.append([step])
    return groups


def master_view(views: list[FrameView]) -> FrameView:
    """Everything at its widest: final gradients, every backward arrow, the longest caption."""
    widest = {n: max((v.gradients[n] for v in views), key=len) for n in views[-1].gradients}
    longest = max((v.caption for v in views), key=len)
    return FrameView(-1, longest, widest, frozenset(), views[-1].shown, ())
