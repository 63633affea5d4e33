"""The unicode printer (frames, captions, the command line): shown maths and sympy expressions
as a textbook prints them — ``∂f/∂u₁ = ∂f/∂f · ∂(u₁·z)/∂u₁ = 1 · z``, ``3x² − 4x``, ``u₁``,
``−4`` — the ∂y/∂x notation defined once."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

import sympy as sp
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter

from ..autodiff.symbolic import PartialSymbol
from ..describe.maths import (
    More,
    Name,
    Number,
    Ones,
    Operation,
    OwnPartial,
    Partial,
    Shown,
    Space,
    Symbolic,
    Transpose,
    Unknown,
)
from ..graph.labels import operation_text
from ..names import fmt_number, pretty_name, shape_text, superscript
from ..ops import OPS
from .printer import ATOM, ShownPrinter

__all__ = ["to_unicode", "partial_text", "UnicodePrinter"]

_SUBSCRIPTS: Final = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_NUMBER_TIMES_NAME: Final = re.compile(r"(?<![\w.])(\d+)·(?=[A-Za-zα-ω])")  # 3·x² → 3x²


def partial_text(y: str, x: str) -> str:
    """∂y/∂x in textbook unicode: ``∂f/∂u₁``."""
    return f"∂{pretty_name(y)}/∂{pretty_name(x)}"


class _SympyUnicode(StrPrinter):
    def _print_PartialSymbol(self, expr: PartialSymbol) -> str:
        return partial_text(expr.of, expr.wrt)

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return pretty_name(expr.name)

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.as_base_exp()
        if exp.is_Integer and exp > 0:
            sup = superscript(str(exp))
            base_text = self._print(base)
            if not (base.is_Symbol or base.is_Function or base.is_Integer and base >= 0):
                base_text = f"({base_text})"
            return f"{base_text}{sup}"
        if exp == sp.S.Half:
            inner = self._print(base)
            return f"√{inner}" if base.is_Symbol else f"√({inner})"
        text = super()._print_Pow(expr, rational)
        return text.replace("**", "^")

    def _print_sigmoid(self, expr: sp.Expr) -> str:
        return f"σ({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr: sp.Expr) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_Exp1(self, expr: sp.Expr) -> str:
        return "e"

    def _print_Pi(self, expr: sp.Expr) -> str:
        return "π"

    # matrix calculus (grad_expr of vectors and matrices) as the frames write it: Wᵀ, not W.T
    def _print_Transpose(self, expr: Any) -> str:
        inner = self._print(expr.arg)
        return f"{inner}ᵀ" if expr.arg.is_symbol else f"({inner})ᵀ"

    def _print_OneMatrix(self, expr: Any) -> str:
        rows, cols = expr.shape
        return "1" + (str(rows) if cols == 1 else f"{rows}ₓ{cols}").translate(_SUBSCRIPTS)

    def _print_MatMul(self, expr: Any) -> str:
        return "·".join(self.parenthesize(arg, precedence(expr)) for arg in expr.args)

    def _print_MatPow(self, expr: Any) -> str:
        base = self._print(expr.base)
        base = base if expr.base.is_symbol else f"({base})"
        return f"{base}{superscript(str(expr.exp))}"

    def _print_Trace(self, expr: Any) -> str:  # of a 1×1 product (xᵀy): its one entry
        return self._print(expr.arg)


@lru_cache(maxsize=4096)  # captions and edge labels print the same partials
def _sympy_unicode(expr: Any) -> str:
    text = _SympyUnicode().doprint(expr).replace("*", "·").replace("-", "−")
    return _NUMBER_TIMES_NAME.sub(r"\1", text)


class UnicodePrinter(ShownPrinter):
    """Shown maths as textbook unicode."""

    def _print_Name(self, item: Name) -> str:
        return pretty_name(item.name)

    def _print_Partial(self, item: Partial) -> str:
        return partial_text(item.of, item.wrt)

    def _print_Operation(self, item: Operation) -> str:
        if item.formula is not None:
            return self._print(Symbolic(item.formula))
        return operation_text(item.op, item.args, item.constants, item.abstract)

    def _print_OwnPartial(self, item: OwnPartial) -> str:
        return f"∂({self._print(item.expression)})/∂{pretty_name(item.wrt)}"

    def _print_Number(self, item: Number) -> str:
        return fmt_number(item.value, digits=item.digits, fractions=item.fraction)

    def _print_Symbolic(self, item: Symbolic) -> str:
        return _sympy_unicode(item.expr)

    def _print_Unknown(self, item: Unknown) -> str:
        return "?"

    def _print_More(self, item: More) -> str:
        return "…"

    def more_joiner(self, item: More) -> str:
        return "\u2009+\u2009" if item.thin else " + "  # thin: the widest line sizes its box

    def _print_Ones(self, item: Ones) -> str:
        """The vector of ones with its length below (1₃), so it is never read as the number 1."""
        return "1" + "ₓ".join(str(n) for n in item.shape).translate(_SUBSCRIPTS)

    def _print_Transpose(self, item: Transpose) -> str:
        inner = self._print(item.of)
        if self.precedence(item.of) >= ATOM and not isinstance(item.of, Partial):
            return f"{inner}ᵀ"
        return f"({inner})ᵀ"  # (∂y/∂u)ᵀ, never ∂y/∂uᵀ

    def template(self, op: str) -> str:
        return OPS[op].template

    def _print_Space(self, item: Space) -> str:
        return shape_text(item.shape)


_PRINTER: Final = UnicodePrinter()


def to_unicode(item: Shown | Any) -> str:
    """Shown maths, or a sympy expression, as textbook unicode: ``∂f/∂u₁·z``, ``3x² − 4x``."""
    if isinstance(item, sp.Basic):
        return _sympy_unicode(item)
    return _PRINTER.doprint(item)
