"""Shape templates in front of the parser: generated networks repeat a few shapes of equation
thousands of times (a 10,000-node MLP has 5 shapes over 477 lines), so each shape — the line
with every variable name replaced by ``a`` — is parsed once by the parser, and every line of
that shape reuses the result with its own names and offsets put back.

Only plain-ASCII text with one equation per line goes this way. Anything else — textbook
unicode, ``;``, brackets over lines, function heads, unusual names, any error, anything near
a limit — returns None, and the parser reads the whole text (and words every error).
Nothing is compiled or run: the text is only split and looked up.
"""

from __future__ import annotations

import keyword
import re
from bisect import bisect_left
from itertools import accumulate
from typing import Final, NamedTuple

from ..errors import ParseError
from ..limits import Limits
from .parser import parse_equations
from .syntax import NAME, Equation

__all__ = ["parse_by_templates"]

_ALLOWED: Final = re.compile(r"[A-Za-z0-9_ \t\n+\-*/^(),=.]*")
# A variable: a name that is not part of a number (1e5) and not called (sin(…)).
_VARIABLE: Final = re.compile(
    r"(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_(]|[ \t]+\()")
_CALLS: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(")
_KEYWORDS: Final = frozenset(keyword.kwlist)
_NAME_MAX: Final = 100


class _NotTemplated(Exception):
    """Not for the templates: let the parser read the whole text."""


class _Template(NamedTuple):
    """The postfix code of one shape, with, for each item, how many names come before it in
    the text (a name item: which name it is)."""

    items: tuple[tuple[str, str, float, int, int], ...]  # kind, text, n, offset − k, k
    named: bool  # the first name is the equation's (``a = …``)
    start: int
    nodes: int  # numbers and operations, as the parser counts them
    calls: tuple[str, ...]  # the names of the functions called
    reads_name: bool  # the equation's own name is read in its expression (c += …)
    augmented: bool  # c += …


def parse_by_templates(text: str,
                       limits: Limits) -> tuple[tuple[Equation, ...], frozenset[str]] | None:
    """The equations of ``text`` (bare ones still unnamed) and the names typed, or None when
    the parser must read the whole text."""
    if ";" in text or not _ALLOWED.fullmatch(text):
        return None
    lines = text.split("\n")
    if any(line.count("(") != line.count(")") for line in lines):
        return None
    try:
        equations, count, names = _by_lines(lines, limits)
    except (_NotTemplated, ParseError):  # the parser words the error for the whole text
        return None
    # Names are checked once, as a set: the loop only reads them.
    if not equations or count > limits.max_nodes or not names.isdisjoint(_KEYWORDS) \
            or any(len(t) > _NAME_MAX or t[0] == "_" for t in names):
        return None
    return equations, frozenset(names)


def _by_lines(lines: list[str], limits: Limits) -> tuple[tuple[Equation, ...], int, set[str]]:
    templates: dict[str, _Template | None] = {}
    equations: list[Equation] = []
    seen: set[str] = set()
    count = 0
    base = 0
    for line in lines:
        parts = _VARIABLE.split(line)
        shape = "a".join(parts[0::2])
        if shape not in templates:
            templates[shape] = _template(shape, parts, limits)
            if templates[shape] is not None:
                seen.update(templates[shape].calls)  # type: ignore[union-attr]
        template = templates[shape]
        if template is None:  # a blank line
            base += len(line) + 1
            continue
        names = parts[1::2]
        seen.update(names)
        # where the names end, as typed: the k-th "a" of the shape is the k-th name
        shift = list(accumulate(map(len, names), initial=base))
        code = tuple([(kind, names[k] if kind == NAME else text, n, shift[k] + at)
                      for kind, text, n, at, k in template.items])
        start = base + template.start
        if template.named:  # (c += …: the name is read too, so let the equation count)
            read = (tuple(names[k] for kind, _, _, _, k in template.items if kind == NAME)
                    if template.reads_name else tuple(names[1:]))
            equations.append(Equation(names[0], (), code, start, True, read,
                                      template.augmented))
        else:
            equations.append(Equation("", (), code, start, False, tuple(names)))
        count += template.nodes
        base += len(line) + 1
    return tuple(equations), count, seen


def _template(shape: str, parts: list[str], limits: Limits) -> _Template | None:
    if not shape.strip(" \t"):
        return None
    equations, count = parse_equations(shape, limits)
    if len(equations) != 1 or equations[0].params:
        raise _NotTemplated  # a function head's parameters are names the shape hides
    (equation,) = equations
    # Where each "a" stands in the shape: after the text before it and the a's before that.
    # (Any line of this shape has the same text between its names: a variable is a whole
    # word not followed by "(", so no "a" inside that text could be one.)
    places = list(accumulate((len(p) + 1 for p in parts[2:-1:2]), initial=len(parts[0])))
    if len(parts) == 1:  # no names at all
        places = []
    items = []
    at_place = set(places)
    for kind, text, n, at in equation.code:
        if kind == NAME and at not in at_place:
            raise _NotTemplated  # a name the shape kept (``3x``: x follows a digit)
        k = bisect_left(places, at)
        items.append((kind, text, n, at - k, k))
    reads_name = equation.named and any(kind == NAME and k == 0 for kind, _, _, _, k in items)
    return _Template(tuple(items), equation.named, equation.offset, count,
                     tuple(_CALLS.findall(shape)), reads_name, equation.augmented)
