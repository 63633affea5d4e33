"""Tensors: tracing a 784-128-10 ReLU MLP on a batch of 64 with softmax cross-entropy, against
the same forward and backward pass written by hand in numpy (measured alternately in one run;
best and median of N).

    python benchmarks/bench_tensors.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import backprop_trace as bt  # noqa: E402

NETWORK = ("Z1 = X @ W1 + b1; H = relu(Z1); Z2 = H @ W2 + b2; "
           "L = -sum(Y * log(softmax(Z2))) / 64")
PARAMETERS = ("W1", "b1", "W2", "b2")
RUNS = 15


def values() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, size=64)
    return {"X": rng.normal(size=(64, 784)), "W1": rng.normal(size=(784, 128)) * 0.05,
            "b1": np.zeros(128), "W2": rng.normal(size=(128, 10)) * 0.1, "b2": np.zeros(10),
            "Y": np.eye(10)[labels]}


def by_hand(v: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
    """The forward and backward pass as a numpy user writes them."""
    z1 = v["X"] @ v["W1"] + v["b1"]
    h = np.maximum(z1, 0)
    z2 = h @ v["W2"] + v["b2"]
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.sum(v["Y"] * np.log(p)) / 64
    g2 = (p - v["Y"]) / 64
    gh = g2 @ v["W2"].T
    g1 = gh * (z1 > 0)
    return float(loss), {"W2": h.T @ g2, "b2": g2.sum(axis=0), "W1": v["X"].T @ g1,
                         "b1": g1.sum(axis=0)}


def main() -> None:
    v = values()
    loss, grads = by_hand(v)
    t = bt.trace(NETWORK, at=v, wrt=PARAMETERS)
    assert abs(t.value - loss) < 1e-12 * max(1, abs(loss))
    worst = max(float(np.max(np.abs(t.grad[k] - grads[k]))) for k in PARAMETERS)
    traced, hand = [], []
    for _ in range(RUNS):  # alternately: the machine's load falls on both alike
        start = time.perf_counter()
        bt.trace(NETWORK, at=v, wrt=PARAMETERS)
        traced.append(time.perf_counter() - start)
        start = time.perf_counter()
        by_hand(v)
        hand.append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(traced, hand)]
    print(f"784-128-10 ReLU MLP, batch 64, softmax cross-entropy: {len(t.tape)} nodes, "
          f"{len(t.steps)} steps; gradients equal to {worst:.1e}")
    print(f"trace() {min(traced) * 1e3:.1f} ms, numpy by hand {min(hand) * 1e3:.1f} ms (best of "
          f"{RUNS}): ratio best {min(traced) / min(hand):.2f}, median "
          f"{statistics.median(ratios):.2f} (target ≤ 2.0)")


if __name__ == "__main__":
    main()
