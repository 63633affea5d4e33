"""The D2L exercise: u = f(x, y, z) with x = x(a, b), y = y(a, b), z = z(a, b). No formulas,
so the trace is symbolic: ∂u/∂a = ∂u/∂x·∂x/∂a + ∂u/∂y·∂y/∂a + ∂u/∂z·∂z/∂a (and b).
"""

from _common import report

import backprop_trace as bt

t = bt.trace("u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)")
assert t.chain_rule("a") == "∂u/∂a = ∂u/∂x·∂x/∂a + ∂u/∂y·∂y/∂a + ∂u/∂z·∂z/∂a"
report(t, "abstract_chain_rule", formats=("svg", "png"))
