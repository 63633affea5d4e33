"""Frame views: what each frame shows (pure data from the steps), and the master view that
the single layout is made from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from ..autodiff.result import TraceData
from ..autodiff.reverse import active_nodes
from ..autodiff.tangents import edge_steps
from ..describe import Description, StepDescription
from ..describe.maths import Equation, Unknown
from ..describe.modes import ModeDescription
from ..errors import OptionError
from ..printing.captions import (
    exercise_caption,
    exercise_lines,
    exercise_wire_labels,
    forward_caption,
    gradient_line,
    group_caption,
    mode_captions,
    step_caption,
)
from ..printing.unicode import to_unicode
from .metrics import text_width
from .style import GRANULARITIES

__all__ = ["FrameView", "frame_views", "mode_views", "master_view", "gradient_nodes",
           "exercise_views"]


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
    candidates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The master view's: every line a node shows in some frame (its box holds each)."""
    pushed: Mapping[tuple[int, int], str] = field(default_factory=dict)
    """Forward mode: what each edge used so far passed forward (drawn under its wire where
    the reverse frames write what it passes back); in the master view, the widest."""
    wire_labels: Mapping[int, str] = field(default_factory=dict)
    """The local partial a step's wire shows, where not the reverse frames' ``∂f/∂u₁ = z``:
    an exercise sheet writes ``∂(u₁·z)/∂u₁ = z``, since its blanks ask for ∂f/∂u₁ itself."""
    mode: str = "reverse"
    """"forward": the node lines are tangents ∂node/∂x (drawn in the forward colour);
    "paths": one path's edges and nodes lit. Neither shows what wires pass back."""


def gradient_nodes(data: TraceData) -> list[str]:
    """Nodes that get a gradient line: everything that carries gradient back to an input."""
    active = active_nodes(data.tape, data.wrt)
    return [n for n in data.tape.names if n in active or n == data.output]




def frame_views(desc: Description, granularity: str = "edge",
                lang: str = "en") -> list[FrameView]:
    """Frame 0, then a frame after each step ("edge") or after each operation's whole backward
    pass, all its input edges at once ("node": fewer frames for large graphs)."""
    if granularity not in GRANULARITIES:
        raise OptionError(f"unknown granularity {granularity!r} (must be one of "
                          f"{list(GRANULARITIES)})")
    nodes = gradient_nodes(desc.data)
    gradients = {n: gradient_line(desc, n, None) for n in nodes}
    pending = set(nodes)
    views = [FrameView(0, forward_caption(desc, lang), dict(gradients), frozenset(pending),
                       frozenset(), ())]
    shown: set[int] = set()
    for group in _groups(desc, granularity):
        for step in group:
            gradients[step.node] = gradient_line(desc, step.node, step)
            pending.discard(step.node)
            if not step.is_seed:
                shown.add(step.index)
        caption = (step_caption(desc, group[0], lang) if len(group) == 1 else
                   group_caption(desc, group, lang))
        current = tuple(s.index for s in group)
        if len(group) == 1 and group[0].terms > 1 and group[0].completes:
            # the caption sums every contribution: every wire it sums is lit
            current = tuple(desc.data.columns.by_node[group[0].node])
        views.append(FrameView(len(views), caption, dict(gradients), frozenset(pending),
                               frozenset(shown), current, frozenset(s.node for s in group)))
    return views


def exercise_views(desc: Description, lang: str = "en") -> list[FrameView]:
    """An exercise sheet's frame, every gradient but the seed's a numbered blank and no
    arrow drawn, and its answers' frame, every arrow drawn and every blank filled."""
    nodes = gradient_nodes(desc.data)
    seed = desc.steps[0]
    given = {seed.node: gradient_line(desc, seed.node, seed)}
    answers = exercise_lines(desc, answers=True)
    blanks = exercise_lines(desc, answers=False)
    room = "_" * max(_room(line, answers[n]) for n, line in blanks.items())
    blanks = {n: line + room for n, line in blanks.items()}
    every = frozenset(s.index for s in desc.steps if not s.is_seed)
    lines = {n: blanks.get(n) or given.get(n) or gradient_line(desc, n, None) for n in nodes}
    filled = {n: answers.get(n) or given.get(n) or gradient_line(desc, n, None) for n in nodes}
    wires = exercise_wire_labels(desc)
    return [FrameView(0, exercise_caption(desc, False, lang), lines, frozenset(blanks),
                      frozenset(), (), wire_labels=wires),
            FrameView(1, exercise_caption(desc, True, lang), filled, frozenset(), every, (),
                      wire_labels=wires)]


