"""What a step through a vector or matrix operation says: the vector-Jacobian product in the
textbook's matrix form, ``∂J/∂W₁ = ∂J/∂z · xᵀ`` for z = W₁x, ``∂J/∂x = W₁ᵀ · ∂J/∂z``, an
elementwise op's ``∂J/∂h ⊙ H(z)``, and a gradient summed back over broadcast elements
(``sum(…)`` to a scalar, ``𝟏ᵀ(…)`` over a batch's rows)."""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from .maths import Apply, Ones, Product, Shown, Symbolic, Transpose

__all__ = ["vjp_form", "summed_to"]

Shape = tuple[int, ...]


def vjp_form(op: str, position: int, g: Shown, args: Sequence[Shown],
             shapes: Sequence[Shape], out: Shown) -> Shown:
    """The contribution of a tensor op to argument ``position``, in matrix notation, from
    the upstream gradient ``g``, the arguments (shown) and their shapes."""
    if op == "matmul":
        a, b = args
        ndim_a, ndim_b = len(shapes[0]), len(shapes[1])
        if position == 0:
            if ndim_a == 1:
                return Product((b, g)) if ndim_b == 2 else Product((g, b))
            return Product((g, Transpose(b)))  # ∂J/∂W = ∂J/∂z · xᵀ
        if ndim_a == 1:
            return Product((a, Transpose(g))) if ndim_b == 2 else Product((g, a))
        return Product((Transpose(a), g))  # ∂J/∂x = Wᵀ · ∂J/∂z
    if op == "transpose":
        return Transpose(g)
    if op == "sum":
        return Product((g, Ones(shapes[0])))
    if op == "mean":
        return Product((g, Symbolic(sp.Rational(1, max(_size(shapes[0]), 1))), Ones(shapes[0])))
    if op == "dot":
        return Product((g, args[1 - position]))
    if op == "norm":
        return Product((g, Apply("div", (args[0], Apply("norm", (args[0],))))))
    if op == "outer":
        return Product((g, args[1])) if position == 0 else Product((Transpose(g), args[0]))
    if op == "softmax":  # (diag(s) − ssᵀ)·g = s ⊙ (g − ⟨g, s⟩)
        return Product((out, Apply("sub", (g, Apply("dot", (g, out))))), hadamard=True)
    if op == "logsumexp":
        return Product((g, Apply("softmax", (args[0],))))
    raise KeyError(op)


def summed_to(contribution: Shown, made: Shape, receiving: Shape) -> Shown:
    """A contribution made in shape ``made`` summed back to the receiving node's shape (a
    scalar used with a vector gets the sum of the elementwise contributions)."""
    if made == receiving:
        return contribution
    if not receiving:
        return Apply("sum", (contribution,))
    rows = made[:len(made) - len(receiving)] or made[:1]
    return Product((Transpose(Ones(rows)), contribution))  # the rows of a batch, added up


def _size(shape: Shape) -> int:
    size = 1
    for n in shape:
        size *= n
    return size
