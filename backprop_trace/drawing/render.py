"""Render a trace: boxes measured once, one layout, every frame drawn from it, and the files
``render`` writes (frames, HTML player, narrative, listing, JSON, slides)."""

from __future__ import annotations

import itertools
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Final

from ..autodiff.result import TraceData
from ..errors import FrameIndexError, OptionError, RenderError
from ..graph.labels import drawn_nodes
from ..printing.beamer import beamer_slides
from ..printing.export import trace_json
from ..printing.listing import backward_listing
from ..printing.messages import message
from ..printing.narrative import narrative
from . import style
from .boxes import Boxes, measure
from .dot import check_rankdir, dot_source, layout_source
from .files import OutputDir
from .layout import Layout, lay_out
from .player import player_fragment, player_page
from .raster import FORMATS, convert_svg
from .style import (
    ASPECTS,
    CONSTANT_STYLES,
    GRANULARITIES,
    RANKDIR_CHOICES,
    RANKDIRS,
    READABLE_NODES,
    Theme,
)
from .svg import FrameDrawer, projected_scale, slide_size
from .views import FrameView, frame_views, master_view

__all__ = ["Renderer", "render", "resolve_granularity", "check_formats", "check_constants",
           "LargeGraphWarning",
           "GRANULARITY_CHOICES"]

GRANULARITY_CHOICES: Final = ("auto", *GRANULARITIES)
_PROGRESS_FROM: Final = 50


class LargeGraphWarning(UserWarning):
    """The graph is too large for a readable diagram."""


