"""Vectors and matrices (issue 18): the calculus chapter's gradient identities, D2L's autograd
example, softmax cross-entropy, ‖x‖₂, the D2L MLP with its penalty and a broadcast bias —
from text, from Python functions and symbolically from shapes — against central differences,
closed forms and sympy; frames with one node per tensor operation, read on a slide."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

import backprop_trace as bt
from backprop_trace.drawing.gates import drawn_nodes
from backprop_trace.drawing.metrics import font_path

os.environ.setdefault("FRAME_METRICS_FONT", font_path())
os.environ.setdefault("FRAME_METRICS_BOLD", font_path(bold=True))
import frame_metrics as fm  # noqa: E402

RNG = np.random.default_rng(18)
x3 = np.array([1.0, -2.0, 0.5])
A3 = RNG.normal(size=(3, 3))
A23 = RNG.normal(size=(2, 3))
a3 = RNG.normal(size=3)


def central(t, name, h=1e-6):
    """Central differences of the sum of the output, element by element."""
    point = {x: np.array(t.values[x], dtype=float) for x in t.inputs}
    out = np.zeros_like(point[name])
    for index in np.ndindex(point[name].shape):
        up = {k: v.copy() for k, v in point.items()}
        down = {k: v.copy() for k, v in point.items()}
        up[name][index] += h
        down[name][index] -= h
        out[index] = (np.sum(bt.trace(t.source, at=up).value)
                      - np.sum(bt.trace(t.source, at=down).value)) / (2 * h)
    return out


IDENTITIES = [  # text, values, input, closed form of the gradient
    ("y = aᵀx", {"a": a3, "x": x3}, "x", a3),
    ("y = sum(A @ x)", {"A": A23, "x": x3}, "x", A23.T @ np.ones(2)),
    ("y = sum(A @ x)", {"A": A23, "x": x3}, "A", np.outer(np.ones(2), x3)),
    ("y = xᵀ @ A @ x", {"A": A3, "x": x3}, "x", (A3 + A3.T) @ x3),
    ("y = dot(x, x)", {"x": x3}, "x", 2 * x3),
    ("y = ‖x‖²", {"x": x3}, "x", 2 * x3),
    ("y = 2xᵀx", {"x": x3}, "x", 4 * x3),  # D2L's first autograd example
    ("y = ‖x‖₂", {"x": np.array([1.0, 2.0, 2.0])}, "x", np.array([1, 2, 2]) / 3),
]


@pytest.mark.parametrize("text,at,name,closed", IDENTITIES)
def test_gradient_identities_match_closed_forms_central_differences_and_sympy(text, at, name,
                                                                              closed):
    t = bt.trace(text, at=at)
    assert np.shape(t.grad[name]) == np.shape(at[name])
    np.testing.assert_allclose(t.grad[name], closed, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(t.grad[name], central(t, name), rtol=1e-6, atol=1e-8)
    report = t.check()
    assert report.ok and all(r.symbolic is not None for r in report.rows), str(report)


def test_the_same_identities_symbolically_from_shapes():
    x, A, a = (sp.MatrixSymbol(n, *s) for n, s in (("x", (3, 1)), ("A", (3, 3)), ("a", (3, 1))))
    cases = [("y = xᵀ @ A @ x", {"x": (3,), "A": (3, 3)}, "x", (A + A.T) * x),
             ("y = sum(A @ x)", {"x": (3,), "A": (3, 3)}, "x", A.T * sp.OneMatrix(3, 1)),
             ("y = aᵀx", {"x": (3,), "a": (3,)}, "x", a),
             ("y = dot(x, x)", {"x": (3,)}, "x", 2 * x),
             ("y = 2xᵀx", {"x": (3,)}, "x", 4 * x)]
    for text, shapes, name, expected in cases:
        got = bt.trace(text, shapes=shapes).grad_expr[name]
        assert sp.simplify((got - expected).as_explicit()) == sp.zeros(*expected.shape), text
    frames = bt.trace("y = xᵀ @ A @ x", shapes={"x": (3,), "A": (3, 3)}).captions()
    assert any("Aᵀ" in c or "A ·" in c for c in frames)  # the matrix chain rule, symbolically
    with pytest.raises(bt.ShapeError, match=r"\(3, 3\) and x \(2,\)"):
        bt.trace("y = A @ x", shapes={"A": (3, 3), "x": (2,)})


def test_python_functions_and_sympy_matrix_symbols_trace_the_same():
    def quadratic(x, A):
        return x.T @ A @ x

    def penalised(x, w):
        return np.dot(w, x) + x.sum() + x.mean() + np.linalg.norm(x)

    text = bt.trace("y = xᵀ @ A @ x", at={"x": x3, "A": A3})
    recorded = bt.trace(quadratic, at={"x": x3, "A": A3})
    np.testing.assert_allclose(recorded.grad["x"], text.grad["x"], rtol=1e-12)
    xs, As = sp.MatrixSymbol("x", 3, 1), sp.MatrixSymbol("A", 3, 3)
    walked = bt.trace(xs.T * As * xs, at={"x": x3, "A": A3})
    np.testing.assert_allclose(walked.grad["A"], text.grad["A"], rtol=1e-12)
    other = bt.trace(penalised, at={"x": x3, "w": a3})
    np.testing.assert_allclose(other.grad["x"], a3 + 1 + 1 / 3 + x3 / np.linalg.norm(x3))


def test_softmax_cross_entropy_gives_softmax_minus_the_label():
    o, y = np.array([1.0, 2.0, 0.5]), np.array([0.0, 1.0, 0.0])
    t = bt.trace("L = -sum(y*log(softmax(o)))", at={"o": o, "y": y}, wrt="o")
    softmax = np.exp(o) / np.exp(o).sum()
    np.testing.assert_allclose(t.grad["o"], softmax - y, rtol=1e-12)
    assert t.check().ok
    t2 = bt.trace("L = logsumexp(o) - dot(y, o)", at={"o": o, "y": y}, wrt="o")
    np.testing.assert_allclose(t2.grad["o"], softmax - y, rtol=1e-12)


MLP = ("z = W1 @ x; h = relu(z); o = W2 @ h; L = sum((o - y)^2)/2; "
       "s = λ/2*(‖W1‖² + ‖W2‖²); J = L + s")


def mlp_values():
    rng = np.random.default_rng(4)
    return {"W1": rng.normal(size=(3, 2)).round(1), "x": np.array([1.0, 2.0]),
            "W2": rng.normal(size=(1, 3)).round(1), "y": np.array([1.0]), "λ": 0.1}


def test_d2l_mlp_with_penalty_two_contributions_each():
    at = mlp_values()
    t = bt.trace(MLP, at=at, wrt=["W1", "W2"])
    for name in ("W1", "W2"):
        assert t.steps[-1].terms == 2 or sum(s.node == name for s in t.steps) == 2
        np.testing.assert_allclose(t.grad[name], central(t, name), rtol=1e-6, atol=1e-8)
    z = at["W1"] @ at["x"]
    h = np.maximum(z, 0)
    g_o = at["W2"] @ h - at["y"]
    expected = np.outer((at["W2"].T @ g_o) * (z > 0), at["x"]) + at["λ"] * at["W1"]
    np.testing.assert_allclose(t.grad["W1"], expected, rtol=1e-12)  # ∂J/∂z·xᵀ + λW₁
    completing = [c for c in t.captions() if "∂J/∂W₁ = ∂J/∂z·xᵀ + " in c]
    assert completing and "+ …" not in completing[-1] and "(contribution" not in completing[-1]
    assert t.check().ok


def test_the_mlp_reads_on_a_slide_one_node_per_tensor_operation():
    t = bt.trace(MLP, at=mlp_values(), wrt=["W1", "W2"])
    drawn = drawn_nodes(t.tape)
    assert len(drawn) <= 20  # one node per tensor operation, whatever the widths
    frames = t.frames()
    smallest = []
    for svg in frames:
        boxes = fm.texts(svg)
        assert fm.crowded(boxes) == [] and fm.collisions(boxes) == []
        smallest.append(fm.projected_min_px(svg, boxes))
    assert min(smallest) >= 18  # DESIGN: ≥ 18 px up to 30 drawn nodes
    last = fm.texts(frames[-1])
    assert any("ℝ³ˣ²" in b[5] for b in last)  # W₁ ∈ ℝ³ˣ² in its node


def test_exact_vector_gradient_reads_as_fractions():
    t = bt.trace("y = ‖x‖₂", at={"x": [1, 2, 2]})
    texts = " ".join(b[5] for b in fm.texts(t.frames()[-1]))
    assert "1/3" in texts and "2/3" in texts


def test_a_broadcast_bias_over_a_batch():
    X, W, b = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 2)), np.array([0.5, -1.0])
    t = bt.trace("Z = X @ W + b; L = mean(Z*Z)", at={"X": X, "W": W, "b": b})
    Z = X @ W + b
    np.testing.assert_allclose(t.grad["b"], (2 * Z / Z.size).sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(t.grad["W"], X.T @ (2 * Z / Z.size), rtol=1e-12)
    assert t.check().ok
    assert any("1₅ᵀ" in c for c in t.captions())  # summed over the batch's rows


def test_shape_errors_name_node_operation_and_shapes(tmp_path):
    with pytest.raises(bt.ShapeError) as info:
        bt.trace("z = W @ x", at={"W": np.ones((2, 3)), "x": np.ones(2)})
    assert "z = Wx" in str(info.value) and "(2, 3)" in str(info.value) \
        and "(2,)" in str(info.value)
    done = subprocess.run([sys.executable, "-m", "backprop_trace", "z = W @ x", "--at",
                           "W=[[1,2,3],[4,5,6]],x=[1,2]", "-o", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "(2, 3)" in done.stderr and "Traceback" not in done.stderr


def test_the_command_line_takes_nested_lists_and_json_carries_them(tmp_path):
    done = subprocess.run([sys.executable, "-m", "backprop_trace", "y = xᵀ @ A @ x", "--at",
                           "A=[[1,2],[3,4]],x=[1,2]", "-o", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    doc = json.loads((tmp_path / "trace.json").read_text())
    assert doc["grad"]["x"] == [12.0, 21.0] and doc["grad"]["A"] == [[1.0, 2.0], [2.0, 4.0]]
    assert doc["shapes"]["A"] == [2, 2]
    listing = (tmp_path / "backward.py.txt").read_text()
    namespace = {"np": np, "A": np.array([[1.0, 2], [3, 4]]), "x": np.array([1.0, 2])}
    exec(compile("\n".join(line for line in listing.splitlines() if "= input" not in line),
                 "backward.py.txt", "exec"), namespace)  # our own output, run in a test
    np.testing.assert_allclose(namespace["dy_dx"], [12, 21])



def test_a_transposed_constant_is_the_constant_in_matrix_calculus():
    """Found by the random-text property test: ``{0}.T`` made sympy's 0 take ``.T``."""
    for text in ("{0}.T", "y = transpose(3)*x"):
        t = bt.trace(text)
        assert all(not hasattr(g, "shape") for g in t.grad_expr.values())
    assert bt.trace("y = transpose(3)*x").grad_expr == {"x": 3}


