"""Frames and files: one layout, deterministic bytes, the diagram conventions, safe writing."""

import os
import re
import subprocess
import sys
import warnings

import pytest
from svg_reading import node_centres, unwrapped

import backprop_trace as bt
from backprop_trace import LargeGraphWarning
from backprop_trace.drawing.dot import html

GATE = ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4})
FAN_OUT = ("e = (a + b) * (b + 1)", {"a": 2, "b": 1})
ABSTRACT = "u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)"


@pytest.fixture(scope="module")
def gate():
    return bt.trace(GATE[0], at=GATE[1])


@pytest.fixture(scope="module")
def gate_frames(gate):
    return gate.frames()


def texts(svg):
    return [re.sub(r"&#160;", " ", t) for t in re.findall(r"<text[^>]*>([^<]*)</text>",
                                                             unwrapped(svg))]


def view_box(svg):
    return re.search(r'viewBox="([^"]+)"', svg).group(1)


def test_one_frame_per_step_plus_the_forward_pass(gate, gate_frames):
    assert len(gate_frames) == len(gate.steps) + 1 == 6
    assert all(f.startswith("<?xml") and f.rstrip().endswith("</svg>") for f in gate_frames)


def test_one_layout_nothing_moves(gate_frames):
    assert len({view_box(f) for f in gate_frames}) == 1
    positions = [re.findall(r'<g id="(n\d+)" class="node">.*?d="([^"]+)"', f, re.S)
                 for f in gate_frames]
    assert all(p == positions[0] for p in positions)


