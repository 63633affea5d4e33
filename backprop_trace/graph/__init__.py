"""Stage 2, equations → the tape: the graph in forward order with typed node kinds (the one
internal format), and its networkx view for users."""

from .build import build_tape
from .tape import NodeKind, Tape

__all__ = ["build_tape", "Tape", "NodeKind"]
