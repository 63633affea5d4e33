"""How fast hostile and extreme inputs are answered (a result or a TraceError): the wall-clock
budgets the tests used to assert, measured here instead (tests assert behaviour; these
machines are shared and noisy). Prints each case's best of 3 against its budget."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import backprop_trace as bt  # noqa: E402

CORPUS = json.loads((Path(__file__).resolve().parent.parent / "tests" /
                     "hostile_inputs.json").read_text())
CASES = [
    ("10,000-deep brackets", "(" * 10_000 + "x" + ")" * 10_000, 2.0),
    ("a 1 MB sum", "x+" * 500_000 + "x", 1.0),
    ("100,000 unary minus", "-" * 100_000 + "x", 2.0),
    ("x^x^… 5,000 deep", "x^" * 5_000 + "x", 2.0),
    ("a 5,000-digit number", "9" * 5_000, 2.0),
    ("2,000-fold fan-out, with values", "y = " + "*".join(["x"] * 2000), 5.0),
    ("200 nodes fanning out twice, steps' totals",
     "\n".join(["u0 = x"] + [f"u{i} = sin(u{i - 1}) * u{i - 1}" for i in range(1, 200)]), 1.0),
    ("100-factor fan-out, all frames", "y = " + "*".join(["x"] * 100), 5.0),
    ("12-equation blow-up, check() and expandable",
     "; ".join(["u1 = x + x*x"] + [f"u{i} = u{i - 1} + u{i - 1}*u{i - 1}" for i in range(2, 13)]),
     5.0),
] + [(f"corpus: {c['why']}", c["text"], 2.0) for c in CORPUS]


def answer(name: str, text: str) -> None:
    try:
        if "with values" in name:
            _ = bt.trace(text, at={"x": 1.0}).grad
            return
        if "all frames" in name:
            _ = bt.trace(text, at={"x": 1.0}).frames()
            return
        if "blow-up" in name:
            t = bt.trace(text, at={"x": 0.5})
            _ = t.check(), t.expandable
            return
        t = bt.trace(text)
        _ = [str(s.total_expr) for s in t.steps]
        if name.startswith("corpus"):
            _ = t.grad_expr
    except bt.TraceError:
        pass


def main() -> None:
    worst = 0.0
    over = []
    for name, text, budget in CASES:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            answer(name, text)
            times.append(time.perf_counter() - start)
        best = min(times)
        worst = max(worst, best / budget)
        if best > budget:
            over.append(name)
        if not name.startswith("corpus"):
            print(f"{name:<45} {best:7.3f} s  (budget {budget:g} s)")
    print(f"hostile corpus: {len(CORPUS)} cases, slowest at {worst:.0%} of its budget; "
          f"over budget: {', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()
