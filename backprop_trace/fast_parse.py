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
from itertools import accumulate
from typing import Final

from .errors import ParseError
from .folding import fold_constant
from .limits import Limits
from .ops import op_for_call
from .syntax import FN, NAME, NUM, OP, Equation, Item

__all__ = ["parse_fast"]

_ALLOWED: Final = re.compile(r"[A-Za-z0-9_ \t\n+\-*/^(),=;.]*")
# Every character belongs to a token, so offsets are the running sum of token lengths.
_TOKENS: Final = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|\*\*|[ \t]+|.",
    re.DOTALL)
# Binding powers as in the full parser: + − < × ÷ < unary − < ^ (right-associative).
_BINARY: Final = {"+": (10, "add"), "-": (10, "sub"), "*": (20, "mul"), "/": (20, "div"),
                  "^": (30, "pow"), "**": (30, "pow")}
_UNARY: Final = 25
_NAME_MAX: Final = 100
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
    tokens = _TOKENS.findall(text)
    offsets = list(accumulate(map(len, tokens), initial=0))
    tokens.append("\n")  # the end closes the last equation
    max_stack = limits.max_depth // 4  # well inside the full parser's nesting limit
    equations: list[Equation] = []
    code: list[Item] = []
    emit = code.append
    consts: list[float | None] = []  # one per operand: its value when constant, for folding
    stack: list = []  # operators (binding power, item) and bracket markers (0, …)
    name = ""
    start = -1  # offset of the equation's first token
    seen = 0  # tokens of the equation so far ("=" may only follow one name)
    depth = 0  # brackets open
    operand = True  # whether an operand comes next
    call_opened = False  # a call's name was read: its "(" is next
    count = 0
    i = -1
    for tok in tokens:
        i += 1
        c = tok[0]
        if c == " " or c == "\t" or (c == "\n" and depth):
            continue  # inside brackets a line break is a space
        at = offsets[i]
        if operand:
            seen += 1
            if start < 0:
                start = at
            if c.isalpha() or c == "_":
                if c == "_" or len(tok) > _NAME_MAX or tok in _KEYWORDS:
                    raise _NotFast
                after = tokens[i + 1]
                if after[0] == " " or after[0] == "\t":
                    after = tokens[i + 2]
                if after == "(":
                    stack.append((0, [tok, at, 0]))  # a call: name, offset, arguments so far
                    call_opened = True
                    continue
                emit((NAME, tok, 0, at))
                consts.append(None)
                operand = False
            elif c.isdigit() or (c == "." and len(tok) > 1):
                value = float(tok)
                if len(tok) > limits.max_number_digits or value == float("inf"):
                    raise _NotFast
                emit((NUM, tok, value, at))
                consts.append(value)
                count += 1
                operand = False
            elif c == "(":
                depth += 1
                if call_opened:
                    call_opened = False
                else:
                    stack.append((0, _OPEN))
                if len(stack) > max_stack:
                    raise _NotFast
            elif c == "-":
                stack.append((_UNARY, (OP, "neg", 1, at)))
            elif c == "+":
                stack.append((_UNARY, None))
            elif (c == "\n" or c == ";") and seen == 1:
                seen, start = 0, -1  # an empty equation: nothing to close
            else:
                raise _NotFast
            continue
        seen += 1
        binary = _BINARY.get(tok)
        if binary is not None:
            power = binary[0]
            right = power == 30
            while stack and (stack[-1][0] > power or (stack[-1][0] == power and not right)):
                count += _apply(stack.pop()[1], emit, consts, limits, text)
            stack.append((power, (OP, binary[1], 2, at)))
            if len(stack) > max_stack:
                raise _NotFast
            operand = True
        elif c == ")" or c == ",":
            while stack and stack[-1][0]:
                count += _apply(stack.pop()[1], emit, consts, limits, text)
            if not stack:
                raise _NotFast
            marker = stack[-1][1]
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
                    count += _call(marker, emit, consts, limits, text)
        elif c == "\n" or c == ";":
            if depth:
                raise _NotFast  # a ; inside brackets
            while stack:
                count += _apply(stack.pop()[1], emit, consts, limits, text)
            equations.append(Equation(name, (), tuple(code), start, True) if name else
                             Equation("", (), tuple(code), start, False))
            code.clear()
            consts.clear()
            name, start, seen, operand = "", -1, 0, True
        elif c == "=" and seen == 2 and len(code) == 1 and code[0][0] == NAME:
            name = code[0][1]
            code.clear()
            consts.clear()
            operand = True
        else:
            raise _NotFast
        if count > limits.max_nodes:
            raise _NotFast
    if not equations or not operand:
        raise _NotFast
    names = frozenset(t for t in set(tokens) if t[0].isalpha())  # "_…" was refused above
    return tuple(equations), names


def _apply(item: Item | None, emit, consts: list[float | None], limits: Limits,
           text: str) -> int:
    """Emit a popped operator (None is a unary plus: nothing to emit); fold constants."""
    if item is None:
        return 0
    emit(item)
    arity = item[2]
    if arity == 2:
        right = consts.pop()
        left = consts[-1]
        if left is None and right is None and item[1] != "pow":
            return 1  # the usual case: nothing constant to fold
        values = [left, right]
    else:
        values = [consts[-1]]
    consts[-1] = fold_constant(item[1], values, [item[3]] * len(values), limits, text)
    return 1


def _call(marker: list, emit, consts: list[float | None], limits: Limits, text: str) -> int:
    name, at, arity = marker
    op = op_for_call(name)
    if op is None:
        emit((FN, name, arity, at))
    elif op.arity != arity:
        raise _NotFast
    else:
        emit((OP, op.name, arity, at))
    values = consts[len(consts) - arity:]
    del consts[len(consts) - arity:]
    consts.append(None if op is None else
                  fold_constant(op.name, values, [at] * arity, limits, text))
    return 1
