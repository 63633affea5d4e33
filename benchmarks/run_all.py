"""Every benchmark figure from one command:

    python benchmarks/run_all.py

(engine vs micrograd and peak memory, start-up, frames vs one Graphviz layout, text sizes and
wire faults of the canonical and lecture graphs, a 1,000-node
trace written out, hostile inputs' time to an answer). Needs micrograd for the first:
pip install micrograd.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for name, title in [("bench_engine", "Engine at scale (10,000-node MLP) vs micrograd"),
                    ("bench_tensors", "Tensors: a 784-128-10 MLP vs numpy by hand"),
                    ("bench_startup", "Start-up"),
                    ("bench_layout_engines", "Layout engines side by side"),
                    ("bench_frames", "Frames vs one plain dot -Tsvg"),
                    ("bench_png", "Slide-sized PNG frames vs SVG frames (2-2-1 network)"),
                    ("slide_sizes", "Canonical examples: smallest text on a 1920×1080 slide"),
                    ("lecture_graphs", "Lecture graphs: text, crossings, wires near boxes"),
                    ("modes", "Forward mode against reverse mode: edges visited, sizing cost"),
                    ("bench_big", "A 1,000-node trace, all outputs"),
                    ("bench_bounds", "Hostile and extreme inputs: time to an answer")]:
    print(f"== {title}", flush=True)
    subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False,
                   stderr=subprocess.DEVNULL if name == "bench_big" else None)
    print(flush=True)
