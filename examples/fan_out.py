"""Fan-out: e = (a + b)·(b + 1) at a = 2, b = 1. b feeds two nodes, so its gradient is a sum:
∂e/∂b = 1·2 + 1·3 = 5 (two contributions), ∂e/∂a = 2.
"""

from _common import report

import backprop_trace as bt

t = bt.trace("e = (a + b) * (b + 1)", at={"a": 2, "b": 1})
assert t.grad == {"a": 2.0, "b": 5.0}
report(t, "fan_out", formats=("svg", "png"))
