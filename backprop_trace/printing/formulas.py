"""Formulas through one printer per format: sympy expressions as textbook unicode
(``∂f/∂u₁·z``, ``3x² − 4x``), LaTeX and Python-like code, the ∂y/∂x notation defined once,
and the textbook chain rule of a trace (``Formula``)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from ..autodiff.result import TraceData
from ..autodiff.symbolic import PartialSymbol
from ..names import latex_name, pretty_name, superscript

__all__ = ["to_unicode", "to_latex", "to_code", "partial_text", "partial_latex", "Formula",
           "chain_rule"]

_NUMBER_TIMES_NAME: Final = re.compile(r"(?<![\w.])(\d+)·(?=[A-Za-zα-ω])")  # 3·x² → 3x²


def partial_text(y: str, x: str) -> str:
    """∂y/∂x in textbook unicode: ``∂f/∂u₁``."""
    return f"∂{pretty_name(y)}/∂{pretty_name(x)}"


def partial_latex(y: str, x: str) -> str:
    """∂y/∂x in LaTeX: ``\\frac{\\partial f}{\\partial u_{1}}``."""
    return f"\\frac{{\\partial {latex_name(y)}}}{{\\partial {latex_name(x)}}}"


class _UnicodePrinter(StrPrinter):
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


class _LatexPrinter(LatexPrinter):
    def _print_PartialSymbol(self, expr: PartialSymbol, style: str = "plain") -> str:
        return partial_latex(expr.of, expr.wrt)

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        return latex_name(expr.name)

    def _print_sigmoid(self, expr: sp.Expr, exp: str | None = None) -> str:
        text = f"\\sigma\\left({self._print(expr.args[0])}\\right)"
        return f"{text}^{{{exp}}}" if exp else text


@lru_cache(maxsize=4096)  # captions and edge labels print the same partials
def to_unicode(expr: Any) -> str:
    """A sympy expression as textbook unicode: ``∂f/∂u₁·z``, ``3x² − 4x``."""
    text = _UnicodePrinter().doprint(expr).replace("*", "·").replace("-", "−")
    return _NUMBER_TIMES_NAME.sub(r"\1", text)


def to_latex(expr: Any) -> str:
    """A sympy expression as LaTeX, with partials as ``\\frac{\\partial f}{\\partial x}``."""
    return _LatexPrinter({"mul_symbol": "dot"}).doprint(expr)


class _CodePrinter(StrPrinter):
    def _print_PartialSymbol(self, expr: PartialSymbol) -> str:
        return f"d{expr.of}_d{expr.wrt}"

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return expr.name


def to_code(expr: Any) -> str:
    """A sympy expression as Python-like code: ``u1*z``, ∂u/∂x as ``du_dx``."""
    return _CodePrinter().doprint(expr)




class Formula(str):
    """A formula in textbook unicode; ``.latex`` holds the same formula in LaTeX."""

    latex: str

    def __new__(cls, text: str, latex: str) -> Formula:
        obj = super().__new__(cls, text)
        obj.latex = latex
        return obj

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex}$"


def chain_rule(data: TraceData, var: str) -> Formula:
    """∂y/∂var = Σⱼ ∂y/∂uⱼ·∂uⱼ/∂var over the nodes uⱼ that use ``var`` directly."""
    data.require_variable(var)
    tape, y = data.tape, data.output
    lhs = (partial_text(y, var), partial_latex(y, var))
    if var == y:
        return Formula(f"{lhs[0]} = 1", f"{lhs[1]} = 1")
    users = tape.users[var]
    if not users:
        return Formula(f"{lhs[0]} = 0", f"{lhs[1]} = 0")
    terms, latex_terms = [], []
    for u in users:
        local = (partial_text(u, var), partial_latex(u, var))
        if u == y:
            terms.append(local[0])
            latex_terms.append(local[1])
        else:
            terms.append(f"{partial_text(y, u)}·{local[0]}")
            latex_terms.append(f"{partial_latex(y, u)} \\cdot {local[1]}")
    text, latex = f"{lhs[0]} = {' + '.join(terms)}", f"{lhs[1]} = {' + '.join(latex_terms)}"
    if users == (y,):  # ∂f/∂z = ∂f/∂z says nothing: show the local partial instead
        at = tape.index[var]
        local_expr = sum(data.view.local(y, k) for k, a in enumerate(tape.args[tape.output])
                         if a == at)
        text = f"{lhs[0]} = {to_unicode(local_expr)}"
        latex = f"{lhs[1]} = {to_latex(local_expr)}"
    return Formula(text, latex)
