"""Jupyter display: a trace shows the HTML player, a single frame shows as SVG, and an
ipywidgets slider is there for those who have ipywidgets."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from .errors import RenderError
from .printing import fmt_number, pretty_name

if TYPE_CHECKING:
    from .trace import Trace

__all__ = ["Frame", "player_html", "slider_widget"]

_PLAYER_IDS = itertools.count(1)  # several players on one page must not share element ids


@dataclass(frozen=True)
class Frame:
    """One frame's picture; displays itself as SVG in Jupyter."""

    index: int
    caption: str
    svg: str

    def _repr_svg_(self) -> str:
        return self.svg


def player_html(t: Trace) -> str:
    """The player opened at the last frame; without Graphviz, the formulas and the reason."""
    try:
        renderer = t.renderer()
        return renderer.html_fragment(f"bt-player-{next(_PLAYER_IDS)}",
                                      start=len(renderer.views) - 1)
    except RenderError as exc:
        lines = [f"{pretty_name(t.output)} = {fmt_number(t.value)}"] if t.value is not None else []
        lines += [str(t.chain_rule(x)) for x in t.wrt]
        return f"<pre>{escape(chr(10).join([*lines, '', f'(no picture: {exc})']))}</pre>"


def slider_widget(t: Trace, **options: Any) -> Any:
    try:
        import ipywidgets
        from IPython.display import SVG, display
    except ImportError:
        raise RenderError("widget() needs ipywidgets: pip install ipywidgets "
                          "(displaying the trace itself needs nothing extra)") from None
    frames = t.frames(**options)
    out = ipywidgets.Output()
    slider = ipywidgets.IntSlider(value=len(frames) - 1, min=0, max=len(frames) - 1,
                                  description="frame")

    def show(change: Any) -> None:
        out.clear_output(wait=True)
        with out:
            display(SVG(frames[slider.value]))

    slider.observe(show, names="value")
    show(None)
    return ipywidgets.VBox([slider, out])
