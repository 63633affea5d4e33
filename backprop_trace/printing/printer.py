"""What every printer of shown maths shares: dispatch by kind (``_print_<Kind>``, as sympy's
printers do) and brackets by precedence, so a product of ``0.6721`` and ``1 − tanh(u₈)²`` is
bracketed in every format. A format (unicode, LaTeX, code) subclasses it with its leaves and
separators; sympy expressions inside the tree go through the format's sympy printer.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from sympy.printing.precedence import precedence as sympy_precedence

from ..describe.maths import (
    Apply,
    Equation,
    More,
    Number,
    Product,
    Shown,
    Sum,
    Symbolic,
)

__all__ = ["ShownPrinter", "SUM", "PRODUCT", "ATOM"]

EQUATION: Final = 0
SUM: Final = 10
PRODUCT: Final = 20
ATOM: Final = 100


_APPLY_PRECEDENCE: Final = {"add": SUM, "sub": SUM, "neg": SUM, "mul": PRODUCT, "div": PRODUCT,
                             "matmul": PRODUCT, "outer": PRODUCT}


class ShownPrinter:
    """Prints a shown-maths tree; subclasses give the leaves and the separators."""

    product: ClassVar[str] = " · "
    tight_product: ClassVar[str] = "·"
    hadamard: ClassVar[str] = " ⊙ "
    plus: ClassVar[str] = " + "
    equals: ClassVar[str] = " = "

    def doprint(self, item: Shown) -> str:
        return self._print(item)

    def _print(self, item: Any, **context: Any) -> str:
        method = getattr(self, f"_print_{type(item).__name__}", None)
        if method is None:
            raise TypeError(f"{type(self).__name__} cannot print {type(item).__name__}")
        return method(item, **context) if context else method(item)

    # -- precedence ------------------------------------------------------------------------

    def precedence(self, item: Shown) -> int:
        if isinstance(item, Equation):
            return EQUATION
        if isinstance(item, Sum):
            return SUM
        if isinstance(item, Product):
            return PRODUCT
        if isinstance(item, Apply):
            return _APPLY_PRECEDENCE.get(item.op, ATOM)
        if isinstance(item, Number):
            return SUM if self.negative(item) else ATOM
        if isinstance(item, Symbolic):
            level = sympy_precedence(item.expr)
            return SUM if level <= 40 else PRODUCT if level <= 50 else ATOM
        return ATOM

    def negative(self, item: Number) -> bool:
        try:
            return float(item.value) < 0
        except (TypeError, ValueError):
            return False

    def bracket(self, text: str) -> str:
        return f"({text})"

    def sympy_bracket(self, text: str) -> str:
        return self.bracket(text)

    def factor(self, item: Shown, **context: Any) -> str:
        """A factor of a product: bracketed below a product's precedence (sums, a negative
        number, a symbolic expression led by a minus sign)."""
        text = self._print(item, **context)
        if self.precedence(item) < PRODUCT:
            return self.sympy_bracket(text) if isinstance(item, Symbolic) else self.bracket(text)
        return text

    # -- inner nodes -------------------------------------------------------------------------

    def _print_Equation(self, item: Equation) -> str:
        return self.equals.join(self._print(side) for side in item.sides)

    def _print_Sum(self, item: Sum) -> str:
        # products inside a sum of several terms are set tight (∂e/∂u₁·1 + ∂e/∂u₂·1), a lone
        # term followed by ``+ …`` keeps its spaces
        real = [t for t in item.terms if not isinstance(t, More)]
        tight = len(real) > 1 or len(real) == len(item.terms)
        parts = []
        for k, term in enumerate(item.terms):
            if isinstance(term, More):
                parts.append(self.more_joiner(term) + self._print(term))
                continue
            text = self._print(term, tight=tight) if isinstance(term, Product) else \
                self._print(term)
            if k and self.precedence(term) <= SUM:
                text = self.bracket(text)
            parts.append((self.plus if k else "") + text)
        return "".join(parts)

    def more_joiner(self, item: More) -> str:
        return self.plus

    def template(self, op: str) -> str:
        """The op's template in this format (``{0}`` is the first argument)."""
        raise NotImplementedError

    def _print_Apply(self, item: Apply) -> str:
        """An op on shown arguments by the op's template; an argument is bracketed unless the
        template already encloses it (``sum({0})``, ``⟨{0}, {1}⟩``)."""
        template = self.template(item.op)
        texts = []
        for k, arg in enumerate(item.args):
            text = self._print(arg)
            at = template.find(f"{{{k}}}")
            enclosed = at > 0 and template[at - 1] in "(⟨‖,{ " and template[at - 2:at] != "} "
            if not enclosed and self.precedence(arg) < ATOM:
                text = self.bracket(text)
            texts.append(text)
        return template.format(*texts)

    def _print_Product(self, item: Product, tight: bool = False) -> str:
        separator = self.hadamard if item.hadamard else \
            self.tight_product if tight else self.product
        return separator.join(self.factor(f) for f in item.factors)
