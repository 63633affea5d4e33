"""The op table: every primitive once — name, arity, call names, gate label, how it reads —
with the text syntax's precedence and the named constants. Pure Python, so the parser and
the command line's ``--help`` need neither numpy nor sympy.

The rules (numpy forward, sympy partials) live beside the table, keyed by the same names, in
``autodiff/rules.py``. Abstract functions (``f(x, y)`` with no definition) are not in the
table: the graph marks them abstract and their partials are the symbols ∂f/∂argₖ.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["Op", "OPS", "CALLABLE", "op_for_call", "INFIX", "SUM", "PRODUCT", "UNARY", "POWER",
           "NAMED_CONSTANTS", "CONSTANT_SPELLINGS", "METHODS"]


@dataclass(frozen=True)
class Op:
    """One primitive operation.

    ``template`` is how a node applying the op reads in a diagram (``{0}`` is the first
    argument's name), ``code`` how it reads in the straight-line listing of the backward pass
    (default ``name(args)``), ``label`` the symbol in its gate.
    """

    name: str
    label: str
    arity: int
    template: str
    call_names: tuple[str, ...] = ()
    code: str = ""

    @property
    def code_template(self) -> str:
        return self.code or f"{self.name}({', '.join(f'{{{i}}}' for i in range(self.arity))})"


def _fn(name: str, label: str, *, names: tuple[str, ...] = (), template: str = "") -> Op:
    """A one-argument function ``name(x)``, callable by ``name`` and any alias in ``names``."""
    return Op(name, label, 1, template or f"{label}({{0}})", (name, *names))


_TABLE: Final[tuple[Op, ...]] = (
    # Arithmetic as typed: a subtraction stays a subtraction, a division a division.
    Op("add", "+", 2, "{0} + {1}", code="{0} + {1}"),
    Op("sub", "−", 2, "{0} − {1}", code="{0} - {1}"),
    Op("mul", "×", 2, "{0}·{1}", code="{0} * {1}"),
    Op("div", "÷", 2, "{0}/{1}", code="{0} / {1}"),
    Op("pow", "^", 2, "{0}^{1}", code="{0} ** {1}"),
    Op("neg", "−", 1, "−{0}", code="-{0}"),
    Op("id", "=", 1, "{0}", code="{0}"),
    # Elementary functions.
    _fn("sin", "sin"),
    _fn("cos", "cos"),
    _fn("tan", "tan"),
    _fn("exp", "exp"),
    _fn("log", "ln", names=("ln",)),
    _fn("sqrt", "√", template="√{0}"),
    _fn("tanh", "tanh"),
    _fn("sinh", "sinh"),
    _fn("cosh", "cosh"),
    _fn("atan", "atan", names=("arctan",)),
    _fn("asin", "asin", names=("arcsin",)),
    _fn("acos", "acos", names=("arccos",)),
    _fn("sigmoid", "σ", names=("σ",)),
    _fn("softplus", "softplus"),
    # Piecewise-linear ops (their derivative at the kink: see autodiff/rules.py).
    _fn("relu", "ReLU", names=("ReLU",)),
    _fn("abs", "|·|", names=("Abs",), template="|{0}|"),
    Op("max", "max", 2, "max({0}, {1})", ("max",)),
    Op("min", "min", 2, "min({0}, {1})", ("min",)),
)

OPS: Final[Mapping[str, Op]] = MappingProxyType({op.name: op for op in _TABLE})
"""Every op by its internal name."""

CALLABLE: Final[Mapping[str, Op]] = MappingProxyType(
    {call: op for op in _TABLE for call in op.call_names}
)
"""The ops a user can call as ``name(args)``, by every name they answer to."""


def op_for_call(name: str) -> Op | None:
    """The primitive a call ``name(...)`` means, or None when ``name`` is an abstract function."""
    return CALLABLE.get(name)


# Binding powers of the text syntax, low to high: + − < × ÷ and implicit products < unary −
# < ^ and superscripts (right-associative, so −x² = −(x²)).
SUM: Final = 10
PRODUCT: Final = 20
UNARY: Final = 25
POWER: Final = 30
INFIX: Final[Mapping[str, tuple[int, str]]] = MappingProxyType({
    "+": (SUM, "add"), "-": (SUM, "sub"), "*": (PRODUCT, "mul"), "/": (PRODUCT, "div"),
    "^": (POWER, "pow"),
})
"""Infix operators (as the lexer spells them) → (binding power, op name)."""

METHODS: Final = ("relu", "tanh", "exp", "log", "sigmoid", "sin", "cos", "sqrt", "abs")
"""One-argument ops that may be written as micrograd writes them: ``(a + b).relu()``."""

NAMED_CONSTANTS: Final[Mapping[str, float]] = MappingProxyType({"e": math.e, "pi": math.pi})
"""Names that mean a constant unless the system defines them or gives them a value."""

CONSTANT_SPELLINGS: Final[Mapping[str, str]] = MappingProxyType({"π": "pi"})
"""Other ways to type a named constant (the lexer reads ``π`` as ``pi``)."""
