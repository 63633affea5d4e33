"""Inputs as people already write them: Python functions, programs with reassignment, sympy
expressions and D2L's notation trace like typed equations, against independent oracles."""

import ast
import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from generators import X, Y, well_formed
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backprop_trace as bt
from backprop_trace.printing.listing import backward_listing

MICROGRAD = """c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f"""
AT = {"a": -4.0, "b": 2.0}


def micrograd_program(a, b):
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def check_micrograd_numbers(t):
    # micrograd's README: 24.7041, 138.8338, 645.5773
    assert f"{t.value:.4f}" == "24.7041"
    assert f"{t.grad['a']:.4f}" == "138.8338" and f"{t.grad['b']:.4f}" == "645.5773"


def test_micrograd_program_as_a_python_function():
    t = bt.trace(micrograd_program, at=AT)
    check_micrograd_numbers(t)
    assert {"c⁽¹⁾", "c⁽²⁾", "c⁽³⁾", "d⁽¹⁾", "d⁽²⁾", "d⁽³⁾", "e", "f", "g⁽¹⁾",
            "g⁽²⁾"} <= set(t.tape.names)
    assert t.output == "g⁽²⁾"  # the last assignment to g
    assert t.check().ok
    primes = bt.trace(micrograd_program, at=AT, versions="primes")
    assert {"c", "c′", "c″", "d", "d′", "d″", "e", "f", "g", "g′"} <= set(primes.tape.names)
    assert primes.output == "g′" and primes.grad == t.grad


