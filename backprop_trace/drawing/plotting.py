"""Tangent-line plots with matplotlib, an optional extra (``pip install matplotlib``)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from ..autodiff.calculus import curve, tangent
from ..autodiff.result import TraceData
from ..errors import RenderError
from ..names import fmt_number, pretty_name
from .files import OutputDir
from .style import get_theme

__all__ = ["plot_tangent"]


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        matplotlib.rcParams["svg.hashsalt"] = "backprop_trace"  # same input, same file
        import matplotlib.pyplot as plt
    except ImportError:
        raise RenderError("plots need matplotlib: pip install matplotlib "
                          "(or pip install 'backprop-trace[plot]')") from None
    return plt


def tangent_label(t: TraceData, var: str | None = None) -> str:
    tan = tangent(t, var)
    b = tan.intercept
    sign = "−" if b < 0 else "+"
    intercept = "" if fmt_number(abs(b)) == "0" else f" {sign} {fmt_number(abs(b))}"
    return f"y = {fmt_number(tan.slope)}{pretty_name(tan.var)}{intercept}"


def plot_tangent(t: TraceData, out_dir: str | Path, var: str | None = None, *,
                 half_width: float = 2.0, formats: tuple[str, ...] = ("svg",),
                 theme: str = "default") -> list[Path]:
    """Plot the output and its tangent at the traced point; writes ``tangent.<fmt>``."""
    plt = _pyplot()
    tan = tangent(t, var)
    colours = get_theme(theme)
    xs = np.linspace(tan.x0 - half_width, tan.x0 + half_width, 401)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    fig.patch.set_facecolor(colours.background)
    ax.set_facecolor(colours.background)
    ax.plot(xs, curve(t, tan.var, xs), color=colours.forward, lw=2,
            label=f"{pretty_name(t.output)}({pretty_name(tan.var)})")
    ax.plot(xs, tan(xs), color=colours.backward, lw=1.5, ls="--",
            label=f"tangent {tangent_label(t, tan.var)}")
    ax.plot([tan.x0], [tan.y0], "o", color=colours.text)
    ax.set_xlabel(pretty_name(tan.var), color=colours.text)
    ax.set_ylabel(pretty_name(t.output), color=colours.text)
    ax.tick_params(colors=colours.text)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    paths = []
    with OutputDir(out_dir) as out:
        for fmt in formats:
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
            paths.append(out.write(f"tangent.{fmt}", buffer.getvalue()))
    plt.close(fig)
    return paths
