"""Golden files: the DOT, SVG, narrative, listing and JSON of the canonical examples, byte for
byte. When output changes on purpose, regenerate with ``UPDATE_GOLDEN=1 pytest
tests/test_golden.py`` and review the diff before committing it."""

import json
import os
from pathlib import Path

import pytest

import backprop_trace as bt

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "gate": ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4}),
    "fan-out": ("e = (a + b) * (b + 1)", {"a": 2, "b": 1}),
    "d2l-polynomial": ("u = 3x² − 4x", {"x": 1}),
    "sigmoid-neuron": ("f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
                       {"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2}),
    "micrograd-neuron": ("n = x1*w1 + x2*w2 + b; o = tanh(n)",
                         {"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432}),
    "abstract-chain-rule": ("u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)", None),
    "decimals": ("y = x**0.5 + 2.5*x + 1e-3*π", {"x": 4}),
}


def _outputs(name, tmp_path):
    text, at = CASES[name]
    t = bt.trace(text, at=at)
    t.render(tmp_path)
    frames = t.frames()
    return {
        f"{name}.dot": t.to_dot(),
        f"{name}.final.svg": frames[-1],
        f"{name}.steps.md": (tmp_path / "steps.md").read_text(),
        f"{name}.backward.py.txt": (tmp_path / "backward.py.txt").read_text(),
        f"{name}.trace.json": (tmp_path / "trace.json").read_text(),
    }


@pytest.mark.parametrize("name", list(CASES))
def test_outputs_match_the_golden_files(name, tmp_path):
    for file_name, text in _outputs(name, tmp_path).items():
        path = GOLDEN / file_name
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_text(text, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text, f"{file_name} changed: review it"


def test_decimals_read_as_typed():
    """0.5 is never 0.₅: literals are not names with an index, in any output."""
    t = bt.trace("y = x**0.5 + 2.5*x + 1e-3*π", at={"x": 4})
    outputs = t.to_dot() + t.frames()[-1]
    assert "0.₅" not in outputs and "2.₅" not in outputs and "1e-₃" not in outputs
    assert "x^0.5" in outputs and "2.5" in outputs and "1e-3" in outputs and "π" in outputs
    assert t.inputs == ("x",)  # π is the constant, not an input


@pytest.mark.parametrize("literal", ["0.5", "2.5", "1e-3", "1.5e3", "3.25", ".5", "7.", "10",
                                     "0.001", "1E+2", "12.75", "6.02e23"])
def test_every_literal_reads_as_typed_in_labels_and_json(literal, tmp_path):
    t = bt.trace(f"y = {literal}*x + x^{literal}", at={"x": 0.5},
                 limits=bt.Limits(max_exponent=1e30))
    dot = t.to_dot()
    assert f">×{literal}</FONT>" in dot  # inside its gate
    assert t.to_dot(constants="node").count(f"<TD>{literal}</TD>") == 2  # or its own box
    assert f"{literal}·x" in dot
    assert f"x^{literal}" in dot or literal == "10"  # x^10 reads x¹⁰
    t.render(tmp_path)
    nodes = json.loads((tmp_path / "trace.json").read_text())["nodes"]
    assert [n["label"] for n in nodes if n["kind"] == "const"] == [literal, literal]
