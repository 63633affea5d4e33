"""Every op in the table: declared partials against sympy.diff and central differences."""

import numpy as np
import pytest
import sympy as sp

from backprop_trace.autodiff.elementwise import element_symbols
from backprop_trace.autodiff.numeric import numeric_partials
from backprop_trace.autodiff.rules import ARGS, RULES, output_shape, sigmoid
from backprop_trace.ops import OPS, TENSOR_OPS

RNG = np.random.default_rng(20261126)
ELEMENTWISE = [name for name in OPS if name not in TENSOR_OPS]
CASES = [(name, k) for name in ELEMENTWISE for k in range(OPS[name].arity)]


def _oracle_forward(name, args):
    """The op's sympy forward with σ written out, so sympy.diff knows nothing of our table."""
    symbolic = RULES[name].symbolic(*args)
    return symbolic.rewrite(sp.exp) if name == "sigmoid" else symbolic


def _points(name, n=5):
    # Stay away from kinks (relu, abs, max, min at 0 or ties), where derivatives are conventions.
    arity = OPS[name].arity
    for _ in range(n):
        point = [RNG.uniform(lo, hi) for lo, hi in RULES[name].domain[:arity]]
        if arity == 2 and abs(point[0] - point[1]) < 0.05:
            point[1] += 0.1
        point = [p if abs(p) > 0.05 else p + 0.1 for p in point]
        yield point


@pytest.mark.parametrize("name,k", CASES)
def test_partial_matches_sympy_diff(name, k):
    args = ARGS[: OPS[name].arity]
    oracle = sp.diff(_oracle_forward(name, args), args[k])
    for point in _points(name):
        subs = dict(zip(args, point))
        declared = float(RULES[name].partials[k].evalf(subs=subs))
        expected = float(oracle.evalf(subs=subs))
        assert declared == pytest.approx(expected, rel=1e-9, abs=1e-12), (name, k, point)


@pytest.mark.parametrize("name,k", CASES)
def test_numeric_partial_matches_central_difference(name, k):
    op = RULES[name]
    fn = numeric_partials(name)[k]
    for point in _points(name):
        h = 1e-6
        up, down = list(point), list(point)
        up[k] += h
        down[k] -= h
        central = (op.forward(*map(np.float64, up)) - op.forward(*map(np.float64, down))) / (2 * h)
        got = fn([np.float64(p) for p in point])
        assert got == pytest.approx(central, rel=1e-5, abs=1e-7), (name, k, point)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_numpy_forward_matches_sympy_forward(name):
    op = RULES[name]
    args = ARGS[: OPS[name].arity]
    for point in _points(name):
        expected = float(_oracle_forward(name, args).evalf(subs=dict(zip(args, point))))
        assert op.forward(*map(np.float64, point)) == pytest.approx(expected, rel=1e-12)


def test_kink_conventions_follow_pytorch():
    zero = [np.float64(0.0)]
    assert numeric_partials("relu")[0](zero) == 0.0
    assert numeric_partials("abs")[0](zero) == 0.0
    tie = [np.float64(2.0), np.float64(2.0)]
    assert [f(tie) for f in numeric_partials("max")] == [0.5, 0.5]


def test_sigmoid_is_stable_for_large_arguments():
    with np.errstate(all="raise"):
        assert RULES["sigmoid"].forward(np.float64(-1000.0)) == 0.0
        assert RULES["sigmoid"].forward(np.float64(1000.0)) == 1.0
    assert sp.diff(sigmoid(ARGS[0]), ARGS[0]) == sigmoid(ARGS[0]) * (1 - sigmoid(ARGS[0]))


def test_every_op_has_a_label_and_template():
    for op in OPS.values():
        assert op.label and "{0}" in op.template


def test_the_parser_and_the_command_line_need_neither_numpy_nor_sympy():
    import subprocess
    import sys

    code = ("import sys, backprop_trace.parsing, backprop_trace.ops, backprop_trace.cli; "
            "print(sorted(m for m in ('numpy', 'sympy', 'networkx', 'graphviz') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


TENSOR_SHAPES = {  # argument shapes for each tensor op (every case of the matrix product)
    "matmul": [((2, 3), (3, 4)), ((2, 3), (3,)), ((3,), (3, 4)), ((3,), (3,))],
    "transpose": [((2, 3),), ((3,),)], "sum": [((2, 3),), ((4,),)], "mean": [((2, 3),)],
    "dot": [((3,), (3,))], "norm": [((2, 3),), ((3,),)], "outer": [((2,), (3,))],
    "softmax": [((4,),), ((2, 3),)], "logsumexp": [((4,),), ((2, 3),)],
}
TENSOR_CASES = [(name, shapes) for name in sorted(TENSOR_OPS) for shapes in TENSOR_SHAPES[name]]


@pytest.mark.parametrize("name,shapes", TENSOR_CASES)
def test_vector_jacobian_products_match_central_differences_and_sympy(name, shapes):
    """Each VJP of each tensor op against central differences of ⟨g, op(args)⟩ and against
    sympy.diff of the op written out element by element."""
    rule = RULES[name]
    args = [RNG.normal(size=shape) for shape in shapes]
    out = rule.forward(*args)
    assert np.shape(out) == output_shape(name, list(shapes))
    g = RNG.normal(size=np.shape(out))
    symbols = [element_symbols(f"a{k}", shape) for k, shape in enumerate(shapes)]
    from backprop_trace.autodiff import elementwise

    written = elementwise._TENSORS[name](*symbols)
    inner = sp.Add(*(np.ravel(written) * np.ravel(g))) if np.ndim(out) else written * float(g)
    point = {s: v for sym, a in zip(symbols, args) for s, v in zip(np.ravel(sym), np.ravel(a))}
    for k in range(len(shapes)):
        vjp = rule.vjp[k](g, args, out)
        assert np.shape(vjp) == shapes[k]
        central = np.zeros(shapes[k])
        for index in np.ndindex(shapes[k]):
            up = [a.copy() for a in args]
            down = [a.copy() for a in args]
            up[k][index] += 1e-6
            down[k][index] -= 1e-6
            central[index] = (np.sum(g * rule.forward(*up))
                              - np.sum(g * rule.forward(*down))) / 2e-6
        np.testing.assert_allclose(vjp, central, rtol=1e-5, atol=1e-7)
        exact = [float(sp.diff(inner, s).evalf(subs=point)) for s in np.ravel(symbols[k])]
        np.testing.assert_allclose(np.ravel(vjp), exact, rtol=1e-9, atol=1e-12)


def test_shapes_that_do_not_fit_name_the_reason():
    with pytest.raises(ValueError, match="3 columns but the right one 2 rows"):
        output_shape("matmul", [(2, 3), (2,)])
    with pytest.raises(ValueError, match="not a scalar"):
        output_shape("matmul", [(), (2,)])
    with pytest.raises(ValueError):
        output_shape("add", [(2, 3), (2,)])
    assert output_shape("add", [(2, 3), (3,)]) == (2, 3)
