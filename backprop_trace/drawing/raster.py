"""SVG frames → PNG and PDF, the same picture and layout, with no system program: PNG by resvg
(``resvg-py``), PDF by svglib and ReportLab, both with the bundled DejaVu Sans, so glyphs
(∂, subscripts, −, ←) come out the same on every machine."""

from __future__ import annotations

import io
import re
from functools import cache
from typing import Any, Final

from ..errors import RenderError
from .metrics import font_path

__all__ = ["convert_svg", "FORMATS"]

FORMATS: Final = ("svg", "png", "pdf")
_PNG_ZOOM: Final = 2.0
_PNG_MAX_PIXELS: Final = 16_000.0
_FONT: Final = "DejaVu Sans"


def convert_svg(svg: str, fmt: str) -> bytes:
    """One frame as PNG (twice its size, for sharp slides) or PDF (vector, fonts embedded)."""
    try:
        return _png(svg) if fmt == "png" else _pdf(svg)
    except RenderError:
        raise
    except Exception as exc:  # a converter's own failure: say which, keep the trace usable
        raise RenderError(f"converting a frame to {fmt.upper()} failed: {exc}") from None


def _png(svg: str) -> bytes:
    import resvg_py

    size = re.search(r'<svg[^>]*? width="([\d.]+)" height="([\d.]+)"', svg)
    largest = max(float(size.group(1)), float(size.group(2))) if size else 0.0
    zoom = min(_PNG_ZOOM, _PNG_MAX_PIXELS / largest) if largest else _PNG_ZOOM
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=zoom, skip_system_fonts=True,
                                       font_files=[font_path(False), font_path(True)],
                                       font_family=_FONT, sans_serif_family=_FONT))


def _pdf(svg: str) -> bytes:
    renderer, svg2rlg = _pdf_tools()
    drawing = svg2rlg(io.BytesIO(svg.encode()))
    if drawing is None:
        raise RenderError("converting a frame to PDF failed: the SVG could not be read")
    return bytes(renderer.drawToString(drawing))


@cache
def _pdf_tools() -> tuple[Any, Any]:
    """ReportLab with the bundled fonts registered under the name the frames use."""
    from reportlab.graphics import renderPDF
    from svglib.fonts import register_font
    from svglib.svglib import svg2rlg

    # svglib's own font map, so it never falls back to fontconfig or Helvetica
    register_font(_FONT, font_path(False), rlgFontName="DejaVuSans")
    register_font(_FONT, font_path(True), weight="bold", rlgFontName="DejaVuSans-Bold")
    return renderPDF, svg2rlg
