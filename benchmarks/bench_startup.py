"""Start-up: the CLI on the lecture's gate example, end to end (all default outputs written),
divided by ``python -c "import sympy, networkx, numpy, graphviz, wasmtime"`` (the bare
dependency imports), measured alternately in one run, with the layout engine's compiled
module cached (warm). Then the first run with an empty cache (cold), as on a fresh machine.

    python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

GATE = ["f = (x + y) * z", "--at", "x=-2,y=5,z=-4"]


def seconds(args: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        cli = [sys.executable, "-m", "backprop_trace", *GATE, "-o", out, "-q"]
        imports = [sys.executable, "-c", "import sympy, networkx, numpy, graphviz, wasmtime"]
        seconds(cli)  # warm the file cache, the bytecode and the engine's compiled module
        ours, theirs = [], []
        for _ in range(7):
            ours.append(seconds(cli))
            theirs.append(seconds(imports))
        cold = []
        for _ in range(2):
            with tempfile.TemporaryDirectory() as cache:
                env = {**os.environ, "XDG_CACHE_HOME": cache}
                cold.append(seconds(cli, env))
    ratios = [a / b for a, b in zip(ours, theirs)]
    print(f"warm: CLI {min(ours):.3f} s, imports alone {min(theirs):.3f} s (best of 7): ratio "
          f"best {min(ours) / min(theirs):.2f}, median {statistics.median(ratios):.2f} "
          f"(target ≤ 1.5)")
    print(f"cold (empty cache, the engine compiled): {min(cold):.2f} s best, {max(cold):.2f} s "
          f"worst of 2 (target < 8 s)")


if __name__ == "__main__":
    main()
