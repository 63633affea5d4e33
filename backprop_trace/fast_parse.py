"""The fast path of the parser: plain ASCII equations, tokenized by one regular expression and
turned into postfix code by an operator-precedence (shunting-yard) loop, without building a
tree. Anything it does not read exactly as the full parser does — textbook unicode, implicit
products, function heads, comments, anything near a limit, any error — returns None and goes
to the full parser, which also words every error. A property test checks that both give the
same equations.

Nothing is compiled or run: the text is only split into tokens.
"""

from __future__ import annotations

import keyword
import re
from bisect import bisect_left
from itertools import accumulate
from typing import Any, Final, NamedTuple

from .errors import ParseError
from .folding import fold_constant
from .limits import Limits
from .ops import op_for_call
from .syntax import FN, NAME, NUM, OP, Equation, Item

__all__ = ["parse_fast"]

_ALLOWED: Final = re.compile(r"[A-Za-z0-9_ \t\n+\-*/^(),=;.]*")
# Every character belongs to a token, so offsets are the running sum of token lengths.
_TOKENS: Final = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*(?:[ \t]*\()?"  # a name, or a call's name with its "("
    r"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|\*\*|[ \t]+|.",
    re.DOTALL)
# Binding powers as in the full parser: + − < × ÷ < unary − < ^ (right-associative).
_BINARY: Final = {"+": (10, "add"), "-": (10, "sub"), "*": (20, "mul"), "/": (20, "div"),
                  "^": (30, "pow"), "**": (30, "pow")}
_UNARY: Final = 25
_POWER: Final = 30
_NAME_START: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NUMBER_START: Final = frozenset("0123456789.")
_INF: Final = float("inf")
_NAME_MAX: Final = 100
_NAMES: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # and the exponents of numbers: no harm
# A variable: a name that is not part of a number (1e5) and not called (sin(…)).
_CALLS: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(")
_VARIABLE: Final = re.compile(
    r"(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_(]|[ \t]+\()")
_KEYWORDS: Final = frozenset(keyword.kwlist)
_OPEN: Final = "("  # operator-stack marker of a bracket (calls push a list instead)


class _NotFast(Exception):
    """Not for the fast path: let the full parser read it."""


def parse_fast(text: str, limits: Limits) -> tuple[tuple[Equation, ...], frozenset[str]] | None:
    """The equations of ``text`` (bare ones still unnamed) and the names typed (functions'
    too), or None for the full parser."""
    if not _ALLOWED.fullmatch(text):
        return None
    try:
        return _parse(text, limits)
    except (_NotFast, ParseError):  # a ParseError from a limit: the full parser says it
        return None


def _parse(text: str, limits: Limits) -> tuple[tuple[Equation, ...], frozenset[str]]:
    lines = text.split("\n")
    if ";" not in text and all(line.count("(") == line.count(")") for line in lines):
        equations, count, names = _parse_lines(lines, limits)
    else:
        names = set(_NAMES.findall(text))
        equations, count = _parse_tokens(text, limits)
    # Names are checked once, as a set: the loops only read them.
    if not equations or count > limits.max_nodes or not names.isdisjoint(_KEYWORDS) \
            or any(len(t) > _NAME_MAX or t[0] == "_" for t in names):
        raise _NotFast
    return equations, frozenset(names)


class _Template(NamedTuple):
    """The postfix code of one shape of equation — its text with every variable name
    replaced by ``a`` — with, for each item, how many names come before it in the text (a
    name item: which name it is), so the code of any equation of that shape is made by
    putting the names and their lengths back."""

    items: tuple[tuple[str, str, float, int, int], ...]  # kind, text, n, offset − k, k
    name: bool  # the first name is the equation's (``a = …``)
    start: int
    nodes: int  # numbers and operations, as the full parser counts them
    calls: list[str]  # the names of the functions called


def _parse_lines(lines: list[str],
                 limits: Limits) -> tuple[tuple[Equation, ...], int, set[str]]:
    """One equation per line, brackets closed on the line: generated networks repeat a few
    shapes of equation thousands of times, so each shape is parsed once (by the token loop)
    and reused."""
    templates: dict[str, _Template | None] = {}
    equations: list[Equation] = []
    seen: set[str] = set()
    count = 0
    base = 0
    for line in lines:
        parts = _VARIABLE.split(line)
        shape = "a".join(parts[0::2])
        template = templates.get(shape)
        if template is None:
            if shape not in templates:
                templates[shape] = template = _template(shape, parts, limits)
                if template is not None:
                    seen.update(template.calls)
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
        if template.name:
            equations.append(Equation(names[0], (), code, start, True, tuple(names[1:])))
        else:
            equations.append(Equation("", (), code, start, False, tuple(names)))
        count += template.nodes
        base += len(line) + 1
    return tuple(equations), count, seen


def _template(shape: str, parts: list[str], limits: Limits) -> _Template | None:
    (equation,), count = _parse_tokens(shape, limits) if shape.strip(" \t") else ((None,), 0)
    if equation is None:
        return None
    # Where each "a" stands in the shape: after the text before it and the a's before that.
    # (Any line of this shape has the same text between its names: a variable is a whole
    # word not followed by "(", so no "a" inside that text could be one.)
    places = list(accumulate((len(p) + 1 for p in parts[2:-1:2]), initial=len(parts[0])))
    if len(parts) == 1:  # no names at all
        places = []
    items = []
    for kind, text, n, at in equation.code:
        k = bisect_left(places, at)
        items.append((kind, text, n, at - k, k))
    return _Template(tuple(items), equation.named, equation.offset, count,
                     _CALLS.findall(shape))


def _parse_tokens(text: str, limits: Limits) -> tuple[tuple[Equation, ...], int]:
    """The token loop: any plain-ASCII text (``;``, brackets over lines)."""
    tokens = _TOKENS.findall(text)
    offsets = list(accumulate(map(len, tokens), initial=0))
    tokens.append("\n")  # the end closes the last equation
    max_stack = limits.max_depth // 4  # well inside the full parser's nesting limit
    equations: list[Equation] = []
    code: list[Item] = []
    emit = code.append
    # Operators waiting for their right operand: (binding power, item), and bracket markers
    # (power 0; a call's marker holds its name, offset and argument count). The bottom
    # entry stops every popping loop.
    bottom: tuple[int, Any] = (-1, None)
    stack: list[tuple[int, Any]] = [bottom]
    push = stack.append
    name = ""
    start = -1  # offset of the equation's first token
    depth = 0  # brackets open
    operand = True  # whether an operand comes next
    has_numbers = False
    count = 0  # numbers and operations, as the full parser counts them
    i = -1
    for tok in tokens:
        i += 1
        c = tok[0]
        if c in " \t" or (c == "\n" and depth):
            continue  # inside brackets a line break is a space
        if operand:
            if start < 0:
                if c == "\n" or c == ";":
                    continue  # an empty equation
                start = offsets[i]
            if c in _NAME_START:
                if tok[-1] == "(":
                    push((0, [tok[:-1].rstrip(" \t"), offsets[i], 0]))
                    depth += 1
                    count += 1
                    if len(stack) > max_stack:
                        raise _NotFast
                    continue
                emit((NAME, tok, 0, offsets[i]))
                operand = False
            elif c in _NUMBER_START and tok != ".":
                value = float(tok)
                if len(tok) > limits.max_number_digits or value == _INF:
                    raise _NotFast
                emit((NUM, tok, value, offsets[i]))
                has_numbers = True
                count += 1
                operand = False
            elif c == "(":
                depth += 1
                push((0, _OPEN))
                if len(stack) > max_stack:
                    raise _NotFast
            elif c == "-":
                push((_UNARY, (OP, "neg", 1, offsets[i])))
                count += 1
                if len(stack) > max_stack:
                    raise _NotFast
            elif c != "+":  # a unary plus changes nothing
                raise _NotFast
            continue
        binary = _BINARY.get(tok)
        if binary is not None:
            power, func = binary
            limit = power + (power == _POWER)  # ^ is right-associative
            while stack[-1][0] >= limit:
                emit(stack.pop()[1])
            push((power, (OP, func, 2, offsets[i])))
            count += 1
            if len(stack) > max_stack:
                raise _NotFast
            operand = True
        elif c == ")" or c == ",":
            while stack[-1][0] > 0:
                emit(stack.pop()[1])
            marker = stack[-1][1]
            if marker is None:
                raise _NotFast  # nothing open
            if marker is _OPEN:
                if c == ",":
                    raise _NotFast
                stack.pop()
                depth -= 1
            else:
                marker[2] += 1
                if c == ",":
                    operand = True
                else:
                    stack.pop()
                    depth -= 1
                    emit(_call(marker))
        elif c == "\n" or c == ";":
            if depth:
                raise _NotFast  # a ; inside brackets
            while len(stack) > 1:
                emit(stack.pop()[1])
            if has_numbers:
                _fold(code, limits, text)
            equations.append(Equation(name, (), tuple(code), start, True) if name else
                             Equation("", (), tuple(code), start, False))
            code.clear()
            name, start, operand, has_numbers = "", -1, True, False
        elif c == "=" and not name and len(stack) == 1 and len(code) == 1 \
                and code[0][0] == NAME and code[0][3] == start:
            name = code[0][1]
            code.clear()
            operand = True
        else:
            raise _NotFast
    if not operand:
        raise _NotFast
    return tuple(equations), count


def _call(marker: list) -> Item:
    name, at, arity = marker
    op = op_for_call(name)
    if op is None:
        return (FN, name, arity, at)
    if op.arity != arity:
        raise _NotFast
    return (OP, op.name, arity, at)


def _fold(code: list[Item], limits: Limits, text: str) -> None:
    """Fold all-number parts, as the full parser does, for its limits (huge exponents and
    constants); a limit broken raises ParseError, and the full parser words it."""
    values: list[float | None] = []
    for kind, func, n, at in code:
        if kind == NAME:
            values.append(None)
        elif kind == NUM:
            values.append(n)
        else:
            arity = int(n)
            args = values[len(values) - arity:]
            del values[len(values) - arity:]
            values.append(None if kind == FN else
                          fold_constant(func, args, [at] * arity, limits, text))
