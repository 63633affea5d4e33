"""The frames of a trace: boxes measured once, one layout, every frame drawn from it (SVG), and
the HTML player made of them. Writing them to files is ``outputs``' work."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from ..autodiff.result import TraceData
from ..autodiff.tangents import count_paths
from ..describe import Description
from ..describe.modes import ModeDescription, describe_forward, describe_paths
from ..errors import FrameIndexError, LargeGraphWarning, RenderError, TraceError
from ..printing.messages import message
from . import style
from .boxes import Boxes, measure
from .dot import ORDERINGS, dot_source, layout_source
from .faults import Faults, attached, measure_faults
from .gates import drawn_nodes
from .layout import Layout, lay_out
from .metrics import text_width
from .options import Options
from .player import player_fragment, player_page
from .style import RANKDIRS, READABLE_NODES, Theme
from .svg import FrameDrawer, projected_scale, slide_size
from .views import FrameView, exercise_views, frame_views, gradient_nodes, master_view, mode_views

__all__ = ["Renderer", "Shape", "Candidate", "resolve_granularity", "LargeGraphWarning"]


@dataclass(frozen=True)
class Shape:
    """One way to lay a graph out (see ``Renderer._shapes``)."""

    rankdir: str
    ordering: str
    wrap: bool
    beside: bool
    restart: int = 0
    """0: boxes declared in the graph's order; k > 0: in the k-th seeded shuffle of it (a
    restart of the layout engine's crossing minimisation)."""


@dataclass(frozen=True)
class Candidate:
    """A layout tried: its shape, boxes and layout, the smallest text it shows on a
    1920×1080 screen (px) and its faults (None for graphs too large to be read)."""

    shape: Shape
    boxes: Boxes
    layout: Layout
    px: float
    faults: Faults | None


