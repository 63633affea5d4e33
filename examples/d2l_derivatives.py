"""The D2L calculus examples with values: u = 3x² − 4x at x = 1 (du/dx = 2, tangent
y = 2x − 3), y = x³ − 1/x at x = 1 (4), and the 2-norm of (1, 2, 2) (gradient (1/3, 2/3, 2/3)).
"""

from _common import report

import backprop_trace as bt

u = bt.trace("u = 3x² − 4x", at={"x": 1})
assert u.grad == {"x": 2.0}
for row in u.limit_table():
    print(f"h = {row.h:g}: (u(1+h) − u(1))/h = {row.quotient:.5f}")
report(u, "d2l_polynomial")

cubic = bt.trace("y = x³ − 1/x", at={"x": 1})
assert cubic.grad == {"x": 4.0}
report(cubic, "d2l_cubic")

norm = bt.trace("f = sqrt(x1^2 + x2^2 + x3^2)", at={"x1": 1, "x2": 2, "x3": 2})
assert [round(norm.grad[k], 12) for k in ("x1", "x2", "x3")] == [round(v, 12) for v in
                                                                 (1 / 3, 2 / 3, 2 / 3)]
report(norm, "d2l_norm")
