# Vendored from the project's shared tools (shared/tools/frame_metrics.py), unchanged below this
# comment, so the tests run from a clean clone. test_slides.py points it at the bundled font.
"""Measures of a frame as a slide: text that collides or runs together, text size when the frame is
full-screen on a 1920x1080 projector, and the frame's aspect ratio.

Text boxes are measured with the DejaVu Sans metrics the frames are drawn in (PIL), anchored as
the SVG says; hidden groups are skipped. Texts inside one node or edge group are laid out
together on purpose and are not compared with each other. `crowded` counts pairs of texts from
different groups that overlap or sit on one line less than half an em apart.

In a test:   boxes = texts(svg); assert not crowded(boxes); assert projected_min_px(svg, boxes) >= 20
From a shell: python frame_metrics.py out/step-*.svg   (one line per file; needs Pillow)
The font is DejaVu Sans from /usr/share/fonts, or the file named by FRAME_METRICS_FONT (and
FRAME_METRICS_BOLD for bold).
"""
import os
import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from PIL import ImageFont

SVG = "{http://www.w3.org/2000/svg}"
FONT = os.environ.get("FRAME_METRICS_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BOLD = os.environ.get("FRAME_METRICS_BOLD", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SCREEN = (1920, 1080)


@lru_cache(maxsize=None)
def _font(size10, bold):
    return ImageFont.truetype(BOLD if bold else FONT, max(1, size10) / 10)


def _wide(ch):
    """CJK ideographs, kana, Hangul and full-width forms: one em wide in every CJK font."""
    o = ord(ch)
    return (0x1100 <= o <= 0x11FF or 0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF
            or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFF60 or 0x3000 <= o <= 0x303F)


def _width(s, fs, bold):
    """Advance width of s: DejaVu Sans for what it covers, one em for CJK (DejaVu has none)."""
    narrow = "".join(ch for ch in s if not _wide(ch))
    return _font(int(round(fs * 10)), bold).getlength(narrow) + fs * (len(s) - len(narrow))


def _translate(transform):
    x = y = 0.0
    for m in re.finditer(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)", transform or ""):
        x += float(m.group(1))
        y += float(m.group(2))
    return x, y


def _size(el, inherited):
    fs = el.get("font-size")
    if fs is None:
        style = el.get("style") or ""
        m = re.search(r"font-size:\s*([\d.]+)", style)
        fs = m.group(1) if m else None
    return float(fs.rstrip("pt").rstrip("px")) if fs else inherited


def texts(svg):
    """Visible text boxes: (x0, y0, x1, y1, font_size, string, group), where group is the id of
    the nearest node/edge group (texts of one node are laid out together on purpose)."""
    root = ET.fromstring(svg.encode() if isinstance(svg, str) else svg)
    out = []

    def walk(el, dx, dy, fs, hidden, bold, group):
        if el.get("visibility") == "hidden" or el.get("display") == "none" or \
                "display:none" in (el.get("style") or "").replace(" ", ""):
            hidden = True
        if el.get("visibility") == "visible":
            hidden = False
        tx, ty = _translate(el.get("transform"))
        dx, dy = dx + tx, dy + ty
        fs = _size(el, fs)
        bold = bold or el.get("font-weight") == "bold"
        if el.tag == SVG + "g" and (el.get("class") or "").split()[:1] in (["node"], ["edge"]):
            group = el.get("id") or id(el)
        if el.tag == SVG + "text" and not hidden:
            s = "".join(el.itertext()).strip()
            if s:
                x = float(el.get("x", 0)) + dx
                y = float(el.get("y", 0)) + dy
                w = _width(s, fs, bold)
                anchor = el.get("text-anchor", "start")
                x0 = x - w / 2 if anchor == "middle" else x - w if anchor == "end" else x
                out.append((x0, y - 0.76 * fs, x0 + w, y + 0.24 * fs, fs, s, group))
            return
        for child in el:
            walk(child, dx, dy, fs, hidden, bold, group)

    walk(root, 0.0, 0.0, 14.0, False, False, None)
    return out


def viewbox(svg):
    m = re.search(r'viewBox="([-\d.]+)[ ,]+([-\d.]+)[ ,]+([-\d.]+)[ ,]+([-\d.]+)"', svg)
    return tuple(float(v) for v in m.groups()) if m else None


def collisions(boxes):
    hits = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[6] is not None and a[6] == b[6]:
                continue
            ox = min(a[2], b[2]) - max(a[0], b[0])
            oy = min(a[3], b[3]) - max(a[1], b[1])
            if ox > 1 and oy > 1:
                hits.append((a[5], b[5]))
    return hits


def crowded(boxes, gap_em=0.5):
    """Pairs of separate texts that run together: on one line (vertical overlap over half the
    smaller height) with a horizontal gap under gap_em of the larger font, or overlapping."""
    hits = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[6] is not None and a[6] == b[6]:
                continue
            oy = min(a[3], b[3]) - max(a[1], b[1])
            if oy <= 0.5 * min(a[3] - a[1], b[3] - b[1]):
                continue
            gap = max(a[0], b[0]) - min(a[2], b[2])
            if gap < gap_em * max(a[4], b[4]):
                hits.append((a[5], b[5]))
    return hits


def projected_min_px(svg, boxes=None):
    """Smallest text height in screen pixels when the frame is scaled to fit 1920x1080."""
    vb = viewbox(svg)
    boxes = texts(svg) if boxes is None else boxes
    if not vb or not boxes:
        return 0.0
    scale = min(SCREEN[0] / vb[2], SCREEN[1] / vb[3])
    return min(b[4] for b in boxes) * scale


def aspect(svg):
    vb = viewbox(svg)
    return vb[2] / vb[3] if vb else 0.0


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:]:
        svg = open(name, encoding="utf-8").read()
        boxes = texts(svg)
        hits = crowded(boxes)
        print(f"{name}: {len(hits)} crowded pairs{' e.g. ' + repr(hits[0]) if hits else ''}; "
              f"smallest text {projected_min_px(svg, boxes):.1f} px at 1920x1080; "
              f"aspect {aspect(svg):.2f}")
