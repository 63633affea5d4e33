import os

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, settings

# The property tests run derandomised by default (the same examples every run, so a red run
# of `make test` is reproducible, on CI or here); HYPOTHESIS_PROFILE=explore searches anew
# (more examples, a saved database). Neither has a per-example deadline: these machines are
# shared and noisy, and speed is measured by the benchmarks, not by tests.
settings.register_profile("ci", derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def sympy_grad_at(expr_text_free_expr, symbols, point):
    """Gradient of an independently built sympy expression at a point (test oracle)."""
    subs = {symbols[n]: v for n, v in point.items()}
    return {n: float(sp.diff(expr_text_free_expr, s).evalf(subs=subs)) for n, s in symbols.items()}


@pytest.fixture
def rng():
    return np.random.default_rng(7)
