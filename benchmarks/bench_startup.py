"""Start-up: the CLI on the D2L chain-rule example (all default outputs written) divided by
``python -c "import sympy, networkx, numpy, graphviz"``, measured alternately in one run.

    python benchmarks/bench_startup.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

D2L = ["u = f(x, y, z)", "x = x(a, b)", "y = y(a, b)", "z = z(a, b)"]


def seconds(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        cli = [sys.executable, "-m", "backprop_trace", *D2L, "-o", out, "-q"]
        imports = [sys.executable, "-c", "import sympy, networkx, numpy, graphviz"]
        seconds(cli)  # warm the file cache and the bytecode
        ours, theirs = [], []
        for _ in range(7):
            ours.append(seconds(cli))
            theirs.append(seconds(imports))
    ratios = [a / b for a, b in zip(ours, theirs)]
    print(f"CLI {min(ours):.3f} s, imports alone {min(theirs):.3f} s (best of 7): ratio best "
          f"{min(ours) / min(theirs):.2f}, median {statistics.median(ratios):.2f} (target ≤ 1.5)")


if __name__ == "__main__":
    main()
