"""Forward mode and the sum over paths: the numbers against sympy.diff, central differences and
the reverse pass; the frames on the reverse frames' layout; the outputs that print them."""

import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop_trace as bt
from backprop_trace.drawing.gates import drawn_nodes
from backprop_trace.errors import GraphError, OptionError

sys.path.insert(0, str(Path(__file__).parent))
import frame_metrics as fm  # noqa: E402
from generators import well_formed  # noqa: E402
from test_cli import run  # noqa: E402
from test_slides import CANONICAL, readable_px, traced  # noqa: E402

OLAH = "c = a + b; d = b + 1; e = c*d"


def olah():
    return bt.trace(OLAH, at={"a": 2, "b": 1})


def test_olah_forward_mode():
    t = olah()
    assert t.forward_mode("b") == {"a": 0.0, "b": 1.0, "c": 1.0, "d": 1.0, "e": 5.0}
    assert t.forward_mode("a")["e"] == 2.0
    assert t.forward_mode() == t.forward_mode("a")  # the first input by default
    assert [p.product for p in t.paths("b")] == [2.0, 3.0]
    assert [p.nodes for p in t.paths("b")] == [("b", "c", "e"), ("b", "d", "e")]
    work = t.mode_work()
    assert dict(work.forward) == {"a": 2, "b": 4} and work.reverse == 5
    assert work.forward_total == 6 and work.passes == 2


def test_forward_mode_against_sympy_and_central_differences():
    text = "h = tanh(w*x + b); L = (h - y)^2"
    at = {"w": 0.7, "x": -1.3, "b": 0.2, "y": 0.5}
    t = bt.trace(text, at=at)
    w, x, b, y = sp.symbols("w x b y")
    h = sp.tanh(w * x + b)
    oracle = {"h": h, "L": (h - y) ** 2}
    for wrt, symbol in (("w", w), ("b", b)):
        tangents = t.forward_mode(wrt)
        for node, expr in oracle.items():
            exact = float(sp.diff(expr, symbol).subs({sp.Symbol(k): v for k, v in at.items()}))
            assert tangents[node] == pytest.approx(exact, rel=1e-12, abs=1e-14)
        eps = 1e-6
        hi = bt.trace(text, at={**at, wrt: at[wrt] + eps}).value
        lo = bt.trace(text, at={**at, wrt: at[wrt] - eps}).value
        assert tangents["L"] == pytest.approx((hi - lo) / (2 * eps), rel=1e-6)
    symbolic = bt.trace(text).forward_mode("w")["L"]
    by_name = {s.name: s for s in symbolic.free_symbols}
    for point in ({"w": 0.3, "x": 1.1, "b": -0.4, "y": 2.0}, at):
        mine = float(symbolic.subs({by_name[k]: v for k, v in point.items() if k in by_name}))
        exact = float(sp.diff(oracle["L"], w).subs({sp.Symbol(k): v for k, v in point.items()}))
        assert mine == pytest.approx(exact, rel=1e-12)


X_, Y_ = sp.Symbol("x", real=True), sp.Symbol("y", real=True)


@settings(max_examples=80)
@given(well_formed(), well_formed(), st.floats(-2, 2), st.floats(0.3, 2))
def test_forward_and_reverse_agree_on_random_systems(first, second, x, y):
    """On a random two-equation system u = g(x, y); f = h(x, u): forward mode's tangents of u
    and f, the sum over paths and the reverse gradient agree, and with sympy.diff of the
    independently built expression."""
    (text_u, expr_u), (text_f, expr_f) = first, second
    whole = expr_f.subs(Y_, expr_u)
    if X_ not in whole.free_symbols:
        return
    source = f"u = {text_u}; f = {text_f.replace('y', 'u')}"
    if "u" not in text_f.replace("y", "u"):
        source = f"u = {text_u}; f = ({text_f}) + 0*u"  # keep u in the system
        whole = expr_f
    at = {"x": x, "y": y} if "y" in text_u or "y" in text_f else {"x": x}
    try:
        t = bt.trace(source, at=at)
    except bt.TraceError:
        return  # outside a domain: refused, as the other tests show
    point = {X_: x, Y_: y}
    exact = float(sp.diff(whole, X_).subs(point))
    if not math.isfinite(exact):
        return
    tangents = t.forward_mode("x")
    assert tangents["f"] == pytest.approx(t.grad["x"], rel=1e-9, abs=1e-12)
    assert tangents["f"] == pytest.approx(exact, rel=1e-7, abs=1e-9)
    assert tangents["u"] == pytest.approx(float(sp.diff(expr_u, X_).subs(point)), rel=1e-7,
                                          abs=1e-9)
    try:
        found = t.paths("x")
    except GraphError:
        return  # more than 64 paths: the limit, tested below
    assert math.fsum(p.product for p in found) == pytest.approx(t.grad["x"], rel=1e-9,
                                                                   abs=1e-12)


