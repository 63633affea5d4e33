"""The backprop lecture's gate example: f = (x + y)·z at x = −2, y = 5, z = −4.

Gradient: ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3.
"""

from _common import report

import backprop_trace as bt

t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
assert t.grad == {"x": -4.0, "y": -4.0, "z": 3.0}
report(t, "gate", formats=("svg", "png"))
