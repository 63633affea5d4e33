"""Exercise sheets (issue 23): every gradient but the seed a numbered blank, the local
partials on the wires written so none gives a blank away, and the answers numbered alike and
checked against sympy.diff and central differences."""

import os
import re
import subprocess
import sys

import pytest
import sympy as sp

import backprop_trace as bt
from backprop_trace.drawing.metrics import font_path

os.environ.setdefault("FRAME_METRICS_FONT", font_path())
os.environ.setdefault("FRAME_METRICS_BOLD", font_path(bold=True))
import frame_metrics as fm  # noqa: E402

EXAMPLES = {
    "gate": ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4}, "(x + y) * z"),
    "fan-out": ("e = (a + b) * (b + 1)", {"a": 2, "b": 1}, "(a + b) * (b + 1)"),
    "neuron": ("f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
               {"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2},
               "1/(1+exp(-(w0*x0 + w1*x1 + w2)))"),
}


def _texts(svg):
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def _number(text):
    return float(text.replace("−", "-"))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_sheet_and_its_answers(name):
    source, at, expression = EXAMPLES[name]
    t = bt.trace(source, at=at)
    y = t.output
    sheet, answers = (frame.svg for frame in t.exercise())
    blanks = {int(k): n for k, n in re.findall(rf"\((\d+)\) ∂{y}/∂(\S+) = ____", "".join(
        _texts(sheet)))}
    filled = {int(k): (n, v) for k, n, v in re.findall(
        rf"\((\d+)\) ∂{y}/∂(\S+) = .*?(−?[\d.]+)$", "\n".join(_texts(answers)), re.M)}
    nodes = [n for n in t.tape.names if n != y and n in t.description.data.wrt
             or n in {s.node for s in t.description.steps[1:]}]
    assert sorted(blanks) == list(range(1, len(set(nodes)) + 1))  # every gradient, numbered
    assert {k: n for k, (n, _) in filled.items()} == blanks  # the answers numbered alike
    # no wire gives a blank away: each ∂y/∂node appears once on the sheet, in its blank
    for node in blanks.values():
        assert sum(f"∂{y}/∂{node}" in text for text in _texts(sheet)) == 1, node
    # the inputs' answers against sympy.diff and central differences
    symbols = {v: sp.Symbol(v) for v in at}
    f = sp.sympify(expression, locals=symbols)
    point = {symbols[v]: value for v, value in at.items()}
    for node, shown in filled.values():
        if node in at:
            exact = float(sp.diff(f, symbols[node]).subs(point))
            h = 1e-6
            g = sp.lambdify(list(symbols.values()), f)
            up = dict(at, **{node: at[node] + h})
            down = dict(at, **{node: at[node] - h})
            central = (g(*up.values()) - g(*down.values())) / (2 * h)
            assert _number(shown) == pytest.approx(exact, abs=5e-3, rel=5e-3), node
            assert central == pytest.approx(exact, rel=1e-5, abs=1e-7)
    for svg in (sheet, answers):  # readable on a slide
        boxes = fm.texts(svg)
        assert fm.crowded(boxes) == [] and fm.collisions(boxes) == []
        assert fm.projected_min_px(svg, boxes) >= 18


