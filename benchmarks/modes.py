"""Forward mode against reverse mode on the canonical examples and the lecture graphs: the work
of each (edges visited: forward mode once per differentiated input, one reverse pass), and
what sizing the one layout for every mode costs the reverse frames (seconds of describing
the other modes, measured in the same run as the whole first picture):

    python benchmarks/modes.py

The README's table comes from it."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from lecture_graphs import DATA, LECTURE  # noqa: E402
from test_slides import CANONICAL  # noqa: E402

import backprop_trace as bt  # noqa: E402


def row(name: str, t: bt.Trace) -> str:
    work = t.mode_work()
    start = time.perf_counter()
    renderer = t.renderer()
    renderer.all_svgs().__next__()  # the layout and the first frame: the whole first picture
    whole = time.perf_counter() - start
    sized = renderer.other_views  # made during the layout: timed again on a fresh renderer
    fresh = type(renderer)(renderer.desc, renderer.options)
    start = time.perf_counter()
    _ = fresh.other_views
    modes = time.perf_counter() - start
    visits = " + ".join(str(n) for n in work.forward.values()) or "…"
    ratio = work.forward_total / work.reverse if work.reverse else float("nan")
    return (f"| {name} | {work.passes} | {visits} = {work.forward_total} | "
            f"{work.reverse} | {ratio:.2f} | {len(sized)} | {modes * 1000:.0f} ms | "
            f"{whole:.2f} s |")


def main() -> None:
    print("| graph | inputs differentiated | forward mode: edges visited | one reverse pass | "
          "forward / reverse | other modes' frames sized for | describing them | "
          "first picture in all |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (source, at) in CANONICAL.items():
        print(row(name, bt.trace(source, at=at)), flush=True)
    for name, (source, at) in LECTURE.items():
        print(row(name, bt.trace(source, at=at, data=DATA.get(name) or None)), flush=True)


if __name__ == "__main__":
    main()
