"""Shown mathematics: the small trees a description is made of. A caption, a wire label, a node's
gradient line and a narrative equation are the same tree printed by different printers, so a
product of ``0.6721`` and ``1 − tanh(u₈)²`` is a ``Product`` node and every printer brackets
it by precedence; numbers carry the digits chosen once for the whole trace.

Leaves: ``Name`` (a node), ``Partial`` (∂y/∂x), ``OwnPartial`` (∂ of an operation's own
expression, ``∂(u₁·z)/∂u₁``), ``Number``, ``Symbolic`` (a sympy expression in the node
symbols), ``Unknown`` (``?``), ``More`` (the ``…`` of a sum still growing), ``Ones`` (𝟏).
Inner nodes: ``Product`` (⊙ for elementwise), ``Sum``, ``Transpose``, ``Apply`` (an op of the
table on shown arguments), ``Equation`` (``a = b = c``); ``Space`` (ℝ³ˣ⁴) stands for a vector
or matrix too large to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

__all__ = ["Name", "Partial", "Operation", "OwnPartial", "Number", "Symbolic", "Unknown",
           "More", "Ones", "Product", "Sum", "Transpose", "Apply", "Space", "Equation", "Shown",
           "is_number"]


@dataclass(frozen=True)
class Name:
    """A node by its name (``x``, ``u1``, ``W1``); ``tensor`` names are set in bold."""

    name: str
    tensor: bool = False


@dataclass(frozen=True)
class Partial:
    """∂of/∂wrt (``of`` and ``wrt`` are node names)."""

    of: str
    wrt: str
    tensor: bool = False


@dataclass(frozen=True)
class Operation:
    """An operation node's own expression, as typed: ``op`` of ``args`` (node names, or a
    constant's text marked by ``constants``), e.g. ``mul`` of (``u1``, ``z``)."""

    op: str
    args: tuple[str, ...]
    constants: tuple[bool, ...]
    abstract: bool = False
    formula: Any = None
    """A collapsed equation's own expression in its arguments (sympy), shown instead."""


@dataclass(frozen=True)
class OwnPartial:
    """The local partial written so it cannot be read as a total: the partial of the node's
    own expression, ``∂(u₁·z)/∂u₁``; of an abstract function, ``∂f/∂x``."""

    expression: Operation
    wrt: str


@dataclass(frozen=True, eq=False)
class Number:
    """A number as shown: ``digits`` significant digits, as a short fraction where
    ``fraction`` (the inputs are exact). Arrays too (shown as vectors or matrices)."""

    value: Any
    digits: int = 4
    fraction: bool = False

    def __eq__(self, other: object) -> bool:  # arrays compare by value
        if not isinstance(other, Number):
            return NotImplemented
        try:
            same = bool((self.value == other.value).all()) if hasattr(self.value, "shape") \
                else self.value == other.value
        except (AttributeError, ValueError):
            same = False
        return same and (self.digits, self.fraction) == (other.digits, other.fraction)

    def __hash__(self) -> int:
        return hash((self.digits, self.fraction, repr(self.value)))


@dataclass(frozen=True)
class Symbolic:
    """A sympy expression in the node symbols (a local partial such as ``1 − tanh(u₈)²``)."""

    expr: Any


@dataclass(frozen=True)
class Unknown:
    """A gradient not computed yet: ``?``, never 0."""


@dataclass(frozen=True)
class More:
    """The ``…`` ending a sum that has more terms to come; ``thin``: set with thin spaces."""

    thin: bool = False


@dataclass(frozen=True)
class Ones:
    """The vector (or matrix) of ones, 1₃, that sum(x) passes its gradient back through."""

    shape: tuple[int, ...] = ()


@dataclass(frozen=True)
class Product:
    """Factors multiplied; ``hadamard``: elementwise (⊙), as D2L writes it for tensors."""

    factors: tuple[Shown, ...]
    hadamard: bool = False


@dataclass(frozen=True)
class Sum:
    terms: tuple[Shown, ...]


@dataclass(frozen=True)
class Transpose:
    of: Shown


@dataclass(frozen=True)
class Apply:
    """An op of the table applied to shown arguments, read by the op's own templates:
    ``sum(∂J/∂h ⊙ W)``, ``⟨∂J/∂s, s⟩``, ``softmax(o)``."""

    op: str
    args: tuple[Shown, ...]


@dataclass(frozen=True)
class Space:
    """Where a value lives, for a vector or matrix too large to show: ``ℝ³ˣ⁴``."""

    shape: tuple[int, ...]


@dataclass(frozen=True)
class Equation:
    """``sides[0] = sides[1] = …``: a chain of equal quantities, as a caption states a step."""

    sides: tuple[Shown, ...]


Shown = Union[Name, Partial, Operation, OwnPartial, Number, Symbolic, Unknown, More, Ones,
              Product, Sum, Transpose, Apply, Space, Equation]


def is_number(item: Shown) -> bool:
    """Whether ``item`` is a number, or a symbolic expression that is one (``1``, ``5/2``)."""
    return isinstance(item, Number) or (isinstance(item, Symbolic)
                                        and bool(getattr(item.expr, "is_Number", False)))