def test_the_cli_writes_the_sheet_and_answers_and_a_later_run_removes_them(tmp_path):
    out = tmp_path / "o"
    run = subprocess.run([sys.executable, "-m", "backprop_trace", "f = (x + y) * z", "--at",
                          "x=-2,y=5,z=-4", "--exercise", "--lang", "zh", "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    for name in ("exercise", "answers"):
        assert (out / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    sheet = (out / "exercise.md").read_text(encoding="utf-8")
    answers = (out / "answers.md").read_text(encoding="utf-8")
    assert sheet.startswith("# 练习") and sheet.count("\\_\\_\\_\\_") == 4
    assert "\\_\\_\\_\\_" not in answers and "(4) $" in answers and "= -4 $" in answers
    assert "链式法则" in sheet and "局部偏导数" in sheet
    bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4}).render(out)
    assert not (out / "exercise.pdf").exists() and not (out / "answers.md").exists()


def test_a_graph_too_large_for_a_slide_has_no_sheet():
    t = bt.trace(" + ".join(f"w{i}*x{i}" for i in range(60)))
    with pytest.raises(bt.OptionError, match="exercise sheet .* up to"):
        t.exercise()
    with pytest.raises(bt.OptionError, match="exercise"):
        bt.Options(exercise="yes")


@pytest.mark.parametrize("source", [
    ("u = f(x, y, z)", "x = x(a, b)", "y = y(a, b)", "z = z(a, b)"),  # D2L's abstract functions
    ("σ(z) = 1/(1 + exp(-z))", "p = σ(w*x + b)"),  # a composite gate whose output is y
])
def test_no_wire_reads_as_a_blank_and_the_sheet_hides_no_answers(source):
    """A wire into the output of an abstract function or a function's gate is ∂f/∂x, ∂σ/∂u₂
    (the blank asks ∂u/∂x, ∂p/∂u₂); the sheet's file holds no hidden answer; an answer that
    is an abstract partial says how it is found (∂u/∂u · ∂f/∂x), not the question again."""
    t = bt.trace(*source, at={"w": 2, "x": -1, "b": 0.5} if "σ" in source[0] else None)
    y = t.output
    sheet, answers = (frame.svg for frame in t.exercise())
    texts = _texts(sheet)
    blanks = re.findall(rf"\(\d+\) (∂{y}/∂\S+) = ____", "\n".join(texts))
    assert blanks and all(sum(b in text for text in texts) == 1 for b in blanks)
    assert "visibility" not in sheet and "←" not in sheet  # nothing passed back, even hidden
    wires = {text for text in texts if text.startswith("∂") and "____" not in text
             and not text.startswith(f"∂{y}/∂{y}")}
    assert wires and not any(w.startswith(f"∂{y}/∂") for w in wires)
    if "f" in source[0]:
        assert {"∂f/∂x", "∂f/∂y", "∂f/∂z"} <= wires
        lines = "\n".join(_texts(answers))
        assert "(1) ∂u/∂x = ∂u/∂u · ∂f/∂x" in lines and not re.search(r"\(1\) ∂u/∂x$", lines,
                                                                       re.M)
        markdown = exercise_markdown(t)
        assert "\\frac{\\partial f}{\\partial x}" in markdown
    else:
        assert any(w.startswith("∂σ/∂u") for w in wires)


def test_no_answer_holds_its_own_question():
    """An abstract function's direct term reads ∂u/∂x in the frames' shorthand; an answer
    writes it as the wires do (∂u/∂u·∂f/∂x), so (2) ∂u/∂x never answers itself."""
    for text in ("u = f(x, g(x))", "u = f(x, x)", "u = f(x)"):
        answers = "\n".join(_texts(bt.trace(text).exercise()[1].svg))
        found = re.findall(r"\((\d+)\) (∂u/∂\S+) = (.*)", answers)
        assert found, text
        for number, head, rest in found:
            assert re.search(re.escape(head) + r"(?![₀-₉\w])", rest) is None, (text, number)


def exercise_markdown(t):
    from backprop_trace.printing.exercise import exercise_sheet

    return exercise_sheet(t.description)


def test_blanks_leave_room_for_the_longest_answer_and_hint_at_none():
    """Every blank of a sheet as long as the longest number it asks for needs (four
    underscores at least): the same length, so none hints at its answer."""
    source, at, _ = EXAMPLES["neuron"]
    sheet = bt.trace(source, at=at).exercise()[0].svg
    lengths = {len(b) for b in re.findall(r"= (_+)</", sheet)}
    assert len(lengths) == 1 and lengths.pop() >= len("−0.19661")
    assert {len(b) for b in re.findall(r"= (_+)</", bt.trace(
        "f = x*y", at={"x": 1, "y": 2}).exercise()[0].svg)} == {4}


def test_one_blank_none_and_other_modes_are_said_plainly():
    one = [f.caption for f in bt.trace("f = sin(x)", at={"x": 1}).exercise()]
    assert one[0].startswith("exercise: fill in the blank (1) ") and "(1)–" not in one[1]
    assert "(1)–(2)" in bt.trace("f = x*y", at={"x": 1, "y": 2}).exercise()[0].caption
    with pytest.raises(bt.OptionError, match="nothing to ask"):
        bt.trace("f = 3").exercise()
    with pytest.raises(bt.OptionError, match="reverse pass"):
        bt.trace("f = x*y", at={"x": 1, "y": 2}).exercise(mode="forward")
    with pytest.raises(bt.OptionError, match="vectors or matrices"):
        bt.trace("f = sum(W @ x)", at={"W": [[1, 2], [3, 4]], "x": [1, 1]}).exercise()
    run = subprocess.run([sys.executable, "-m", "backprop_trace", "f = x*y", "--at", "x=1,y=2",
                          "--exercise", "--mode", "forward", "-o", "unused"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "--exercise" in run.stderr and "Traceback" not in run.stderr
