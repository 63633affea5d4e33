"""Generated equation systems for the benchmarks: random DAGs and a scalar MLP."""

from __future__ import annotations

import random


def random_network(n_nodes: int, seed: int = 0) -> tuple[list[str], dict[str, float]]:
    """About ``n_nodes`` graph nodes and 1.5 edges per node: unary and binary ops over earlier
    variables (so values fan out), ending in one output."""
    rng = random.Random(seed)
    n_inputs = max(2, n_nodes // 10)
    names = [f"x{i}" for i in range(n_inputs)]
    at = {name: rng.uniform(-1, 1) for name in names}
    lines = []
    for i in range(n_nodes - n_inputs - 1):
        a = rng.choice(names[-12:])
        if rng.random() < 0.5:
            b = rng.choice(names[-12:])
            expr = f"{a} {rng.choice('+-*')} {b}"
        else:
            expr = f"{rng.choice(['sin', 'tanh', 'sigmoid'])}({a})"
        names.append(f"v{i}")
        lines.append(f"v{i} = {expr}")
    used = {tok for line in lines for tok in line.split("=", 1)[1].replace("(", " ")
            .replace(")", " ").split()}
    lines.append("out = " + " + ".join(n for n in names if n not in used))
    return lines, at


def mlp_equations(sizes: tuple[int, ...] = (4, 16, 16, 1), batch: int = 14,
                  seed: int = 0) -> tuple[list[str], dict[str, float], dict[str, object]]:
    """A ReLU MLP (the last layer linear; micrograd has relu but no tanh) with a squared-error
    loss over a batch, written as one equation per neuron in micrograd's order of operations
    (b + w0·x0 + w1·x1 + …).

    Returns the equations, the values of every input (weights, data, targets) and the raw
    numbers, so micrograd can build the same network."""
    rng = random.Random(seed)
    weights = [[[rng.uniform(-1, 1) for _ in range(sizes[i])] for _ in range(sizes[i + 1])]
               for i in range(len(sizes) - 1)]
    biases = [[rng.uniform(-0.5, 0.5) for _ in range(sizes[i + 1])]
              for i in range(len(sizes) - 1)]
    xs = [[rng.uniform(-1, 1) for _ in range(sizes[0])] for _ in range(batch)]
    ys = [rng.choice((-1.0, 1.0)) for _ in range(batch)]
    at: dict[str, float] = {}
    for layer, rows in enumerate(weights):
        for j, row in enumerate(rows):
            at[f"b{layer}_{j}"] = biases[layer][j]
            for i, w in enumerate(row):
                at[f"w{layer}_{j}_{i}"] = w
    lines = []
    for s, (x, y) in enumerate(zip(xs, ys)):
        previous = []
        for i, v in enumerate(x):
            at[f"x{s}_{i}"] = v
            previous.append(f"x{s}_{i}")
        at[f"t{s}"] = y
        for layer, rows in enumerate(weights):
            last = layer == len(weights) - 1
            current = []
            for j, row in enumerate(rows):
                terms = " + ".join(f"w{layer}_{j}_{i}*{p}" for i, p in enumerate(previous))
                act = f"b{layer}_{j} + {terms}"
                name = f"h{s}_{layer}_{j}"
                lines.append(f"{name} = {act}" if last else f"{name} = relu({act})")
                current.append(name)
            previous = current
        lines.append(f"e{s} = ({previous[0]} - t{s})^2")
    lines.append("loss = " + " + ".join(f"e{s}" for s in range(batch)))
    return lines, at, {"weights": weights, "biases": biases, "xs": xs, "ys": ys}
