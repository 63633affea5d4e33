"""The parser: what it accepts, and every bad input an error with a position, never code run."""

import os
import subprocess
import sys

import pytest

import backprop_trace as bt
from backprop_trace.parsing import parse
from backprop_trace.parsing.syntax import Call, Name, Num


def shape(expr):
    """A compact text form of a parsed expression, to compare structure."""
    if isinstance(expr, Num):
        return expr.text
    if isinstance(expr, Name):
        return expr.name
    return f"{expr.func}({', '.join(shape(a) for a in expr.args)})"


def only(text):
    (eq,) = parse(text).equations
    return eq.name, shape(eq.expr)


@pytest.mark.parametrize("text,expected", [
    ("u = 3x² − 4x", ("u", "sub(mul(3, pow(x, 2)), mul(4, x))")),
    ("u = 3*x**2 - 4*x", ("u", "sub(mul(3, pow(x, 2)), mul(4, x))")),
    ("u = 3*x^2 - 4*x", ("u", "sub(mul(3, pow(x, 2)), mul(4, x))")),
    ("f = 3x₁² + 5e^{x₂}", ("f", "add(mul(3, pow(x1, 2)), mul(5, pow(e, x2)))")),
    ("y = eˣ", ("y", "pow(e, x)")),
    ("y = e⁻ˣ", ("y", "pow(e, neg(x))")),
    ("y = x⁻¹", ("y", "pow(x, neg(1))")),
    ("y = √x + √(x+1)", ("y", "add(sqrt(x), sqrt(add(x, 1)))")),
    ("y = 2(x+1)", ("y", "mul(2, add(x, 1))")),
    ("y = (x+1)(x−1)", ("y", "mul(add(x, 1), sub(x, 1))")),
    ("y = 3x²y", ("y", "mul(mul(3, pow(x, 2)), y)")),
    ("y = a·b × c ÷ d", ("y", "div(mul(mul(a, b), c), d)")),
    ("y = −x^2", ("y", "neg(pow(x, 2))")),
    ("y = -x*y", ("y", "mul(neg(x), y)")),
    ("y = 2^-1", ("y", "pow(2, neg(1))")),
    ("y = a^b^c", ("y", "pow(a, pow(b, c))")),
    ("y = a - b - c", ("y", "sub(sub(a, b), c)")),
    ("y = ln(x) + σ(x) + ReLU(x)", ("y", "add(add(log(x), sigmoid(x)), relu(x))")),
    ("y = 1.5e3x", ("y", "mul(1.5e3, x)")),
    ("y = θ·x", ("y", "mul(θ, x)")),
    ("𝑢 = 3𝑥", ("u", "mul(3, x)")),
    ("y = x # a comment", ("y", "x")),
    ("3x² − 4x", ("y", "sub(mul(3, pow(x, 2)), mul(4, x))")),
    ("x + y", ("f", "add(x, y)")),
])
def test_accepted_forms(text, expected):
    assert only(text) == expected


def test_systems_and_function_heads():
    system = parse("u = f(x, y, z); x = x(a, b)\ny = y(a, b)")
    assert [eq.name for eq in system.equations] == ["u", "x", "y"]
    assert system.equations[0].expr == Call("f", (Name("x", 6), Name("y", 9), Name("z", 12)), 4,
                                            abstract=True)
    assert parse(["u = f(x)", "x = x(a)"]).equations[1].name == "x"
    head = parse("f(x, y) = x*y").equations[0]
    assert (head.name, head.params) == ("f", ("x", "y"))
    assert len(parse("y = (a +\n b)").equations) == 1  # a new line inside brackets is a space


def test_constant_folding_bounds_exponents():
    (eq,) = parse("y = x^(2^3)").equations  # the exponent folds to 8: within the limit
    assert eq.expr.args[1] == Call("pow", (Num("2", 2.0, 7), Num("3", 3.0, 9)), 8)
    for text in ("y = x^(2^10)", "y = x^(2*(3^7))", "y = x^-(10^4)", "y = x⁻⁽¹⁰⁰⁰⁰⁾"):
        with pytest.raises(bt.ParseError, match="exponent .* larger than the limit"):
            parse(text)


