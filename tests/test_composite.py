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
