"""Writing a trace's output folder: the frames in every format asked for, the HTML player,
the narrative, the listing, JSON and Beamer — budgeted before anything is written, each file
written atomically, one run at a time per folder."""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

from ..autodiff.tangents import mode_work
from ..describe import Description
from ..describe.modes import describe_forward, describe_paths
from ..drawing.options import DECK_FORMATS
from ..drawing.portable import embed_fonts
from ..drawing.raster import SLIDE_PIXELS, convert_many, convert_seconds, convert_svg
from ..drawing.renderer import Renderer
from ..drawing.views import gradient_nodes
from ..errors import RenderError
from ..names import pretty_name
from ..printing.beamer import beamer_slides
from ..printing.exercise import exercise_sheet
from ..printing.export import trace_json
from ..printing.latex import to_latex
from ..printing.listing import backward_listing
from ..printing.narrative import narrative
from ..printing.unicode import to_unicode
from .decks import DECK_FILES, gif_animation, mp4_video, pptx_deck, require_extra
from .folder import OutputDir

__all__ = ["write_outputs"]

_PROGRESS_FROM: Final = 50


def write_outputs(renderer: Renderer, out_dir: str | Path, formats: Sequence[str] = ("svg",),
                  *, progress: bool | None = None, png_size: tuple[int, int] = SLIDE_PIXELS,
                  whole: Description | None = None,
                  exercise: Renderer | None = None) -> list[Path]:
    """Write frames ``step-00.svg`` … in ``formats`` and ``index.html``, ``steps.md``,
    ``backward.py.txt``, ``trace.json`` (and ``slides.tex`` with PDF frames). Returns the
    paths written. The narrative, listing and JSON describe ``whole`` (default: what the
    frames draw), every step of the computation even where frames draw composite gates."""
    desc, lang = whole or renderer.desc, renderer.lang
    data = desc.data
    decks = [fmt for fmt in formats if fmt in DECK_FILES]
    for fmt in decks:
        require_extra(fmt)
    formats = [fmt for fmt in formats if fmt not in DECK_FILES] or ["svg"]  # frames always
    count = len(renderer.views)
    width = max(2, len(str(count - 1)))
    names = [f"step-{k:0{width}d}" for k in range(count)]
    # Everything that can fail — a program or converter missing, the output too large — fails
    # before the folder is touched: the layout, the first frame in every format, the budget.
    frames = renderer.all_svgs()
    first = next(frames)
    start = time.perf_counter()
    rasters = [*formats, *(["png"] if decks and "png" not in formats else [])]
    converted = {fmt: convert_svg(first, fmt, png_size) for fmt in rasters if fmt != "svg"}
    seconds = convert_seconds(time.perf_counter() - start, count, converted)
    if seconds > data.limits.max_convert_seconds:
        raise RenderError(f"converting {count:,} frames to {'/'.join(converted).upper()} would "
                          f"take about {seconds:,.0f} s, more than limits.max_convert_seconds "
                          f"= {data.limits.max_convert_seconds:g}: write SVG frames, use "
                          f"granularity='node' (--granularity node), or raise the limit")
    mode = None
    wrt = renderer.options.wrt
    if renderer.options.mode != "reverse" and wrt is not None:
        mode = (describe_forward(desc, wrt, gradient_nodes(data))
                if renderer.options.mode == "forward" else describe_paths(desc, wrt))
    work = mode_work(data) if not data.shapes and data.wrt else None
    texts = {"index.html": renderer.html_page(),
             "steps.md": narrative(desc, lang, mode, work),
             "backward.py.txt": backward_listing(
                 desc, lang, wrt if renderer.options.mode == "forward" else None),
             "trace.json": trace_json(desc, lang, mode, work)}
    if "pdf" in formats:
        texts["slides.tex"] = beamer_slides([f"{n}.pdf" for n in names], lang)
    sheets: dict[str, bytes] = {}
    if exercise is not None:  # the sheet and its answers: one PDF page and Markdown each
        for k, name in enumerate(EXERCISE_FILES):
            sheets[f"{name}.pdf"] = convert_svg(exercise.svg(k), "pdf")
            texts[f"{name}.md"] = exercise_sheet(exercise.desc, lang, answers=k == 1)
    per_frame = len(embed_fonts(first).encode()) * ("svg" in formats) + sum(
        map(len, converted.values()))
    per_frame += len(converted.get("png", b"")) * len(decks)  # a deck holds every PNG again
    estimate = per_frame * count + sum(len(t.encode()) for t in texts.values()) + sum(
        map(len, sheets.values()))
    budget = data.limits.max_output_bytes
    if estimate > budget:
        raise RenderError(f"the output would take about {_size(estimate)} ({count:,} frames), "
                          f"more than limits.max_output_bytes = {_size(budget)}: "
                          f"use granularity='node' (--granularity node), trace a smaller part, "
                          f"or raise the limit")
    with OutputDir(out_dir) as out:
        out.check_space(estimate)
        try:
            pngs = _write_all(out, names, formats, first, frames, converted, texts, count,
                              progress, png_size)
            for fmt in decks:
                out.write(DECK_FILES[fmt], _deck(fmt, renderer, pngs))
            for file_name, sheet in sheets.items():
                out.write(file_name, sheet)
            if exercise is None:  # an earlier run's sheet, of another trace
                for name in EXERCISE_FILES:
                    out.remove_own(f"{name}.pdf")
                    out.remove_own(f"{name}.md")
            for fmt in DECK_FORMATS:
                if fmt not in decks:
                    out.remove_own(DECK_FILES[fmt])  # an earlier run's, of other frames
        except RenderError:  # a full disk, a file in the way: no partial set stays behind
            out.remove_written()
            raise
        return out.written