def test_d2l_exercise_has_three_paths_each_summing_to_the_chain_rule():
    t = traced("abstract-chain-rule")
    for x in ("a", "b"):
        found = t.paths(x)
        assert len(found) == 3
        assert [p.nodes[1] for p in found] == ["x", "y", "z"]
        total = sp.Add(*[p.product_expr for p in found])
        assert total == t.grad_expr[x]
        # the last path frame's caption is the chain rule the tool prints
        rule = str(t.chain_rule(x)).split(" = ", 1)[1]
        assert t.captions(mode="paths", wrt=x)[-1].endswith(f"∂u/∂{x} = {rule}")
    forward = t.forward_mode("a")
    assert forward["u"] == t.grad_expr["a"] and forward["b"] == 0


def node_lines(svg):
    """The texts inside node groups."""
    groups = re.findall(r'<g id="n\d+" class="node">(.*?)</g>', svg, re.S)
    return [text for g in groups for text in re.findall(r">([^<]+)</text>", g)]


def node_boxes(svg):
    """Every node's rectangle, by its id."""
    return dict(re.findall(r'<g id="(n\d+)" class="node">\n<rect (x="[^"]*" y="[^"]*" '
                           r'width="[^"]*" height="[^"]*")', svg))


@pytest.mark.parametrize("name", ["fan-out", "gate", "micrograd-neuron", "abstract-chain-rule",
                                  "sigmoid-neuron"])
def test_every_mode_draws_every_node_at_the_same_place(name):
    t = traced(name)
    reverse = t.frames()
    boxes = node_boxes(reverse[-1])
    assert boxes
    for x in t.wrt:
        for mode in ("forward", "paths"):
            frames = t.frames(mode=mode, wrt=x)
            assert {fm.viewbox(s) for s in frames} == {fm.viewbox(reverse[0])}
            for svg in frames:
                assert node_boxes(svg) == boxes


@pytest.mark.parametrize("name", list(CANONICAL))
def test_forward_and_path_frames_read_on_a_slide(name):
    t = traced(name)
    drawn = drawn_nodes(t.tape)
    floor = min(readable_px(len(drawn)), min(fm.projected_min_px(s) for s in t.frames()))
    for mode in ("forward", "paths"):
        for x in t.wrt[:3]:
            try:
                frames = t.frames(mode=mode, wrt=x)
            except GraphError:  # past limits.max_paths
                assert mode == "paths"
                continue
            for k, svg in enumerate(frames):
                boxes = fm.texts(svg)
                assert fm.crowded(boxes) == [] and fm.collisions(boxes) == [], (mode, x, k)
                assert fm.aspect(svg) == pytest.approx(16 / 9, rel=1e-3)
                assert fm.projected_min_px(svg, boxes) >= floor - 1e-9, (mode, x, k)


def test_forward_frames_show_tangents_step_by_step():
    t = olah()
    captions = t.captions(mode="forward", wrt="b")
    assert captions[0].startswith("forward mode from b")
    assert captions[-2] == ("step 4/4: ∂e/∂b = ∂(c·d)/∂c·∂c/∂b + ∂(c·d)/∂d·∂d/∂b "
                            "= 2·1 + 3·1 = 5")
    # the closing frame: the lecture's punchline with this graph's numbers
    assert captions[-1] == ("the whole gradient: 2 forward passes (6 edge visits) or one "
                            "reverse pass (5)")
    assert t.captions(mode="forward", wrt="a")[1] == (
        "step 1/3: the seed, ∂a/∂a = 1; ∂b/∂a = ∂d/∂a = 0 (they do not depend on a)")
    frames = t.frames(mode="forward", wrt="b")
    texts = [set(re.findall(r">([^<]+)</text>", s)) for s in frames]
    assert "∂c/∂b = ?" in texts[0] and "∂b/∂b = 1" in texts[1] and "∂a/∂b = 0" in texts[1]
    assert "∂e/∂b = 5" in texts[-1]
    # a tangent line has the input below the bar (∂c/∂b), a gradient line the output above
    # it (∂e/∂c): told apart without colour
    tangents = [line for line in node_lines(frames[-1]) if line.startswith("∂")]
    gradients = [line for line in node_lines(t.frames()[-1]) if line.startswith("∂")]
    assert len(tangents) == len(gradients) == 5
    assert all(line.split(" = ")[0].endswith("/∂b") for line in tangents)
    assert all(line.startswith("∂e/∂") for line in gradients)
    assert frames[-2].count("stroke-linecap") == 2  # e's 2 wires lit
    # every wire used so far says what it passed forward, where reverse frames say what they
    # pass back: b → c and b → d pass 1, c → e passes 2·1 = 2, d → e 3·1 = 3; a → c nothing
    under = re.findall(r">(↓[^<]+)</text>", frames[-2])
    assert sorted(under) == ["↓\u20091", "↓\u20091", "↓\u20092", "↓\u20093"]
    assert not any(text.startswith("↓") for text in texts[1])
    assert frames[-1].count("stroke-linecap") == 0


