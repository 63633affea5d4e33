"""Text → ``System``: the shape templates where they apply, else the parser; bare expressions
named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from ..errors import ParseError
from ..limits import DEFAULT_LIMITS, Limits
from .parser import parse_equations
from .syntax import Equation, System, all_names, names_in
from .templates import parse_by_templates

__all__ = ["parse"]

_BARE_NAMES: Final = ("y", "f", "out", "output")


def parse(source: str | Sequence[str], limits: Limits = DEFAULT_LIMITS) -> System:
    """Parse one text, or several texts (one or more equations each), into a ``System``.

    >>> [eq.name for eq in parse("u = f(x, y); x = x(a, b)").equations]
    ['u', 'x']
    """
    if isinstance(source, str):
        text = source
    elif isinstance(source, Sequence) and all(isinstance(s, str) for s in source):
        text = "\n".join(source)
    else:
        raise ParseError(f"expected the equations as text, got {type(source).__name__}")
    if len(text) > limits.max_chars:
        raise ParseError(f"input has {len(text):,} characters, more than the limit of "
                         f"{limits.max_chars:,} (raise limits.max_chars)", text, limits.max_chars)
    templated = parse_by_templates(text, limits)
    if templated is not None:
        named = _name_bare(list(templated[0]), text)
        return System(named, text, templated[1] | {eq.name for eq in named})
    equations, _ = parse_equations(text, limits)
    if not equations:
        raise ParseError("there is no equation: type an expression such as f = (x + y)*z", text, 0)
    named = _name_bare(equations, text)
    return System(named, text, all_names(named))


def _name_bare(equations: list[Equation], text: str) -> tuple[Equation, ...]:
    """A bare expression (``3x² − 4x``) becomes an equation whose name is the first of
    y, f, out, output that the system does not use."""
    bare = [eq for eq in equations if not eq.named]
    if not bare:
        return tuple(equations)
    if len(bare) > 1:
        raise ParseError("only one equation may be a bare expression; give the others a name "
                         "(u = …)", text, bare[1].offset)
    used = {eq.name for eq in equations} | names_in(equations)
    name = next(n for n in _BARE_NAMES if n not in used)
    return tuple(Equation(name, (), eq.code, eq.offset, False, eq.variables) if not eq.named else eq
                 for eq in equations)
