"""Hostile input is normal input: fuzzing, a corpus of attacks, numeric faults, interrupts."""

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy as sp
from generators import X, Y, well_formed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop_trace as bt

CORPUS = json.loads((Path(__file__).parent / "hostile_inputs.json").read_text())


@pytest.mark.parametrize("case", CORPUS, ids=[c["why"] for c in CORPUS])
def test_hostile_corpus_is_refused_clearly_and_runs_nothing(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(bt.TraceError) as info:  # how fast: benchmarks/bench_bounds.py
        bt.trace(case["text"].replace("MARKER", str(tmp_path / "pwned")))
    message = str(info.value)
    assert message and "Traceback" not in message and len(message.splitlines()[0]) < 300
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("case", CORPUS[:12] + CORPUS[33:38], ids=lambda c: c["why"])
def test_cli_exits_2_on_hostile_input(case, tmp_path):
    done = subprocess.run([sys.executable, "-m", "backprop_trace", case["text"], "-o",
                           str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("backprop-trace: error: ") and "Traceback" not in done.stderr


def test_names_that_would_break_generated_outputs(tmp_path):
    t = bt.trace("node = edge * graph + digraph * strict + x_bar * x + print + open",
                 at={n: 1.0 for n in ("edge", "graph", "digraph", "strict", "x_bar", "x",
                                      "print", "open")})
    paths = t.render(tmp_path)
    assert len(paths) > 4
    code = (tmp_path / "backward.py.txt").read_text()
    assert "x_bar2" in code  # adjoints renamed so they cannot collide with x_bar
    json.loads((tmp_path / "trace.json").read_text())


def test_wide_fan_out():  # how fast: benchmarks/bench_bounds.py
    t = bt.trace("y = " + "*".join(["x"] * 2000), at={"x": 1.0})
    assert t.grad["x"] == 2000.0


# -- fuzzing --------------------------------------------------------------------------------

ALPHABET = st.sampled_from(list("xyzab123.+-*/^()=;,\n eπσ√²⁻ˣ₁·×−{}") +
                           ["sin", "exp", "log", "relu", "max", "f", "**", "__", "lambda"])


def _trace_or_error(text):
    try:
        result = bt.trace(text)
        _ = result.grad_expr, [str(s.total_expr) for s in result.steps]
    except bt.TraceError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_random_token_soup_gives_a_result_or_a_trace_error(text):
    _trace_or_error(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_random_unicode_gives_a_result_or_a_trace_error(text):
    _trace_or_error(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=80))
def test_random_bytes_give_a_result_or_a_trace_error(data):
    _trace_or_error(data.decode("utf-8", errors="replace"))
    _trace_or_error(data.decode("latin-1"))


# -- random well-formed expressions over the whole op table -----------------------------------

@settings(max_examples=80, deadline=None)
@given(well_formed(), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_gradients_match_sympy_and_central_differences(expr, x, y):
    text, oracle = expr
    try:
        t = bt.trace(f"f(x, y) = {text}", at={"x": x, "y": y})
    except bt.DomainError:
        return  # e.g. division by zero at this point: refused, as it should be
    if not all(math.isfinite(v) and abs(v) < 1e8 for v in t.grad.values()):
        return
    subs = {X: x, Y: y}
    for name, symbol in (("x", X), ("y", Y)):
        exact = float(sp.diff(oracle, symbol).evalf(subs=subs))
        assert t.grad[name] == pytest.approx(exact, rel=1e-8, abs=1e-8), (text, name)
    report = t.check()
    if all(math.isfinite(r.central) for r in report.rows):
        assert report.max_error < 1e-4 or max(abs(v) for v in t.grad.values()) < 1e-6, text
    else:  # x ± h crossed a singularity: said, not hidden
        assert not report.ok and math.isnan(report.max_error)


# -- numeric faults ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,at,fragment", [
    ("y = exp(x)", {"x": 800}, "overflow"),
    ("y = x * z", {"x": 1e200, "z": 1e200}, "overflow"),
    ("y = 1/x", {"x": 0.0}, "division by zero"),
    ("y = x^(-1)", {"x": 0.0}, "y = x^u₁ is undefined at x = 0"),
    ("y = log(x)", {"x": 0.0}, "division by zero"),
    ("y = log(x)", {"x": 1e-320}, "∂y/∂x is undefined at x = 1e−320"),
    ("y = sqrt(x)", {"x": -4.0}, "domain"),
    ("y = asin(x)", {"x": 2.0}, "domain"),
    ("y = x + 1", {"x": float("nan")}, "finite"),
    ("y = x + 1", {"x": float("-inf")}, "finite"),
    ("y = x + 1", {"x": [1.0, float("nan")]}, "finite"),
])
def test_numeric_faults_are_domain_errors_naming_the_node(text, at, fragment):
    with pytest.raises(bt.DomainError) as info:
        bt.trace(text, at=at)
    assert fragment in str(info.value)


# -- interrupted rendering leaves no half-written file ----------------------------------------

RENDER_MANY = """
import backprop_trace as bt, sys
lines = ["v0 = x"] + [f"v{i} = sin(v{i - 1}) * v{i - 1}" for i in range(1, 120)]
bt.trace(lines, at={"x": 0.5}).render(sys.argv[1], formats=("svg", "png"), progress=False)
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_killed_render_leaves_only_complete_files(tmp_path, sig):
    out = tmp_path / "out"
    script = tmp_path / "render_many.py"
    script.write_text(RENDER_MANY if sig != signal.SIGTERM else
                      "import signal\nsignal.signal(signal.SIGTERM, lambda *a: "
                      "(_ for _ in ()).throw(KeyboardInterrupt()))\n" + RENDER_MANY)
    proc = subprocess.Popen([sys.executable, str(script), str(out)], stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("step-*.png"))) < 5:
        time.sleep(0.05)
    proc.send_signal(sig)
    proc.wait(timeout=30)
    frames = sorted(out.glob("step-*"))
    assert 5 <= len(frames) < 240  # stopped part way
    for f in frames:
        data = f.read_bytes()
        assert data.rstrip().endswith(b"</svg>") if f.suffix == ".svg" else \
            data.endswith(b"IEND\xaeB`\x82")
    leftovers = list(out.glob(".*.tmp"))
    if sig != signal.SIGKILL:
        assert leftovers == []
    bt.trace("y = x", at={"x": 1}).render(out)  # a later run removes what a SIGKILL left
    assert list(out.glob(".*.tmp")) == []


def test_render_never_writes_outside_the_output_directory(tmp_path):
    out = tmp_path / "inside"
    paths = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4}).render(out)
    assert all(p.resolve().parent == out.resolve() for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inside"]


def test_files_are_replaced_atomically(tmp_path, monkeypatch):
    from backprop_trace.outputs import folder as files

    out = files.OutputDir(tmp_path)
    out.write("steps.md", "old")
    real_replace = os.replace

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(bt.RenderError, match="disk full"):
        out.write("steps.md", "new")
    monkeypatch.setattr(files.os, "replace", real_replace)
    assert (tmp_path / "steps.md").read_text() == "old"
    assert list(tmp_path.glob(".*.tmp")) == []
