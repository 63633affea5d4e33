"""Each step described once and printed in every format (issue 17): no printed product drops
its brackets — every numeric segment of a caption, a narrative equation and the listing
evaluates, as printed, to the step's number — and the node box, the wire and the caption of a
frame show the same digits for the same number."""

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from svg_reading import unwrapped

import backprop_trace as bt
from backprop_trace.autodiff.rules import RULES
from backprop_trace.names import pretty_name
from backprop_trace.ops import OPS, TENSOR_OPS
from backprop_trace.printing.latex import to_latex
from backprop_trace.printing.listing import backward_listing

UNEVALUATED = ("∂", "H(", "sign(", "Max(", "Min(", "\\theta", "\\operatorname{sign}", "\\partial",
               "Heaviside")
"""Segments that name a partial or a step function: not numbers a reader evaluates."""


def op_case(op):
    """An expression using ``op`` under an upstream product (a·…) and a point in its domain."""
    rule = RULES[op.name]
    point = {"a": 1.7, "x": float(np.mean(rule.domain[0]) + 0.23)}
    call = op.call_names[0] if op.call_names else None
    if op.arity == 1:
        inner = {"neg": "-x", "id": "x"}.get(op.name, f"{call}(x)")
    else:
        point["w"] = float(np.mean(rule.domain[1]) + 0.31)
        infix = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}.get(op.name)
        inner = f"(x {infix} w)" if infix else f"{call}(x, w)"
    return f"y = a * {inner} * 1.3", point


CASES = {op.name: op_case(op) for op in OPS.values() if op.name not in TENSOR_OPS}


def shown_value(text):
    text = text.replace("−", "-").strip("() ")
    if "/" in text:
        numerator, denominator = text.split("/")
        return Fraction(int(numerator), int(denominator))
    return Fraction(text)


def rounds_to(value, shown):
    """Whether ``value`` rounds to the number ``shown`` at its last digit (ties either way)."""
    text = shown.replace("−", "-").strip("() ")
    if "/" in text:
        return math.isclose(value, float(shown_value(shown)), rel_tol=1e-12)
    mantissa = text.split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(text.split("e")[1]) if "e" in text else 0
    half = 0.5 * 10.0 ** (exponent - decimals) * (1 + 1e-9)
    if "." not in mantissa and "e" not in text and abs(int(mantissa)) >= 10_000:
        half = 0.5 * 10.0 ** (len(str(abs(int(mantissa)))) - 4)
    return abs(value - float(shown_value(shown))) <= half + 1e-12 * abs(value)


def evaluate(segment, values):
    """A printed segment evaluated by the tool's own parser at the trace's values (a name
    may follow a number: ``2u₆``)."""
    used = {}
    for name, value in values.items():
        for spelling in (name, pretty_name(name)):
            if re.search(rf"(?<![A-Za-zα-ω_₀-₉]){re.escape(spelling)}(?![A-Za-zα-ω0-9_₀-₉])",
                         segment):
                used[spelling] = value
    return bt.trace(f"result = {segment}", at=used).value


def check_chain(text, values, step_value, mixed_rel=None):
    """``text`` is ``target = s₁ = s₂ = … = result``: every segment a reader can evaluate
    equals the step's value — exactly for the symbolic forms, to the shown digits for the
    numeric ones; with ``mixed_rel``, a symbolic form holding a rounded number (an upstream
    gradient times a symbolic partial) to that relative error."""
    segments = [s.replace(" + …", "").strip() for s in text.split(" = ")[1:]]
    result = segments[-1]
    evaluated = 0
    for segment in segments:
        if any(mark in segment for mark in UNEVALUATED):
            continue
        value = evaluate(segment, values)
        symbolic = re.search(r"[A-Za-zα-ωσ√]", segment.replace("e−", "").replace("e-", ""))
        if symbolic and mixed_rel and re.search(r"\d\.\d", segment):
            assert value == pytest.approx(step_value, rel=mixed_rel), (segment, text)
        elif symbolic:
            assert value == pytest.approx(step_value, rel=1e-9, abs=1e-12), (segment, text)
        else:
            assert rounds_to(value, result), (segment, value, result, text)
        evaluated += 1
    return evaluated


@pytest.mark.parametrize("op", list(CASES))
def test_every_printed_segment_of_every_caption_evaluates_to_the_step(op):
    text, point = CASES[op]
    t = bt.trace(text, at=point)
    values = {plain: v for plain, v in t.values.items()}
    evaluated = 0
    for caption, step in zip(t.captions()[1:], t.steps):
        formula = caption.split(": ", 1)[1].split("   (")[0]
        value = step.contribution if step.terms == 1 or step.term < step.terms else step.total
        evaluated += check_chain(formula, values, value)
    assert evaluated >= 3


LATEX = [
    (re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}"), r"((\1)/(\2))"),
    (re.compile(r"\\(sin|cos|tan|tanh|sinh|cosh|log|ln|arctan|arcsin|arccos|exp|sigma)"
                r"(?:\^\{(\d+)\})?\{\\left\((.*?)\\right\)\}"), None),
    (re.compile(r"\\sqrt\{([^{}]*)\}"), r"sqrt(\1)"),
    (re.compile(r"([\d.]+) \\times 10\^\{(-?\d+)\}"), r"\1e\2"),
    (re.compile(r"\^\{([^{}]*)\}"), r"^(\1)"),
    (re.compile(r"_\{(\d+)\}"), r"\1"),
]
_FUNCTIONS = {"ln": "log", "arctan": "atan", "arcsin": "asin", "arccos": "acos", "sigma": "σ"}


