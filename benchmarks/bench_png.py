"""Slide-sized PNG frames against SVG frames: ``render`` of the 2-2-1 network (with its data
inputs greyed, as the lecture draws it) to SVG, to PNG (1920×1080, across the cores, each
frame drawn from the one before) and to PNG with every frame drawn whole, each from a fresh
trace, alternated in one run; prints the ratios of the PNG runs to the SVG run:

    python benchmarks/bench_png.py [ROUNDS]

Issue 23's target is at most 3."""

from __future__ import annotations

import functools
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
from backprop_trace.outputs import write  # noqa: E402


def run(kind: str) -> float:
    source, at = LECTURE["network-2-2-1"]
    folder = tempfile.mkdtemp()
    plain = write.convert_many
    if kind == "png-whole":  # the plain path: every frame drawn whole
        write.convert_many = functools.partial(plain, incremental=False)  # type: ignore
    try:
        start = time.perf_counter()
        bt.trace(source, at=at, data=DATA["network-2-2-1"]).render(
            folder, formats=(kind[:3],), progress=False)
        return time.perf_counter() - start
    finally:
        write.convert_many = plain  # type: ignore
        shutil.rmtree(folder)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    times: dict[str, list[float]] = {"svg": [], "png": [], "png-whole": []}
    for _ in range(rounds):
        for kind in times:
            times[kind].append(run(kind))
    print(f"2-2-1 network, {workers()} worker(s), best of {rounds}: SVG run "
          f"{min(times['svg']):.2f} s, PNG run {min(times['png']):.2f} s, PNG drawn whole "
          f"{min(times['png-whole']):.2f} s")
    for kind in ("png", "png-whole"):
        ratios = [p / s for s, p in zip(times["svg"], times[kind])]
        print(f"{kind} / SVG: {min(times[kind]) / min(times['svg']):.2f} best, "
              f"{statistics.median(ratios):.2f} median" + (" (target ≤ 3)" if kind == "png"
                                                            else ""))


if __name__ == "__main__":
    main()