BAD = [
    ("x +", bt.ParseError, (1, 4)),
    ("f(x, key=1)", bt.ParseError, (1, 9)),
    ("x.real", bt.ParseError, (1, 2)),
    ("__import__('os')", bt.ParseError, (1, 1)),
    ("lambda: 1", bt.ParseError, (1, 1)),
    ("[x for x in y]", bt.ParseError, (1, 1)),
    ("'abc'", bt.ParseError, (1, 1)),
    ('f"{x}"', bt.ParseError, (1, 2)),
    ("(y := 2)", bt.ParseError, (1, 4)),
    ("2**2**2**40", bt.ParseError, (1, 8)),
    ("x^1e9", bt.ParseError, (1, 3)),
    ("10^400", bt.ParseError, (1, 1)),
    ("1e999 * x", bt.ParseError, (1, 1)),
    ("x +\0 y", bt.ParseError, (1, 4)),
    ("х + 1", bt.ParseError, (1, 1)),  # Cyrillic ha
    ("(x", bt.ParseError, (1, 1)),
    ("x)", bt.ParseError, (1, 2)),
    ("sin(x, y)", bt.ParseError, (1, 1)),
    ("y = x = 1", bt.ParseError, (1, 7)),
    ("3 = x", bt.ParseError, (1, 1)),
    ("u = ", bt.ParseError, (1, 3)),
    ("x y", bt.ParseError, (1, 3)),
    ("a = 1\nb = 2 +", bt.ParseError, (2, 8)),
    ("", bt.ParseError, (1, 1)),
    ("x; y", bt.ParseError, (1, 4)),
    ("a.__class__.__bases__", bt.ParseError, (1, 2)),
    ("os.system('ls')", bt.ParseError, (1, 3)),
    ("x if y else z", bt.ParseError, (1, 3)),
]


@pytest.mark.parametrize("text,error,position", BAD)
def test_bad_input_has_position_and_caret(text, error, position):
    with pytest.raises(error) as info:
        bt.trace(text)
    assert (info.value.line, info.value.column) == position
    lines = str(info.value).splitlines()
    assert lines[0].startswith(f"line {position[0]}, column {position[1]}: ")
    assert lines[-1].strip() == "^"


def test_resource_attacks_fail_fast():
    cases = ["(" * 10_000 + "x" + ")" * 10_000, "x+" * 500_000 + "x", "-" * 100_000 + "x",
             "x^" * 5_000 + "x", "9" * 5_000]
    for text in cases:  # how fast: benchmarks/bench_bounds.py
        with pytest.raises(bt.ParseError):
            bt.trace(text)


def test_long_flat_sums_are_fine():
    text = "y = " + " + ".join(f"x{i % 50}" for i in range(5_000))
    t = bt.trace(text, at={f"x{i}": 1.0 for i in range(50)})
    assert t.grad["x0"] == 100.0


def test_limits_can_be_raised():
    deep = "y = " + "(" * 300 + "x" + ")" * 300
    with pytest.raises(bt.ParseError, match="max_depth"):
        bt.trace(deep)
    assert bt.trace(deep, limits=bt.Limits(max_depth=400), at={"x": 2}).grad == {"x": 1.0}


def test_no_code_runs(tmp_path):
    marker = tmp_path / "pwned"
    payloads = [
        f"__import__('os').system('touch {marker}')",
        f"y = exec(\"open('{marker}', 'w')\")",
        f"y = eval('open(\"{marker}\", \"w\")')",
        "().__class__.__bases__[0].__subclasses__()",
        f"y = open('{marker}', 'w')",
    ]
    for text in payloads:
        try:
            t = bt.trace(text)
            _ = (t.grad_expr, t.chain_rule(t.inputs[0]) if t.inputs else None)
        except bt.TraceError:
            pass
    assert not marker.exists()


def test_open_and_eval_are_only_abstract_function_names():
    t = bt.trace("y = eval(x)")
    assert t.graph.nodes["y"]["abstract"] and t.inputs == ("x",)


def test_one_megabyte_input_rejected():  # how fast: benchmarks/bench_bounds.py
    with pytest.raises(bt.ParseError, match="max_chars"):
        bt.trace("x+" * 500_000)


def test_errors_are_value_errors_and_trace_errors():
    for cls in (bt.ParseError, bt.GraphError, bt.DomainError, bt.RenderError):
        assert issubclass(cls, bt.TraceError) and issubclass(cls, ValueError)


