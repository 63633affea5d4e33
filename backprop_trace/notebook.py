"""Jupyter display: a trace shows the HTML player, a single frame shows as SVG, and an
ipywidgets slider is there for those who have ipywidgets."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from .describe import Description
from .drawing.options import FRAME_FORMATS, default_lang
from .drawing.portable import embed_fonts
from .drawing.raster import convert_svg
from .drawing.renderer import Renderer
from .errors import OptionError, RenderError
from .names import pretty_name
from .outputs.folder import write_atomically
from .printing.formulas import chain_rule
from .printing.messages import message
from .printing.unicode import to_unicode

__all__ = ["Frame", "Player", "player_html", "slider_widget", "PLAYER_IDS"]

PLAYER_IDS = itertools.count(1)  # several players on one page must not share element ids


@dataclass(frozen=True, repr=False)
class Frame:
    """One frame's picture; displays itself as SVG in Jupyter."""

    index: int
    caption: str
    svg: str

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:  # the SVG shows through _repr_svg_; text stays short
        return f"<Frame {self.index}: {self.caption}>"

    def save(self, path: str | Path) -> Path:
        """Write this frame alone to ``path``: ``.svg``, ``.png`` or ``.pdf`` by its suffix."""
        target = Path(path)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in FRAME_FORMATS:
            raise OptionError(f"cannot tell the format of {str(path)[:80]!r}: end it with "
                              f"{', '.join('.' + f for f in FRAME_FORMATS)}")
        data = embed_fonts(self.svg) if fmt == "svg" else convert_svg(self.svg, fmt)
        try:
            return write_atomically(target, data)
        except OSError as exc:
            raise RenderError(f"cannot write {str(target)[:200]!r}: "
                              f"{exc.strerror or exc}") from None


@dataclass(frozen=True, repr=False)
class Player:
    """The HTML player of some frames (another mode, other options); displays itself in
    Jupyter."""

    html: str
    frames: int

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Player of {self.frames} frames>"


def player_html(desc: Description, renderer: Callable[[], Renderer]) -> str:
    """The player opened at the last frame; without a picture, the formulas and the reason."""
    try:
        r = renderer()
        return r.html_fragment(f"bt-player-{next(PLAYER_IDS)}", start=len(r.views) - 1)
    except RenderError as exc:
        data = desc.data
        value = desc.value(data.output)
        lines = [f"{pretty_name(data.output)} = {to_unicode(value)}"] if value is not None else []
        lines += [str(chain_rule(data, x)) for x in data.wrt]
        try:  # the language the player would have been in
            lang = default_lang()
        except OptionError:
            lang = "en"
        lines += ["", message("cli.no_picture", lang, reason=exc)]
        return f"<pre>{escape(chr(10).join(lines))}</pre>"


def slider_widget(frames: list[str]) -> Any:
    try:
        import ipywidgets
        from IPython.display import SVG, display
    except ImportError:
        raise RenderError("widget() needs ipywidgets: pip install ipywidgets "
                          "(displaying the trace itself needs nothing extra)") from None
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