EXERCISE_FILES: Final = ("exercise", "answers")


def _deck(fmt: str, renderer: Renderer, pngs: list[bytes]) -> bytes:
    captions = renderer.captions()
    if fmt == "gif":
        return gif_animation(pngs, renderer.options.frame_seconds)
    if fmt == "mp4":
        return mp4_video(pngs, renderer.options.frame_seconds)
    notes = [caption if k == 0 or renderer.options.mode != "reverse"
             or renderer.granularity != "edge" else
             f"{caption}\n\n$$ {to_latex(renderer.desc.steps[k - 1].equation)} $$"
             for k, caption in enumerate(captions)]
    data = renderer.data
    value = renderer.desc.value(data.output)
    subtitle = (f"{pretty_name(data.output)} = {to_unicode(value)}" if value is not None
                else pretty_name(data.output))
    return pptx_deck(pngs, captions, notes, renderer.title(), subtitle)


def _write_all(out: OutputDir, names: list[str], formats: Sequence[str], first: str,
               frames: Iterator[str], converted: dict[str, bytes], texts: dict[str, str],
               count: int, progress: bool | None, png_size: tuple[int, int]) -> list[bytes]:
    """Write the frames and texts; return the PNG frames made (for the whole-run files)."""
    out.remove_stale_frames({f"{n}.{fmt}" for n in names for fmt in formats})
    show_progress = count > _PROGRESS_FROM if progress is None else progress
    svgs: Iterable[str] = itertools.chain([first], frames)
    pictures: dict[str, Iterator[bytes]] = {}
    if converted:  # the frames once, each format converted across the cores
        listed = list(svgs)
        pictures = {fmt: itertools.chain([picture], convert_many(listed[1:], fmt, png_size,
                                                                 count))
                    for fmt, picture in converted.items()}
        svgs = listed
    pngs: list[bytes] = []
    for k, (name, svg) in enumerate(zip(names, svgs)):
        if "png" in pictures:
            pngs.append(next(pictures["png"]))
        for fmt in formats:
            picture = pngs[-1] if fmt == "png" else None if fmt == "svg" else next(pictures[fmt])
            out.write(f"{name}.{fmt}", embed_fonts(svg) if picture is None else picture)
        if show_progress:
            _progress(k + 1, count)
    for file_name, text in texts.items():
        out.write(file_name, text)
    if "pdf" not in formats:
        out.remove_own("slides.tex")  # it would show the PDF frames of an earlier run
    return pngs


def _size(n: float) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB" if n >= 1e3 else f"{n:.0f} B"


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\rwriting frames: {done}/{total}", end=end, file=sys.stderr, flush=True)
    elif done == total or done % max(1, total // 10) == 0:
        print(f"writing frames: {done}/{total}", file=sys.stderr, flush=True)