def test_path_frames_light_one_path_then_the_sum():
    t = olah()
    captions = t.captions(mode="paths", wrt="b")
    assert captions == [
        "2 paths from b to e: their products of partials add up to ∂e/∂b",
        "path 1/2, b → c → e: ∂(c·d)/∂c · ∂(a + b)/∂b = 2 · 1 = 2",
        "path 2/2, b → d → e: ∂(c·d)/∂d · ∂(b + 1)/∂b = 3 · 1 = 3",
        "sum over the 2 paths: ∂e/∂b = 2 + 3 = 5"]
    frames = t.frames(mode="paths", wrt="b")
    assert [s.count("stroke-linecap") for s in frames] == [0, 2, 2, 4]
    assert t.captions(mode="paths", wrt="a")[-1] == ("path 1/1, a → c → e: ∂(c·d)/∂c · "
                                                     "∂(a + b)/∂a = 2 · 1 = 2")


def test_paths_are_bounded():
    doubling = "; ".join(f"u{k + 1} = u{k} * u{k}" for k in range(7))
    t = bt.trace(doubling, at={"u0": 1.1})
    with pytest.raises(GraphError, match=r"more than 64 paths .*limits.max_paths"):
        t.paths("u0")
    with pytest.raises(GraphError, match="max_paths"):
        t.frames(mode="paths")
    assert t.forward_mode("u0")["u7"] == pytest.approx(t.grad["u0"])
    wide = bt.trace(doubling, at={"u0": 1.1}, limits=bt.Limits(max_paths=200))
    assert len(wide.paths("u0")) == 128
    assert math.fsum(p.product for p in wide.paths("u0")) == pytest.approx(wide.grad["u0"])


def test_modes_refuse_what_they_cannot_draw():
    t = olah()
    with pytest.raises(OptionError, match="not a differentiated input"):
        t.forward_mode("q")
    with pytest.raises(OptionError, match="wrt= picks the input"):
        t.frames(wrt="a")
    with pytest.raises(OptionError, match="unknown mode"):
        t.frames(mode="sideways")
    tensor = bt.trace("y = sum(W @ x)", at={"W": [[1, 2], [3, 4]], "x": [1, 1]})
    with pytest.raises(OptionError, match="scalar traces"):
        tensor.forward_mode("x")
    with pytest.raises(OptionError, match="scalar traces"):
        tensor.frames(mode="paths")


def test_outputs_print_the_mode(tmp_path):
    t = olah()
    t.render(tmp_path / "f", mode="forward", wrt="b")
    listing = (tmp_path / "f" / "backward.py.txt").read_text()
    assert "e_dot = d * c_dot + c * d_dot" in listing and "b_dot = 1" in listing
    assert "a_dot" not in listing  # a does not depend on b
    narrative = (tmp_path / "f" / "steps.md").read_text()
    assert "## Forward mode from $b$" in narrative
    assert "visiting 2 + 4 = 6 edges" in narrative and "5 edges" in narrative
    document = json.loads((tmp_path / "f" / "trace.json").read_text())
    assert document["mode"]["tangents"]["e"] == 5.0
    assert document["work"] == {"forward": {"a": 2, "b": 4}, "forward_total": 6, "reverse": 5,
                                "passes": 2}
    assert len(list((tmp_path / "f").glob("step-*.svg"))) == 6
    t.render(tmp_path / "p", mode="paths", wrt="b")
    document = json.loads((tmp_path / "p" / "trace.json").read_text())
    assert [p["product"] for p in document["mode"]["paths"]] == [2.0, 3.0]
    assert "**Path 2 of 2**: $b \\to d \\to e$" in (tmp_path / "p" / "steps.md").read_text()
    page = (tmp_path / "p" / "index.html").read_text()
    assert "path 1/2" in page


def test_cli_mode(tmp_path):
    code, out, err = run(OLAH, "--at", "a=2,b=1", "--mode", "forward", "--wrt", "b",
                         "-o", str(tmp_path / "f"))
    assert code == 0 and err == ""
    assert len(list((tmp_path / "f").glob("step-*.svg"))) == 5  # --wrt b: b alone, no work
    doubling = "; ".join(f"u{k + 1} = u{k} * u{k}" for k in range(7))
    code, out, err = run(doubling, "--at", "u0=1.1", "--mode", "paths", "-o",
                         str(tmp_path / "p"))
    assert code == 2 and "max_paths" in err and "Traceback" not in err
    code, out, err = run(OLAH, "--at", "a=2,b=1", "--mode", "sideways")
    assert code == 2


