"""The lecture graphs of issue 19 (tests/lecture_graphs.py), measured as a lecturer sees them on
a 1920×1080 projector: drawn nodes, the smallest text of any frame, crossing wire pairs, wires
within 2 pt of a box they do not connect, the share of the slide the drawing fills and the
direction chosen:

    python benchmarks/lecture_graphs.py        (needs Pillow: pip install -e '.[test]')

The README's table comes from it; tests/test_lecture_graphs.py asserts the sizes and
crossings."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from lecture_graphs import LECTURE, traced  # noqa: E402
from svg_reading import node_boxes  # noqa: E402
from test_slides import fm  # noqa: E402  (frame_metrics with the bundled font)

from backprop_trace.drawing.gates import drawn_nodes  # noqa: E402


def area_used(svg: str) -> float:
    """The bounding box of every node box and text, as a share of the slide."""
    boxes = list(node_boxes(svg).values()) + [b[:4] for b in fm.texts(svg)]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    _, _, width, height = fm.viewbox(svg)
    return (x1 - x0) * (y1 - y0) / (width * height)


def main() -> None:
    print("| graph | drawn nodes | smallest text | crossings | wires near a box | "
          "slide used | direction | layout time |")
    print("|---|---|---|---|---|---|---|---|")
    for name in LECTURE:
        t = traced(name)
        renderer = t.renderer()
        start = time.perf_counter()
        chosen = renderer.layout_choice
        seconds = time.perf_counter() - start
        frames = t.frames()
        px = min(fm.projected_min_px(svg) for svg in frames)
        print(f"| {name} | {len(drawn_nodes(renderer.desc.data.tape))} | {px:.1f} px | "
              f"{chosen.faults.crossings} | {chosen.faults.near_boxes} | "
              f"{area_used(frames[-1]):.0%} | {chosen.shape.rankdir} | {seconds:.2f} s |",
              flush=True)


if __name__ == "__main__":
    main()
