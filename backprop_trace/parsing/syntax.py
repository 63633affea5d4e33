"""The parser's output: equations in postfix form (flat, fast to build and to walk), with the
expression tree available on request, and source offsets for messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress
from operator import itemgetter
from typing import Final, Union

__all__ = ["Num", "Name", "Call", "Expr", "Item", "Equation", "System", "NAME", "NUM", "OP",
           "FN", "postfix", "tree", "names_in", "all_names"]


@dataclass(frozen=True)
class Num:
    """A numeric literal as typed (``text``) and its value."""

    text: str
    value: float
    offset: int


@dataclass(frozen=True)
class Name:
    """A variable or constant name (``x``, ``x1`` for ``x₁``, ``pi``)."""

    name: str
    offset: int


@dataclass(frozen=True)
class Call:
    """An operation applied to arguments.

    ``func`` is an op-table name (``add``, ``sin``, …) or, when ``abstract``, the name of an
    undefined function the user called (``f`` in ``f(x, y)``).
    """

    func: str
    args: tuple[Expr, ...]
    offset: int
    abstract: bool = False


Expr = Union[Num, Name, Call]

# Postfix items are plain tuples ``(kind, text, n, offset)``: a 10,000-node network has
# 20,000 of them, and a tuple costs a fifth of a dataclass to make.
NAME: Final = "name"  # ("name", name, 0, offset)
NUM: Final = "num"  # ("num", text as typed, value, offset)
OP: Final = "op"  # ("op", op-table name, arity, offset): applied to the last arity values
FN: Final = "fn"  # ("fn", function name, arity, offset): an abstract function call
Item = tuple[str, str, float, int]


@dataclass(frozen=True)
class Equation:
    """``name = expr`` or ``name(params) = expr``; ``named`` is False for a bare expression.
    ``code`` is the expression in postfix order: arguments first, then what applies to them."""

    name: str
    params: tuple[str, ...]
    code: tuple[Item, ...]
    offset: int
    named: bool = True
    variables: tuple[str, ...] = None  # type: ignore[assignment]  # made from code if None
    """The names the expression reads, in order of appearance (with repeats)."""
    augmented: bool = False
    """``c += …``: a rebinding, so the system is a program read in order."""

    def __post_init__(self) -> None:
        if self.variables is None:
            object.__setattr__(self, "variables", tuple(compress(
                map(itemgetter(1), self.code), map(NAME.__eq__, map(itemgetter(0), self.code)))))

    @cached_property
    def expr(self) -> Expr:
        """The expression as a tree (for reading; the pipeline walks ``code``)."""
        return tree(self.code)


@dataclass(frozen=True)
class System:
    """All equations of one input, and the text their offsets point into."""

    equations: tuple[Equation, ...]
    text: str
    names: frozenset[str]  # names typed (at least variables, equations, parameters and
    #                        abstract functions), so intermediates u1, u2, … can avoid them
    shapes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """Inputs' shapes the front end knows (a sympy MatrixSymbol's); values override them."""
    parameters: tuple[str, ...] = ()
    """Names that are inputs whether used or not, in this order (a Python function's
    parameters)."""
    constants_by_name: bool = True
    """Whether a name ``e`` or ``pi`` means the constant (in typed text, unless given a value);
    the sympy and Python front ends give constants as numbers and every name is a variable."""


def postfix(expr: Expr) -> tuple[Item, ...]:
    """The postfix code of a tree (without recursion: a sum can be 20,000 deep)."""
    code: list[Item] = []
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        e, children_done = stack.pop()
        if isinstance(e, Num):
            code.append((NUM, e.text, e.value, e.offset))
        elif isinstance(e, Name):
            code.append((NAME, e.name, 0, e.offset))
        elif children_done:
            code.append((FN if e.abstract else OP, e.func, len(e.args), e.offset))
        else:
            stack.append((e, True))
            stack.extend((a, False) for a in reversed(e.args))
    return tuple(code)


def tree(code: Iterable[Item]) -> Expr:
    """The tree of postfix code."""
    stack: list[Expr] = []
    for kind, text, n, offset in code:
        if kind == NAME:
            stack.append(Name(text, offset))
        elif kind == NUM:
            stack.append(Num(text, n, offset))
        else:
            arity = int(n)
            args = tuple(stack[len(stack) - arity:])
            del stack[len(stack) - arity:]
            stack.append(Call(text, args, offset, abstract=kind == FN))
    (root,) = stack
    return root


def names_in(equations: Iterable[Equation]) -> set[str]:
    """Every name used in the equations' expressions."""
    return {name for eq in equations for name in eq.variables}


def all_names(equations: Iterable[Equation]) -> frozenset[str]:
    """Every name typed: variables, equation names, parameters and function names."""
    names = set()
    for eq in equations:
        names.add(eq.name)
        names.update(eq.params)
        names.update(eq.variables)
        names.update(text for kind, text, _, _ in eq.code if kind == FN)
    return frozenset(names)