BLANK_MOST: Final = 16
"""Underscores a blank may have at most (four at least)."""


def _room(blank: str, answer: str) -> int:
    """Underscores to add to ``blank`` for a hand to have room to write its answer's number
    (the box is that wide anyway: it holds the answer too). Every blank of a sheet gets the
    most any needs, so no blank's length hints at its answer."""
    written = answer.split(" = ")[0] + " = " + answer.split(" = ")[-1].split("\n")[0]
    spare = text_width(written) - text_width(blank)
    return max(0, min(BLANK_MOST - 4, int(spare // text_width("_"))))


def _groups(desc: Description, granularity: str) -> list[list[StepDescription]]:
    if granularity == "edge":
        return [[s] for s in desc.steps]
    groups: list[list[StepDescription]] = []
    for step in desc.steps:
        if groups and not step.is_seed and groups[-1][-1].via == step.via:
            groups[-1].append(step)
        else:
            groups.append([step])
    return groups


def mode_views(desc: Description, mode: ModeDescription, lang: str = "en",
               caption_width: float | None = None) -> list[FrameView]:
    """The frames of forward mode or of the paths: the same nodes and wires as the reverse
    frames (``current`` names the reverse steps of the lit edges: one step per edge). A
    caption with a shorter form (a path's, the seed's, the closing one) is kept within
    ``caption_width`` where it allows."""
    captions = mode_captions(desc, mode, lang, None if caption_width is None else
                             lambda text: text_width(text) <= caption_width)
    by_edge = edge_steps(desc.data)
    lines = {n: to_unicode(line) for n, line in mode.start.items()}
    pending = {n for n, line in mode.start.items()
               if isinstance(line, Equation) and isinstance(line.sides[-1], Unknown)}
    views = [FrameView(0, captions[0], dict(lines), frozenset(pending), frozenset(), (),
                       frozenset(), mode=mode.mode)]
    pushed: dict[tuple[int, int], str] = {}
    for k, step in enumerate(mode.steps, 1):
        for node, line in step.lines.items():
            lines[node] = to_unicode(line)
            pending.discard(node)
        pushed.update((edge, to_unicode(value)) for edge, value in step.pushed)
        views.append(FrameView(k, captions[k], dict(lines), frozenset(pending), frozenset(),
                               tuple(by_edge[e] for e in step.edges), frozenset(step.nodes),
                               mode=mode.mode, pushed=dict(pushed)))
    return views


def master_view(views: list[FrameView],
                others: Sequence[list[FrameView]] = ()) -> FrameView:
    """Everything at its widest (measured in the font the frames are drawn in): final
    gradients, every backward arrow, the longest caption — over ``views`` and the views of
    the other modes drawn with the same layout."""
    lines: dict[str, dict[str, None]] = {n: {line: None} for n, line in
                                         views[0].gradients.items()}
    for v in views[1:]:  # a node's line changes only in the views of its own steps
        for n in v.current_nodes or v.gradients:  # (an exercise's answers: every line)
            lines[n][v.gradients[n]] = None
    for other in others:  # other modes (small graphs only): every line of every frame
        for v in other:
            for n, line in v.gradients.items():
                lines.setdefault(n, {})[line] = None
    widest = {n: max(candidates, key=text_width) for n, candidates in lines.items()}
    captions = [v.caption for v in views] + [v.caption for other in others for v in other]
    longest = max(dict.fromkeys(captions), key=text_width)
    pushed: dict[tuple[int, int], str] = {}
    for other in others:  # forward mode's numbers under the wires: the widest of each
        for edge, text in (other[-1].pushed.items() if other else ()):
            if edge not in pushed or text_width(text) > text_width(pushed[edge]):
                pushed[edge] = text
    return FrameView(-1, longest, widest, frozenset(), views[-1].shown, (),
                     candidates={n: tuple(c) for n, c in lines.items()}, pushed=pushed,
                     wire_labels=views[0].wire_labels)
