"""PNG frames of a run, each drawn from the one before: a backward step changes a few boxes,
wires and the caption, so only the crops around what changed are drawn again (from an SVG
holding just the elements that reach into them, at the frame's own scale) and pasted over
the previous picture. resvg spends most of a frame on its text; a crop shapes a few lines."""

from __future__ import annotations

import io
import math
import re
import struct
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from html import unescape
from typing import Any, Final

from .metrics import text_width

__all__ = ["png_run", "frame_parts", "extent", "changed_boxes"]

Box = tuple[float, float, float, float]
"""x0, y0, x1, y1 in the frame's user units."""

REDRAW_AT_MOST: Final = 0.45
"""A frame whose changes cover more of it than this is drawn whole (crops cost more)."""
MARGIN: Final = 3.0
"""User units around an element's extent: strokes, the halo and anti-aliasing."""
_ROOT: Final = re.compile(r'(<svg[^>]*?) width="[\d.]+" height="[\d.]+" viewBox="[^"]*"')
_VIEW: Final = re.compile(r'viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"')
_GROUP: Final = re.compile(r'<g id="[^"]+" class="[^"]+">\n.*?</g>\n', re.S)
_CAPTION: Final = re.compile(r'<text class="caption".*?</text>\n', re.S)
_TITLE: Final = re.compile(r"<title>.*?</title>\n", re.S)
_BODY: Final = re.compile(r'<text class="caption"|<g id="')
_ELEMENT: Final = re.compile(r"<(rect|path|polygon)\b([^>]*)>|<(text)\b([^>]*)>(.*?)</text>", re.S)
_ATTRIBUTE: Final = re.compile(r'([\w:-]+)="([^"]*)"')
_NUMBER: Final = re.compile(r"-?\d+(?:\.\d+)?")
_PATH: Final = re.compile(r"([MLCHVAZ])([^MLCHVAZ]*)")


def frame_parts(svg: str) -> tuple[str, str, list[str]]:
    """A frame as its head (root, style, background: the same in every frame of a run, the
    title left out), its caption texts and its groups, in painting order."""
    body = _BODY.search(svg)
    first = body.start() if body else svg.rfind("</svg>")
    return _TITLE.sub("", svg[:first]), "".join(_CAPTION.findall(svg)), _GROUP.findall(svg)


@lru_cache(maxsize=4096)  # a frame's unchanged groups are the previous frame's strings
def extent(fragment: str, root_size: float = 14.0) -> Box | None:
    """The box that every shape and text of ``fragment`` stays within, by their coordinates
    and the fonts' metrics (a text's width as measured, a line's height from its size)."""
    xs: list[float] = []
    ys: list[float] = []
    stroke = 0.0
    for shape, shape_attributes, text, text_attributes, content in _ELEMENT.findall(fragment):
        tag = shape or text
        own = dict(_ATTRIBUTE.findall(shape_attributes or text_attributes))
        stroke = max(stroke, float(own.get("stroke-width", 0)))
        if tag == "rect":
            x, y = float(own.get("x", 0)), float(own.get("y", 0))
            xs += [x, x + float(own["width"])]
            ys += [y, y + float(own["height"])]
        elif tag == "polygon":
            numbers = [float(n) for n in _NUMBER.findall(own["points"])]
            xs += numbers[0::2]
            ys += numbers[1::2]
        elif tag == "path":
            _path_points(own["d"], xs, ys)
        else:
            size = float(own.get("font-size", root_size))
            plain = unescape(re.sub(r"<[^>]+>", "", content))
            width = text_width(plain, size, own.get("font-weight") == "bold")
            x, y = float(own["x"]), float(own["y"])
            left = x - width * {"middle": 0.5, "end": 1.0}.get(own.get("text-anchor", ""), 0.0)
            xs += [left, left + width]
            ys += [y - 1.2 * size, y + 0.5 * size]  # ascenders, and subscripts set lower
    if not xs:
        return None
    pad = MARGIN + stroke / 2
    return min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad


def _path_points(d: str, xs: list[float], ys: list[float]) -> None:
    """The points of a path in absolute commands (M L C: pairs; H, V: one coordinate; A:
    its end point): its control points bound its curves."""
    x = y = 0.0
    for command, rest in _PATH.findall(d):
        numbers = [float(n) for n in _NUMBER.findall(rest)]
        if command in "MLC":
            for k in range(0, len(numbers) - 1, 2):
                x, y = numbers[k], numbers[k + 1]
                xs.append(x)
                ys.append(y)
        elif command == "H" and numbers:
            x = numbers[-1]
            xs.append(x)
            ys.append(y)
        elif command == "V" and numbers:
            y = numbers[-1]
            xs.append(x)
            ys.append(y)
        elif command == "A" and len(numbers) >= 7:
            x, y = numbers[5], numbers[6]
            xs.append(x)
            ys.append(y)


