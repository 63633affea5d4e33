"""Stage 7, frames and text → files: the output folder (frames, player, narrative, listing,
JSON, Beamer), written safely and within budget."""

from .folder import OutputDir
from .write import write_outputs

__all__ = ["OutputDir", "write_outputs"]
