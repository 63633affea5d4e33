"""Text → ``System``: the shape templates where they apply, else the parser; bare expressions
named."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import GraphError, ParseError
from ..limits import DEFAULT_LIMITS, Limits
from ..names import OUTPUT_NAMES, VERSION_STYLES, version_names
from .parser import parse_equations
from .syntax import NAME, Equation, System, all_names, names_in
from .templates import parse_by_templates

__all__ = ["parse"]



def parse(source: str | Sequence[str], limits: Limits = DEFAULT_LIMITS,
          versions: str = "superscript") -> System:
    """Parse one text, or several texts (one or more equations each), into a ``System``;
    ``versions`` is how a rebound name's versions read (one of VERSION_STYLES).

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
        names = templated[1] | {eq.name for eq in named}
    else:
        equations, _ = parse_equations(text, limits)
        if not equations:
            raise ParseError("there is no equation: type an expression such as f = (x + y)*z",
                             text, 0)
        named = _name_bare(equations, text)
        names = all_names(named)
    if _is_program(named):
        named = _read_in_order(named, text, versions)
        names = names | {eq.name for eq in named}
    return System(named, text, frozenset(names))


def _is_program(equations: tuple[Equation, ...]) -> bool:
    """A name assigned twice, or an augmented assignment (``c += …``): the text is a program,
    read in order. (``c = c + 1`` alone is a circular definition, not a program.)"""
    seen: set[str] = set()
    for eq in equations:
        if eq.params:
            continue
        if eq.name in seen or eq.augmented:
            return True
        seen.add(eq.name)
    return False


def _read_in_order(equations: tuple[Equation, ...], text: str,
                   versions: str = "superscript") -> tuple[Equation, ...]:
    """Each assignment makes a new node (c⁽¹⁾, c⁽²⁾, …; c, c′, c″ in ``"primes"`` style) and
    every name refers to its latest assignment above it, as in Python. Functions
    (``f(x) = …``) are left as they are."""
    assert versions in VERSION_STYLES
    assigned = {eq.name for eq in equations if not eq.params}
    totals: dict[str, int] = {}
    for eq in equations:
        if not eq.params:
            totals[eq.name] = totals.get(eq.name, 0) + 1
    spelled = {name: version_names(name, n, versions) for name, n in totals.items()}
    current: dict[str, str] = {}
    count: dict[str, int] = {}
    used: set[str] = set()
    result = []
    for eq in equations:
        if eq.params:
            result.append(eq)
            continue
        code = []
        for kind, name, n, offset in eq.code:
            if kind == NAME and name in assigned:
                if name not in current:
                    raise ParseError(
                        f"{name} is used before it is assigned: the equations are read as a "
                        f"program, in order, because a name is assigned more than once or "
                        f"with +=, -=, *=, /=; assign {name} above this line", text, offset)
                name = current[name]
                used.add(name)
            code.append((kind, name, n, offset))
        k = count.get(eq.name, 0)
        if k and current[eq.name] not in used:
            raise GraphError(f"{eq.name} is defined twice and its first value is never used: "
                             f"keep one equation for {eq.name} (read as a program, in order, "
                             f"the second replaces the first before anything uses it)")
        count[eq.name] = k + 1
        version = spelled[eq.name][k]
        current[eq.name] = version
        result.append(Equation(version, (), tuple(code), eq.offset, eq.named))
    return tuple(result)


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
    name = next((n for n in OUTPUT_NAMES if n not in used), None)
    if name is None:
        raise ParseError(f"the bare expression needs a name ({', '.join(OUTPUT_NAMES)} are all "
                         f"used): write it as an equation, z = …", text, bare[0].offset)
    return tuple(Equation(name, (), eq.code, eq.offset, False, eq.variables) if not eq.named else eq
                 for eq in equations)