def changed_boxes(before: tuple[str, str, list[str]],
                  after: tuple[str, str, list[str]]) -> list[Box] | None:
    """Where ``after`` differs from ``before``: the extents, old and new, of each caption or
    group that changed (None when the frames differ in more than that)."""
    if before[0] != after[0] or len(before[2]) != len(after[2]):
        return None
    pairs = [(before[1], after[1]), *zip(before[2], after[2])]
    boxes = []
    for old, new in pairs:
        if old != new:
            for fragment in (old, new):
                box = extent(fragment)
                if box is not None:
                    boxes.append(box)
    return _merged(boxes)


def _merged(boxes: list[Box]) -> list[Box]:
    """Overlapping boxes as one (each crop is one resvg call)."""
    merged: list[Box] = []
    for box in boxes:
        while True:
            overlap = next((m for m in merged if _overlaps(m, box)), None)
            if overlap is None:
                break
            merged.remove(overlap)
            box = (min(box[0], overlap[0]), min(box[1], overlap[1]),
                   max(box[2], overlap[2]), max(box[3], overlap[3]))
        merged.append(box)
    return merged


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def png_run(svgs: Sequence[str], size: tuple[int, int],
            draw: Callable[[str, tuple[int, int]], bytes]) -> list[bytes]:
    """PNG frames of ``svgs`` (frames of one run, in order) at ``size`` pixels: the first
    drawn whole by ``draw`` (SVG, pixels → PNG), each next one from the one before."""
    pngs = [draw(svgs[0], size)]
    picture = _rgba(pngs[0])
    previous = frame_parts(svgs[0])
    for svg in svgs[1:]:
        parts = frame_parts(svg)
        boxes = changed_boxes(previous, parts)
        view = _VIEW.search(svg)
        crops = None if boxes is None or view is None else \
            _crops(boxes, [float(v) for v in view.groups()], size)
        if crops is None:
            png = draw(svg, size)
            picture = _rgba(png)
        else:
            for left, top, width, height, scale, origin in crops:
                piece = draw(_crop_svg(parts, (origin[0] + left / scale, origin[1] + top / scale,
                                               width / scale, height / scale)), (width, height))
                picture[top:top + height, left:left + width] = _rgba(piece)
            png = encode_png(picture)
        pngs.append(png)
        previous = parts
    return pngs


def _rgba(png: bytes) -> Any:
    """A PNG's pixels as a writable height × width × 4 array (RGBA, as resvg draws: a frame
    fitted to pixels of another shape has partly transparent edges)."""
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return np.array(image.convert("RGBA"))


PNG_LEVEL: Final = 3
"""zlib's level for a frame drawn from the one before: 17 ms and 177 kB for a frame of the
2-2-1 network at 1920×1080 (Pillow's encoder, with its adaptive row filters: 65 ms and
220 kB; resvg's own file: 166 kB)."""


def encode_png(rgba: Any) -> bytes:
    """An 8-bit RGBA PNG of ``rgba`` (height × width × 4), rows unfiltered: a frame is mostly
    runs of one colour, which zlib takes as well as any filter, and far faster."""
    import numpy as np

    height, width, _ = rgba.shape
    rows = np.empty((height, width * 4 + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type None
    rows[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + \
        _chunk(b"IDAT", zlib.compress(rows.tobytes(), PNG_LEVEL)) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _crops(boxes: list[Box], view: list[float], size: tuple[int, int]
           ) -> list[tuple[int, int, int, int, float, tuple[float, float]]] | None:
    """Each box as whole pixels of the picture (left, top, width, height), or None where
    together they cover more than REDRAW_AT_MOST of it."""
    # as resvg fits the viewBox to the pixels: one scale, centred (xMidYMid meet)
    scale = min(size[0] / view[2], size[1] / view[3])
    origin = (view[0] - (size[0] - view[2] * scale) / 2 / scale,
              view[1] - (size[1] - view[3] * scale) / 2 / scale)
    crops = []
    for x0, y0, x1, y1 in boxes:
        left = max(0, math.floor((x0 - origin[0]) * scale))
        top = max(0, math.floor((y0 - origin[1]) * scale))
        right = min(size[0], math.ceil((x1 - origin[0]) * scale))
        bottom = min(size[1], math.ceil((y1 - origin[1]) * scale))
        if right > left and bottom > top:
            crops.append((left, top, right - left, bottom - top, scale, origin))
    if sum(w * h for _, _, w, h, _, _ in crops) > REDRAW_AT_MOST * size[0] * size[1]:
        return None
    return crops


def _crop_svg(parts: tuple[str, str, list[str]], window: tuple[float, float, float, float]
              ) -> str:
    """The frame's head, and those of its caption and groups that reach into ``window``
    (x, y, width, height in user units), drawn with ``window`` as the whole picture."""
    x, y, width, height = window
    inside = (x, y, x + width, y + height)
    kept = [f for f in (parts[1], *parts[2])
            if f and (box := extent(f)) is not None and _overlaps(box, inside)]
    head = _ROOT.sub(f'\\1 width="{width}" height="{height}" viewBox="{x!r} {y!r} {width!r} '
                     f'{height!r}"', parts[0], count=1)
    return head + "".join(kept) + "</svg>\n"