def test_symbolic_tangents_without_values():
    t = bt.trace("f = (x + y) * z")
    assert {k: str(v) for k, v in t.forward_mode("x").items()} == {
        "x": "1", "y": "0", "z": "0", "u1": "1", "f": "z"}
    assert t.captions(mode="forward", wrt="x")[-2] == "step 3/3: ∂f/∂x = ∂(u₁·z)/∂u₁ · " \
                                                      "∂u₁/∂x = z"
    assert np.isclose(float(olah().forward_mode("b")["e"]), 5.0)


@pytest.mark.parametrize("name", ["fan-out", "micrograd-neuron", "abstract-chain-rule"])
def test_frames_made_from_the_one_before_match_frames_drawn_whole(name):
    """The player and render draw each frame from the previous one (only what changed)."""
    t = traced(name)
    for mode in ("forward", "paths"):
        r = t.renderer(mode=mode, wrt=t.wrt[-1])
        assert list(r.all_svgs()) == [r.svg(k) for k in range(len(r.views))]


def test_notebook_player_of_a_mode():
    player = olah().player(mode="paths", wrt="b")
    assert player.frames == 4 and "sum over the 2 paths" in player._repr_html_()
    assert repr(player) == "<Player of 4 frames>"
    frame = olah().frame(-2, mode="forward", wrt="b")
    assert frame.caption.startswith("step 4/4: ∂e/∂b")


@pytest.mark.parametrize("name", ["two-layer-network", "micrograd-readme", "sigmoid-neuron"])
def test_work_counted_in_one_pass_matches_a_pass_per_input(name):
    """The bitset count of forward mode's edge visits against the plain count, input by
    input, from the nodes each input reaches."""
    from backprop_trace.autodiff.tangents import depends_on

    t = traced(name)
    data = t.data
    plain = {}
    for x in data.wrt:
        flags = depends_on(data, x)
        plain[x] = sum(flags[a] for node_args in data.tape.args for a in node_args)
    work = t.mode_work()
    assert dict(work.forward) == plain and work.forward_total == sum(plain.values())


def test_work_of_a_wide_graph_is_quick():
    import time

    inputs = [f"x{k}" for k in range(400)]
    t = bt.trace("y = " + " + ".join(f"{x}*{x}" for x in inputs), at=dict.fromkeys(inputs, 1.0))
    start = time.process_time()
    work = t.mode_work()
    assert time.process_time() - start < 1.0
    assert work.forward == {} and work.passes == 400 and work.reverse == 2 * 400 + 2 * 399
    assert work.forward_total > work.reverse


def test_what_the_hostile_review_found():
    # sizing the layout for every mode never stops the reverse frames (a symbolic trace whose
    # tangents written out in the inputs are past max_expression_size)
    big = bt.trace("p = x*y + y*z + z*x; q = p*x + p*y + p*z; r = q*x + q*y + q*z; "
                   "s = r*x + r*y + r*z")
    assert len(big.frames()) == 42
    assert big.captions(mode="forward", wrt="x")[-2].endswith("= ∂u₁₅/∂x + ∂u₁₆/∂x")
    # a path of 1,000 edges: no recursion
    chain = "; ".join(f"u{i + 1} = 2*u{i}" for i in range(1000))
    assert len(bt.trace(chain, at={"u0": 1}).paths("u0")[0].edges) == 1000
    # nothing to differentiate, or no path at all
    with pytest.raises(OptionError, match="differentiates no input"):
        bt.trace("y = 3").forward_mode()

    def square_of_a(a, b):
        return a * a

    t = bt.trace(square_of_a, at={"a": 2, "b": 1})
    assert t.captions(mode="paths", wrt="b") == ["no path leads from b to f: ∂f/∂b = 0"] or \
        t.captions(mode="paths", wrt="b")[0].startswith("no path leads from b to")
    # a path's one edge is the partial of the node's own expression, never ∂y/∂x (a total)
    captions = bt.trace("y = x*exp(x)", at={"x": 1}).captions(mode="paths")
    assert captions[2] == "path 2/2, x → y: ∂(x·u₁)/∂x = 2.7183"
    assert captions[3] == "sum over the 2 paths: ∂y/∂x = 2.7183 + 2.7183 = 5.437"
    with pytest.raises(OptionError, match="scalar traces only"):
        bt.trace("y = sum(W @ x)", at={"W": [[1, 2], [3, 4]], "x": [1, 1]}).mode_work()
