"""A 1,000-node trace written out: every default output, the time, the size.

    python benchmarks/bench_big.py

Above 300 nodes ``render`` makes one frame per operation (granularity "node") and caps
Graphviz's crossing-minimisation effort; progress goes to stderr.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import random_network  # noqa: E402

import backprop_trace as bt  # noqa: E402


def main() -> None:
    lines, at = random_network(1000)
    start = time.perf_counter()
    # every frame of it is more than the default output budget (limits.max_output_bytes)
    t = bt.trace(lines, at=at, limits=bt.Limits(max_output_bytes=10e9, max_layout_seconds=60))
    traced = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as out, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        layout_start = time.perf_counter()
        renderer = t.renderer()
        _ = renderer.drawer  # the one layout
        layout = time.perf_counter() - layout_start
        paths = t.render(out, progress=True)
        written = time.perf_counter() - start
        size = sum(p.stat().st_size for p in paths)
        frames = [p for p in paths if p.name.startswith("step-")]
        player = Path(out, "index.html").stat().st_size
    print(f"{len(t.graph):,} nodes, {len(t.steps):,} steps: trace {traced:.2f} s; layout "
          f"{layout:.1f} s; all outputs {written:.1f} s ({len(frames):,} frames, one per "
          f"operation); {size / 1e6:,.0f} MB written (frames {size / len(frames) / 1e6:.1f} MB "
          f"each on average, index.html {player / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
