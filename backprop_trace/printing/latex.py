"""The LaTeX printer (the narrative, Beamer, notebooks): shown maths and sympy expressions with
partials as ``\\frac{\\partial f}{\\partial x}``, products as ``\\cdot``."""

from __future__ import annotations

from typing import Any, Final

import sympy as sp
from sympy.printing.latex import LatexPrinter

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
from ..names import fmt_number, latex_name
from ..ops import OPS
from .printer import ATOM, ShownPrinter

__all__ = ["to_latex", "partial_latex", "latex_number", "LatexShownPrinter"]


def partial_latex(y: str, x: str) -> str:
    """∂y/∂x in LaTeX: ``\\frac{\\partial f}{\\partial u_{1}}``."""
    return f"\\frac{{\\partial {latex_name(y)}}}{{\\partial {latex_name(x)}}}"


def latex_number(text: str) -> str:
    """A number as ``fmt_number`` shows it, in LaTeX: ``-1``, ``\\frac{1}{3}``,
    ``2.5 \\times 10^{-7}``, ``\\left[1, 2\\right]``."""
    text = text.replace("−", "-")
    if text.startswith("["):
        return "\\left" + text.replace("]", "\\right]")
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    if "/" in body:
        numerator, denominator = body.split("/")
        return f"{sign}\\frac{{{numerator}}}{{{denominator}}}"
    if "e" in body:
        mantissa, exponent = body.split("e")
        return f"{sign}{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


_BMATRIX_ELEMENTS: Final = 12
"""Vectors and matrices up to this many elements are written out as matrices."""


class _SympyLatex(LatexPrinter):
    def _print_PartialSymbol(self, expr: PartialSymbol, style: str = "plain") -> str:
        return partial_latex(expr.of, expr.wrt)

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        return latex_name(expr.name)

    def _print_sigmoid(self, expr: sp.Expr, exp: str | None = None) -> str:
        text = f"\\sigma\\left({self._print(expr.args[0])}\\right)"
        return f"{text}^{{{exp}}}" if exp else text


def _sympy_latex(expr: Any) -> str:
    return _SympyLatex({"mul_symbol": "dot"}).doprint(expr)


class LatexShownPrinter(ShownPrinter):
    product = tight_product = " \\cdot "
    hadamard = " \\odot "

    def sympy_bracket(self, text: str) -> str:
        return f"\\left({text}\\right)"

    def _print_Name(self, item: Name) -> str:
        name = latex_name(item.name)
        return f"\\mathbf{{{name}}}" if item.tensor else name

    def _print_Partial(self, item: Partial) -> str:
        return partial_latex(item.of, item.wrt)

    def _print_Operation(self, item: Operation) -> str:
        """In the order typed, from the op table's LaTeX form: ``u_{1} \\cdot z``."""
        if item.formula is not None:
            return self._print(Symbolic(item.formula))
        args = [latex_number(a) if constant and a[:1].isdigit() or a[:1] == "." else
                latex_name(a) for a, constant in zip(item.args, item.constants)]
        if item.abstract:
            return f"{latex_name(item.op)}\\left({', '.join(args)}\\right)"
        return OPS[item.op].latex_template.format(*args)

    def _print_OwnPartial(self, item: OwnPartial) -> str:
        own = self._print(item.expression)
        return f"\\frac{{\\partial \\left({own}\\right)}}{{\\partial {latex_name(item.wrt)}}}"

    def _print_Number(self, item: Number) -> str:
        value = item.value
        ndim = getattr(value, "ndim", 0)
        if 0 < ndim <= 2 and value.size <= _BMATRIX_ELEMENTS:  # a vector as a column
            rows = value.reshape(-1, 1) if ndim == 1 else value
            body = " \\\\ ".join(" & ".join(
                latex_number(fmt_number(v, digits=item.digits, fractions=item.fraction))
                for v in row) for row in rows)
            return f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"
        return latex_number(fmt_number(value, digits=item.digits, fractions=item.fraction))

    def _print_Symbolic(self, item: Symbolic) -> str:
        return _sympy_latex(item.expr)

    def _print_Unknown(self, item: Unknown) -> str:
        return "?"

    def _print_More(self, item: More) -> str:
        return "\\dots"

    def _print_Ones(self, item: Ones) -> str:
        shape = "\\times ".join(map(str, item.shape))
        return "\\mathbf{1}" + (f"_{{{shape}}}" if shape else "")

    def template(self, op: str) -> str:
        return OPS[op].latex_template

    def _print_Space(self, item: Space) -> str:
        times = " \\times "
        return "\\mathbb{R}" + ("^{" + times.join(map(str, item.shape)) + "}" if item.shape else "")

    def _print_Transpose(self, item: Transpose) -> str:
        inner = self._print(item.of)
        if self.precedence(item.of) < ATOM or isinstance(item.of, Partial):
            inner = f"\\left({inner}\\right)"
        return f"{inner}^{{\\top}}"


_PRINTER: Final = LatexShownPrinter()


def to_latex(item: Shown | Any) -> str:
    """Shown maths, or a sympy expression, as LaTeX."""
    if isinstance(item, sp.Basic):
        return _sympy_latex(item)
    return _PRINTER.doprint(item)
