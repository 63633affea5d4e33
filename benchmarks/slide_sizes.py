"""The smallest text of every frame of the canonical examples, in screen pixels when a frame
is shown full-screen at 1920×1080, for the direction chosen (auto) and for LR and TB:

    python benchmarks/slide_sizes.py        (needs Pillow: pip install -e '.[test]')

The README's table comes from it; tests/test_slides.py asserts the promised sizes."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_slides import CANONICAL, fm  # noqa: E402  (the examples and frame_metrics)

import backprop_trace as bt  # noqa: E402
from backprop_trace.drawing.gates import drawn_nodes  # noqa: E402


def main() -> None:
    print("| example | drawn nodes | direction chosen | smallest text (chosen) | LR | TB |")
    print("|---|---|---|---|---|---|")
    for name, (source, at) in CANONICAL.items():
        t = bt.trace(source, at=at)
        px = {d: min(fm.projected_min_px(s) for s in t.frames(rankdir=d))
              for d in ("auto", "LR", "TB")}
        print(f"| {name} | {len(drawn_nodes(t.tape))} | {t.renderer().direction} | "
              f"**{px['auto']:.1f} px** | {px['LR']:.1f} | {px['TB']:.1f} |")


if __name__ == "__main__":
    main()
