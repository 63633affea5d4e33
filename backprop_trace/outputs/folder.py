"""Writing output files safely: atomically (temp file + rename), only inside the output folder,
and only the files this tool writes."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

from ..errors import RenderError

__all__ = ["OutputDir", "OWN_FILE_RE", "write_atomically"]

OWN_FILE_RE: Final = re.compile(r"step-\d+\.(svg|png|pdf)")
_TEMP_RE: Final = re.compile(r"\.(step-\d+\.(svg|png|pdf)|index\.html|steps\.md|backward\.py\.txt|"
                             r"trace\.json|slides\.tex|tangent\.(svg|png|pdf))\.[^.]+\.tmp")
"""Frame files; with the fixed names below, the only files ``render`` writes or removes."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE: Final = 0o666 & ~_umask()


def write_atomically(target: Path, data: str | bytes) -> Path:
    """Write ``target`` through a temporary file beside it and a rename: interrupted or
    failed, no half-written file is left behind (an OSError says why)."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, _FILE_MODE)  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


class OutputDir:
    """An output folder this run writes into; one run at a time holds it (a lock file), so
    two runs sharing a folder never mix their files."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RenderError(f"cannot create the output directory {str(self.path)[:200]!r}: "
                              f"{exc.strerror or exc}") from None
        if not self.path.is_dir():
            raise RenderError(f"{str(self.path)[:200]!r} is not a directory")
        if not os.access(self.path, os.W_OK):
            raise RenderError(f"the output directory {str(self.path)!r} is not writable")
        self.written: list[Path] = []
        self._lock = _lock(self.path)
        for leftover in self.path.glob(".*.tmp"):
            # a temp file of a run that was killed before it could clean up (only files:
            # a folder or a link of that name is someone else's)
            if _TEMP_RE.fullmatch(leftover.name) and leftover.is_file() \
                    and not leftover.is_symlink():
                leftover.unlink(missing_ok=True)

    def write(self, name: str, data: str | bytes) -> Path:
        """Write ``name`` (a plain file name, never a path) atomically; a failure (a full
        disk, a folder in the way, no permission) is a RenderError naming the file."""
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
        try:
            return self._write(name, data)
        except OSError as exc:
            raise RenderError(f"cannot write {str(self.path / name)!r}: "
                              f"{exc.strerror or exc}") from None

    def _write(self, name: str, data: str | bytes) -> Path:
        target = write_atomically(self.path / name, data)
        self.written.append(target)
        return target

    def check_space(self, needed: float) -> None:
        """Refuse before writing when the disk has less room than the output needs."""
        try:
            free = shutil.disk_usage(self.path).free
        except OSError:
            return
        if free < needed + _SPARE_BYTES:
            raise RenderError(f"the output needs about {needed / 1e6:,.0f} MB but "
                              f"{str(self.path)[:200]!r} has {free / 1e6:,.0f} MB free: free "
                              f"some space or choose another folder with -o")

    def remove_written(self) -> None:
        """Remove what this run wrote (a failed run leaves no partial set behind)."""
        for path in self.written:
            try:
                if path.is_file() and not path.is_symlink():
                    path.unlink()
            except OSError:
                pass
        self.written.clear()

    def close(self) -> None:
        """Let the next run have the folder."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> OutputDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def remove_own(self, name: str) -> None:
        """Remove one of the files this tool writes, if an earlier run left it."""
        target = self.path / name
        if target.is_file() and not target.is_symlink():
            target.unlink()

    def remove_stale_frames(self, keep: set[str]) -> None:
        """Frames of an earlier, longer trace would mislead; other files are left alone."""
        for entry in self.path.iterdir():
            if OWN_FILE_RE.fullmatch(entry.name) and entry.name not in keep and entry.is_file():
                entry.unlink()


LOCK_NAME: Final = ".backprop-trace.lock"
_SPARE_BYTES: Final = 10e6
"""Room left on the disk after writing (the rest of the machine needs some too)."""
_LOCK_WAIT_S: Final = 30.0


def _lock(folder: Path) -> Any:
    """An exclusive lock on ``folder`` (its lock file, held open), waited for up to 30 s. The
    lock file is never followed through a link, so nothing outside the folder is created."""
    path = folder / LOCK_NAME
    if path.is_symlink():
        raise RenderError(f"{str(path)[:200]!r} is a symbolic link, not this tool's lock file: "
                          f"remove it")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.fdopen(os.open(path, flags, 0o644), "r+b")  # held until close()
    except OSError as exc:
        raise RenderError(f"cannot lock the output directory {str(folder)[:200]!r}: "
                          f"{exc.strerror or exc}") from None
    deadline = time.monotonic() + _LOCK_WAIT_S
    while True:
        try:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except OSError:
            if time.monotonic() > deadline:
                handle.close()
                raise RenderError(f"another run is writing to {str(folder)[:200]!r}: wait for "
                                  f"it or choose another folder with -o") from None
            time.sleep(0.1)
