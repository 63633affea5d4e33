"""The gradient check: backprop against central differences and sympy.diff, honest about kinks,
unsettled differences, singularities and sampled arrays."""

import numpy as np
import pytest

import backprop_trace as bt


@pytest.mark.parametrize("text,at", [("y = abs(x)", {"x": 0}), ("y = max(x, z)", {"x": 1, "z": 1}),
                                     ("y = min(x, 2*x)", {"x": 0}),
                                     ("y = relu(x) + relu(-x)", {"x": 0})])
def test_check_says_when_there_is_no_derivative(text, at):
    report = bt.trace(text, at=at).check()
    assert not report.ok and "not differentiable here" in str(report)
    assert "NOT DIFFERENTIABLE" in str(report)


def test_check_is_right_for_large_and_broadcast_arrays_and_honest_about_steps():
    assert bt.trace("y = sin(x)", at={"x": np.linspace(0, 1, 1500)}).check().ok
    assert "1000 of 1500" in str(bt.trace("y = sin(x)", at={"x": np.linspace(0, 1, 1500)}).check())
    assert bt.trace("y = x*w", at={"x": np.ones((3, 1)), "w": np.ones((1, 4))}).check().ok
    report = bt.trace("y = (x^1000)^1000", at={"x": 1}).check()
    assert "UNRELIABLE" in str(report) or report.ok  # never a false MISMATCH
    wrong = bt.trace("y = x*x", at={"x": 3.0}).check()
    assert wrong.ok  # a right gradient passes


def test_check_reports_both_oracles():
    report = bt.trace("f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
                      at={"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2}).check()
    assert report.ok and report.max_error < 1e-7
    assert {r.name for r in report.rows} == {"w0", "w1", "w2", "x0", "x1"}
    with pytest.raises(bt.GraphError, match="needs values"):
        bt.trace("f = x").check()


def test_check_near_a_singularity_reports_instead_of_failing():
    report = bt.trace("f = (x/y)^2", at={"x": 0.0, "y": 1e-6}).check()
    # y − h is 0: a one-sided difference there, and sympy.diff agrees
    assert report.ok and "one-sided difference" in str(report)
