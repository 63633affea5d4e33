"""Composite gates (issue 19, CS231n's sigmoid gate): a call of a user function is drawn as one
gate with its own local partial, expanded on request; a named equation is drawn expanded and
collapsed on request. The gradients and the trace's steps are the same either way: checked
against sympy.diff and central differences, and every caption segment evaluates to its step."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

import backprop_trace as bt
from backprop_trace.drawing.gates import drawn_nodes
from backprop_trace.drawing.metrics import font_path
from backprop_trace.errors import OptionError

os.environ.setdefault("FRAME_METRICS_FONT", font_path())
os.environ.setdefault("FRAME_METRICS_BOLD", font_path(bold=True))
import frame_metrics as fm  # noqa: E402
from test_describe import check_chain  # noqa: E402

SIGMOID_LOSS = "σ(z) = 1/(1 + exp(-z)); p = σ(w*x + b); L = (p - y)^2"
AT = {"w": 2.0, "x": 1.0, "b": -1.0, "y": 1.0}


def drawn_data(t, **options):
    return t.renderer(**options).desc.data


def central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def test_a_user_function_is_one_gate_by_default_and_its_operations_on_request():
    t = bt.trace(SIGMOID_LOSS, at=AT)
    gate = drawn_data(t)
    whole = drawn_data(t, expand=["σ"])
    assert whole is t.data  # expanded: the trace itself
    # the five nodes of 1/(1 + exp(−z)) (three operations, two constants) are one gate
    assert len(gate.tape) == len(t.tape) - 5
    assert gate.tape.ops[gate.tape.index["p"]] == "σ"
    assert gate.tape.arg_names("p") == ("u2",)
    frames = t.frames()
    assert len(frames) == len(gate.steps) + 1 < len(t.frames(expand="σ")) == len(t.steps) + 1
    assert all(svg.count('class="node"') == len(drawn_nodes(gate.tape)) for svg in frames)
    assert ">σ</text>" in frames[-1]
    assert t.frames(expand=["all"]) == t.frames(expand=["σ"])
    # the trace's own steps, gradients, listing and narrative are the whole computation
    assert len(t.steps) == len(bt.trace(SIGMOID_LOSS, at=AT).steps)
    for name in gate.tape.names:
        if gate.adjoint[gate.tape.index[name]] is not None:
            assert gate.adjoint[gate.tape.index[name]] == t.data.adjoint[t.tape.index[name]]


def test_the_gate_partial_is_the_functions_derivative_by_sympy_and_central_differences():
    t = bt.trace(SIGMOID_LOSS, at=AT)
    gate = drawn_data(t)
    (step,) = [s for s in gate.steps if s.via == "p"]
    z = sp.Symbol("z")
    sigma = 1 / (1 + sp.exp(-z))
    at = t.values["u2"]
    exact = float(sp.diff(sigma, z).subs(z, at))
    assert step.local == pytest.approx(exact, rel=1e-12)
    assert step.local == pytest.approx(central(lambda v: 1 / (1 + math.exp(-v)), at), rel=1e-7)
    # taught in the gate's own value, σ(1 − σ), which is the same derivative
    p = sp.Symbol("p", real=True)
    assert sp.simplify(step.local_expr - p * (1 - p)) == 0
    assert step.contribution == pytest.approx(step.upstream * step.local, rel=1e-12)
    assert step.total == pytest.approx(t.data.adjoint[t.tape.index["u2"]], rel=1e-12)
    # gradients against sympy and central differences of the whole loss
    w, x, b, y = sp.symbols("w x b y", real=True)
    loss = (1 / (1 + sp.exp(-(w * x + b))) - y) ** 2
    point = {w: 2.0, x: 1.0, b: -1.0, y: 1.0}
    f = sp.lambdify([w, x, b, y], loss)
    for k, name in enumerate(["w", "x", "b", "y"]):
        exact = float(sp.diff(loss, sp.Symbol(name, real=True)).subs(point))
        assert t.grad[name] == pytest.approx(exact, rel=1e-12)
        args = [2.0, 1.0, -1.0, 1.0]

        def along(v, k=k, args=args):
            moved = list(args)
            moved[k] = v
            return f(*moved)
        assert t.grad[name] == pytest.approx(central(along, args[k]), rel=1e-6)


@pytest.mark.parametrize("source, at, options", [
    (SIGMOID_LOSS, AT, {}),
    ("z = w*x + b; p = 1/(1 + exp(-z)); L = (p - y)^2", AT, {"collapse": ["p"]}),
    ("g(x) = x*w + x^2; y = g(a) * a", {"a": 1.5, "w": -0.5}, {}),
    ("σ(z) = 1/(1 + exp(-z)); y = σ(a) * σ(2*b)", {"a": 0.3, "b": -0.4}, {}),
])
def test_every_printed_segment_of_a_collapsed_caption_evaluates_to_its_step(source, at, options):
    t = bt.trace(source, at=at, **options.get("trace", {}))
    gate = drawn_data(t, **options)
    values = dict(t.values)
    evaluated = 0
    for caption, step in zip(t.captions(**options)[2:], gate.steps[1:]):
        formula = caption.split(": ", 1)[1].split("   (")[0]
        value = step.contribution if step.terms == 1 or step.term < step.terms else step.total
        evaluated += check_chain(formula, values, value, mixed_rel=5e-4)
    assert evaluated >= 3


def test_a_named_equation_is_drawn_expanded_and_as_its_expression_when_collapsed():
    t = bt.trace("z = w*x + b; p = 1/(1 + exp(-z)); L = (p - y)^2", at=AT)
    assert drawn_data(t) is t.data  # equations are expanded by default
    gate = drawn_data(t, collapse=["p"])
    assert gate.tape.arg_names("p") == ("z",)
    frames = t.frames(collapse="p")
    assert "1/(1 + exp(−z))" in frames[-1]
    (step,) = [s for s in gate.steps if s.via == "p"]
    zv = t.values["z"]
    assert step.local == pytest.approx(math.exp(-zv) / (1 + math.exp(-zv)) ** 2, rel=1e-12)
    caption = t.captions(collapse="p")[gate.steps.index(step) + 1]
    assert "∂(1/(1 + exp(−z)))/∂z" in caption
    assert t.frames(collapse=["all"])[-1].count('class="node"') < frames[-1].count('class="node"')


def test_nested_functions_collapse_at_the_outermost_and_inner_calls_stay_gates():
    source = "sq(a) = a*a + 1; g(x) = sq(x) + 3*x; y = g(2*w) * w"
    t = bt.trace(source, at={"w": 0.7})
    outer = drawn_data(t)
    assert "g" in outer.tape.ops
    assert "sq" not in outer.tape.ops
    inner = drawn_data(t, expand=["g"])
    assert "sq" in inner.tape.ops and "g" not in inner.tape.ops
    w = sp.Symbol("w", real=True)
    exact = float(sp.diff(((2 * w) ** 2 + 1 + 6 * w) * w, w).subs(w, 0.7))
    assert t.grad["w"] == pytest.approx(exact, rel=1e-12)
    for data in (outer, inner):
        final = [s for s in data.steps if s.node == "w"][-1]
        assert final.total == pytest.approx(exact, rel=1e-12)


def test_a_function_reading_a_global_takes_it_as_an_argument_of_its_gate():
    t = bt.trace("g(x) = x*w + x^2; y = g(a) * a", at={"a": 1.5, "w": -0.5})
    gate = drawn_data(t)
    node = gate.tape.names[gate.tape.args[gate.tape.output][0]]
    assert gate.tape.arg_names(node) == ("a", "w")
    a, w = sp.symbols("a w", real=True)
    y = (a * w + a**2) * a
    for name, symbol in (("a", a), ("w", w)):
        exact = float(sp.diff(y, symbol).subs({a: 1.5, w: -0.5}))
        assert t.grad[name] == pytest.approx(exact, rel=1e-12)
        assert [s for s in gate.steps if s.node == name][-1].total == pytest.approx(exact)


def test_a_function_defined_under_a_builtins_name_is_the_users():
    t = bt.trace("tanh(z) = 2*z; y = tanh(x)", at={"x": 0.3})
    assert t.value == pytest.approx(0.6) and t.grad["x"] == pytest.approx(2.0)
    mine = bt.trace("σ(z) = 1/(1 + exp(-z)); y = σ(x)", at={"x": 0.3})
    builtin = bt.trace("y = σ(x)", at={"x": 0.3})
    assert "sigmoid" not in mine.tape.ops and "sigmoid" in builtin.tape.ops
    assert mine.grad["x"] == pytest.approx(builtin.grad["x"], rel=1e-12)


def test_collapsed_frames_read_on_a_slide():
    t = bt.trace("σ(z) = 1/(1 + exp(-z)); z1 = w1*x1 + w2*x2 + b; p = σ(z1); "
                 "L = -(y*log(p) + (1 - y)*log(1 - p))",
                 at={"w1": 0.5, "w2": -0.3, "x1": 1, "x2": 2, "b": 0.3, "y": 1},
                 data=["x1", "x2", "y"])
    collapsed, expanded = t.frames(), t.frames(expand="σ")
    for svg in collapsed:
        boxes = fm.texts(svg)
        assert fm.collisions(boxes) == [] and fm.crowded(boxes) == []
    small = min(fm.projected_min_px(s) for s in collapsed)
    assert small > min(fm.projected_min_px(s) for s in expanded)
    assert small >= 18


@pytest.mark.parametrize("options, message", [
    ({"expand": ["q"]}, "'q' is not a function of this trace (choices: σ, all)"),
    ({"collapse": ["σ"]}, "σ is a function: use expand"),
    ({"expand": ["p"]}, "p is an equation: use collapse"),
    ({"expand": 3}, "expand takes names"),
])
def test_unknown_names_are_option_errors(options, message):
    t = bt.trace(SIGMOID_LOSS, at=AT)
    with pytest.raises(OptionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        t.frames(**options)


def test_vectors_and_matrices_draw_functions_expanded():
    t = bt.trace("act(z) = tanh(z); y = sum(act(W @ x))",
                 at={"W": np.eye(2), "x": np.array([0.5, -1.0])})
    assert drawn_data(t) is t.data
    with pytest.raises(OptionError, match="scalar traces only"):
        t.frames(collapse=["y"])


def test_the_command_line_expands_and_collapses(tmp_path):
    def run(*extra):
        return subprocess.run([sys.executable, "-m", "backprop_trace", SIGMOID_LOSS, "--at",
                               "w=2,x=1,b=-1,y=1", "-q", "-o", str(tmp_path / "out"), *extra],
                              capture_output=True, text=True, timeout=120)
    assert run().returncode == 0
    gate = len(list((tmp_path / "out").glob("step-*.svg")))
    listing = (tmp_path / "out" / "backward.py.txt").read_text(encoding="utf-8")
    assert "exp" in listing  # the listing is the whole computation, inside the gate too
    assert run("--expand", "σ").returncode == 0
    assert len(list((tmp_path / "out").glob("step-*.svg"))) > gate
    failed = run("--expand", "nope")
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert "not a function of this trace" in failed.stderr


# -- a hostile re-test of composite gates, by subject ----------------------------------------

@pytest.mark.parametrize("source, options", [
    (SIGMOID_LOSS, {"collapse": ["p"]}),  # an equation whose value is a call: one output
    (SIGMOID_LOSS, {"collapse": "all"}),
    ("σ(z) = 1/(1 + exp(-z)); g(x) = σ(2*x); y = g(a) + a", {}),  # a call as a whole body
    ("σ(z) = 1/(1 + exp(-z)); g(x) = σ(σ(x)); y = g(a) + a", {}),
    ("f(x) = x*x + 1; y = f(f(f(a)))", {"collapse": "y"}),
])
def test_groups_sharing_an_output_draw_the_outer_one(source, options):
    at = AT if source == SIGMOID_LOSS else {"a": 0.5}
    t = bt.trace(source, at=at)
    gate = drawn_data(t, **options)
    final = {s.node: s.total for s in gate.steps}
    for x in t.grad:
        assert final[x] == pytest.approx(t.grad[x], rel=1e-12)


def test_a_long_body_is_drawn_as_a_gate_in_bounded_time_and_each_body_is_worked_out_once():
    import time
    start = time.perf_counter()
    t = bt.trace("f(x) = tanh(sin(cos(exp(x)+x)+x^2)/(1+x^2)) * sqrt(1 + exp(sin(x)*cos(x)))"
                 " / (atan(x) + 2)^5; y = f(a)", at={"a": 0.7})
    (step,) = [s for s in drawn_data(t).steps if s.via == "y"]
    assert step.local == pytest.approx(t.grad["a"], rel=1e-12)
    calls = "σ(z) = 1/(1 + exp(-z)); y = " + " + ".join(f"σ(a*{k})" for k in range(1, 41))
    t = bt.trace(calls, at={"a": 0.1})
    assert len(drawn_data(t).steps) < len(t.steps)
    assert time.perf_counter() - start < 20


def test_drawings_are_kept_apart_by_the_gates_they_draw():
    t = bt.trace(SIGMOID_LOSS, at=AT)
    default = t.captions()
    equation = t.captions(collapse=["p"], expand=["σ"])
    assert equation == bt.trace(SIGMOID_LOSS, at=AT).captions(collapse=["p"], expand=["σ"])
    assert equation != default and t.captions() == default


def test_a_gates_local_partial_keeps_the_traces_conventions_and_digits():
    # relu′(0) = 0 as everywhere in the tool (sympy's Heaviside(0) would say ½)
    (step,) = drawn_data(bt.trace("f(x) = relu(x) + x; y = f(a)", at={"a": 0.0})).steps[1:]
    assert step.local == 1.0
    # near saturation σ(1 − σ) from the rounded σ would lose every digit
    for a in (34.0, 37.0):
        t = bt.trace("σ(z) = 1/(1 + exp(-z)); y = σ(a)", at={"a": a})
        (step,) = drawn_data(t).steps[1:]
        assert step.local == pytest.approx(math.exp(-a) / (1 + math.exp(-a)) ** 2, rel=1e-9)


def test_one_operation_functions_are_gates_and_abstract_bodies_stay_expanded():
    t = bt.trace("tanh(x) = 2*x; y = tanh(a) + sqrt(a)", at={"a": 2.0})
    assert "tanh" in drawn_data(t).tape.ops
    assert "tanh" not in drawn_data(t, expand="tanh").tape.ops
    symbolic = bt.trace("h(t) = F(t)*t + 1; y = h(a)")
    assert drawn_data(symbolic) is symbolic.data  # ∂F/∂t would name a node the gate hides
    assert "Derivative" not in " ".join(symbolic.captions())


def test_the_drawn_node_limit_counts_what_is_drawn():
    calls = "σ(z) = 1/(1 + exp(-z)); y = " + " + ".join(f"σ(a*{k})" for k in range(1, 31))
    t = bt.trace(calls, at={"a": 0.1}, limits=bt.Limits(max_drawn_nodes=140))
    assert len(t.frames()) > 1  # about 120 drawn; 210 with the gates expanded
    with pytest.raises(bt.errors.RenderError, match="max_drawn_nodes"):
        t.frames(expand="all")


def test_names_from_the_command_line_fail_before_any_output(tmp_path):
    done = subprocess.run([sys.executable, "-m", "backprop_trace", SIGMOID_LOSS, "--at",
                           "w=2,x=1,b=-1,y=1", "--expand", "nope"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == "" and "nope" in done.stderr


def test_the_listing_never_reuses_a_users_name_for_a_version():
    import ast

    from backprop_trace.printing.listing import backward_listing
    t = bt.trace("c = a + b; c = c * c_v1; y = c + c_v2 + c_v1",
                 at={"a": 1, "b": 2, "c_v1": 3, "c_v2": 4})
    listing = backward_listing(t.description)
    ast.parse(listing)
    assigned = [line.split(" = ")[0] for line in listing.split("# backward")[0].splitlines()
                if " = " in line and not line.startswith("#")]
    assert len(assigned) == len(set(assigned)) == len(t.tape.variables)


def test_check_with_nothing_to_differentiate_says_so():
    report = bt.trace("y = 3*2 + 1", at={}).check()
    assert "no gradient to check" in str(report)
    assert "no gradient to check" in str(bt.trace("y = 3*x", at={"x": 1}, wrt=[]).check())


def test_data_and_wrt_take_names_separated_by_commas_as_expand_does():
    t = bt.trace("L = (w*x - y)^2", at={"w": 1, "x": 2, "y": 1}, data="x, y")
    assert list(t.grad) == ["w"]