def latex_to_text(latex):
    """The LaTeX our printers write, as text the parser reads (a reader's evaluation)."""
    text = latex
    for _ in range(6):
        for pattern, replacement in LATEX:
            if replacement is None:
                text = pattern.sub(lambda m: (f"({_FUNCTIONS.get(m[1], m[1])}({m[3]}))"
                                              + (f"^({m[2]})" if m[2] else "")), text)
            else:
                text = pattern.sub(replacement, text)
    for command, plain in (("\\left(", "("), ("\\right)", ")"), ("\\left|", "abs("),
                           ("\\right|", ")"), ("\\cdot", "*"), ("\\dots", "…"),
                           ("\\operatorname{ReLU}", "relu"),
                           ("\\operatorname{softplus}", "softplus"), ("\\max", "max"),
                           ("\\operatorname{sign}", "sign"),
                           ("\\min", "min"), ("\\sigma", "σ"), ("\\tanh", "tanh"),
                           ("\\sin", "sin"), ("\\cos", "cos"), ("\\tan", "tan"),
                           ("\\ln", "log"), ("\\arctan", "atan"), ("\\arcsin", "asin"),
                           ("\\arccos", "acos"), ("\\sinh", "sinh"), ("\\cosh", "cosh"),
                           ("\\pi", "π"), ("\\log", "log")):
        text = text.replace(command, plain)
    return text.replace("{", "(").replace("}", ")")


@pytest.mark.parametrize("op", list(CASES))
def test_every_printed_segment_of_the_narrative_evaluates_to_the_step(op):
    text, point = CASES[op]
    t = bt.trace(text, at=point)
    evaluated = 0
    for d, step in zip(t.description.steps[1:], t.steps[1:]):
        latex = to_latex(d.equation)
        value = step.contribution if step.terms == 1 or step.term < step.terms else step.total
        evaluated += check_chain(latex_to_text(latex), dict(t.values), value)
    assert evaluated >= 3


@pytest.mark.parametrize("op", list(CASES))
def test_the_listing_runs_to_the_gradient(op):
    """The backward pass as code, run as Python at the trace's values, gives the gradient:
    every compound local partial is bracketed."""
    text, point = CASES[op]
    t = bt.trace(text, at=point)
    listing = backward_listing(t.description)
    namespace = {name: getattr(np, name) for name in ("sin", "cos", "tan", "exp", "log", "sqrt",
                                                      "tanh", "sinh", "cosh", "sign")}
    namespace.update(atan=np.arctan, asin=np.arcsin, acos=np.arccos, pi=np.pi, E=np.e,
                     sigmoid=lambda v: 1 / (1 + np.exp(-v)),
                     Heaviside=lambda v, h=0.5: np.heaviside(v, h), Abs=np.abs,
                     relu=lambda v: np.maximum(v, 0), Max=max, Min=min,
                     softplus=lambda v: np.logaddexp(0, v))
    for name in t.inputs:
        namespace[name] = t.values[name]
    code = "\n".join(line for line in listing.splitlines() if " = input" not in line)
    exec(compile(code, "backward.py.txt", "exec"), namespace)  # our own output, in a test
    for x in t.inputs:
        assert namespace[f"d{t.output}_d{x}"] == pytest.approx(t.grad[x], rel=1e-9)


@pytest.mark.parametrize("source, at", [
    ("h1 = tanh(w11*x1 + w12*x2 + b1); h2 = tanh(w21*x1 + w22*x2 + b2); "
     "y = v1*h1 + v2*h2 + c", {"w11": 0.5, "w12": -0.3, "b1": 0.2, "w21": 0.2, "w22": 0.4,
                               "b2": -0.2, "x1": 1, "x2": 2, "v1": 1.5, "v2": -0.7, "c": 0.3}),
    ("n = x1*w1 + x2*w2 + b; o = tanh(n)",
     {"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432}),
])
def test_node_wire_and_caption_show_the_same_digits(source, at):
    t = bt.trace(source, at=at)
    frames = t.frames()
    desc = t.description
    for k, (caption, step) in enumerate(zip(t.captions()[1:], desc.steps), 1):
        shown = set(re.findall(r">([^<]+)</text>", unwrapped(frames[k])))
        result = caption.split("   (")[0].split(" = ")[-1].replace(" + …", "")
        if step.is_seed:
            continue
        back = [s for s in shown if s.startswith(("←", "↑"))]
        contribution = bt.printing.to_unicode(step.contribution)
        assert any(s.endswith(contribution) for s in back)  # the wire passes it back
        gradient = f"∂{bt.names.pretty_name(t.output)}/∂{bt.names.pretty_name(step.node)} = "
        node_line = next(s for s in shown if s.startswith(gradient))
        if step.terms == 1 or step.term == step.terms:
            assert node_line == gradient + result, (node_line, caption)  # the node shows it
        upstream = f"∂{bt.names.pretty_name(t.output)}/∂{bt.names.pretty_name(step.via)} = "
        factor = caption.split(" = ")[-2].split(" · ")[0].strip("()") if step.terms == 1 \
            else None
        if factor is not None and "∂" not in factor and "·" not in factor:
            assert upstream + factor in shown, (factor, caption)  # the upstream node too


FAN_OUT = ("e = (a + b) * (b + 1)", {"a": 2, "b": 1})


def test_fan_out_listing_sums_adjoints(tmp_path):
    bt.trace(FAN_OUT[0], at=FAN_OUT[1]).render(tmp_path)
    code = (tmp_path / "backward.py.txt").read_text()
    assert "b_bar = u2_bar" in code and "b_bar += u1_bar" in code