@dataclass
class Renderer:
    """Everything drawn for one trace in one theme and direction; the layout is made once."""

    data: TraceData
    theme: Theme
    rankdir: str = "auto"
    """"LR", "TB", or "auto": whichever shows the text largest on the slide."""
    granularity: str = "auto"
    """"edge": a frame per step; "node": per operation; "auto": edge up to READABLE_NODES."""
    constants: str = "gate"
    """Constants inside their gates (``×3``, ``x²``) or, "node", drawn as nodes."""
    aspect: str = "16:9"
    """The slide the frames are padded to: "16:9", "4:3" or "fit"."""

    def __post_init__(self) -> None:
        check_rankdir(self.rankdir, RANKDIR_CHOICES)
        check_constants(self.constants)
        if self.aspect not in ASPECTS:
            raise OptionError(f"unknown aspect {self.aspect!r} (must be one of "
                              f"{list(ASPECTS)})")
        self.granularity = resolve_granularity(self.data, self.granularity)

    @cached_property
    def views(self) -> list[FrameView]:
        return frame_views(self.data, self.granularity)

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
        if self.large:
            warnings.warn(
                f"the graph has {len(self.data.tape)} nodes; a diagram this large is hard to "
                f"read (trace a smaller part with wrt=… or output=…, or use the narrative and "
                f"JSON)", LargeGraphWarning, stacklevel=4)
        view = master_view(self.views)
        best: tuple[float, Boxes, Layout] | None = None
        readable = self.readable
        for rankdir, wrap in self._candidates():
            boxes = measure(self.data, view, rankdir, self.constants, wrap)
            layout = lay_out(layout_source(self.data, boxes, self.capped, layered=readable),
                             max_work=self.data.limits.max_layout_work)
            # a later candidate must show the text clearly larger (3 %) to displace an earlier
            score = projected_scale(slide_size(layout, self.captions(), self.aspect))
            if best is None or score > 1.03 * best[0]:
                best = (score, boxes, layout)
            if score * style.FONT_SIZE >= style.COMFORTABLE_PX:
                break  # large enough: the preferred way stands
        assert best is not None
        return FrameDrawer(self.data, best[1], best[2], self.theme, self.captions(),
                           self.aspect)

    def _candidates(self) -> list[tuple[str, bool]]:
        """(direction, wrap long local partials) pairs to lay out, in order of preference:
        left to right as textbooks draw it first, unwrapped before wrapped. Large graphs get
        one layout."""
        directions = RANKDIRS if self.rankdir == "auto" else (self.rankdir,)
        if not self.readable:
            return [(directions[0], False)]
        return [(d, wrap) for wrap in (False, True) for d in directions]

    @cached_property
    def readable(self) -> bool:
        """Small enough for a slide (AUTO_LAYOUT_NODES drawn nodes): worth several layouts
        and the first layer's inputs in one rank."""
        drawn = drawn_nodes(self.data.tape, self.constants == "gate")
        return len(drawn) <= style.AUTO_LAYOUT_NODES

    @property
    def direction(self) -> str:
        """The direction the frames are drawn in ("auto" resolved)."""
        return self.drawer.boxes.rankdir

    def dot(self, frame: int | None = None) -> str:
        """DOT of one frame (None: the master the layout is made from)."""
        view = master_view(self.views) if frame is None else self.views[self.check_frame(frame)]
        return dot_source(self.data, view, self.theme, self.direction, self.large,
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
        return message("title", source=source)

    def html_page(self) -> str:
        return player_page(self.title(), self.frame_parts(), self.captions(), self.theme)

    def html_fragment(self, uid: str, start: int = 0) -> str:
        return player_fragment(uid, self.title(), self.frame_parts(), self.captions(),
                               self.theme, start=start)

    def check_frame(self, frame: int) -> int:
        if isinstance(frame, bool) or not isinstance(frame, int) \
                or not -len(self.views) <= frame < len(self.views):
            raise FrameIndexError(f"frame {frame!r} out of range (0 to {len(self.views) - 1})")
        return frame % len(self.views)


def resolve_granularity(data: TraceData, granularity: str) -> str:
    """"auto" is "edge" up to READABLE_NODES nodes and "node" above."""
    if granularity not in GRANULARITY_CHOICES:
        raise OptionError(f"unknown granularity {granularity!r} (must be one of "
                          f"{list(GRANULARITY_CHOICES)})")
    if granularity != "auto":
        return granularity
    return "node" if len(data.tape) > READABLE_NODES else "edge"


def check_constants(constants: str) -> str:
    if constants not in CONSTANT_STYLES:
        raise OptionError(f"unknown constants style {constants!r} (must be one of "
                          f"{list(CONSTANT_STYLES)})")
    return constants


def check_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    """The formats asked for, each once; one format may be given as a string."""
    chosen = (formats,) if isinstance(formats, str) else tuple(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise OptionError(f"unknown format {unknown[0] if unknown else None!r} "
                          f"(must be some of {list(FORMATS)})")
    return chosen


def render(data: TraceData, renderer: Renderer, out_dir: str | Path,
           formats: Iterable[str] | str = ("svg",), *,
           progress: bool | None = None) -> list[Path]:
    """Write frames ``step-00.svg`` … and ``index.html``, ``steps.md``, ``backward.py.txt``,
    ``trace.json`` (and ``slides.tex`` with PDF frames). Returns the paths written."""
    formats = check_formats(formats)
    count = len(renderer.views)
    width = max(2, len(str(count - 1)))
    names = [f"step-{k:0{width}d}" for k in range(count)]
    # Everything that can fail — a program or converter missing, the output too large — fails
    # before the folder is touched: the layout, the first frame in every format, the budget.
    frames = renderer.all_svgs()
    first = next(frames)
    converted = {fmt: convert_svg(first, fmt) for fmt in formats if fmt != "svg"}
    texts = {"index.html": renderer.html_page(), "steps.md": narrative(data),
             "backward.py.txt": backward_listing(data), "trace.json": trace_json(data)}
    if "pdf" in formats:
        texts["slides.tex"] = beamer_slides([f"{n}.pdf" for n in names])
    per_frame = len(first.encode()) * ("svg" in formats) + sum(map(len, converted.values()))
    estimate = per_frame * count + sum(len(t.encode()) for t in texts.values())
    budget = data.limits.max_output_bytes
    if estimate > budget:
        raise RenderError(f"the output would take about {_size(estimate)} ({count:,} frames), "
                          f"more than limits.max_output_bytes = {_size(budget)}: "
                          f"use granularity='node' (--granularity node), trace a smaller part, "
                          f"or raise the limit")
    with OutputDir(out_dir) as out:
        out.remove_stale_frames({f"{n}.{fmt}" for n in names for fmt in formats})
        show_progress = count > _PROGRESS_FROM if progress is None else progress
        for k, (name, svg) in enumerate(zip(names, itertools.chain([first], frames))):
            for fmt in formats:
                data_out = converted.pop(fmt) if k == 0 and fmt in converted else (
                    svg if fmt == "svg" else convert_svg(svg, fmt))
                out.write(f"{name}.{fmt}", data_out)
            if show_progress:
                _progress(k + 1, count)
        for file_name, text in texts.items():
            out.write(file_name, text)
        if "pdf" not in formats:
            out.remove_own("slides.tex")  # it would show the PDF frames of an earlier run
        return out.written


def _size(n: float) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB" if n >= 1e3 else f"{n:.0f} B"


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\rwriting frames: {done}/{total}", end=end, file=sys.stderr, flush=True)
    elif done == total or done % max(1, total // 10) == 0:
        print(f"writing frames: {done}/{total}", file=sys.stderr, flush=True)