@dataclass
class Renderer:
    """Everything drawn for one trace with one set of options; the layout is made once."""

    desc: Description
    options: Options
    base: Renderer | None = None
    """The reverse pass's renderer whose layout and slide this one (forward mode or the
    paths) draws on: every mode places every node at the same coordinates."""
    exercise: bool = False
    """An exercise sheet's two frames (the blanks, the answers), on a layout of their own."""

    def __post_init__(self) -> None:
        self.granularity = resolve_granularity(self.desc, self.options.granularity)
        self.theme: Theme = self.options.resolved_theme
        self.rankdir = self.options.rankdir
        self.constants = self.options.constants
        self.aspect = self.options.aspect
        self.lang = self.options.lang

    @property
    def data(self) -> TraceData:
        return self.desc.data

    @cached_property
    def views(self) -> list[FrameView]:
        if self.exercise:
            return exercise_views(self.desc, self.lang)
        if self.options.mode == "reverse":
            return frame_views(self.desc, self.granularity, self.lang)
        assert self.options.wrt is not None and self.base is not None
        budget = self.base.caption_budget if self.options.mode == "paths" else \
            self.base.reverse_budget
        return mode_views(self.desc, self.mode_description(self.options.mode, self.options.wrt),
                          self.lang, budget)

    @cached_property
    def reverse_budget(self) -> float:
        """The width of the reverse pass's longest caption: forward mode's seed and closing
        captions are kept within it where a shorter form allows."""
        return max(text_width(c) for c in self.captions())

    def mode_description(self, mode: str, wrt: str) -> ModeDescription:
        if mode == "forward":
            return describe_forward(self.desc, wrt, gradient_nodes(self.data))
        return describe_paths(self.desc, wrt)

    @cached_property
    def caption_budget(self) -> float:
        """The width of the reverse pass's and forward mode's longest caption: a path's
        caption is kept within it, so the paths never make the slide's text smaller."""
        return max(text_width(v.caption) for views in ([self.views], self._forward_views)
                   for view_list in views for v in view_list)

    @cached_property
    def _sized_for_modes(self) -> bool:
        """Whether the layout is sized for the other modes too: graphs small enough for a
        slide, scalar traces."""
        return self.readable and not self.data.shapes and not self.data.tensors

    @cached_property
    def _forward_views(self) -> list[list[FrameView]]:
        if not self._sized_for_modes:
            return []
        return [views for x in self.data.wrt
                for views in self._sizing_views("forward", x, self.reverse_budget)]

    def _sizing_views(self, mode: str, wrt: str, budget: float | None) -> list[list[FrameView]]:
        """One mode's views for sizing the layout, or none where that mode cannot be drawn
        (it is refused, with its reason, only when asked for)."""
        try:
            return [mode_views(self.desc, self.mode_description(mode, wrt), self.lang, budget)]
        except TraceError:
            return []

    @cached_property
    def other_views(self) -> list[list[FrameView]]:
        """The frames of the other modes, for every input, that share this layout: its boxes
        and slide are sized for them too (a mode whose paths are past limits.max_paths is
        not drawn)."""
        if self.base is not None:
            return self.base.other_views
        if self.exercise:
            return []
        data = self.data
        paths = [views for x in data.wrt if self._sized_for_modes
                 and count_paths(data, x, data.limits.max_paths) <= data.limits.max_paths
                 for views in self._sizing_views("paths", x, self.caption_budget)]
        return self._forward_views + paths

    def sizing_captions(self) -> list[str]:
        """Every caption the slide must hold (all modes')."""
        if self.base is not None:
            return self.base.sizing_captions()
        return self.captions() + [v.caption for other in self.other_views for v in other]

    @cached_property
    def large(self) -> bool:
        return len(self.data.tape) > READABLE_NODES

    @cached_property
    def capped(self) -> bool:
        """Whether the layout's crossing minimisation is capped: for large graphs, and for
        wide fan-out (y = x·x·…·x with 100 factors took 46 s uncapped, 1.1 s capped)."""
        tape = self.data.tape
        widest = max((len(users) for users in tape.users.values()), default=0)
        return self.large or widest > style.WIDE_FAN_OUT

    @cached_property
    def drawer(self) -> FrameDrawer:
        if self.base is not None:
            return self.base.drawer
        if self.large:
            warnings.warn(
                f"the graph has {len(self.data.tape)} nodes; a diagram this large is hard to "
                f"read (trace a smaller part with wrt=… or output=…, or use the narrative and "
                f"JSON)", LargeGraphWarning, stacklevel=4)
        chosen = self.layout_choice
        return FrameDrawer(self.desc, chosen.boxes, chosen.layout, self.theme,
                           self.sizing_captions(), self.aspect, conceal=self.exercise)

    @cached_property
    def layouts(self) -> list[Candidate]:
        """Every layout tried, in the order tried. The budget of layout work and seconds is
        shared: when it is spent, what was made is all there is."""
        limits = self.data.limits
        budget = [limits.max_layout_work, time.monotonic() + limits.max_layout_seconds]
        tried: list[Candidate] = []
        for shape in self._shapes():
            if not self._try(shape, budget, tried):
                return tried
        best = _choose(tried)
        if best.faults and best.faults.count:
            # the engine's crossing minimisation depends on the order it is given the boxes:
            # restarts of the best shape from other orders often cross fewer wires
            for k in range(1, style.LAYOUT_RESTARTS + 1):
                if not self._try(replace(best.shape, restart=k), budget, tried):
                    break
        return tried

    def _try(self, shape: Shape, budget: list[float], tried: list[Candidate]) -> bool:
        """Lay the graph out in ``shape`` and add it to ``tried``; False once the budget
        (``[work left, deadline]``) is spent."""
        limits = self.data.limits
        boxes = measure(self.desc, master_view(self.views, self.other_views), shape.rankdir,
                        self.constants,
                        shape.wrap, shape.beside)
        try:
            layout = lay_out(layout_source(self.desc, boxes, self.capped, shape.ordering,
                                           restart=shape.restart),
                             max_work=budget[0], max_memory=limits.max_layout_memory,
                             max_seconds=max(0.05, budget[1] - time.monotonic()))
        except RenderError:
            if not tried:
                raise
            return False
        budget[0] -= layout.work
        layout = attached(boxes, layout)
        px = projected_scale(slide_size(layout, self.sizing_captions(), self.aspect)) \
            * style.FONT_SIZE
        faults = measure_faults(boxes, layout) if self.readable else None
        tried.append(Candidate(shape, boxes, layout, px, faults))
        return True

    @cached_property
    def layout_choice(self) -> Candidate:
        if self.base is not None:
            return self.base.layout_choice
        return _choose(self.layouts)

    def _shapes(self) -> list[Shape]:
        """The ways to lay the graph out: each direction, arguments in their formula's order
        or not, long local partials wrapped or not, and top to bottom a node's gradient under
        or beside its header. Large graphs get one layout."""
        directions = RANKDIRS if self.rankdir == "auto" else (self.rankdir,)
        if not self.readable:
            return [Shape(directions[0], "in", False, False)]
        return [Shape(d, ordering, wrap, beside) for d in directions
                for ordering in ORDERINGS for wrap in (False, True)
                for beside in ((False, True) if d == "TB" else (False,))]

    @cached_property
    def readable(self) -> bool:
        """Small enough for a slide (AUTO_LAYOUT_NODES drawn nodes): worth several candidate
        layouts and measuring their faults."""
        drawn = drawn_nodes(self.data.tape, self.constants == "gate")
        return len(drawn) <= style.AUTO_LAYOUT_NODES

    @property
    def direction(self) -> str:
        """The direction the frames are drawn in ("auto" resolved)."""
        return self.drawer.boxes.rankdir

    def dot(self, frame: int | None = None) -> str:
        """DOT of one frame (None: the master the layout is made from)."""
        view = master_view(self.views, self.other_views) if frame is None else \
            self.views[self.check_frame(frame)]
        return dot_source(self.desc, view, self.theme, self.direction, self.large,
                          self.constants)

    def svg(self, frame: int) -> str:
        return self.drawer.frame(self.views[self.check_frame(frame)])

    def frame_parts(self) -> list[list[str]]:
        return list(self.drawer.all_parts(self.views))

    def all_svgs(self) -> Iterator[str]:
        """Every frame's SVG in order, each made incrementally from the one before."""
        for parts in self.drawer.all_parts(self.views):
            yield "".join(parts)

    def captions(self) -> list[str]:
        return [v.caption for v in self.views]

    def title(self) -> str:
        source = "; ".join(line.strip() for line in self.data.source.splitlines()
                           if line.strip())
        if len(source) > 80:
            source = source[:79] + "…"
        return message("title", self.lang, source=source)

    def html_page(self) -> str:
        return player_page(self.title(), self.frame_parts(), self.captions(), self.theme,
                           self.lang)

    def html_fragment(self, uid: str, start: int = 0) -> str:
        return player_fragment(uid, self.title(), self.frame_parts(), self.captions(),
                               self.theme, start=start, lang=self.lang)

    def check_frame(self, frame: int) -> int:
        if isinstance(frame, bool) or not isinstance(frame, int) \
                or not -len(self.views) <= frame < len(self.views):
            raise FrameIndexError(f"frame {frame!r} out of range (0 to {len(self.views) - 1})")
        return frame % len(self.views)


def _choose(tried: list[Candidate]) -> Candidate:
    """The layout kept: among those whose text is within 10 % of the largest, the one with
    the fewest faults (crossings, wires along boxes), then the largest text, then the
    shortest wires."""
    largest = max(c.px for c in tried)
    near = [c for c in tried if c.px >= style.SIZE_TOLERANCE * largest]
    return min(near, key=lambda c: (c.faults.count if c.faults else 0, -c.px,
                                    c.faults.wire_length if c.faults else 0))


def resolve_granularity(desc: Description, granularity: str) -> str:
    """"auto" is "edge" up to READABLE_NODES nodes and "node" above."""
    if granularity != "auto":
        return granularity
    return "node" if len(desc.data.tape) > READABLE_NODES else "edge"
