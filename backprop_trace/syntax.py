"""The parser's output: immutable expression trees and equations, with source offsets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Union

__all__ = ["Num", "Name", "Call", "Expr", "Equation", "System", "names_in"]


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
    undefined function the user called (``f`` in ``f(x, y)``). ``const`` is the value when
    every leaf is a number and plain arithmetic folds it, else None.
    """

    func: str
    args: tuple[Expr, ...]
    offset: int
    abstract: bool = False
    const: float | None = None


Expr = Union[Num, Name, Call]


@dataclass(frozen=True)
class Equation:
    """``name = expr`` or ``name(params) = expr``; ``named`` is False for a bare expression."""

    name: str
    params: tuple[str, ...]
    expr: Expr
    offset: int
    named: bool = True


@dataclass(frozen=True)
class System:
    """All equations of one input, and the text their offsets point into."""

    equations: tuple[Equation, ...]
    text: str


def names_in(exprs: Iterable[Expr]) -> set[str]:
    """Every name used in the expressions (without recursion: a sum can be 20,000 deep)."""
    found: set[str] = set()
    stack = list(exprs)
    while stack:
        e = stack.pop()
        if isinstance(e, Name):
            found.add(e.name)
        elif isinstance(e, Call):
            stack.extend(e.args)
    return found
