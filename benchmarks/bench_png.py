"""Slide-sized PNG frames against SVG frames: ``render`` of the 2-2-1 network (with its data
inputs greyed, as the lecture draws it) to SVG and to PNG (1920×1080, across the cores), each
from a fresh trace, alternated in one run; prints the ratio of the PNG run to the SVG run:

    python benchmarks/bench_png.py [ROUNDS]

Issue 23's target is at most 3."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from lecture_graphs import DATA, LECTURE  # noqa: E402

import backprop_trace as bt  # noqa: E402
from backprop_trace.drawing.raster import workers  # noqa: E402


def run(fmt: str) -> float:
    source, at = LECTURE["network-2-2-1"]
    folder = tempfile.mkdtemp()
    try:
        start = time.perf_counter()
        bt.trace(source, at=at, data=DATA["network-2-2-1"]).render(folder, formats=(fmt,),
                                                                   progress=False)
        return time.perf_counter() - start
    finally:
        shutil.rmtree(folder)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    times: dict[str, list[float]] = {"svg": [], "png": []}
    for _ in range(rounds):
        for fmt in times:
            times[fmt].append(run(fmt))
    ratios = [p / s for s, p in zip(times["svg"], times["png"])]
    print(f"2-2-1 network, {workers()} worker(s): SVG run {min(times['svg']):.2f} s, "
          f"PNG run {min(times['png']):.2f} s (best of {rounds})")
    print(f"PNG / SVG: {min(times['png']) / min(times['svg']):.2f} best, "
          f"{statistics.median(ratios):.2f} median (target ≤ 3)")


if __name__ == "__main__":
    main()
