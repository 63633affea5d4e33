"""The layout engine: one Graphviz run per trace, on the master view (every label at its
widest); every frame is then made from that one SVG, so nothing moves between frames."""

from __future__ import annotations

import shutil
import subprocess
from typing import Final

from ..errors import RenderError

__all__ = ["run_dot", "require_program", "INSTALL_HINT"]

INSTALL_HINT: Final = {
    "dot": "install Graphviz: sudo apt-get install graphviz (Debian/Ubuntu), "
           "brew install graphviz (macOS), or see https://graphviz.org/download/",
    "rsvg-convert": "install librsvg: sudo apt-get install librsvg2-bin (Debian/Ubuntu), "
                    "brew install librsvg (macOS)",
}
_TIMEOUT_S: Final = 600


def require_program(name: str) -> str:
    """The path of an external program, or a RenderError that says how to install it."""
    path = shutil.which(name)
    if path is None:
        raise RenderError(f"the program {name!r} was not found on PATH; {INSTALL_HINT[name]}")
    return path


def run_dot(source: str, fmt: str = "svg") -> str:
    """Lay out and render DOT source with the system ``dot`` program."""
    dot = require_program("dot")
    try:
        done = subprocess.run([dot, f"-T{fmt}"], input=source.encode(), capture_output=True,
                              timeout=_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"Graphviz took longer than {_TIMEOUT_S} s to lay out the graph; "
                          f"trace a smaller part (wrt=…, output=…)") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise RenderError(f"Graphviz failed: {message[-1] if message else 'no message'}")
    return done.stdout.decode()
