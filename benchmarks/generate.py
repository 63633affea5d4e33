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
