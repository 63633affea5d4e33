"""Writing output files safely: atomically (temp file + rename), only inside the output folder,
and only the files this tool writes."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Final

from ..errors import RenderError

__all__ = ["OutputDir", "OWN_FILE_RE"]

OWN_FILE_RE: Final = re.compile(r"step-\d+\.(svg|png|pdf)")
_TEMP_RE: Final = re.compile(r"\.(step-\d+\.(svg|png|pdf)|index\.html|steps\.md|backward\.py\.txt|"
                             r"trace\.json|slides\.tex|tangent\.(svg|png|pdf))\.[^.]+\.tmp")
"""Frame files; with the fixed names below, the only files ``render`` writes or removes."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE: Final = 0o666 & ~_umask()


class OutputDir:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RenderError(f"cannot create the output directory {str(self.path)!r}: "
                              f"{exc.strerror}") from None
        if not os.access(self.path, os.W_OK):
            raise RenderError(f"the output directory {str(self.path)!r} is not writable")
        self.written: list[Path] = []
        for leftover in self.path.glob(".*.tmp"):
            # a temp file of a run that was killed before it could clean up
            if _TEMP_RE.fullmatch(leftover.name):
                leftover.unlink(missing_ok=True)

    def write(self, name: str, data: str | bytes) -> Path:
        """Write ``name`` (a plain file name, never a path) atomically."""
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
        target = self.path / name
        raw = data.encode() if isinstance(data, str) else data
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.path)
        try:
            os.fchmod(fd, _FILE_MODE)  # mkstemp makes 0600; outputs are ordinary files
            with os.fdopen(fd, "wb") as f:
                f.write(raw)
            os.replace(tmp, target)
        except BaseException:
            # Interrupted or failed: leave no half-written file behind.
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        self.written.append(target)
        return target

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