def test_determinism_across_hash_seeds():
    code = ("import backprop_trace as bt;"
            "t = bt.trace('e = (a + b) * (b + 1); q = sin(e) + a*a', at={'a': 2, 'b': 1});"
            "print(t.graph.graph['order'], list(t.graph.edges(keys=True)),"
            " [(s.node, s.via, s.position, s.total) for s in t.steps])")
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                   text=True, check=True).stdout)
    assert len(outputs) == 1


# -- shape templates read ASCII exactly as the parser does -----------------------------------

import re  # noqa: E402

from generators import ascii_expressions  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from backprop_trace.limits import DEFAULT_LIMITS  # noqa: E402
from backprop_trace.parsing.parser import parse_equations  # noqa: E402
from backprop_trace.parsing.syntax import all_names  # noqa: E402
from backprop_trace.parsing.templates import parse_by_templates  # noqa: E402


def full_parse(text):
    return tuple(parse_equations(text, DEFAULT_LIMITS)[0])


@settings(max_examples=400)
@given(ascii_expressions())
def test_templates_read_exactly_as_the_parser(text):
    templated = parse_by_templates(text, DEFAULT_LIMITS)
    try:
        full = full_parse(text)
    except bt.ParseError:
        assert templated is None
        return
    if templated is not None:
        assert templated[0] == full, text
        assert templated[1] >= all_names(full) - {""}, text  # "": bare equations, named later


@settings(max_examples=300)
@given(st.lists(ascii_expressions(), min_size=1, max_size=6))
def test_repeated_shapes_read_as_the_parser_reads_them(texts):
    """One equation per line goes through shape templates; they must give what the parser
    gives (the lines repeat shapes with other names, as generated networks do)."""
    lines = [t.replace(";", "\n") for t in texts]
    renamed = [re.sub(r"\b(x|y|z1)\b", lambda m: m.group(1) + "_b", t) for t in lines]
    text = "\n".join(lines + renamed + ["", "  "] + lines)
    try:
        expected = full_parse(text)
    except bt.ParseError:
        assert parse_by_templates(text, DEFAULT_LIMITS) is None
        return
    got = parse_by_templates(text, DEFAULT_LIMITS)
    if got is not None:
        assert got[0] == expected, text


@pytest.mark.parametrize("text,templated", [
    ("f = (x + y) * z", True), ("y = x^2 - 4*x\nz = sin(y)", True), ("u = 3x² − 4x", False),
    ("y = x^2; z = sin(y)", False), ("f(x) = x^2", False), ("y = 0x1F", False),
    ("y = x # note", False), ("y = 1_000 * x", False), ("y = x[0]", False),
    ("f = x*y\ng = f + sin(", False), ("y = lambda + 1", False),
])
def test_which_inputs_take_the_templates(text, templated):
    assert (parse_by_templates(text, DEFAULT_LIMITS) is not None) == templated


@pytest.mark.parametrize("text", ["f = x*y; g = f + sin(", "y = x\nz = (x + ", "x1;ab1max("])
def test_a_broken_last_equation_is_an_error_not_dropped(text):
    with pytest.raises(bt.ParseError):
        bt.trace(text)


@pytest.mark.parametrize("text", ["y = 1e-5000*x", "y = 2.5e-400 * x"])
def test_literals_below_the_float_range_are_refused_quickly(text):
    with pytest.raises(bt.ParseError, match="too small for a float"):
        bt.trace(text)


def test_letters_in_comments_are_fine_and_look_alikes_are_not():
    assert bt.trace("y = x  # Größe", at={"x": 1}).value == 1.0
    for greek, latin in (("χ", "x"), ("ν", "v"), ("ρ", "p")):
        with pytest.raises(bt.ParseError, match=f"Latin letter '{latin}'"):
            bt.trace(f"y = {greek}*x")
    assert bt.trace("y = rho*x", at={"rho": 2, "x": 1}).grad["x"] == 2.0


def test_deep_nesting_within_the_limits_never_overflows_pythons_stack():
    deep = "y = " + "sin(" * 600 + "x" + ")" * 600
    t = bt.trace(deep, limits=bt.Limits(max_depth=1000))
    assert len(t.tape) == 601
    t = bt.trace("y = " + "sin(" * 190 + "x" + ")" * 190, at={"x": 0.5})
    report = t.check()
    assert report.ok and "sympy.diff skipped" in str(report)
    with pytest.raises(bt.OptionError, match="10,000"):
        bt.Limits(max_depth=100_000)