@pytest.mark.parametrize("text", ["f = a @ b", "f = a @ W @ a", "f = sum(a @ W)", "f = sum(a)",
                                  "f = norm(a)", "f = dot(a, b)", "f = W @ a"])
def test_vector_outputs_and_a_vector_left_of_matmul_read_on_the_command_line(text, tmp_path):
    """An output computed straight from vectors (its inputs' only user) and numpy's 1-D @
    (a row on the left): the summary, chain rule and files, with the symbolic gradient equal
    to the numbers (central differences)."""
    used = {n: v for n, v in {"a": [1.0, 2], "b": [3.0, -4], "W": [[1.0, 2], [3, 4]]}.items()
            if n in text}
    given = ",".join(f"{n}={json.dumps(v)}".replace(" ", "") for n, v in used.items())
    done = subprocess.run([sys.executable, "-m", "backprop_trace", text, "--at", given, "-o",
                           str(tmp_path), "--format", "svg"], capture_output=True, text=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    at = {n: np.array(v) for n, v in used.items()}
    t = bt.trace(text, at=at)
    for name in used:
        assert t.chain_rule(name).startswith(f"∂f/∂{name} = ")
        np.testing.assert_allclose(t.grad[name], central(t, name), rtol=1e-6, atol=1e-8)
    symbolic = bt.trace(text, shapes={n: np.shape(v) for n, v in used.items()})
    if symbolic.data.matrix.unsupported:
        return  # norm: no matrix form here; its numbers are checked above
    for name in used:
        expr = symbolic.grad_expr[name]
        subs = {sp.MatrixSymbol(n, *(np.shape(v) + (1,))[:2]): sp.Matrix(v)
                for n, v in used.items()}
        value = np.array(sp.Matrix(expr.subs(subs).doit()) if hasattr(expr, "shape")
                         else expr.subs(subs), dtype=float)
        np.testing.assert_allclose(value.reshape(np.shape(t.grad[name])), t.grad[name],
                                   rtol=1e-12, err_msg=f"{text}: ∂f/∂{name}")
