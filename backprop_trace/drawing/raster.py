"""SVG frames → PNG and PDF, the same picture and layout."""

from __future__ import annotations

import re
import subprocess
from typing import Final

from ..errors import RenderError
from .layout import require_program

__all__ = ["convert_svg", "FORMATS"]

FORMATS: Final = ("svg", "png", "pdf")
_PNG_ZOOM: Final = 2.0
_PNG_MAX_PIXELS: Final = 16_000.0


def convert_svg(svg: str, fmt: str) -> bytes:
    """SVG → PNG or PDF with librsvg's ``rsvg-convert``."""
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
