"""Render a trace: one Graphviz layout, every frame restyled from it, and the files ``render``
writes (frames, HTML player, narrative, listing, JSON, slides)."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Final

from .dot_source import RANKDIRS, dot_source
from .errors import RenderError
from .export import trace_json
from .files import OutputDir
from .frames import FrameView, frame_views, master_view
from .layout import require_program, run_dot
from .listing import backward_listing
from .narrative import narrative
from .player import player_fragment, player_page
from .svg_frames import MasterSVG
from .themes import Theme

if TYPE_CHECKING:
    from .trace import Trace

__all__ = ["Renderer", "render", "resolve_granularity", "FORMATS", "LargeGraphWarning",
           "READABLE_NODES"]

FORMATS: Final = ("svg", "png", "pdf")
READABLE_NODES: Final = 300
"""Above this many nodes a picture is hard to read: ``render`` warns and lays out faster."""
_PROGRESS_FROM: Final = 50
_PNG_ZOOM: Final = 2.0
_PNG_MAX_PIXELS: Final = 16_000.0


class LargeGraphWarning(UserWarning):
    """The graph is too large for a readable diagram."""


@dataclass
class Renderer:
    """Everything drawn for one trace in one theme and direction; the layout is made once."""

    t: Trace
    theme: Theme
    rankdir: str = "LR"
    granularity: str = "auto"
    """"edge": a frame per step; "node": per operation; "auto": edge up to READABLE_NODES."""

    def __post_init__(self) -> None:
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"unknown rankdir {self.rankdir!r} (must be one of {list(RANKDIRS)})")
        self.granularity = resolve_granularity(self.t, self.granularity)

    @cached_property
    def views(self) -> list[FrameView]:
        return frame_views(self.t, self.granularity)

    @cached_property
    def large(self) -> bool:
        return len(self.t.graph) > READABLE_NODES

    @cached_property
    def master(self) -> MasterSVG:
        if self.large:
            warnings.warn(
                f"the graph has {len(self.t.graph)} nodes; a diagram this large is hard to read "
                f"(trace a smaller part with wrt=… or output=…, or use the narrative and JSON)",
                LargeGraphWarning, stacklevel=4)
        view = master_view(self.views)
        svg = run_dot(dot_source(self.t, view, self.theme, self.rankdir, self.large))
        return MasterSVG(svg, self.t, self.theme, view.caption)

    def dot(self, frame: int | None = None) -> str:
        """DOT of one frame (None: the master the layout is made from)."""
        view = master_view(self.views) if frame is None else self.views[self._check(frame)]
        return dot_source(self.t, view, self.theme, self.rankdir, self.large)

    def svg(self, frame: int) -> str:
        return self.master.frame(self.views[self._check(frame)])

    def frame_parts(self) -> list[list[str]]:
        return list(self.master.all_parts(self.views))

    def all_svgs(self) -> Iterator[str]:
        """Every frame's SVG in order, each made incrementally from the one before."""
        for parts in self.master.all_parts(self.views):
            yield "".join(parts)

    def captions(self) -> list[str]:
        return [v.caption for v in self.views]

    def title(self) -> str:
        source = "; ".join(line.strip() for line in self.t.source.splitlines() if line.strip())
        if len(source) > 80:
            source = source[:79] + "…"
        return f"backprop_trace: {source}"

    def html_page(self) -> str:
        return player_page(self.title(), self.frame_parts(), self.captions(), self.theme)

    def html_fragment(self, uid: str, start: int = 0) -> str:
        return player_fragment(uid, self.title(), self.frame_parts(), self.captions(),
                               self.theme, start=start)

    def _check(self, frame: int) -> int:
        if not -len(self.views) <= frame < len(self.views):
            raise IndexError(f"frame {frame} out of range (0 to {len(self.views) - 1})")
        return frame % len(self.views)


def resolve_granularity(t: Trace, granularity: str) -> str:
    """"auto" is "edge" up to READABLE_NODES nodes and "node" above."""
    if granularity != "auto":
        return granularity
    return "node" if len(t.graph) > READABLE_NODES else "edge"


def convert_svg(svg: str, fmt: str) -> bytes:
    """SVG → PNG or PDF with librsvg's ``rsvg-convert`` (same picture, same layout)."""
    program = require_program("rsvg-convert")
    args = [program, "-f", fmt]
    if fmt == "png":
        # Twice the size for sharp slides, but never past what librsvg can draw.
        size = re.search(r'<svg[^>]*? width="([\d.]+)pt" height="([\d.]+)pt"', svg)
        largest = max(float(size.group(1)), float(size.group(2))) if size else 0.0
        zoom = min(_PNG_ZOOM, _PNG_MAX_PIXELS / largest) if largest else _PNG_ZOOM
        args += ["-z", f"{zoom:.4f}"]
    done = subprocess.run(args, input=svg.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise RenderError(f"rsvg-convert failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def render(t: Trace, out_dir: str | Path, formats: Iterable[str] = ("svg",), *,
           theme: str | Theme = "default", rankdir: str = "LR", granularity: str = "auto",
           progress: bool | None = None) -> list[Path]:
    """Write frames ``step-00.svg`` … and ``index.html``, ``steps.md``, ``backward.py.txt``,
    ``trace.json`` (and ``slides.tex`` with PDF frames). Returns the paths written."""
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown format {unknown[0] if unknown else None!r} "
                         f"(must be some of {list(FORMATS)})")
    renderer = t.renderer(theme, rankdir, granularity)
    out = OutputDir(out_dir)
    count = len(renderer.views)
    width = max(2, len(str(count - 1)))
    names = [f"step-{k:0{width}d}" for k in range(count)]
    out.remove_stale_frames({f"{n}.{fmt}" for n in names for fmt in formats})
    show_progress = count > _PROGRESS_FROM if progress is None else progress
    for k, (name, svg) in enumerate(zip(names, renderer.all_svgs())):
        for fmt in formats:
            out.write(f"{name}.{fmt}", svg if fmt == "svg" else convert_svg(svg, fmt))
        if show_progress:
            _progress(k + 1, count)
    out.write("index.html", renderer.html_page())
    out.write("steps.md", narrative(t))
    out.write("backward.py.txt", backward_listing(t))
    out.write("trace.json", trace_json(t))
    if "pdf" in formats:
        out.write("slides.tex", beamer_slides(t, [f"{n}.pdf" for n in names]))
    return out.written


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\rwriting frames: {done}/{total}", end=end, file=sys.stderr, flush=True)
    elif done == total or done % max(1, total // 10) == 0:
        print(f"writing frames: {done}/{total}", file=sys.stderr, flush=True)


def beamer_slides(t: Trace, pdf_names: list[str]) -> str:
    """A Beamer file showing the PDF frames one per overlay."""
    overlays = "\n".join(
        f"  \\only<{k + 1}>{{\\includegraphics[width=\\textwidth,height=0.85\\textheight,"
        f"keepaspectratio]{{{name}}}}}" for k, name in enumerate(pdf_names))
    return (
        "% Generated by backprop_trace. Build with: pdflatex slides.tex\n"
        "\\documentclass{beamer}\n\\usepackage{graphicx}\n\\begin{document}\n"
        "\\begin{frame}{Backpropagation, one chain-rule term at a time}\n"
        f"  \\centering\n{overlays}\n\\end{{frame}}\n\\end{{document}}\n")
