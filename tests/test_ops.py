"""Every op in the table: declared partials against sympy.diff and central differences."""

import numpy as np
import pytest
import sympy as sp

from backprop_trace.numeric import numeric_partials
from backprop_trace.ops import ARGS, OPS, sigmoid

RNG = np.random.default_rng(20261126)
CASES = [(name, k) for name, op in OPS.items() for k in range(op.arity)]


def _oracle_forward(op, args):
    """The op's sympy forward with σ written out, so sympy.diff knows nothing of our table."""
    return op.symbolic(*args).rewrite(sp.exp) if op.name == "sigmoid" else op.symbolic(*args)


def _points(op, n=5):
    # Stay away from kinks (relu, abs, max, min at 0 or ties), where derivatives are conventions.
    for _ in range(n):
        point = [RNG.uniform(lo, hi) for lo, hi in op.domain[: op.arity]]
        if op.arity == 2 and abs(point[0] - point[1]) < 0.05:
            point[1] += 0.1
        point = [p if abs(p) > 0.05 else p + 0.1 for p in point]
        yield point


@pytest.mark.parametrize("name,k", CASES)
def test_partial_matches_sympy_diff(name, k):
    op = OPS[name]
    args = ARGS[: op.arity]
    oracle = sp.diff(_oracle_forward(op, args), args[k])
    for point in _points(op):
        subs = dict(zip(args, point))
        declared = float(op.partials[k].evalf(subs=subs))
        expected = float(oracle.evalf(subs=subs))
        assert declared == pytest.approx(expected, rel=1e-9, abs=1e-12), (name, k, point)


@pytest.mark.parametrize("name,k", CASES)
def test_numeric_partial_matches_central_difference(name, k):
    op = OPS[name]
    fn = numeric_partials(name)[k]
    for point in _points(op):
        h = 1e-6
        up, down = list(point), list(point)
        up[k] += h
        down[k] -= h
        central = (op.forward(*map(np.float64, up)) - op.forward(*map(np.float64, down))) / (2 * h)
        got = fn([np.float64(p) for p in point])
        assert got == pytest.approx(central, rel=1e-5, abs=1e-7), (name, k, point)


@pytest.mark.parametrize("name", list(OPS))
def test_numpy_forward_matches_sympy_forward(name):
    op = OPS[name]
    args = ARGS[: op.arity]
    for point in _points(op):
        expected = float(_oracle_forward(op, args).evalf(subs=dict(zip(args, point))))
        assert op.forward(*map(np.float64, point)) == pytest.approx(expected, rel=1e-12)


def test_kink_conventions_follow_pytorch():
    zero = [np.float64(0.0)]
    assert numeric_partials("relu")[0](zero) == 0.0
    assert numeric_partials("abs")[0](zero) == 0.0
    tie = [np.float64(2.0), np.float64(2.0)]
    assert [f(tie) for f in numeric_partials("max")] == [0.5, 0.5]


def test_sigmoid_is_stable_for_large_arguments():
    with np.errstate(all="raise"):
        assert OPS["sigmoid"].forward(np.float64(-1000.0)) == 0.0
        assert OPS["sigmoid"].forward(np.float64(1000.0)) == 1.0
    assert sp.diff(sigmoid(ARGS[0]), ARGS[0]) == sigmoid(ARGS[0]) * (1 - sigmoid(ARGS[0]))


def test_every_op_has_a_label_and_template():
    for op in OPS.values():
        assert op.label and "{0}" in op.template
