"""A frame as a ``graphviz.Source``, the object users of micrograd's ``draw_dot`` and torchviz
expect: ``.source`` is the frame's DOT; displaying it in a notebook, ``.pipe()`` and
``.render()`` give the frame as backprop_trace draws it — through the bundled layout engine,
so they need no system Graphviz and look the same on every machine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import graphviz

from .raster import FORMATS, convert_svg

__all__ = ["FrameSource"]


class FrameSource(graphviz.Source):
    def __init__(self, dot: str, svg: str, **options: Any) -> None:
        super().__init__(dot, **options)
        self._frame_svg = svg

    def pipe(self, format: str | None = None, *args: Any, encoding: str | None = None,
             **options: Any) -> bytes | str:
        fmt = format or self.format or "svg"
        if fmt not in FORMATS:
            from ..errors import OptionError

            raise OptionError(f"unknown format {fmt!r} (must be one of {list(FORMATS)})")
        data = self._frame_svg.encode() if fmt == "svg" else convert_svg(self._frame_svg, fmt)
        return data.decode(encoding) if encoding else data

    def render(self, filename: str | os.PathLike[str] | None = None,
               directory: str | os.PathLike[str] | None = None, view: bool = False,
               cleanup: bool = False, format: str | None = None, *args: Any,
               outfile: str | os.PathLike[str] | None = None, **options: Any) -> str:
        """Save the DOT (unless ``cleanup``) and write the drawn frame beside it, as
        python-graphviz does: ``render("x")`` writes ``x`` and ``x.svg``;
        ``render(outfile="x.png")`` writes ``x.gv`` and ``x.png`` (the format from the
        suffix). Returns the drawn file's path."""
        if outfile is not None:
            out = Path(outfile)
            fmt = format or out.suffix.lstrip(".").lower() or self.format or "svg"
            dot_path = Path(self.save(filename or out.with_suffix(".gv"), directory=directory))
        else:
            fmt = format or self.format or "svg"
            dot_path = Path(self.save(filename, directory=directory))
            out = dot_path.with_name(f"{dot_path.name}.{fmt}")
        data = self.pipe(fmt)
        out.write_bytes(data if isinstance(data, bytes) else data.encode())
        if cleanup:
            dot_path.unlink()
        if view:
            graphviz.view(out)
        return str(out)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                          **_: Any) -> dict[str, str]:
        return {"image/svg+xml": self._frame_svg}
