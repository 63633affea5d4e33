"""The layout engine: Graphviz places fixed-size boxes and routes edges, once per trace; it
never sees a word of text (box sizes come from our own measurement), so its fonts and label
parser play no part and the same input gives the same layout everywhere.

The engine is bundled (``engine.py``): upstream Graphviz compiled to WebAssembly, run
in-process by wasmtime, sandboxed (it reads no host files), its compiled module cached in the
user's cache folder behind a keyed hash. A system ``dot`` is used only when asked for:
``BACKPROP_TRACE_LAYOUT=system``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from typing import Final

from ..errors import OptionError, RenderError
from ..limits import DEFAULT_LIMITS
from . import engine

__all__ = ["Layout", "lay_out", "layout_engine", "ENGINES", "ENGINE_VARIABLE", "require_program"]

ENGINES: Final = ("bundled", "system")
ENGINE_VARIABLE: Final = "BACKPROP_TRACE_LAYOUT"
_TIMEOUT_S: Final = 600
_POINTS: Final = 72.0


@dataclass(frozen=True)
class Layout:
    """Positions in points, y downwards (SVG's way): each box's centre, and each edge's
    cubic Bézier control points (start, then three per segment), by (tail, head)."""

    width: float
    height: float
    centres: dict[str, tuple[float, float]]
    edges: dict[tuple[str, str], list[tuple[float, float]]]
    work: float = 0.0
    """The engine's work for it (wasmtime fuel; 0 from a system dot)."""


def layout_engine() -> str:
    """The engine chosen by ``BACKPROP_TRACE_LAYOUT`` (default: the bundled one)."""
    engine = os.environ.get(ENGINE_VARIABLE, "bundled").strip().lower() or "bundled"
    if engine not in ENGINES:
        raise OptionError(f"{ENGINE_VARIABLE}={engine!r} is not a layout engine (must be one "
                          f"of {list(ENGINES)})")
    return engine


def lay_out(dot_source: str, which: str | None = None,
            max_work: float = DEFAULT_LIMITS.max_layout_work,
            max_memory: float = DEFAULT_LIMITS.max_layout_memory,
            max_seconds: float = DEFAULT_LIMITS.max_layout_seconds) -> Layout:
    """Run the layout engine on ``dot_source`` (boxes and edges only) and read its result.
    The bundled engine stops after ``max_work`` units of work (``limits.max_layout_work``) or
    ``max_memory`` bytes (``limits.max_layout_memory``)."""
    which = which or layout_engine()
    if which == "system":
        return _read_plain(_run_system(dot_source))
    plain, work = _run_bundled(dot_source, max_work, max_memory, max_seconds)
    return replace(_read_plain(plain), work=work)


def _read_plain(plain: str) -> Layout:
    """Graphviz's ``plain`` output: inches, y upwards."""
    width = height = 0.0
    centres: dict[str, tuple[float, float]] = {}
    raw_edges: list[tuple[str, str, list[float]]] = []
    for line in plain.splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "graph":
            width, height = float(fields[2]) * _POINTS, float(fields[3]) * _POINTS
        elif fields[0] == "node":
            centres[fields[1]] = (float(fields[2]), float(fields[3]))
        elif fields[0] == "edge":
            count = int(fields[3])
            raw_edges.append((fields[1], fields[2],
                              [float(v) for v in fields[4:4 + 2 * count]]))
    to_svg = {name: (x * _POINTS, height - y * _POINTS) for name, (x, y) in centres.items()}
    edges = {}
    for tail, head, numbers in raw_edges:
        points = [(x * _POINTS, height - y * _POINTS)
                  for x, y in zip(numbers[0::2], numbers[1::2])]
        edges[(tail, head)] = points
    return Layout(width, height, to_svg, edges)


# -- the bundled engine ---------------------------------------------------------------------

def _run_bundled(source: str, max_work: float = DEFAULT_LIMITS.max_layout_work,
                 max_memory: float = DEFAULT_LIMITS.max_layout_memory,
                 max_seconds: float = DEFAULT_LIMITS.max_layout_seconds) -> tuple[str, float]:
    run = engine.session()
    try:
        plain = run.run(source, "plain", max_work, max_memory, max_seconds).decode()
        return plain, max_work - _fuel_left(run)
    except RenderError:
        raise
    except Exception as exc:  # noqa: BLE001 - a trap: out of fuel, memory, stack, or a bug
        fuel = _fuel_left(run)
        engine.forget()  # a trapped instance is unusable: the next layout starts anew
        if fuel == 0:
            raise RenderError(f"the layout needs more work than limits.max_layout_work = "
                              f"{max_work:.3g} allows: trace a smaller part (wrt=…, output=…) "
                              f"or raise the limit") from None
        text = str(exc)
        if "epoch" in text.lower() or "interrupt" in text.lower():
            raise RenderError("the layout takes longer than limits.max_layout_seconds allows: "
                              "trace a smaller part (wrt=…, output=…) or raise the "
                              "limit") from None
        if "memory" in text.lower() or "grow" in text.lower():
            raise RenderError(f"the layout needs more memory than limits.max_layout_memory = "
                              f"{max_memory / 1e6:,.0f} MB: trace a smaller part or raise the "
                              f"limit") from None
        if "stack" in text.lower():
            raise RenderError("the graph is too deep for the layout engine (its call stack is "
                              "exhausted): trace a smaller part (wrt=…, output=…)") from None
        raise RenderError(f"the layout engine failed: {engine._short(exc)}") from None


def _fuel_left(run: engine.Session) -> int:
    try:
        return int(run.store.get_fuel())
    except Exception:  # noqa: BLE001 - whatever the trap left
        return -1


# -- a system Graphviz, when asked for ------------------------------------------------------

INSTALL_HINT: Final = {
    "dot": "install Graphviz (sudo apt-get install graphviz, brew install graphviz, or see "
           "https://graphviz.org/download/), or unset BACKPROP_TRACE_LAYOUT to use the "
           "bundled engine",
}


def require_program(name: str) -> str:
    """The path of an external program, or a RenderError that says how to install it."""
    path = shutil.which(name)
    if path is None:
        raise RenderError(f"the program {name!r} was not found on PATH; {INSTALL_HINT[name]}")
    return path


def _run_system(source: str) -> str:
    dot = require_program("dot")
    try:
        done = subprocess.run([dot, "-Tplain"], input=source.encode(), capture_output=True,
                              timeout=_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"Graphviz took longer than {_TIMEOUT_S} s to lay out the graph; "
                          f"trace a smaller part (wrt=…, output=…)") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise RenderError(f"Graphviz failed: {message[-1] if message else 'no message'}")
    return done.stdout.decode()
