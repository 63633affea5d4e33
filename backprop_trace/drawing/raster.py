"""SVG frames → PNG and PDF, the same picture and layout, with no system program: PNG by resvg
(``resvg-py``), PDF by svglib and ReportLab, both with the bundled fonts (DejaVu Sans, and
Noto Sans CJK SC cut to common hanzi and Hangul), so glyphs (∂, subscripts, −, ←, 步, 단계)
come out the same on every machine."""

from __future__ import annotations

import io
import os
import re
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from html import escape, unescape
from typing import Any, Final

from ..errors import RenderError
from .metrics import CJK_FAMILY, cjk_font_path, font_path, text_width

__all__ = ["convert_svg", "convert_many", "convert_seconds", "FORMATS", "SLIDE_PIXELS",
           "png_pixels", "workers"]

FORMATS: Final = ("svg", "png", "pdf")
SLIDE_PIXELS: Final = (1920, 1080)
"""A PNG frame's default size: a 16:9 slide full HD (a 4:3 frame is 1440×1080)."""
_FONT: Final = "DejaVu Sans"
_SIZE: Final = re.compile(r'(<svg[^>]*?) width="[\d.]+" height="[\d.]+"')


def convert_svg(svg: str, fmt: str, png_size: tuple[int, int] = SLIDE_PIXELS) -> bytes:
    """One frame as PNG, ``png_size`` pixels at most (exactly for a frame of that shape:
    1920×1080 for a 16:9 slide), or PDF (vector, fonts embedded)."""
    try:
        return _png(svg, png_size) if fmt == "png" else _pdf(svg)
    except RenderError:
        raise
    except Exception as exc:  # a converter's own failure: say which, keep the trace usable
        raise RenderError(f"converting a frame to {fmt.upper()} failed: {exc}") from None


def png_pixels(svg: str, png_size: tuple[int, int] = SLIDE_PIXELS) -> tuple[int, int]:
    """The PNG's width and height: the frame scaled to fit ``png_size``."""
    size = re.search(r'<svg[^>]*? width="([\d.]+)" height="([\d.]+)"', svg)
    if size is None:
        return png_size
    width, height = float(size.group(1)), float(size.group(2))
    if abs(width / height - png_size[0] / png_size[1]) < 0.005 * png_size[0] / png_size[1]:
        return png_size  # the slide's own shape (its size written to two decimals)
    scale = min(png_size[0] / width, png_size[1] / height)
    return (min(png_size[0], max(1, round(width * scale))),
            min(png_size[1], max(1, round(height * scale))))


def _png(svg: str, png_size: tuple[int, int]) -> bytes:
    import resvg_py

    width, height = png_pixels(svg, png_size)
    # the frame's own size set to the pixels wanted (its viewBox scales into them): exactly
    # width × height, where resvg's own fitting would round a side down
    svg = _SIZE.sub(f'\\1 width="{width}" height="{height}"', svg, count=1)
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=True,
                                       font_files=[font_path(False), font_path(True),
                                                   cjk_font_path()],
                                       font_family=_FONT, sans_serif_family=_FONT))


