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
           "NAMED_CONSTANTS", "CONSTANT_SPELLINGS", "METHODS", "NUMPY_UFUNCS",
           "NUMPY_FUNCTIONS", "ARRAY_METHODS", "TENSOR_OPS"]


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
    latex: str = ""

    @property
    def code_template(self) -> str:
        return self.code or f"{self.name}({', '.join(f'{{{i}}}' for i in range(self.arity))})"

    @property
    def latex_template(self) -> str:
        """How the op reads in LaTeX (``{0}`` is the first argument), in the typed order."""
        args = ", ".join(f"{{{i}}}" for i in range(self.arity))
        return self.latex or f"\\operatorname{{{{{self.name}}}}}\\left({args}\\right)"


def _fn(name: str, label: str, *, names: tuple[str, ...] = (), template: str = "",
        latex: str = "") -> Op:
    """A one-argument function ``name(x)``, callable by ``name`` and any alias in ``names``."""
    return Op(name, label, 1, template or f"{label}({{0}})", (name, *names), latex=latex)


def _latex_fn(command: str) -> str:
    return f"\\{command}\\left({{0}}\\right)"


_TABLE: Final[tuple[Op, ...]] = (
    # Arithmetic as typed: a subtraction stays a subtraction, a division a division.
    Op("add", "+", 2, "{0} + {1}", code="{0} + {1}", latex="{0} + {1}"),
    Op("sub", "−", 2, "{0} − {1}", code="{0} - {1}", latex="{0} - {1}"),
    Op("mul", "×", 2, "{0}·{1}", code="{0} * {1}", latex="{0} \\cdot {1}"),
    Op("div", "÷", 2, "{0}/{1}", code="{0} / {1}", latex="\\frac{{{0}}}{{{1}}}"),
    Op("pow", "^", 2, "{0}^{1}", code="{0} ** {1}", latex="{0}^{{{1}}}"),
    Op("neg", "−", 1, "−{0}", code="-{0}", latex="-{0}"),
    Op("id", "=", 1, "{0}", code="{0}", latex="{0}"),
    # Elementary functions.
    _fn("sin", "sin", latex=_latex_fn("sin")),
    _fn("cos", "cos", latex=_latex_fn("cos")),
    _fn("tan", "tan", latex=_latex_fn("tan")),
    _fn("exp", "exp", latex="e^{{{0}}}"),
    _fn("log", "ln", names=("ln",), latex=_latex_fn("ln")),
    _fn("sqrt", "√", template="√{0}", latex="\\sqrt{{{0}}}"),
    _fn("tanh", "tanh", latex=_latex_fn("tanh")),
    _fn("sinh", "sinh", latex=_latex_fn("sinh")),
    _fn("cosh", "cosh", latex=_latex_fn("cosh")),
    _fn("atan", "atan", names=("arctan",), latex=_latex_fn("arctan")),
    _fn("asin", "asin", names=("arcsin",), latex=_latex_fn("arcsin")),
    _fn("acos", "acos", names=("arccos",), latex=_latex_fn("arccos")),
    _fn("sigmoid", "σ", names=("σ",), latex=_latex_fn("sigma")),
    _fn("softplus", "softplus"),
    # Piecewise-linear ops (their derivative at the kink: see autodiff/rules.py).
    _fn("relu", "ReLU", names=("ReLU",), latex="\\operatorname{{ReLU}}\\left({0}\\right)"),
    _fn("abs", "|·|", names=("Abs",), template="|{0}|", latex="\\left|{0}\\right|"),
    Op("max", "max", 2, "max({0}, {1})", ("max",), latex="\\max\\left({0}, {1}\\right)"),
    Op("min", "min", 2, "min({0}, {1})", ("min",), latex="\\min\\left({0}, {1}\\right)"),
    # Vectors and matrices: one node per tensor operation, never per element.
    Op("matmul", "@", 2, "{0}{1}", code="{0} @ {1}", latex="{0} {1}"),
    Op("transpose", "ᵀ", 1, "{0}ᵀ", ("transpose",), code="{0}.T", latex="{0}^{{\\top}}"),
    Op("sum", "Σ", 1, "sum({0})", ("sum",), code="np.sum({0})",
       latex="\\operatorname{{sum}}\\left({0}\\right)"),
    Op("mean", "mean", 1, "mean({0})", ("mean",), code="np.mean({0})",
       latex="\\operatorname{{mean}}\\left({0}\\right)"),
    Op("dot", "⟨·,·⟩", 2, "⟨{0}, {1}⟩", ("dot",), code="np.dot({0}, {1})",
       latex="\\left\\langle {0}, {1} \\right\\rangle"),
    Op("norm", "‖·‖", 1, "‖{0}‖", ("norm",), code="np.linalg.norm({0})",
       latex="\\left\\| {0} \\right\\|"),
    Op("outer", "⊗", 2, "{0}{1}ᵀ", ("outer",), code="np.outer({0}, {1})",
       latex="{0} {1}^{{\\top}}"),
    _fn("softmax", "softmax"),
    _fn("logsumexp", "logsumexp"),
)

TENSOR_OPS: Final = frozenset({"matmul", "transpose", "sum", "mean", "dot", "norm", "outer",
                               "softmax", "logsumexp"})
"""Ops on whole vectors and matrices (not elementwise): their gradients are vector-Jacobian
products, written once each in ``autodiff/rules.py``."""

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
    "@": (PRODUCT, "matmul"), "^": (POWER, "pow"),
})
"""Infix operators (as the lexer spells them) → (binding power, op name)."""

METHODS: Final = ("relu", "tanh", "exp", "log", "sigmoid", "sin", "cos", "sqrt", "abs",
                   "softplus")
"""One-argument ops that may be written as micrograd writes them: ``(a + b).relu()`` (as text
and on a Python function's values)."""

NUMPY_UFUNCS: Final[Mapping[str, str]] = MappingProxyType({
    "add": "add", "subtract": "sub", "multiply": "mul", "true_divide": "div", "divide": "div",
    "power": "pow", "negative": "neg", "absolute": "abs", "exp": "exp", "log": "log",
    "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan", "tanh": "tanh", "sinh": "sinh",
    "cosh": "cosh", "arctan": "atan", "arcsin": "asin", "arccos": "acos", "maximum": "max",
    "minimum": "min", "matmul": "matmul",
})
"""numpy's ufuncs a recorded Python function may call, by name → the op they are."""

NUMPY_FUNCTIONS: Final[Mapping[str, str]] = MappingProxyType({
    "sum": "sum", "mean": "mean", "dot": "dot", "vdot": "dot", "inner": "dot",
    "transpose": "transpose", "outer": "outer", "norm": "norm", "matmul": "matmul",
})
"""numpy's array functions (``np.sum``, ``np.linalg.norm``, …) a recorded function may call;
``np.dot`` of a matrix is a matrix product."""

ARRAY_METHODS: Final[Mapping[str, str]] = MappingProxyType({
    "sum": "sum", "mean": "mean", "dot": "dot", "transpose": "transpose"})
"""Methods of numpy arrays a recorded value answers to (``x.sum()``; ``x.T`` too)."""

NAMED_CONSTANTS: Final[Mapping[str, float]] = MappingProxyType({"e": math.e, "pi": math.pi})
"""Names that mean a constant unless the system defines them or gives them a value."""

CONSTANT_SPELLINGS: Final[Mapping[str, str]] = MappingProxyType({"π": "pi"})
"""Other ways to type a named constant (the lexer reads ``π`` as ``pi``)."""
