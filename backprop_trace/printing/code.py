"""The code printer (the straight-line listing of the backward pass): shown maths and sympy
expressions as Python-like code — ``u1_bar * z``, ∂u/∂x as ``du_dx``, every compound factor
bracketed."""

from __future__ import annotations

from typing import Any, Final

import sympy as sp
from sympy.printing.str import StrPrinter

from ..autodiff.symbolic import PartialSymbol
from ..describe.maths import Name, Number, Ones, Partial, Shown, Space, Symbolic, Transpose
from ..names import code_name, fmt_number
from ..ops import OPS
from .printer import PRODUCT, ShownPrinter

__all__ = ["to_code", "CodeShownPrinter"]


class _SympyCode(StrPrinter):
    def _print_PartialSymbol(self, expr: PartialSymbol) -> str:
        return f"d{code_name(expr.of)}_d{code_name(expr.wrt)}"

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return code_name(expr.name)


class CodeShownPrinter(ShownPrinter):
    product = tight_product = " * "
    hadamard = " * "

    def _print_Name(self, item: Name) -> str:
        return code_name(item.name)

    def _print_Partial(self, item: Partial) -> str:
        return f"d{code_name(item.of)}_d{code_name(item.wrt)}"

    def _print_Number(self, item: Number) -> str:
        return fmt_number(item.value, unicode=False, digits=item.digits,
                          fractions=item.fraction)

    def _print_Symbolic(self, item: Symbolic) -> str:
        return _SympyCode().doprint(item.expr)

    def _print_Ones(self, item: Ones) -> str:
        return "1"

    def _print_Transpose(self, item: Transpose) -> str:
        return f"{self.factor(item.of)}.T"

    def template(self, op: str) -> str:
        return OPS[op].code_template

    def _print_Space(self, item: Space) -> str:
        return f"<array of shape {item.shape}>"

    def factor(self, item: Shown, **context: Any) -> str:
        """Code brackets every compound factor: ``u1_bar * (2*x)``."""
        text = self._print(item, **context)
        compound = isinstance(item, Symbolic) and not item.expr.is_Atom
        return self.bracket(text) if compound or self.precedence(item) < PRODUCT else text


_PRINTER: Final = CodeShownPrinter()


def to_code(item: Shown | Any) -> str:
    """Shown maths, or a sympy expression, as Python-like code."""
    if isinstance(item, sp.Basic):
        return _SympyCode().doprint(item)
    return _PRINTER.doprint(item)