def workers() -> int:
    """Processes that convert frames at once: the machine's cores (one where processes cannot
    be forked cheaply)."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _convert(job: tuple[str, str, tuple[int, int]]) -> bytes:
    return convert_svg(*job)


def convert_many(svgs: Iterable[str], fmt: str, png_size: tuple[int, int] = SLIDE_PIXELS,
                 count: int = 0, incremental: bool = True) -> Iterator[bytes]:
    """Frames converted in order, across the machine's cores when there are many. PNG frames
    of a run go in runs of consecutive frames, each frame drawn from the one before where
    ``incremental`` (``drawing/increments.py``; False draws every frame whole)."""
    processes = workers()
    parallel = processes > 1 and count >= _PARALLEL_FROM
    if fmt == "png" and incremental:
        listed = list(svgs)
        length = max(1, min(_RUN_MOST, -(-len(listed) // processes)))
        runs = [(listed[k:k + length], png_size) for k in range(0, len(listed), length)]
        if not parallel:
            for run in runs:
                yield from _png_run(run)
            return
        with _pool(processes) as pool:
            for pngs in pool.imap(_png_run, runs, chunksize=1):
                yield from pngs
        return
    jobs = ((svg, fmt, png_size) for svg in svgs)
    if not parallel:
        yield from map(_convert, jobs)
        return
    with _pool(processes) as pool:
        yield from pool.imap(_convert, jobs, chunksize=2)


@contextmanager
def _pool(processes: int) -> Iterator[Any]:
    """Worker processes, closed and joined when done (ended at once on an error or Ctrl-C):
    they leave SIGTERM and SIGINT to the parent, so ending them prints nothing."""
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(processes, initializer=_quiet_worker)
    try:
        yield pool
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def _quiet_worker() -> None:
    # the CLI turns SIGTERM into KeyboardInterrupt; a forked worker would print its traceback
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_PARALLEL_FROM: Final = 8
INCREMENT_SHARE: Final = 0.5
"""A PNG frame drawn from the one before costs about this share of one drawn whole, for
estimating a run's time: measured 0.24 on the 2-2-1 network (62 of 254 ms), 0.77 on the gate
(whose changes cover most of its small frame; long runs are of large graphs)."""


def convert_seconds(first: float, count: int, formats: Iterable[str]) -> float:
    """About how long converting ``count`` frames takes, the first having taken ``first``
    seconds in ``formats``: PDF frames each as slow, PNG frames mostly drawn from the one
    before, on every core."""
    share = INCREMENT_SHARE if set(formats) <= {"png"} else 1.0
    return first * (1 + (count - 1) * share) / workers()
_RUN_MOST: Final = 32
"""Frames one process draws in a row, each from the one before (its first drawn whole)."""


def _png_run(job: tuple[list[str], tuple[int, int]]) -> list[bytes]:
    from .increments import png_run

    svgs, png_size = job
    if not svgs:
        return []
    try:
        return png_run(svgs, png_pixels(svgs[0], png_size), _png)
    except RenderError:
        raise
    except Exception as exc:  # a converter's own failure: say which, keep the trace usable
        raise RenderError(f"converting a frame to PNG failed: {exc}") from None


def _pdf(svg: str) -> bytes:
    renderer, svg2rlg = _pdf_tools()
    drawing = svg2rlg(io.BytesIO(flat_text(svg).encode()))
    if drawing is None:
        raise RenderError("converting a frame to PDF failed: the SVG could not be read")
    return bytes(renderer.drawToString(drawing))


_TEXT: Final = re.compile(r"<text([^>]*)>((?:(?!</text>).)*<tspan.*?)</text>", re.S)
_RUN: Final = re.compile(r'<tspan([^>]*)>([^<]*)</tspan>|([^<]+)')
_ATTRIBUTE: Final = re.compile(r'([\w:-]+)="([^"]*)"')
_ROOT_SIZE: Final = re.compile(r'<svg[^>]*? font-size="([\d.]+)"')


def flat_text(svg: str) -> str:
    """The frame with each text of several runs (enlarged subscripts, CJK) written as one
    text per run, each placed by the bundled fonts' metrics: svglib places a ``<tspan>``
    wrongly and reads its ``80%`` size as 80 units, where ReportLab draws exactly the widths
    measured (the same fonts)."""
    if "<tspan" not in svg:
        return svg
    root = _ROOT_SIZE.search(svg)
    root_size = float(root.group(1)) if root else 14.0

    def runs(match: re.Match[str]) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        size = float(attributes.pop("font-size", root_size))
        x, y = float(attributes.pop("x", 0)), float(attributes.pop("y", 0))
        anchor = attributes.pop("text-anchor", "start")
        bold = attributes.get("font-weight") == "bold"
        pieces = []  # (text, its own attributes, drop below the baseline)
        for span, inner, plain in _RUN.findall(match.group(2)):
            own = dict(_ATTRIBUTE.findall(span))
            text = unescape(inner if span else plain)
            scale = float(own["font-size"][:-1]) / 100 if own.get("font-size", "").endswith("%") \
                else 1.0
            shift = own.get("baseline-shift", "0")
            drop = -float(shift[:-2]) * size * scale if shift.endswith("em") else 0.0
            extra = {"font-size": f"{size * scale:.2f}"}
            if "font-family" in own:
                extra["font-family"] = own["font-family"]
            pieces.append((text, extra, drop))
        widths = [text_width(text, size, bold) for text, _, _ in pieces]
        left = x - sum(widths) * {"middle": 0.5, "end": 1.0}.get(anchor, 0.0)
        rest = "".join(f' {k}="{v}"' for k, v in attributes.items())
        out = []
        for (text, extra, drop), width in zip(pieces, widths, strict=True):
            own_attributes = "".join(f' {k}="{v}"' for k, v in extra.items())
            out.append(f'<text x="{left:.2f}" y="{y + drop:.2f}"{own_attributes}{rest}>'
                       f'{escape(text, quote=False)}</text>')
            left += width
        return "".join(out)

    return _TEXT.sub(runs, svg)


@cache
def _pdf_tools() -> tuple[Any, Any]:
    """ReportLab with the bundled fonts registered under the name the frames use."""
    from reportlab.graphics import renderPDF
    from svglib.fonts import register_font
    from svglib.svglib import svg2rlg

    # svglib's own font map, so it never falls back to fontconfig or Helvetica
    register_font(_FONT, font_path(False), rlgFontName="DejaVuSans")
    register_font(_FONT, font_path(True), weight="bold", rlgFontName="DejaVuSans-Bold")
    for weight in ("normal", "bold"):  # one CJK face: bold CJK text is drawn regular
        register_font(CJK_FAMILY, cjk_font_path(), weight=weight, rlgFontName="NotoSansCJKsc")
    return renderPDF, svg2rlg