def test_micrograd_program_as_text_and_from_a_file(tmp_path):
    t = bt.trace(MICROGRAD, at=AT)
    check_micrograd_numbers(t)
    assert t.output == "g⁽²⁾" and t.check().ok
    assert bt.trace(MICROGRAD, at=AT, versions="primes").output == "g′"
    path = tmp_path / "micrograd.txt"
    path.write_text("# micrograd's README\n" + MICROGRAD + "\n")
    done = subprocess.run([sys.executable, "-m", "backprop_trace", "--file", str(path), "--at",
                           "a=-4,b=2", "-o", str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "= 138.8" in done.stdout and "= 645.6" in done.stdout


def test_micrograd_itself_agrees_where_installed():
    engine = pytest.importorskip("micrograd.engine")
    a, b = engine.Value(-4.0), engine.Value(2.0)
    g = micrograd_program(a, b)
    g.backward()
    t = bt.trace(micrograd_program, at=AT)
    assert t.value == pytest.approx(g.data) and t.grad["a"] == pytest.approx(a.grad)
    assert t.grad["b"] == pytest.approx(b.grad)


_NUMPY = {"sin": np.sin, "cos": np.cos, "tanh": np.tanh, "exp": np.exp, "atan": np.arctan,
          "sinh": np.sinh,
          "sigmoid": lambda v: v.sigmoid() if hasattr(v, "sigmoid") else 1 / (1 + np.exp(-v)),
          "softplus": lambda v: v.softplus() if hasattr(v, "softplus") else np.logaddexp(0, v)}


@settings(max_examples=60)
@given(well_formed(), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_random_python_functions_match_text_and_sympy(expr, x, y):
    text, oracle = expr
    fn = eval(f"lambda x, y: {text.replace('^', '**')} + 0 * x * y", _NUMPY)  # test code only
    try:
        from_text = bt.trace(f"f = {text} + 0*x*y", at={"x": x, "y": y})
    except bt.DomainError:
        assume(False)  # undefined at this point: refused, as it should be
        return
    assume(all(math.isfinite(v) and abs(v) < 1e8 for v in from_text.grad.values()))
    recorded = bt.trace(fn, at={"x": x, "y": y})
    for name, symbol in (("x", X), ("y", Y)):
        exact = float(sp.diff(oracle, symbol).evalf(subs={X: x, Y: y}))
        assert recorded.grad[name] == pytest.approx(from_text.grad[name], rel=1e-9, abs=1e-12)
        # (y/y)² at y = 4e−9 cancels to 6e−8 in floats: agreement relative to the terms' size
        assert recorded.grad[name] == pytest.approx(exact, rel=1e-7, abs=1e-7)


def test_numpy_ufuncs_and_methods_and_names():
    def neuron(x1, x2, w1, w2, b):
        n = x1 * w1 + x2 * w2 + b
        return np.tanh(n)

    t = bt.trace(neuron, at={"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432})
    assert t.value == pytest.approx(math.sqrt(0.5))
    assert t.grad["x1"] == pytest.approx(-1.5) and t.grad["w1"] == pytest.approx(1.0)
    assert "n" in t.tape.names


def test_control_flow_runs_at_the_given_values():
    def piecewise(x):
        if x > 0:
            return x * x
        return -x

    assert bt.trace(piecewise, at={"x": 3.0}).grad == {"x": 6.0}
    assert bt.trace(piecewise, at={"x": -3.0}).grad == {"x": -1.0}
    with pytest.raises(bt.TraceError, match="needs a value"):
        bt.trace(piecewise)  # an abstract trace cannot take the branch
    assert str(bt.trace(lambda x, y: x * y + np.sin(x)).grad_expr["x"]) == "y + cos(x)"


@pytest.mark.parametrize("fn,message", [
    (lambda x: math.sin(x), "np.sin"),
    (lambda x: float(x) * 2, "leaves the trace"),
    (lambda x: (x, x), "returned 2 values"),
    (lambda x: 3.0, "not a value computed"),
    (lambda x: {}["k"], "raised KeyError"),
    (lambda x: x + "a", "str"),
    (lambda x: np.floor(x), "not one of the operations"),
])
def test_leaving_the_traced_world_is_a_clear_error(fn, message):
    with pytest.raises(bt.TraceError, match=message):
        bt.trace(fn, at={"x": 1.5})


def test_a_function_that_loops_forever_is_stopped():
    def forever(x):
        while True:
            pass

    with pytest.raises(bt.TraceError, match="max_instructions.*loop forever"):
        bt.trace(forever, at={"x": 1.0}, limits=bt.Limits(max_instructions=200_000))


def test_sympy_expressions_and_equations():
    x, y = sp.symbols("x y", real=True)
    t = bt.trace(sp.sin(x) * y, at={"x": 0.5, "y": 2})
    assert t.grad["x"] == pytest.approx(2 * math.cos(0.5)) and t.grad["y"] == pytest.approx(
        math.sin(0.5))
    t = bt.trace(sp.Eq(sp.Symbol("u"), 3 * x**2 - 4 * x), at={"x": 1})
    assert t.output == "u" and t.grad == {"x": 2.0}
    expr = sp.sqrt(x**2 + y**2) + sp.exp(x) / 2 - sp.Rational(1, 3) * y
    t = bt.trace(expr, at={"x": 1, "y": 2})
    for name, symbol in (("x", x), ("y", y)):
        assert t.grad[name] == pytest.approx(float(sp.diff(expr, symbol).subs({x: 1, y: 2})))


def test_d2l_chained_definition_and_functions_inlined():
    t = bt.trace("u = f(x) = 3x² − 4x", at={"x": 1})
    assert t.output == "u" and t.grad == {"x": 2.0}
    t = bt.trace("f(x, y) = x*y + y; g = f(a, b) * 2", at={"a": 2, "b": 3})
    assert t.output == "g" and t.grad == {"a": 6.0, "b": 6.0}  # ∂/∂a 2b, ∂/∂b 2(a + 1)
    t = bt.trace("sq(t) = t*t; h(a) = sq(a) + 1; y = h(x) * sq(z)", at={"x": 2, "z": 3})
    assert t.grad == {"x": 36.0, "z": 30.0} and t.check().ok
    assert bt.trace("f(x) = x^2").inputs == ("x",)  # alone, a function is the output
    with pytest.raises(bt.GraphError, match="calls itself"):
        bt.trace("f(x) = f(x) + 1; y = f(2)")


def test_programs_read_in_order_and_say_so_when_they_cannot_be():
    t = bt.trace("c = a + b\nc = c * 2\nc += 1", at={"a": 1, "b": 2})
    assert t.output == "c⁽³⁾" and t.value == 7.0 and t.grad == {"a": 2.0, "b": 2.0}
    with pytest.raises(bt.ParseError, match="read as a program, in order"):
        bt.trace("c = d + 1; d = 2; c = c + d")
    with pytest.raises(bt.ParseError, match="c is used before it is assigned"):
        bt.trace("c += 1")
    assert bt.trace("y = (x + 1).relu() * x.tanh()", at={"x": 0.5}).check().ok
    with pytest.raises(bt.ParseError, match="before a method such as .relu"):
        bt.trace("y = x.real()")


def test_constants_e_and_pi_unless_given_values():
    assert bt.trace("y = π*x + e*x", at={"x": 1}).inputs == ("x",)
    assert set(bt.trace("y = e*x", at={"x": 1, "e": 2}).inputs) == {"e", "x"}


def test_the_text_path_still_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for text in ["__import__('os').system('touch pwned')", "x.__class__", "(lambda: 1)()"]:
        with pytest.raises(bt.TraceError):
            bt.trace(text)
    assert not os.path.exists("pwned")


def test_a_debuggers_tracer_keeps_its_events_and_is_restored():
    events = []

    def tracer(frame, event, arg):
        if frame.f_code.co_name == "neuron":
            events.append(event)
        return tracer

    def neuron(x, w, b):
        n = x * w + b
        return np.tanh(n)

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        t = bt.trace(neuron, at={"x": 2.0, "w": -3.0, "b": 6.5})
        assert sys.gettrace() is tracer  # still active after the trace
    finally:
        sys.settrace(previous)
    assert t.tape.names[-2:] == ("n", "neuron")
    assert {"call", "line", "return"} <= set(events) and "opcode" not in events


def test_a_function_that_switches_tracing_off_is_stopped():
    def escape(x):
        sys.settrace(None)
        n = 0
        while True:  # nothing recorded, no instruction counted: only the watchdog sees it
            n += 1

    with pytest.raises(bt.TraceError, match="switched tracing off"):
        bt.trace(escape, at={"x": 1.0})


def test_a_recorded_functions_garbage_is_collected():
    import gc

    def churn(x):
        for _ in range(20_000):
            a, b = [], []
            a.append(b)
            b.append(a)  # a cycle: only the collector frees it
        return x * 2

    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        bt.trace(churn, at={"x": 1.0})
    finally:
        gc.callbacks.remove(count)
    assert collections and gc.isenabled()  # the collector ran while the function did


HOSTILE_NAMES = ['input; open("PWNED","w").write("1"); z', "<script>alert(1)</script>",
                 "$ <img src=x onerror=alert(1)> $", "\\input{/etc/passwd}\\write18", "a\x00b",
                 "a\x1b[2Jb", "2", "x y", "_private"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_names_from_sympy_and_python_are_the_lexers_names_or_refused(name, tmp_path):
    with pytest.raises(bt.TraceError, match="cannot name"):
        bt.trace(sp.Symbol(name) * sp.Symbol("x"), at={name: 1.0, "x": 2.0})
    with pytest.raises(bt.TraceError, match="cannot name"):
        bt.trace(sp.Function(name)(sp.Symbol("x")) if name.isidentifier() else
                 sp.Eq(sp.Symbol(name), sp.Symbol("x")))
    namespace = {}
    if name.isidentifier():
        exec(f"def f({name}, x): return {name} * x", namespace)  # a test's own function
        with pytest.raises(bt.TraceError, match="cannot name"):
            bt.trace(namespace["f"], at={name: 1.0, "x": 2.0})


def test_letters_of_other_scripts_name_variables_everywhere():
    x = sp.Symbol("损失")
    t = bt.trace(x**2, at={"损失": 3.0})
    assert t.grad == {"损失": 6.0}
    assert bt.trace("손실 = w^2", at={"w": 2}).output == "손실"


def test_a_users_e_and_pi_are_variables_the_constants_are_constants():
    e, x, pi = sp.symbols("e x pi")
    t = bt.trace(e * x + sp.E, at={"e": 2, "x": 3})
    assert t.value == pytest.approx(6 + np.e) and t.grad == {"e": 3.0, "x": 2.0}
    assert t.check().ok
    with pytest.raises(bt.GraphError, match="no value for pi"):
        bt.trace(pi * x, at={"x": 1.0})  # never silently 3.14…
    assert bt.trace(pi * x).inputs == ("pi", "x")
    with pytest.raises(bt.GraphError, match="no value for pi"):
        bt.trace(lambda pi, x: pi * x, at={"x": 2.0})
    assert bt.trace(lambda e, x: e * x).inputs == ("e", "x")
    assert bt.trace("y = e*x", at={"x": 1}).value == pytest.approx(np.e)  # typed: the constant


def test_identity_outputs_builtin_max_and_foreign_values():
    assert bt.trace(lambda a, b: b, at={"a": 1.0, "b": 2.0}).grad == {"a": 0.0, "b": 1.0}
    t = bt.trace(lambda a, b: max(a, b), at={"a": 1.0, "b": 2.0})
    assert t.value == 2.0 and t.grad == {"a": 0.0, "b": 1.0}
    kept = []
    bt.trace(lambda x: kept.append(x * 2) or x * 2, at={"x": 1.0})
    with pytest.raises(bt.TraceError, match="another trace"):
        bt.trace(lambda y: kept[0], at={"y": 1.0})


def test_sympy_inputs_that_broke_the_walk():
    x = sp.Symbol("x")
    with pytest.raises(bt.TraceError, match="max_number_digits"):
        bt.trace(x * sp.Integer(10**5000))
    with pytest.raises(bt.TraceError, match="max_number_digits"):
        bt.trace(x * sp.Rational(10**5000 + 1, 3))
    with pytest.raises(bt.TraceError, match="no arguments"):
        bt.trace(sp.Function("g")() * x)
    with pytest.raises(bt.TraceError, match=r"sp\.sin"):
        bt.trace(sp.Function("sin")(x))
    deep = x
    for _ in range(199):
        deep = sp.sin(deep)
    assert len(bt.trace(deep).tape) == 200  # inside max_depth: no RecursionError
    import time

    start = time.perf_counter()
    assert len(bt.trace(sp.Add(*sp.symbols("a0:3000"))).inputs) == 3000
    assert time.perf_counter() - start < 10  # linear, not n² (bench_bounds.py times 6,000)


def test_names_a_student_reads_correctly():
    """Versions read h⁽¹⁾, h⁽²⁾ (a prime reads as a derivative); a rebound parameter keeps its
    name for the value passed in; generated names never equal or extend a user's name; the
    code listing names every version as a Python identifier."""

    def rnn(h, w, u, x1, x2, b):
        h = np.tanh(w * h + u * x1 + b)
        h = np.tanh(w * h + u * x2 + b)
        return h

    t = bt.trace(rnn, at=dict(h=0, w=0.5, u=1.2, x1=1, x2=-1, b=0.1))
    assert "h⁽¹⁾" in t.values and "h⁽²⁾" in t.values and t.output == "h⁽²⁾"
    assert t.check().ok
    generated = [n for n, k in zip(t.tape.names, t.tape.kinds) if k.name == "OPERATION"
                 and n not in ("h⁽¹⁾", "h⁽²⁾")]
    assert generated and all(not re.fullmatch(r"u_?\d*", n) for n in generated)  # u is a weight
    both = bt.trace("y = v1*x + u", at={"v1": 1, "x": 2, "u": 3})
    assert set(both.values) - set(both.inputs) == {"s1", "y"}  # neither u₁ nor v₁
    assert "u1" in bt.trace("f = (x + y) * z").tape.names  # DESIGN.md's names, unchanged
    for trace in (t, bt.trace("c = a + b\nc += c * b", at={"a": 1, "b": 2}, versions="primes")):
        listing = backward_listing(trace.description)
        ast.parse(listing)  # every name a Python identifier: h_v1, c_p1
        assert "h_v1" in listing or "c_p1" in listing
    with_primes = bt.trace(rnn, at=dict(h=0, w=0.5, u=1.2, x1=1, x2=-1, b=0.1),
                           versions="primes")
    assert with_primes.output == "h″" and with_primes.grad == t.grad
    with pytest.raises(bt.OptionError, match="versions"):
        bt.trace("y = x", versions="ticks")
