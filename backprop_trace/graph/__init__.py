"""Stage 2, equations → the tape: the graph in forward order with typed node kinds (the one
internal format), and its networkx view for users."""

from .build import build_tape
from .collapse import collapse
from .tape import Group, NodeKind, Tape

__all__ = ["build_tape", "collapse", "Tape", "NodeKind", "Group"]
