"""Regenerate the README gallery (docs/*.png) from the canonical examples:

    python examples/gallery.py [FOLDER]      (default: docs/)

Each picture is a frame exactly as the tool draws it (PNG through the bundled converter)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import backprop_trace as bt

NETWORK = ("h1 = tanh(w11*x1 + w12*x2 + b1); h2 = tanh(w21*x1 + w22*x2 + b2); "
           "o = v1*h1 + v2*h2 + c; L = (o - t)^2")
OLAH = "c = a + b; d = b + 1; e = c*d"
RNN = "h1 = tanh(w*h0 + u*x1 + b); h2 = tanh(w*h1 + u*x2 + b); L = (h2 - y)^2"


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
    # lecture graphs (issue 19): the data (inputs, target, label) greyed and given no steps
    ("network-2-2-1.png", NETWORK,
     {"w11": 0.5, "w12": -0.3, "b1": 0.2, "w21": 0.2, "w22": 0.4, "b2": -0.2, "x1": 1, "x2": 2,
      "v1": 1.5, "v2": -0.7, "c": 0.3, "t": 1}, -1, {"data": ["x1", "x2", "t"]}),
    ("rnn-two-steps.png", RNN, {"w": 0.5, "h0": 0, "u": 1.2, "x1": 1, "x2": -1, "b": 0.1,
                                "y": 0.5}, -1, {"data": ["h0", "x1", "x2", "y"]}),
    # forward mode and the paths (issue 22), Olah's example
    ("olah-forward-b.png", OLAH, {"a": 2, "b": 1}, -1, {"mode": "forward", "wrt": "b"}),
    ("olah-path-b.png", OLAH, {"a": 2, "b": 1}, 2, {"mode": "paths", "wrt": "b"}),
    ("d2l-paths-a.png", "u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)", None, 2,
     {"mode": "paths", "wrt": "a"}),
    # Chinese and Korean (issue 21): the D2L chain-rule exercise and a user's own names
    ("d2l-chain-rule-zh.png", "u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)", None, 6,
     {"lang": "zh"}),
    ("loss-forward-ko.png", "손실 = (가중치 * x - y)^2", {"가중치": 2, "x": 1.5, "y": 2}, 2,
     {"lang": "ko", "mode": "forward", "wrt": "가중치"}),
]
EXERCISES = [
    # file, equations, values, 0 (the sheet) or 1 (its answers)
    ("exercise-fan-out.png", "e = (a + b) * (b + 1)", {"a": 2, "b": 1}, 0),
]
TRACE_OPTIONS = ("data",)
"""Options of the trace itself; the others are the frames'."""


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS
    folder.mkdir(exist_ok=True)
    for name, source, at, frame, options in PICTURES:
        traced = {k: v for k, v in options.items() if k in TRACE_OPTIONS}
        drawn = {k: v for k, v in options.items() if k not in TRACE_OPTIONS}
        t = bt.trace(source, at=at, **traced)
        # one frame drawn whole: the same bytes on any machine (a run's PNG frames are drawn
        # from the one before, in runs that depend on the cores)
        t.frame(frame, **drawn).save(folder / name)
        print(f"wrote {folder / name}")
    for name, source, at, frame in EXERCISES:
        bt.trace(source, at=at).exercise()[frame].save(folder / name)
        print(f"wrote {folder / name}")


if __name__ == "__main__":
    main()
