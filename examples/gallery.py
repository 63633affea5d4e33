"""Regenerate the README gallery (docs/*.png) from the canonical examples:

    python examples/gallery.py [FOLDER]      (default: docs/)

Each picture is a frame exactly as the tool draws it (PNG through the bundled converter)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import backprop_trace as bt


def neuron(x1, x2, w1, w2, b):
    """micrograd's tanh neuron, as a Python function."""
    n = x1 * w1 + x2 * w2 + b
    return np.tanh(n)


DOCS = Path(__file__).resolve().parent.parent / "docs"
PICTURES = [
    # file, equations, values, frame, options
    ("gate-step-4.png", "f = (x + y) * z", {"x": -2, "y": 5, "z": -4}, 4, {}),
    ("fan-out-final.png", "e = (a + b) * (b + 1)", {"a": 2, "b": 1}, -1, {}),
    ("abstract-chain-rule.png", "u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)", None,
     -1, {}),
    ("sigmoid-neuron-dark.png", "f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
     {"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2}, -1, {"theme": "dark"}),
    ("python-function-neuron.png", neuron,
     {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}, -1, {}),
]


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS
    folder.mkdir(exist_ok=True)
    for name, source, at, frame, options in PICTURES:
        t = bt.trace(source, at=at)
        png = t.frames("png", **options)[frame]
        (folder / name).write_bytes(png)
        print(f"wrote {folder / name}")


if __name__ == "__main__":
    main()
