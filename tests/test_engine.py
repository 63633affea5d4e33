"""The fast paths of the engine give what the plain ones give: forward by level = node by
node, local partials by op = step by step, activity without a walk = with one, steps made on
demand = steps made all at once."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_robustness import well_formed

import backprop_trace as bt
from backprop_trace import backward as B
from backprop_trace import forward as F
from backprop_trace.graph import build_tape
from backprop_trace.parse import parse


def tape_of(text, at=()):
    return build_tape(parse(text), inputs=at)


@settings(max_examples=120, deadline=None)
@given(well_formed(), st.floats(-2, 2), st.floats(-2, 2))
def test_forward_by_level_equals_node_by_node(expr, x, y):
    text = f"f = ({expr[0]}) * x + sin(y) * ({expr[0]})"
    tape = tape_of(text, {"x", "y"})
    given_values = F.input_values(tape, {"x": x, "y": y})
    try:
        by_node = F._forward_by_node(tape, given_values)
    except bt.DomainError:
        with pytest.raises(FloatingPointError):
            with np.errstate(all="raise", under="ignore"):
                F._forward_by_level(tape, given_values, F.level_groups(tape))
        return
    by_level = F._forward_by_level(tape, given_values, F.level_groups(tape))
    np.testing.assert_allclose(by_level, np.array(by_node, dtype=float), rtol=1e-14, atol=0)


@settings(max_examples=120, deadline=None)
@given(well_formed(), st.floats(-2, 2), st.floats(-2, 2))
def test_partials_by_op_equal_step_by_step(expr, x, y):
    text = f"f = ({expr[0]}) * x + y * ({expr[0]})"
    tape = tape_of(text, {"x", "y"})
    try:
        values = F.forward(tape, {"x": x, "y": y})
    except bt.DomainError:
        return
    nodes, vias, positions = B._step_edges(tape, list(tape.inputs))
    try:
        slow, slow_adjoint = B._numbers_by_step(tape, list(values), nodes.tolist(),
                                                vias.tolist(), positions.tolist())
    except bt.DomainError:
        return
    fast, fast_adjoint = B._numbers_by_op(tape, values, nodes.tolist(), vias, positions)
    # numpy's array and scalar kernels may round differently in the last bit (x/x: the two
    # partials 1/x and −x/x² cancel to ±1e-16), so agreement is relative to the column's size
    for fast_column, slow_column in zip(fast, slow):
        slow_values = np.array(slow_column[1:], dtype=float)
        scale = 1e-13 * max(1.0, float(np.max(np.abs(slow_values), initial=0)))
        np.testing.assert_allclose(np.array(fast_column[1:], dtype=float), slow_values,
                                   rtol=1e-13, atol=scale)
    for i in tape.inputs:
        assert fast_adjoint[i] == pytest.approx(slow_adjoint[i], rel=1e-13, abs=1e-13)


@pytest.mark.parametrize("text,wrt", [
    ("f = x*(2*3) + z", ["x", "z"]), ("f = x*y + exp(2)*z", ["x", "y", "z"]),
    ("f = x*y + z", ["x", "y", "z"]), ("f = x*y + z", ["y"]), ("f = sin(2) + x", ["x"]),
])
def test_activity_without_a_walk_equals_the_walk(text, wrt):
    tape = tape_of(text)
    indices = [tape.index[x] for x in wrt]
    assert B._active(tape, indices) == B._active_by_walk(tape, indices)


def test_steps_made_on_demand_equal_steps_made_all_at_once():
    t = bt.trace("e = (a + b) * (b + 1); q = sin(e) + a*a*e", at={"a": 2, "b": 1})
    columns = t._steps
    one_by_one = [columns[k] for k in range(len(columns))]
    assert "steps" not in vars(t) and columns._all is None  # nothing made yet
    assert isinstance(t.steps, tuple) and list(t.steps) == one_by_one  # DESIGN: a tuple
    assert columns[-1] == one_by_one[-1] and columns[2:5] == tuple(one_by_one[2:5])
    assert columns.of_node("a") == [s for s in t.steps if s.node == "a"]
    assert [s.term for s in t.steps if s.node == "a"] == [1, 2, 3]
    assert {s.terms for s in t.steps if s.node == "a"} == {3}
    assert t.steps[0].local is None and t.steps[0].total == 1
    with pytest.raises(IndexError):
        columns[len(columns)]


def test_graph_is_made_on_first_use_and_matches_the_tape():
    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    assert "graph" not in vars(t)  # nothing built for a trace that is not drawn
    assert tuple(t.graph) == t.tape.names
    assert [t.graph.nodes[n]["kind"] for n in t.graph] == list(t.tape.kinds)
