"""The Trace API on the DESIGN.md canonical examples (exact numbers) and against sympy.diff."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop_trace as bt

# -- canonical examples (DESIGN.md), exact answers ---------------------------------------------


def test_d2l_polynomial_and_its_tangent():
    t = bt.trace("u = 3x² − 4x", at={"x": 1})
    assert t.value == -1.0 and t.grad == {"x": 2.0}
    # tangent y = u(1) + u'(1)(x − 1) = 2x − 3
    assert (t.grad["x"], t.value - t.grad["x"] * 1) == (2.0, -3.0)
    assert sp.simplify(t.grad_expr["x"] - (6 * sp.Symbol("x", real=True) - 4)) == 0


def test_d2l_exercise_cubic_minus_reciprocal():
    t = bt.trace("y = x³ − 1/x", at={"x": 1})
    assert t.grad == {"x": 4.0}
    assert (t.grad["x"], t.value - t.grad["x"]) == (4.0, -4.0)  # tangent y = 4x − 4


def test_d2l_exercise_gradient_of_3x1_squared_plus_5e_x2():
    x1, x2 = sp.symbols("x1 x2", real=True)
    t = bt.trace("f = 3x₁² + 5e^{x₂}", at={"x1": 0.7, "x2": -1.3})
    assert sp.simplify(t.grad_expr["x1"] - 6 * x1) == 0
    assert sp.simplify(t.grad_expr["x2"] - 5 * sp.exp(x2)) == 0
    assert t.grad["x1"] == pytest.approx(6 * 0.7, rel=1e-15)
    assert t.grad["x2"] == pytest.approx(5 * math.exp(-1.3), rel=1e-15)


def test_d2l_exercise_two_norm():
    t = bt.trace("f = sqrt(x1^2 + x2^2 + x3^2)", at={"x1": 1, "x2": 2, "x3": 2})
    assert t.value == 3.0
    assert [t.grad[k] for k in ("x1", "x2", "x3")] == pytest.approx([1 / 3, 2 / 3, 2 / 3],
                                                                    rel=1e-15)


def test_d2l_exercise_abstract_multivariate_chain_rule():
    t = bt.trace("u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)")
    assert t.chain_rule("a") == "∂u/∂a = ∂u/∂x·∂x/∂a + ∂u/∂y·∂y/∂a + ∂u/∂z·∂z/∂a"
    assert t.chain_rule("b") == "∂u/∂b = ∂u/∂x·∂x/∂b + ∂u/∂y·∂y/∂b + ∂u/∂z·∂z/∂b"
    assert t.chain_rule("a").latex == (
        r"\frac{\partial u}{\partial a} = \frac{\partial u}{\partial x} \cdot "
        r"\frac{\partial x}{\partial a} + \frac{\partial u}{\partial y} \cdot "
        r"\frac{\partial y}{\partial a} + \frac{\partial u}{\partial z} \cdot "
        r"\frac{\partial z}{\partial a}")
    assert t.value is None and t.grad == {} and t.inputs == ("a", "b")
    # the abstract partials are symbols that know what they are the partial of
    d = {s.name: s for s in t.grad_expr["a"].free_symbols}
    assert {(s.of, s.wrt) for s in d.values()} == {("u", "x"), ("u", "y"), ("u", "z"),
                                                   ("x", "a"), ("y", "a"), ("z", "a")}
    expected = d["∂u/∂x"] * d["∂x/∂a"] + d["∂u/∂y"] * d["∂y/∂a"] + d["∂u/∂z"] * d["∂z/∂a"]
    assert t.grad_expr["a"] - expected == 0
    assert len(t.steps) == 1 + 3 + 6  # seed, u's three inputs, x, y, z each two


def test_backprop_lecture_gate_example():
    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    assert t.output == "f" and t.value == -12.0
    assert dict(t.values) == {"x": -2.0, "y": 5.0, "z": -4.0, "u1": 3.0, "f": -12.0}
    assert t.grad == {"x": -4.0, "y": -4.0, "z": 3.0}
    x, y, z = sp.symbols("x y z", real=True)
    assert t.grad_expr == {"x": z, "y": z, "z": x + y}
    assert t.chain_rule("x") == "∂f/∂x = ∂f/∂u₁·∂u₁/∂x"
    assert isinstance(t.graph, __import__("networkx").MultiDiGraph)


def test_sigmoid_neuron():
    t = bt.trace("f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
                 at={"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2})
    expected = {"w0": -0.19661193, "w1": -0.39322387, "w2": 0.19661193,
                "x0": 0.39322387, "x1": -0.58983580}
    for name, value in expected.items():
        assert t.grad[name] == pytest.approx(value, abs=5e-9), name
    assert t.value == pytest.approx(0.7310585786300049, rel=1e-15)


def test_sigmoid_neuron_with_the_sigmoid_gate_agrees():
    a = bt.trace("f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
                 at={"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2})
    b = bt.trace("f = σ(w0*x0 + w1*x1 + w2)", at={"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2})
    for name in a.grad:
        assert b.grad[name] == pytest.approx(a.grad[name], rel=1e-12)


def test_computational_graph_fan_out():
    t = bt.trace("e = (a + b) * (b + 1)", at={"a": 2, "b": 1})
    assert t.grad == {"a": 2.0, "b": 5.0}
    b_steps = [s for s in t.steps if s.node == "b"]
    assert [(s.term, s.terms) for s in b_steps] == [(1, 2), (2, 2)]
    assert sorted(s.contribution for s in b_steps) == [2.0, 3.0]  # 1·2 + 1·3
    assert b_steps[-1].total == 5.0


def test_fan_out_x_times_x_plus_x():
    t = bt.trace("f = x*x + x", at={"x": 3})
    assert t.grad == {"x": 7.0}
    assert t.graph.number_of_edges("x", "u1") == 2  # x*x keeps both edges
    assert sp.simplify(t.grad_expr["x"] - (2 * sp.Symbol("x", real=True) + 1)) == 0


# -- steps ------------------------------------------------------------------------------------


def test_steps_follow_the_design():
    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    seed, *rest = t.steps
    assert seed.is_seed and seed.node == "f" and seed.total == 1.0
    assert [(s.node, s.via) for s in rest] == [("u1", "f"), ("z", "f"), ("x", "u1"), ("y", "u1")]
    step = rest[2]  # ∂f/∂x += ∂f/∂u₁ · ∂u₁/∂x
    assert (step.local, step.upstream, step.contribution, step.total) == (1.0, -4.0, -4.0, -4.0)
    assert str(step.upstream_expr) == "∂f/∂u1" and step.local_expr == 1
    assert str(rest[0].local_expr) == "z" and str(rest[1].local_expr) == "u1"
    assert [s.index for s in t.steps] == list(range(len(t.steps)))


def test_symbolic_totals_accumulate():
    t = bt.trace("e = (a + b) * (b + 1)")
    last_b = [s for s in t.steps if s.node == "b"][-1]
    parts = {str(a) for a in sp.Add.make_args(last_b.total_expr)}
    assert parts == {"∂e/∂u1", "∂e/∂u2"}


def test_symbolic_adjoints_do_not_swell():
    # 200 nodes that each fan out twice: a fully expanded gradient would be astronomically long.
    lines = ["u0 = x"] + [f"u{i} = sin(u{i - 1}) * u{i - 1}" for i in range(1, 200)]
    t = bt.trace(lines, at={"x": 0.5})  # how fast: benchmarks/bench_bounds.py
    totals = [len(str(s.total_expr)) for s in t.steps]
    assert max(totals) < 60


def test_wrt_restricts_the_steps():
    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4}, wrt=["z"])
    assert t.grad == {"z": 3.0}
    assert [s.node for s in t.steps] == ["f", "z"]
    with pytest.raises(bt.GraphError, match="inputs: x, y, z"):
        bt.trace("f = (x + y) * z", wrt="q")


def test_unused_parameter_has_zero_gradient():
    t = bt.trace("f(x, y) = x^2", at={"x": 3, "y": 1})
    assert t.grad == {"x": 6.0, "y": 0.0}


def test_named_intermediates_and_output_choice():
    t = bt.trace("h = x * y; g = h + 1; k = h - 1", output="g", at={"x": 2, "y": 3})
    assert t.output == "g" and t.value == 7.0 and "k" not in t.graph
    with pytest.raises(bt.GraphError, match="several equations could be the output"):
        bt.trace("h = x * y; g = h + 1; k = h - 1")
    with pytest.raises(bt.GraphError, match="not defined"):
        bt.trace("g = x + 1", output="nope")


def test_e_is_a_variable_when_given_a_value_or_defined():
    assert bt.trace("y = e^x", at={"x": 0}).grad == {"x": 1.0}
    assert bt.trace("y = e*x", at={"x": 1, "e": 3}).grad == {"x": 3.0, "e": 1.0}


def test_cycles_are_graph_errors():
    with pytest.raises(bt.GraphError, match="circular"):
        bt.trace("x = y + 1; y = x * 2")
    with pytest.raises(bt.GraphError, match="itself"):
        bt.trace("x = x + 1")
    with pytest.raises(bt.GraphError, match="defined twice"):
        bt.trace("x = a; x = b")


# -- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text,at,pattern", [
    ("y = log(x)", {"x": -1}, r"y = ln\(x\) is undefined at x = −1"),
    ("y = 1/x", {"x": 0}, "division by zero"),
    ("y = sqrt(x)", {"x": -1}, "domain"),
    ("y = exp(x)", {"x": 1000}, "overflow"),
    ("y = sqrt(x)", {"x": 0}, r"∂y/∂x is undefined at x = 0"),
    ("y = x + 1", {"x": float("nan")}, "finite"),
    ("y = x + 1", {"x": float("inf")}, "finite"),
    ("y = x + 1", {"x": "abc"}, "number"),
    ("y = x + z", {"x": [1, 2], "z": [1, 2, 3]}, "shapes"),
])
def test_domain_errors_name_the_node(text, at, pattern):
    with pytest.raises(bt.DomainError, match=pattern):
        bt.trace(text, at=at)


def test_bad_value_names():
    with pytest.raises(bt.GraphError, match="not an input"):
        bt.trace("y = x + 1", at={"x": 1, "q": 2})
    with pytest.raises(bt.GraphError, match="no value for z"):
        bt.trace("y = x + z", at={"x": 1})
    with pytest.raises(bt.GraphError, match="abstract function") as error:
        bt.trace("y = f(x)", at={"x": 1})
    assert "did you mean" not in str(error.value)


@pytest.mark.parametrize("typed,meant", [("sine", "sin"), ("sigmod", "sigmoid"), ("tanhh", "tanh")])
def test_a_misspelt_function_with_values_gets_a_suggestion(typed, meant):
    with pytest.raises(bt.GraphError, match=f"{typed} is an abstract function .*did you mean "
                                            f"{meant}\\?"):
        bt.trace(f"y = {typed}(x)", at={"x": 1})


def test_arrays_flow_elementwise():
    t = bt.trace("f = sqrt(x^2 + y^2)", at={"x": [3.0, 0.6], "y": [4.0, 0.8]})
    np.testing.assert_allclose(t.value, [5.0, 1.0])
    np.testing.assert_allclose(t.grad["x"], [0.6, 0.6])
    np.testing.assert_allclose(t.grad["y"], [0.8, 0.8])
    scalar_w = bt.trace("f = w * x", at={"w": 2.0, "x": [1.0, 2.0, 3.0]})
    assert scalar_w.grad["w"] == 6.0  # gradient of the sum over the batch
    assert scalar_w.check().ok


# -- whole expressions against sympy.diff at random points (independent oracle) ----------------

X, Y = sp.symbols("x y", real=True)
LEAVES = [("x", X), ("y", Y), ("2", sp.Integer(2)), ("0.5", sp.Rational(1, 2))]
UNARY = [("sin", sp.sin), ("cos", sp.cos), ("tanh", sp.tanh), ("exp", sp.exp),
         ("sigmoid", lambda a: 1 / (1 + sp.exp(-a))), ("atan", sp.atan)]
BINARY = [("+", sp.Add), ("-", lambda a, b: a - b), ("*", sp.Mul)]


def expressions():
    leaf = st.sampled_from(LEAVES)

    def extend(children):
        unary = st.tuples(st.sampled_from(UNARY), children).map(
            lambda t: (f"{t[0][0]}({t[1][0]})", t[0][1](t[1][1])))
        binary = st.tuples(st.sampled_from(BINARY), children, children).map(
            lambda t: (f"({t[1][0]} {t[0][0]} {t[2][0]})", t[0][1](t[1][1], t[2][1])))
        return unary | binary

    return st.recursive(leaf, extend, max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(expressions(), st.floats(-2, 2), st.floats(-2, 2))
def test_random_expressions_match_sympy_diff(expr, x, y):
    text, oracle = expr
    t = bt.trace(f"f(x, y) = {text}", at={"x": x, "y": y})
    subs = {X: x, Y: y}
    for name, symbol in (("x", X), ("y", Y)):
        expected = float(sp.diff(oracle, symbol).evalf(subs=subs))
        assert t.grad[name] == pytest.approx(expected, rel=1e-9, abs=1e-9), (text, name)
    assert float(oracle.evalf(subs=subs)) == pytest.approx(t.value, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("text", ["y = max(sqrt(-1), x)", "y = relu(asin(2))*x",
                                  "y = min(1/0, x)"])
def test_non_real_constants_are_domain_errors_without_values(text):
    with pytest.raises(bt.DomainError, match="undefined"):
        bt.trace(text)


@pytest.mark.parametrize("value", [10**400, Fraction(10**400, 3), np.array([1 + 2j]),
                                   np.datetime64("2020-01-01"), np.array([True])])
def test_values_that_are_not_real_numbers(value):
    with pytest.raises(bt.DomainError, match="real number"):
        bt.trace("y = 2*x", at={"x": value})


def test_well_defined_points_of_powers():
    assert bt.trace("y = x^0", at={"x": 0}).grad == {"x": 0.0}
    assert bt.trace("y = x^a", at={"x": 0, "a": 2}).grad == {"x": 0.0, "a": 0.0}
    assert bt.trace("y = x^3", at={"x": 0}).grad == {"x": 0.0}
    with pytest.raises(bt.DomainError):
        bt.trace("y = x^(-1)", at={"x": 0})
