"""PNG frames drawn from the frame before (drawing/increments.py) against every frame drawn
whole: the same pictures, to the anti-aliasing of a crop's own pixel grid."""

import io

import numpy as np
import pytest
from lecture_graphs import DATA, LECTURE
from PIL import Image

import backprop_trace as bt
from backprop_trace.drawing import raster
from backprop_trace.drawing.increments import extent, frame_parts

GATE = ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4})
CASES = {
    "gate": (GATE, {}, (1920, 1080)),
    "gate-zh-dark": (GATE, {"lang": "zh", "theme": "dark"}, (1920, 1080)),
    "gate-fit": (GATE, {"aspect": "fit"}, (1920, 1080)),  # resvg centres it: an offset
    "gate-4:3-4K": (GATE, {"aspect": "4:3"}, (2880, 2160)),
    "gate-forward": (GATE, {"mode": "forward", "wrt": "x"}, (1920, 1080)),
    "network-2-2-1": ((LECTURE["network-2-2-1"][0], LECTURE["network-2-2-1"][1]), {},
                      (1920, 1080)),
}


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)


@pytest.mark.parametrize("case", list(CASES))
def test_frames_drawn_from_the_one_before_are_the_frames_drawn_whole(case):
    (source, at), options, size = CASES[case]
    data = DATA.get("network-2-2-1") if case == "network-2-2-1" else None
    svgs = bt.trace(source, at=at, data=data).frames(**options)
    whole = list(raster.convert_many(svgs, "png", size, len(svgs), incremental=False))
    drawn = list(raster.convert_many(svgs, "png", size, len(svgs)))
    assert len(drawn) == len(whole)
    for k, (a, b) in enumerate(zip(whole, drawn)):
        a, b = _pixels(a), _pixels(b)
        assert a.shape == b.shape, k
        off = np.abs(a - b).max(axis=2)
        # a text left out of a crop or a crop out of place differs by up to 255 over
        # thousands of pixels; a crop's anti-aliasing by at most 64, at a few
        assert off.max() <= 96 and (off > 16).mean() <= 5e-4, (case, k, off.max())


def test_an_elements_extent_holds_its_shapes_and_measured_text():
    """A wire's label set to the left of its end (text-anchor end) and a gate's path in
    H, V and A commands are inside their extents (a label outside was left out of a crop)."""
    svgs = bt.trace(*GATE[:1], at=GATE[1]).frames()
    _, caption, groups = frame_parts(svgs[3])
    label = next(g for g in groups if 'text-anchor="end"' in g and "∂f/∂z" in g)
    x0, _, x1, _ = extent(label)
    anchor = float(label.split('text-anchor="end"')[0].rsplit('x="', 1)[1].split('"')[0])
    assert x0 < anchor - 60 and x1 >= anchor  # "∂f/∂z = u₁ = 3" is about 90 units wide
    gate = extent('<path d="M10,20H50V60H16A6,6 0 0 1 10,54V26A6,6 0 0 1 16,20Z"/>')
    assert gate[0] <= 10 and gate[1] <= 20 and gate[2] >= 50 and gate[3] >= 60
    assert extent(caption)[3] - extent(caption)[1] >= 14


def test_a_runs_time_is_estimated_from_its_first_frame_and_the_share_of_the_rest():
    from backprop_trace.drawing.raster import INCREMENT_SHARE, convert_seconds, workers

    assert convert_seconds(1.0, 11, ["png"]) == pytest.approx(
        (1 + 10 * INCREMENT_SHARE) / workers())
    assert convert_seconds(1.0, 11, ["png", "pdf"]) == pytest.approx(11 / workers())
