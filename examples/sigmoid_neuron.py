"""A sigmoid neuron, σ(w0·x0 + w1·x1 + w2), at w = (2, −3, −3), x = (−1, −2).

Gradient: w0 −0.19661193, w1 −0.39322387, w2 0.19661193, x0 0.39322387, x1 −0.58983580.
Drawn top to bottom in the classic green/red palette.
"""

from _common import report

import backprop_trace as bt

t = bt.trace("f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
             at={"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2})
assert abs(t.grad["w0"] - -0.19661193) < 1e-8 and abs(t.grad["x1"] - -0.58983580) < 1e-8
report(t, "sigmoid_neuron", formats=("svg", "png"), theme="classic", rankdir="TB")
