"""Stage 1, text → equations: the lexer, the one parser (with shape templates in front of it)
and the equations it hands the graph stage (``System``, postfix ``Equation`` code)."""

from .syntax import Equation, System
from .system import parse

__all__ = ["parse", "System", "Equation"]
