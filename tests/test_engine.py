"""The engine's one fast path against the plain one: local partials of all edges of an (op,
position) at once (scalar values) = edge by edge (the path array values take); activity
without a walk = with one; the lazy views (steps, networkx graph) = the tape."""

import numpy as np
import pytest
from generators import well_formed
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backprop_trace as bt
from backprop_trace.autodiff import backward, forward
from backprop_trace.autodiff.reverse import active_nodes
from backprop_trace.graph import NodeKind, build_tape
from backprop_trace.parsing import parse


def tape_of(text, at=()):
    return build_tape(parse(text), inputs=at)


@settings(max_examples=120)
@given(well_formed(), st.floats(-2, 2), st.floats(-2, 2))
def test_partials_by_op_equal_edge_by_edge(expr, x, y):
    """Scalars take the by-op path; the same values as 1-element arrays take the edge-by-edge
    path. Both must give the same steps (or the same error)."""
    text = f"f = ({expr[0]}) * x + y * ({expr[0]})"
    tape = tape_of(text, {"x", "y"})
    try:
        values = forward(tape, {"x": x, "y": y})
    except bt.DomainError:
        assume(False)  # undefined at this point
        return
    arrays = forward(tape, {"x": np.array([x]), "y": np.array([y])})
    try:
        fast, fast_adjoint = backward(tape, values, ("x", "y"))
    except bt.DomainError as exc:
        with pytest.raises(bt.DomainError) as plain_error:
            backward(tape, arrays, ("x", "y"))
        # the same step and reason; the array path shows its values as 1-element lists
        assert str(plain_error.value).replace("[", "").replace("]", "") == str(exc)
        return
    plain, plain_adjoint = backward(tape, arrays, ("x", "y"))
    assert (fast.nodes, fast.vias, fast.positions) == (plain.nodes, plain.vias, plain.positions)
    # numpy's array and scalar kernels may round differently in the last bit (x/x: the two
    # partials 1/x and −x/x² cancel to ±1e-16), so agreement is relative to the column's size
    for fast_column, plain_column in zip(fast.numbers, plain.numbers):
        plain_values = np.array([np.ravel(v)[0] for v in plain_column[1:]], dtype=float)
        scale = 1e-13 * max(1.0, float(np.max(np.abs(plain_values), initial=0)))
        np.testing.assert_allclose(np.array(fast_column[1:], dtype=float), plain_values,
                                   rtol=1e-13, atol=scale)
    assert all(type(s.total) is float for s in fast.make_steps())  # as t.grad holds
    for i in tape.inputs:
        assert fast_adjoint[i] == pytest.approx(float(np.ravel(plain_adjoint[i])[0]),
                                                rel=1e-13, abs=1e-13)


@pytest.mark.parametrize("text,wrt", [
    ("f = x*(2*3) + z", ["x", "z"]), ("f = x*y + exp(2)*z", ["x", "y", "z"]),
    ("f = x*y + z", ["x", "y", "z"]), ("f = x*y + z", ["y"]), ("f = sin(2) + x", ["x"]),
])
def test_activity_without_a_walk_equals_the_walk(text, wrt):
    tape = tape_of(text)
    walked = set(wrt)
    for name, node_args in zip(tape.names, tape.args):
        if any(tape.names[a] in walked for a in node_args):
            walked.add(name)
    assert active_nodes(tape, wrt) == walked


def test_steps_are_a_tuple_made_on_first_use():
    t = bt.trace("e = (a + b) * (b + 1); q = sin(e) + a*a*e", at={"a": 2, "b": 1})
    assert "steps" not in vars(t.data)  # nothing made yet
    assert isinstance(t.steps, tuple)  # DESIGN: a tuple
    assert [s.term for s in t.steps if s.node == "a"] == [1, 2, 3]
    assert {s.terms for s in t.steps if s.node == "a"} == {3}
    assert t.steps[0].local is None and t.steps[0].total == 1
    assert all(type(s.total) is float for s in t.steps)


def test_graph_is_made_on_first_use_and_matches_the_tape():
    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    assert "graph" not in vars(t)  # nothing built for a trace that is not drawn
    assert tuple(t.graph) == t.tape.names
    assert [t.graph.nodes[n]["kind"] for n in t.graph] == [k.value for k in t.tape.kinds]
    assert t.tape.kinds[0] is NodeKind.INPUT


def test_domain_errors_name_the_step():
    with pytest.raises(bt.DomainError, match="local derivative ∂u₁/∂x is undefined at x = 0"):
        bt.trace("f = sqrt(x) * y", at={"x": 0.0, "y": 1.0})
    with pytest.raises(bt.DomainError, match="too large to compute"):
        bt.trace("f = sin(1e300*sin(1e300*x))", at={"x": 0.0})


@settings(max_examples=120)
@given(well_formed(), st.floats(-2, 2), st.floats(-2, 2))
def test_forward_by_level_equals_node_by_node(expr, x, y):
    from backprop_trace.autodiff.forward import forward_by_node, input_values

    tape = tape_of(f"f = ({expr[0]}) * x + sin(y) * ({expr[0]})", {"x", "y"})
    given_values = input_values(tape, {"x": x, "y": y})
    try:
        by_node = forward_by_node(tape, given_values)
    except bt.DomainError as exc:
        with pytest.raises(bt.DomainError) as fast_error:
            forward(tape, {"x": x, "y": y})
        assert str(fast_error.value) == str(exc)  # the fast path's fault is worded the same
        return
    np.testing.assert_allclose(np.asarray(forward(tape, {"x": x, "y": y}), dtype=float),
                               np.array(by_node, dtype=float), rtol=1e-14, atol=0)
