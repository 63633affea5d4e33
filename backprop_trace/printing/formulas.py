"""``Formula``: a formula in textbook unicode that carries its LaTeX, and the textbook chain
rule of a trace as one."""

from __future__ import annotations

from ..autodiff.result import TraceData
from ..describe import description
from ..describe.maths import Shown
from .latex import to_latex
from .unicode import to_unicode

__all__ = ["Formula", "formula", "chain_rule"]


class Formula(str):
    """A formula in textbook unicode; ``.latex`` holds the same formula in LaTeX."""

    latex: str

    def __new__(cls, text: str, latex: str) -> Formula:
        obj = super().__new__(cls, text)
        obj.latex = latex
        return obj

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex}$"


def formula(item: Shown) -> Formula:
    """Shown maths as a ``Formula`` (unicode, with its LaTeX)."""
    return Formula(to_unicode(item), to_latex(item))


def chain_rule(data: TraceData, var: str) -> Formula:
    """∂y/∂var = Σⱼ ∂y/∂uⱼ·∂uⱼ/∂var over the nodes uⱼ that use ``var`` directly."""
    return formula(description.chain_rule(data, var))
