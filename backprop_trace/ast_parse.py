"""The fast path of the parser: plain ASCII equations that the Python grammar reads exactly as
ours does go through ``ast.parse`` (C speed) and a whitelist walker. Anything else — textbook
unicode, implicit products, function heads, anything the walker does not accept, anything over
a limit — returns None and goes to the full parser, which also words every error.

Only the syntax tree is used; nothing is compiled or run.
"""

from __future__ import annotations

import ast
import bisect
import re
from typing import Final

from .folding import fold_constant
from .limits import Limits
from .ops import op_for_call
from .syntax import Call, Equation, Expr, Name, Num

__all__ = ["parse_with_ast"]

_ALLOWED: Final = re.compile(r"[A-Za-z0-9_ \t\n+\-*/^(),=;.]*")  # no \r: ast counts it as a line
_NUMBER: Final = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_BINARY: Final = {ast.Add: ("add", "+"), ast.Sub: ("sub", "-"), ast.Mult: ("mul", "*"),
                  ast.Div: ("div", "/"), ast.Pow: ("pow", "**")}
_NAME_MAX: Final = 100


class _Unsupported(Exception):
    """Not for the fast path: let the full parser read it."""


def parse_with_ast(text: str, limits: Limits) -> tuple[Equation, ...] | None:
    """The equations of ``text`` (bare ones still unnamed), or None for the full parser."""
    if not _ALLOWED.fullmatch(text) or "\\" in text:
        return None
    # ^ is our power; Python's ** has the same precedence and associativity. Offsets in the
    # rewritten text map back through the positions of the replaced carets.
    carets = [i for i, c in enumerate(text) if c == "^"]
    source = text.replace("^", "**")
    paren_depth = _paren_depth(source)
    if paren_depth > limits.max_depth:
        return None
    try:
        module = ast.parse(source, mode="exec")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None
    try:
        return _Walker(text, source, carets, paren_depth, limits).module(module)
    except (_Unsupported, RecursionError):
        return None
    except ValueError:  # a ParseError from a limit: the full parser says it with a caret
        return None


def _paren_depth(text: str) -> int:
    depth = deepest = 0
    for c in text:
        if c == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif c == ")":
            depth -= 1
    return deepest


class _Walker:
    def __init__(self, text: str, source: str, carets: list[int], paren_depth: int,
                 limits: Limits) -> None:
        self.text, self.source, self.carets, self.limits = text, source, carets, limits
        self.line_starts = [0] + [i + 1 for i, c in enumerate(source) if c == "\n"]
        self.count = 0
        self.paren_depth = paren_depth
        self.stars = [c + k for k, c in enumerate(carets)]  # where each ^'s ** starts

    def original(self, at: int) -> int:
        """Offset in the user's text of an offset in the rewritten source (each ^ became **,
        one character longer)."""
        return at - bisect.bisect_left(self.stars, at)

    def start(self, node: ast.AST) -> int:
        return self.line_starts[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return (self.line_starts[node.end_lineno - 1]  # type: ignore[attr-defined]
                + node.end_col_offset)  # type: ignore[attr-defined]

    def module(self, module: ast.Module) -> tuple[Equation, ...]:
        equations = []
        for stmt in module.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and isinstance(stmt.targets[0], ast.Name):
                name = self.name(stmt.targets[0])
                value, named = stmt.value, True
            elif isinstance(stmt, ast.Expr):
                name, value, named = "", stmt.value, False
            else:
                raise _Unsupported
            equations.append(Equation(name, (), self.expr(value, 1),
                                      self.original(self.start(stmt)), named))
        if not equations:
            raise _Unsupported
        return tuple(equations)

    def name(self, node: ast.Name) -> str:
        if node.id.startswith("_") or len(node.id) > _NAME_MAX:
            raise _Unsupported
        return node.id

    def expr(self, node: ast.expr, depth: int) -> Expr:
        """``depth`` counts every level of the tree: with the deepest parentheses it bounds the
        full parser's nesting, so what passes here would pass there."""
        if depth + self.paren_depth > self.limits.max_depth:
            raise _Unsupported
        if isinstance(node, ast.Constant):
            piece = self.source[self.start(node):self.end(node)]
            if type(node.value) not in (int, float) or not _NUMBER.fullmatch(piece) \
                    or len(piece) > self.limits.max_number_digits or float(piece) == float("inf"):
                raise _Unsupported
            self.counted()
            return Num(piece, float(piece), self.original(self.start(node)))
        if isinstance(node, ast.Name):
            return Name(self.name(node), self.original(self.start(node)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.expr(node.operand, depth + 1)
            if isinstance(node.op, ast.UAdd):
                return operand
            return self.make("neg", (operand,), self.original(self.start(node)))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            func, symbol = _BINARY[type(node.op)]
            left, right = self.expr(node.left, depth + 1), self.expr(node.right, depth + 1)
            at = self.source.find(symbol, self.end(node.left), self.start(node.right))
            if at < 0 or (symbol == "*" and self.source.startswith("**", at)):
                raise _Unsupported
            return self.make(func, (left, right), self.original(at))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args \
                and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args):
            # ``(f)(x)`` is a product in our grammar: the name must be right before "(".
            if self.source[self.end(node.func):].lstrip(" \t")[:1] != "(":
                raise _Unsupported
            name = self.name(node.func)
            args = tuple(self.expr(a, depth + 1) for a in node.args)
            offset = self.original(self.start(node.func))
            op = op_for_call(name)
            if op is None:
                self.counted()
                return Call(name, args, offset, abstract=True)
            if op.arity != len(args):
                raise _Unsupported
            return self.make(op.name, args, offset)
        raise _Unsupported

    def make(self, func: str, args: tuple[Expr, ...], offset: int) -> Call:
        self.counted()
        return Call(func, args, offset, const=fold_constant(func, args, self.limits, self.text))

    def counted(self) -> None:
        self.count += 1
        if self.count > self.limits.max_nodes:
            raise _Unsupported
