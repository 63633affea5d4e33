"""Tangent-line plots with matplotlib, an optional extra (``pip install matplotlib``). A figure
is made, never shown or saved here, and matplotlib's backend and settings are left alone."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ..autodiff.calculus import curve, tangent
from ..autodiff.result import TraceData
from ..errors import RenderError
from ..names import fmt_number, pretty_name
from .style import get_theme

__all__ = ["tangent_figure", "tangent_label"]


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise RenderError("plots need matplotlib: pip install matplotlib "
                          "(or pip install 'backprop-trace[plot]')") from None

    class TangentFigure(Figure):
        """A Figure that shows itself in a notebook whatever matplotlib's backend."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png")
            return buffer.getvalue()

    return TangentFigure


def tangent_label(t: TraceData, var: str | None = None) -> str:
    tan = tangent(t, var)
    b = tan.intercept
    sign = "−" if b < 0 else "+"
    intercept = "" if fmt_number(abs(b)) == "0" else f" {sign} {fmt_number(abs(b))}"
    return f"y = {fmt_number(tan.slope)}{pretty_name(tan.var)}{intercept}"


def tangent_figure(t: TraceData, var: str | None = None, *, ax: Any = None,
                   half_width: float = 2.0, theme: str = "default") -> Any:
    """The output and its tangent at the traced point, drawn on ``ax`` (a new figure when
    None); returns the figure."""
    tan = tangent(t, var)
    colours = get_theme(theme)
    if ax is None:
        figure = _figure_class()(figsize=(6, 4), dpi=120)
        ax = figure.add_subplot()
        figure.patch.set_facecolor(colours.background)
    else:
        figure = ax.figure
    xs = np.linspace(tan.x0 - half_width, tan.x0 + half_width, 401)
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
    figure.tight_layout()
    return figure
