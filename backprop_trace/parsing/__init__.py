"""Stage 1, text → equations: the lexer, the one parser (with shape templates in front of it)
and the equations it hands the graph stage (``System``, postfix ``Equation`` code)."""

from .lexer import fold_name
from .syntax import Equation, System
from .system import parse

__all__ = ["parse", "System", "Equation", "fold_name"]
