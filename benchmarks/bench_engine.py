"""The engine at scale: trace() of a ~10,000-node MLP vs micrograd on the same network.

    python benchmarks/bench_engine.py

A 4→16→16→1 MLP (ReLU, linear output) with a squared-error loss over a batch of 14 samples,
written as one equation per neuron in micrograd's order of operations. Both are timed in the
same run, alternately: trace() = parse + graph + forward + every backward step recorded;
micrograd = building the network, the forward pass and loss.backward(). What trace() leaves to
first use (Step objects, symbolic forms, the networkx view of the graph) is timed too.
The gradients are compared, and the peak memory of the trace is printed.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import mlp_equations  # noqa: E402

import backprop_trace as bt  # noqa: E402


def micrograd_run(raw: dict) -> tuple[object, dict]:
    from micrograd.nn import MLP

    net = MLP(4, [16, 16, 1])
    for layer, (rows, biases) in enumerate(zip(raw["weights"], raw["biases"])):
        for neuron, row, b in zip(net.layers[layer].neurons, rows, biases):
            for p, w in zip(neuron.w, row):
                p.data = w
            neuron.b.data = b
    loss = sum((net(x) - y) ** 2 for x, y in zip(raw["xs"], raw["ys"]))
    loss.backward()
    grads = {}
    for layer, _ in enumerate(raw["weights"]):
        for j, neuron in enumerate(net.layers[layer].neurons):
            grads[f"b{layer}_{j}"] = neuron.b.grad
            for i, p in enumerate(neuron.w):
                grads[f"w{layer}_{j}_{i}"] = p.grad
    return loss, grads


def main() -> None:
    try:
        import micrograd  # noqa: F401
    except ImportError:
        sys.exit("this benchmark needs micrograd: pip install micrograd")
    sys.setrecursionlimit(100_000)  # micrograd's topological sort recurses
    lines, at, raw = mlp_equations()
    t = bt.trace(lines, at=at)
    loss, grads = micrograd_run(raw)
    worst = max(abs(t.grad[k] - g) / max(1.0, abs(g)) for k, g in grads.items())
    print(f"network: {len(lines)} equations, {sum(map(len, lines)):,} characters, "
          f"{len(t.graph):,} nodes, {len(t.steps):,} steps")
    print(f"loss: trace {t.value:.12g}, micrograd {loss.data:.12g}; "
          f"largest gradient difference {worst:.1e} over {len(grads)} parameters")
    ours, theirs = [], []
    for _ in range(9):
        gc.collect()
        start = time.perf_counter()
        bt.trace(lines, at=at)
        ours.append(time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        micrograd_run(raw)
        theirs.append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(ours, theirs)]
    print(f"trace() {min(ours):.3f} s, micrograd {min(theirs):.3f} s (best of 9): "
          f"ratio best {min(ours) / min(theirs):.2f}, median {statistics.median(ratios):.2f} "
          f"(target ≤ 2.0)")
    # What trace() leaves to first use, timed on a fresh trace.
    t = bt.trace(lines, at=at)
    start = time.perf_counter()
    all_steps = t.steps
    made = time.perf_counter() - start
    start = time.perf_counter()
    step = all_steps[len(all_steps) // 2]
    _ = (str(step.local_expr), str(step.total_expr), str(all_steps[-1].total_expr))
    symbolic = time.perf_counter() - start
    start = time.perf_counter()
    graph = t.graph
    networkx = time.perf_counter() - start
    print(f"on first use: t.steps ({len(all_steps):,} Step objects) {1000 * made:.0f} ms, "
          f"then the symbolic form of a step {1000 * symbolic:.1f} ms; the networkx graph "
          f"({len(graph):,} nodes) {1000 * networkx:.0f} ms")
    tracemalloc.start()
    bt.trace(lines, at=at)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    code = ("import sys, resource; sys.path[:0] = sys.argv[1:3];"
            "import backprop_trace as bt; from generate import mlp_equations;"
            "lines, at, _ = mlp_equations(); base = resource.getrusage(resource.RUSAGE_SELF)"
            ".ru_maxrss; bt.trace(lines, at=at);"
            "print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    here = Path(__file__).resolve().parent
    base, peak_rss = map(int, subprocess.run(
        [sys.executable, "-c", code, str(here.parent), str(here)], capture_output=True,
        text=True, check=True).stdout.split())
    print(f"peak memory of the trace: {peak / 1e6:.0f} MB allocated by Python (tracemalloc); "
          f"process peak {peak_rss / 1e3:.0f} MB RSS, {(peak_rss - base) / 1e3:.0f} MB over "
          f"the imports (target < 300 MB)")


if __name__ == "__main__":
    main()
