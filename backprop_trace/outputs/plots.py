"""Saving a matplotlib figure (a tangent plot) as files: atomically, deterministically (the
same plot gives the same bytes), with matplotlib's settings restored afterwards."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from ..errors import OptionError, RenderError
from .folder import OutputDir, write_atomically

__all__ = ["save_figure", "save_figures", "figure_bytes", "PLOT_FORMATS"]

PLOT_FORMATS: Final = ("svg", "png", "pdf")


def figure_bytes(figure: Any, fmt: str) -> bytes:
    """The figure in ``fmt``; SVG ids salted with a fixed string, PDF and SVG undated."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "backprop_trace"}):
        figure.savefig(buffer, format=fmt,
                       metadata={"Date": None} if fmt in ("svg", "pdf") else None)
    return buffer.getvalue()


def save_figure(figure: Any, path: str | Path) -> Path:
    """Write the figure to ``path``, its format from the suffix (.svg, .png, .pdf)."""
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in PLOT_FORMATS:
        raise OptionError(f"cannot tell the format of {str(path)[:80]!r}: end it with "
                          f"{', '.join('.' + f for f in PLOT_FORMATS)}")
    try:
        return write_atomically(target, figure_bytes(figure, fmt))
    except OSError as exc:
        raise RenderError(f"cannot write {str(target)[:200]!r}: {exc.strerror or exc}") from None


def save_figures(figure: Any, out_dir: str | Path, formats: Sequence[str]) -> list[Path]:
    """Write ``tangent.<fmt>`` for each format into ``out_dir``."""
    with OutputDir(out_dir) as out:
        return [out.write(f"tangent.{fmt}", figure_bytes(figure, fmt)) for fmt in formats]
