"""How names, numbers and formulas read: textbook unicode (u₁, x², ∂f/∂x, −) and LaTeX.

All text shown to people is made here, from the data of the other stages; nothing here
is stored back into that data.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

import numpy as np
import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .ops import OPS

__all__ = ["pretty_name", "latex_name", "fmt_number", "to_unicode", "to_latex", "to_code",
           "code_node", "node_text",
           "superscript", "PARTIAL_RE"]

_SUB: Final = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP: Final = str.maketrans("0123456789-+()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾")
_NAME_RE: Final = re.compile(r"^(.*?[^\d_])_?(\d+)$")
PARTIAL_RE: Final = re.compile(r"^∂(.+)/∂(.+)$")
_GREEK_WORDS: Final = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "theta": "θ",
    "lambda_": "λ", "mu": "μ", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω", "pi": "π",
}
_SHOWN_ELEMENTS: Final = 6
_NUMBER_TIMES_NAME: Final = re.compile(r"(?<![\w.])(\d+)·(?=[A-Za-zα-ω])")  # 3·x² → 3x²


def pretty_name(name: str) -> str:
    """``u1`` → ``u₁``, ``x_12`` → ``x₁₂``, ``pi`` → ``π``; a constant node ``1#2`` → ``1``."""
    name = name.split("#", 1)[0]
    if name in _GREEK_WORDS:
        return _GREEK_WORDS[name]
    m = _NAME_RE.match(name)
    if m is None:
        return name
    return m.group(1) + m.group(2).translate(_SUB)


def latex_name(name: str) -> str:
    """``u1`` → ``u_{1}``, ``theta`` → ``\\theta``, ``x`` → ``x``; longer names in ``\\mathrm``."""
    name = name.split("#", 1)[0]
    m = _NAME_RE.match(name)
    stem, sub = (m.group(1), m.group(2)) if m else (name, "")
    if stem in _GREEK_WORDS or stem == "lambda":
        stem = "\\" + stem.rstrip("_")
    elif len(stem) > 1 and not all(ord(c) > 127 for c in stem):
        stem = f"\\mathrm{{{stem}}}"
    return f"{stem}_{{{sub}}}" if sub else stem


def superscript(text: str) -> str | None:
    """``2`` → ``²``, ``-1`` → ``⁻¹``; None when ``text`` has no superscript form."""
    if not re.fullmatch(r"[-+]?\d+", text):
        return None
    return text.translate(_SUP)


def fmt_number(value: Any, *, unicode: bool = True) -> str:
    """At most 4 significant digits, integers without ``.0``, never ``-0``; arrays as lists.

    >>> fmt_number(-4.0), fmt_number(-0.19661193), fmt_number(1e-7), fmt_number(-0.0)
    ('−4', '−0.1966', '1e−7', '0')
    """
    if isinstance(value, np.ndarray) and value.ndim > 0:
        flat = value.ravel()
        shown = [fmt_number(v, unicode=unicode) for v in flat[:_SHOWN_ELEMENTS]]
        if flat.size > _SHOWN_ELEMENTS:
            shown[-1:] = ["…", fmt_number(flat[-1], unicode=unicode)]
        return "[" + ", ".join(shown) + "]"
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        text = "∞" if unicode else "inf"
        return text if v > 0 else ("−" if unicode else "-") + text
    rounded = float(f"{v:.4g}")
    if rounded == 0:
        text = "0"
    elif rounded == int(rounded) and abs(rounded) < 1e15:
        text = str(int(rounded))
    else:
        text = f"{v:.4g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−") if unicode else text


class _UnicodePrinter(StrPrinter):
    def _print_Symbol(self, expr: sp.Symbol) -> str:
        m = PARTIAL_RE.match(expr.name)
        if m:
            return f"∂{pretty_name(m.group(1))}/∂{pretty_name(m.group(2))}"
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
    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        m = PARTIAL_RE.match(expr.name)
        if m:
            return (f"\\frac{{\\partial {latex_name(m.group(1))}}}"
                    f"{{\\partial {latex_name(m.group(2))}}}")
        return latex_name(expr.name)

    def _print_sigmoid(self, expr: sp.Expr, exp: str | None = None) -> str:
        text = f"\\sigma\\left({self._print(expr.args[0])}\\right)"
        return f"{text}^{{{exp}}}" if exp else text


def to_unicode(expr: Any) -> str:
    """A sympy expression as textbook unicode: ``∂f/∂u₁·z``, ``3x² − 4x``."""
    text = _UnicodePrinter().doprint(expr).replace("*", "·").replace("-", "−")
    return _NUMBER_TIMES_NAME.sub(r"\1", text)


def to_latex(expr: Any) -> str:
    """A sympy expression as LaTeX, with partials as ``\\frac{\\partial f}{\\partial x}``."""
    return _LatexPrinter({"mul_symbol": "dot"}).doprint(expr)


def node_text(G: Any, node: str) -> str:
    """How a node's local expression reads in a diagram: ``u₁·z``, ``x²``, ``ln(u₂)``, ``f(x, y)``.

    Arguments are node names, never expanded, so a label stays one line however deep the graph.
    """
    attrs = G.nodes[node]
    if attrs["kind"] == "const":
        return pretty_name(attrs["text"])
    if attrs["kind"] == "input":
        return pretty_name(node)
    args = attrs["args"]
    shown = [pretty_name(G.nodes[a]["text"]) if G.nodes[a]["kind"] == "const" else pretty_name(a)
             for a in args]
    if attrs["abstract"]:
        return f"{pretty_name(attrs['op'])}({', '.join(shown)})"
    if attrs["op"] == "pow" and G.nodes[args[1]]["kind"] == "const":
        sup = superscript(G.nodes[args[1]]["text"])
        if sup is not None:
            return f"{shown[0]}{sup}"
    return OPS[attrs["op"]].template.format(*shown)


class _CodePrinter(StrPrinter):
    def _print_Symbol(self, expr: sp.Symbol) -> str:
        m = PARTIAL_RE.match(expr.name)
        return f"d{m.group(1)}_d{m.group(2)}" if m else expr.name


def to_code(expr: Any) -> str:
    """A sympy expression as Python-like code: ``u1*z``, ∂u/∂x as ``du_dx``."""
    return _CodePrinter().doprint(expr)


def code_node(G: Any, node: str) -> str:
    """A node's forward line in the straight-line listing: ``x + y``, ``sin(u1)``."""
    attrs = G.nodes[node]
    args = [G.nodes[a]["text"] if G.nodes[a]["kind"] == "const" else a for a in attrs["args"]]
    if attrs["abstract"]:
        return f"{attrs['op']}({', '.join(args)})"
    return OPS[attrs["op"]].code_template.format(*args)
