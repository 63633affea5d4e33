"""Writing a trace's output folder: the frames in every format asked for, the HTML player,
the narrative, the listing, JSON and Beamer — budgeted before anything is written, each file
written atomically, one run at a time per folder."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from ..drawing.raster import convert_svg
from ..drawing.renderer import Renderer
from ..errors import RenderError
from ..printing.beamer import beamer_slides
from ..printing.export import trace_json
from ..printing.listing import backward_listing
from ..printing.narrative import narrative
from .folder import OutputDir

__all__ = ["write_outputs"]

_PROGRESS_FROM: Final = 50


def write_outputs(renderer: Renderer, out_dir: str | Path, formats: Sequence[str] = ("svg",),
                  *, progress: bool | None = None) -> list[Path]:
    """Write frames ``step-00.svg`` … in ``formats`` and ``index.html``, ``steps.md``,
    ``backward.py.txt``, ``trace.json`` (and ``slides.tex`` with PDF frames). Returns the
    paths written."""
    desc, lang = renderer.desc, renderer.lang
    data = desc.data
    count = len(renderer.views)
    width = max(2, len(str(count - 1)))
    names = [f"step-{k:0{width}d}" for k in range(count)]
    # Everything that can fail — a program or converter missing, the output too large — fails
    # before the folder is touched: the layout, the first frame in every format, the budget.
    frames = renderer.all_svgs()
    first = next(frames)
    converted = {fmt: convert_svg(first, fmt) for fmt in formats if fmt != "svg"}
    texts = {"index.html": renderer.html_page(), "steps.md": narrative(desc, lang),
             "backward.py.txt": backward_listing(desc, lang),
             "trace.json": trace_json(desc, lang)}
    if "pdf" in formats:
        texts["slides.tex"] = beamer_slides([f"{n}.pdf" for n in names], lang)
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
