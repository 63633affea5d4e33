import numpy as np
import pytest
import sympy as sp


def sympy_grad_at(expr_text_free_expr, symbols, point):
    """Gradient of an independently built sympy expression at a point (test oracle)."""
    subs = {symbols[n]: v for n, v in point.items()}
    return {n: float(sp.diff(expr_text_free_expr, s).evalf(subs=subs)) for n, s in symbols.items()}


@pytest.fixture
def rng():
    return np.random.default_rng(7)
