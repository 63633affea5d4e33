"""Frames as slides (issue 10): every frame of the canonical examples, left to right, top to
bottom and in the direction chosen for them, measured as a lecturer sees it on a 1920×1080
projector — no texts that collide or run together, the smallest text, one group per drawn
node and edge, the frame's shape — and the fan-in sums, caption forms and numbers it shows."""

import os
import re
import sys
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import backprop_trace as bt
from backprop_trace.drawing.gates import drawn_nodes
from backprop_trace.drawing.metrics import font_path
from backprop_trace.names import fmt_number, fmt_products

os.environ.setdefault("FRAME_METRICS_FONT", font_path())  # the font the frames are drawn in
os.environ.setdefault("FRAME_METRICS_BOLD", font_path(bold=True))
import frame_metrics as fm  # noqa: E402  (vendored: tests/frame_metrics.py)
from svg_reading import unwrapped  # noqa: E402
from test_frontends import MICROGRAD  # noqa: E402  (micrograd's README program)

CANONICAL = {
    "d2l-polynomial": ("u = 3x² − 4x", {"x": 1}),
    "d2l-cubic": ("y = x³ − 1/x", {"x": 1}),
    "d2l-exp": ("f = 3x₁² + 5e^{x₂}", {"x₁": 1, "x₂": 0}),
    "d2l-norm": ("y = sqrt(x1^2 + x2^2 + x3^2)", {"x1": 1, "x2": 2, "x3": 2}),
    "abstract-chain-rule": ("u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)", None),
    "gate": ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4}),
    "sigmoid-neuron": ("f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
                       {"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2}),
    "fan-out": ("e = (a + b) * (b + 1)", {"a": 2, "b": 1}),
    "micrograd-neuron": ("n = x1*w1 + x2*w2 + b; o = tanh(n)",
                         {"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432}),
    "micrograd-readme": (MICROGRAD, {"a": -4, "b": 2}),
    "two-layer-network": ("h1 = tanh(w11*x1 + w12*x2 + b1); h2 = tanh(w21*x1 + w22*x2 + b2); "
                          "y = v1*h1 + v2*h2 + c",
                          {"w11": 0.5, "w12": -0.3, "b1": 0.2, "w21": 0.2, "w22": 0.4,
                           "b2": -0.2, "x1": 1, "x2": 2, "v1": 1.5, "v2": -0.7, "c": 0.3}),
}
TRACES: dict[str, bt.Trace] = {}


def shown_value(text):
    """The number a text made by ``fmt_number`` shows, exactly (``−1/3``, ``2.5e−7``): the
    oracle for the shown arithmetic."""
    text = text.replace("−", "-").strip("()")
    if "/" in text:
        numerator, denominator = text.split("/")
        return Fraction(int(numerator), int(denominator))
    return Fraction(text)


def traced(name):
    if name not in TRACES:
        TRACES[name] = bt.trace(CANONICAL[name][0], at=CANONICAL[name][1])
    return TRACES[name]


def readable_px(drawn):
    """The smallest text DESIGN.md asks for at 1920×1080: 24 px up to 15 drawn nodes, 18 up
    to 30 (larger graphs are not promised a size)."""
    return 24 if drawn <= 15 else 18 if drawn <= 30 else 0


SHORT_OF_TARGET = {"micrograd-readme": 15.5}
"""Graphs whose text is measured below readable_px, with the floor they keep: micrograd's
README program (27 drawn nodes, a and b each used by five operations) fills the slide's
width at 16.0 px. Reported in README and the issue's note."""


@pytest.mark.parametrize("rankdir", ["auto", "LR", "TB"])
@pytest.mark.parametrize("name", list(CANONICAL))
def test_every_frame_reads_on_a_slide(name, rankdir):
    t = traced(name)
    frames = t.frames(rankdir=rankdir)
    drawn = drawn_nodes(t.tape)
    edges = sum(1 for v in drawn for a in t.tape.args[v] if a in drawn)
    smallest = []
    for k, svg in enumerate(frames):
        boxes = fm.texts(svg)
        assert fm.crowded(boxes) == [], f"frame {k}: texts run together"
        assert fm.collisions(boxes) == []
        assert svg.count('class="node"') == len(drawn) and svg.count('class="edge"') == edges
        assert fm.aspect(svg) == pytest.approx(16 / 9, rel=1e-3)  # a 16:9 slide
        smallest.append(fm.projected_min_px(svg, boxes))
    assert len({fm.viewbox(svg) for svg in frames}) == 1  # nothing moves between frames
    if rankdir == "auto":  # the direction chosen for the graph: text large enough to read
        floor = SHORT_OF_TARGET.get(name, readable_px(len(drawn)))
        assert min(smallest) >= floor, (name, min(smallest))


def test_the_chosen_direction_is_never_worse_than_the_other():
    for name in CANONICAL:
        t = traced(name)
        px = {d: min(fm.projected_min_px(s) for s in t.frames(rankdir=d)[-1:])
              for d in ("auto", "LR", "TB")}
        assert px["auto"] >= 0.9 * max(px["LR"], px["TB"]), (name, px)


def test_canonical_sizes_as_measured():
    """The figures quoted in README and the issue's note, so they stay true."""
    sizes = {name: min(fm.projected_min_px(s) for s in traced(name).frames())
             for name in CANONICAL}
    assert sizes["gate"] > 40 and sizes["sigmoid-neuron"] > 20
    assert sizes["micrograd-neuron"] > 25 and sizes["two-layer-network"] > 16


def _glyph_height(char):
    """A glyph's inked height in ems, from the bundled font's outlines (fontTools)."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont
    font = TTFont(font_path())
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[font.getBestCmap()[ord(char)]].draw(pen)
    return (pen.bounds[3] - pen.bounds[1]) / font["head"].unitsPerEm


_SUBSCRIPT_SPAN = re.compile(r'<tspan font-size="(\d+)%" baseline-shift="(-[\d.]+)em">'
                             r"([₀-₉ₐ-ₜ]+)</tspan>")


def test_subscripts_read_at_least_six_tenths_of_the_text():
    """w₁₂ against w₂₁ from the back row: every subscript digit is drawn as tall as a digit of
    at least 0.6 of the text size, and below the baseline so it reads as a subscript."""
    ratio = _glyph_height("₁") / _glyph_height("1")  # DejaVu's own subscripts: 0.56
    assert ratio < 0.6
    svg = traced("two-layer-network").frames()[-1]
    plain = re.sub(r"<tspan[^>]*>[₀-₉ₐ-ₜ]+</tspan>|<title>[^<]*</title>", "", svg)  # a title
    # is read out, not drawn: plain text
    assert not re.search("[₀-₉]", re.sub(r"<[^>]*>", "", plain))  # none left unenlarged
    spans = _SUBSCRIPT_SPAN.findall(svg)
    assert len(spans) > 50
    for scale, drop, _ in spans:
        assert ratio * int(scale) / 100 >= 0.6 and float(drop) < 0


def test_constants_sit_in_their_gates_or_as_nodes_on_request():
    t = traced("d2l-polynomial")
    svg = t.frames()[-1]
    gates = re.findall(r'font-size="16"[^>]*>([^<]+)</text>', unwrapped(svg))
    assert sorted(gates) == sorted(["x²", "×3", "×4", "−"])
    assert svg.count('class="node"') == 5  # x, x², ×3, ×4, −: no constant boxes
    nodes = t.frames(constants="node")[-1]
    assert nodes.count('class="node"') == 8  # and the 2, 3 and 4 in boxes of their own
    sigmoid = traced("sigmoid-neuron").frames()[-1]
    # the gate writes its operand by name, never a placeholder x that reads as an input
    assert {"exp", "+1", "1/u₇"} <= set(re.findall(r'font-size="16"[^>]*>([^<]+)</text>',
                                                   unwrapped(sigmoid)))
    exp = traced("d2l-exp").frames()[-1]
    assert "exp" in fm_texts(exp) and "u₃" in fm_texts(exp) and " = exp(x₂)" in fm_texts(exp)


def fm_texts(svg):
    return [b[5] for b in fm.texts(svg)] + re.findall(r">([^<]+)</text>", unwrapped(svg))


def test_fan_in_sums_and_caption_forms():
    captions = traced("fan-out").captions()
    assert captions[-1] == ("step 6/6: ∂e/∂b = ∂e/∂u₁·∂(a + b)/∂b + ∂e/∂u₂·∂(b + 1)/∂b "
                            "= 2·1 + 3·1 = 5")  # in the graph's order, as the node's sum
    for name in CANONICAL:
        for caption in traced(name).captions():
            assert "+=" not in caption
            sides = [s.strip() for s in caption.split(":", 1)[-1].split(" = ")]
            assert all(a != b for a, b in zip(sides, sides[1:])), caption  # no x = x
    micro = traced("micrograd-readme").captions()
    assert any(c.startswith("step ") and "∂g⁽²⁾/∂b = " in c and c.endswith("= 645.6")
               for c in micro)


def test_exact_inputs_give_fractions():
    t = traced("d2l-norm")
    final = fm_texts(t.frames()[-1])
    assert {"∂y/∂x₁ = 1/3", "∂y/∂x₂ = 2/3", "∂y/∂x₃ = 2/3"} <= set(final)
    assert t.captions()[-1].endswith("= 1/6 · 2 = 1/3")
    neuron = traced("micrograd-neuron")  # b = 6.88…: no fractions anywhere
    assert not any(re.search(r"\d/\d", c.split(":", 1)[-1])
                   for c in neuron.captions()[1:])


@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=1,
                max_size=4))
def test_shown_arithmetic_checks(pairs):
    """Σ aᵢ·bᵢ as shown rounds to the total as shown (or shows 12 digits trying)."""
    # a product below the smallest normal float has lost its digits in floating point
    assume(all(a * b == 0 or abs(a * b) >= sys.float_info.min for a, b in pairs))
    total = sum(a * b for a, b in pairs)
    texts, shown = fmt_products(pairs, total)
    assert shown == fmt_number(total)
    product = sum(shown_value(a) * shown_value(b) for a, b in texts)
    digits = max(len(re.sub(r"[^0-9]", "", a.split("e")[0])) for pair in texts for a in pair)
    # the total is a float: it may hold a rounding error of a few ulps of Σ|aᵢ·bᵢ|
    # (10.875 − 3e−212 is 10.875 in floats, shown 10.88, though it rounds to 10.87 exactly)
    slack = Fraction(4 * len(pairs) * sys.float_info.epsilon) * sum(
        abs(Fraction(a) * Fraction(b)) for a, b in pairs)
    assert rounds_to(product, shown, slack) or digits >= 12


def rounds_to(exact, shown, slack=0):
    """Whether ``exact`` rounds to the number ``shown`` at its last digit (ties either way),
    give or take ``slack``."""
    value = shown_value(shown)
    mantissa = shown.replace("−", "-").split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(shown.replace("−", "-").split("e")[1]) if "e" in shown else 0
    half = Fraction(1, 2) * Fraction(10) ** (exponent - decimals)
    if "e" not in shown and "." not in shown and value != 0:  # an integer of up to 4 digits
        half = Fraction(1, 2) * Fraction(10) ** max(0, len(str(abs(int(value)))) - 4)
    return abs(exact - value) <= half + slack


def test_the_issue_examples_of_broken_arithmetic():
    assert fmt_products([(1.0198, 0.5)], 0.5099) == ([("1.0198", "0.5")], "0.5099")
    assert fmt_products([(1 / 6, 4)], 4 / 6) == ([("0.16667", "4")], "0.6667")
    assert fmt_products([(1 / 6, 4)], 4 / 6, fractions=True) == ([("1/6", "4")], "2/3")
    assert shown_value("−1/3") == Fraction(-1, 3)


@given(st.lists(st.tuples(st.floats(-1e5, 1e5), st.floats(-1e5, 1e5)), min_size=1,
                max_size=6))
def test_fast_coordinates_match_the_plain_path(points):
    """The one-pass formatting of a path's coordinates (a measured gain in the frames
    benchmark) writes every number exactly as ``_n`` does."""
    from backprop_trace.drawing.svg import _coordinates, _n

    assert _coordinates(points) == " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def test_a_term_lost_in_the_float_total_is_not_a_wrong_sum():
    """Found on CI: 1·(−3.4e−212) + 1.5·7.25 is 10.875 in floats, shown 10.88."""
    pairs = [(1.0, -3.4398418485464787e-212), (1.5, 7.25)]
    texts, shown = fmt_products(pairs, sum(a * b for a, b in pairs))
    assert shown == "10.88" and texts[1] == ("1.5", "7.25")