def test_frames_are_byte_identical_across_runs(gate_frames):
    again = bt.trace(GATE[0], at=GATE[1]).frames()
    assert again == gate_frames
    code = ("import backprop_trace as bt; import hashlib;"
            f"fs = bt.trace({GATE[0]!r}, at={GATE[1]!r}).frames();"
            "print(hashlib.sha256(''.join(fs).encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(digests) == 1


def test_frame_zero_shows_values_and_unknown_gradients(gate_frames):
    shown = texts(gate_frames[0])
    for value in ("= −2", "= 5", "= −4", "= 3", "= −12"):
        assert value in shown
    for node in ("x", "y", "z", "u₁", "f"):
        assert f"∂f/∂{node} = ?" in shown
    assert not any(re.fullmatch(r"∂f/∂\S+ = 0", t) for t in shown)  # never 0 before computed
    assert 'visibility="hidden"' in gate_frames[0]


def test_last_frame_has_every_gradient(gate_frames):
    shown = texts(gate_frames[-1])
    for line in ("∂f/∂x = −4", "∂f/∂y = −4", "∂f/∂z = 3", "∂f/∂u₁ = −4", "∂f/∂f = 1"):
        assert line in shown
    assert 'visibility="hidden"' not in gate_frames[-1]


def test_edges_carry_local_partials_symbolic_and_numeric(gate_frames):
    shown = texts(gate_frames[0])
    assert {"∂f/∂u₁ = z = −4", "∂f/∂z = u₁ = 3", "∂u₁/∂x = 1", "∂u₁/∂y = 1"} <= set(shown)


def test_captions_and_highlight(gate_frames):
    caption = "step 4/5: ∂f/∂x = ∂f/∂u₁ · ∂(x + y)/∂x = (−4) · 1 = −4"
    assert caption in texts(gate_frames[4])
    assert "forward pass: f = −12" in texts(gate_frames[0])[0]
    highlighted = re.findall(r'<g id="(n\d+)" class="node">(?:(?!</g>).)*stroke-width="3"',
                             gate_frames[4], re.S)
    assert highlighted == ["n0"]  # x, the node receiving the contribution


def test_fan_out_caption_counts_contributions():
    frames = bt.trace(FAN_OUT[0], at=FAN_OUT[1]).frames()
    captions = [t for f in frames for t in texts(f) if t.startswith("step")]
    assert any(c.endswith("(contribution 1 of 2)") for c in captions)
    # the frame that completes ∂e/∂b shows the chain rule's sum with its numbers
    assert ("step 6/6: ∂e/∂b = ∂e/∂u₁·∂(a + b)/∂b + ∂e/∂u₂·∂(b + 1)/∂b = 2·1 + 3·1 = 5"
            in captions)
    assert not any("+=" in c for c in captions)  # += is the code listing's notation


def test_abstract_trace_shows_symbolic_partials_and_the_growing_sum():
    frames = bt.trace(ABSTRACT).frames()
    final = texts(frames[-1])
    # the Σ of the chain rule in a's node, broken before a + so the box stays narrow
    assert " ".join(final[final.index("∂u/∂a = ∂u/∂x·∂x/∂a"):][:2]) == \
        "∂u/∂a = ∂u/∂x·∂x/∂a + ∂u/∂y·∂y/∂a + ∂u/∂z·∂z/∂a"
    middle = [t for f in frames for t in texts(f) if t.startswith("∂u/∂a = ")]
    assert min(map(len, middle)) < max(map(len, middle))  # the sum grows


@pytest.mark.parametrize("rankdir,mark", [("LR", "←"), ("TB", "↑")])
def test_forward_and_backward_coded_redundantly(gate, rankdir, mark):
    last = gate.frames(rankdir=rankdir)[-1]
    # gradients passed back are written beside the wire with a backward arrow, CS231n style
    assert {f"{mark}\u2009−4", f"{mark}\u20093"} <= set(texts(last))
    assert "#0571b0" in last and "#ca0020" in last  # colour-blind-safe default palette
    assert "stroke-dasharray" not in last  # no second, dashed curve per edge


@pytest.mark.parametrize("theme,colours", [("classic", ("#1a9850", "#d73027")),
                                           ("dark", ("#1e1e1e", "#ef8a62"))])
def test_themes(gate, theme, colours):
    svg = gate.frames(theme=theme)[-1]
    assert all(c in svg for c in colours)


def test_rankdir_tb_and_bad_options(gate):
    lr, tb = (node_centres(gate.frames(rankdir=d)[0]) for d in ("LR", "TB"))
    # x and y in the first column (row); z beside the product that uses it, u₁ = x + y
    assert lr["n0"][0] == pytest.approx(lr["n1"][0], abs=0.1)
    assert tb["n0"][1] == pytest.approx(tb["n1"][1], abs=0.1)
    assert lr["n3"][0] == pytest.approx(lr["n2"][0], abs=0.1)
    assert tb["n3"][1] == pytest.approx(tb["n2"][1], abs=0.1)
    assert lr["n4"][0] > lr["n2"][0] and tb["n4"][1] > tb["n2"][1]
    with pytest.raises(ValueError, match="rankdir"):
        gate.frames(rankdir="XY")
    with pytest.raises(ValueError, match="theme"):
        gate.frames(theme="neon")
    with pytest.raises(ValueError, match="format"):
        gate.frames("gif")


def test_to_dot(gate):
    dot = gate.to_dot(0, rankdir="LR")
    assert dot.startswith("digraph") and "rankdir=LR" in dot and "∂f/∂x = ?" in dot
    assert "∂f/∂x = −4" in gate.to_dot(len(gate.steps))
    with pytest.raises(IndexError):
        gate.to_dot(99)


def test_html_escaping_helper():
    assert html('a<b & "c">') == "a&lt;b &amp; &quot;c&quot;&gt;"


def test_frames_need_no_system_program(monkeypatch, gate_frames):
    monkeypatch.setenv("PATH", "/nonexistent")
    t = bt.trace(GATE[0], at=GATE[1])
    assert t.frames() == gate_frames  # the bundled engine: the same frames


def test_a_system_graphviz_only_when_asked_and_a_clear_error_without_it(monkeypatch):
    monkeypatch.setenv("BACKPROP_TRACE_LAYOUT", "system")
    monkeypatch.setenv("PATH", "/nonexistent")
    t = bt.trace(GATE[0], at=GATE[1])
    assert t.grad == {"x": -4.0, "y": -4.0, "z": 3.0}  # the trace itself works
    with pytest.raises(bt.RenderError, match="install Graphviz"):
        t.frames()
    monkeypatch.setenv("BACKPROP_TRACE_LAYOUT", "neato")
    with pytest.raises(bt.TraceError, match="BACKPROP_TRACE_LAYOUT"):
        bt.trace(GATE[0], at=GATE[1]).frames()


def test_png_and_pdf_frames_share_the_layout(tmp_path, gate):
    paths = gate.render(tmp_path, formats=("svg", "png", "pdf"))
    pngs = sorted(p for p in paths if p.suffix == ".png")
    pdfs = sorted(p for p in paths if p.suffix == ".pdf")
    assert len(pngs) == len(pdfs) == 6
    sizes = {p.read_bytes()[16:24] for p in pngs}  # PNG IHDR width and height
    assert len(sizes) == 1
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    slides = (tmp_path / "slides.tex").read_text()
    assert "\\only<6>" in slides and "step-05.pdf" in slides


def test_large_graph_warns_and_still_renders():
    lines = ["v0 = x"] + [f"v{i} = v{i - 1} * w + {i}" for i in range(1, 120)]
    t = bt.trace(lines, at={"x": 0.5, "w": 0.9}, wrt=["x"],
                 limits=bt.Limits(max_layout_seconds=60))  # w fans out 119 times: slow
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = t.frame(0).svg
    assert any(issubclass(w.category, LargeGraphWarning) for w in caught)
    assert svg.rstrip().endswith("</svg>")


def test_node_granularity_one_frame_per_operation(gate):
    frames = gate.frames(granularity="node")
    # forward pass, seed, f's backward pass (u1, z), u1's backward pass (x, y)
    assert len(frames) == 4
    assert "steps 4–5/5: back through u₁ = x + y" in texts(frames[3])[0]
    assert len({view_box(f) for f in frames}) == 1
    final = texts(frames[-1])
    assert "∂f/∂x = −4" in final and "∂f/∂y = −4" in final
    with pytest.raises(ValueError, match="granularity"):
        gate.frames(granularity="layer")


def test_notebook_display(gate):
    html_text = gate._repr_html_()
    assert 'class="bt-player"' in html_text and "∂f/∂x = −4" in html_text  # opens at the end
    assert gate._repr_html_().split('"', 2)[1] != html_text.split('"', 2)[1]  # unique ids
    frame = gate.step(4)
    assert frame.index == 4 and frame._repr_svg_().startswith("<?xml")
    assert frame.caption.startswith("step 4/5: ∂f/∂x")
    lines = ["v0 = x"] + [f"v{i} = sin(v{i - 1}) * v{i - 1}" for i in range(1, 160)]
    big = bt.trace(lines, at={"x": 0.5}, wrt=["x"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert 'class="bt-player"' in big._repr_html_()  # node granularity: fewer frames


def test_notebook_display_without_graphviz(gate, monkeypatch):
    t = bt.trace(GATE[0], at=GATE[1])
    monkeypatch.setenv("BACKPROP_TRACE_LAYOUT", "system")
    monkeypatch.setenv("PATH", "/nonexistent")
    shown = t._repr_html_()
    assert shown.startswith("<pre>") and "∂f/∂x = ∂f/∂u₁·∂u₁/∂x" in shown and "Graphviz" in shown


def test_every_frame_has_its_caption_as_title():
    """For screen readers: the root's first child is a <title>, the frame's caption."""
    import html
    import re as _re

    t = bt.trace("c = a + b; d = b + 1; e = c*d", at={"a": 2, "b": 1})
    for mode in ("reverse", "forward", "paths"):
        options = {} if mode == "reverse" else {"mode": mode, "wrt": "b"}
        frames, captions = t.frames(**options), t.captions(**options)
        for svg, caption in zip(frames, captions, strict=True):
            first = _re.search(r"<svg[^>]*>\n<(\w+)>([^<]*)</\1>", svg)
            assert first is not None and first.group(1) == "title"
            assert html.unescape(first.group(2)) == caption
