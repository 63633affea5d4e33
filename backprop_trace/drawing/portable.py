"""SVG frames that carry their fonts: the bundled fonts, each cut to the characters the frame
draws in it, as ``@font-face`` rules with data URLs in the frame's own style sheet, so a
browser or an SVG-reading slide tool with no DejaVu Sans or CJK font draws the frame exactly as
it was measured (``render`` and ``Frame.save`` write SVG files this way)."""

from __future__ import annotations

import base64
import re
from html import unescape
from typing import Final

from .metrics import CJK_FAMILY, CJK_RUN, cjk_font_bytes, font_bytes
from .sfnt import cut_font

__all__ = ["embed_fonts", "LATIN_FAMILY"]

LATIN_FAMILY: Final = "DejaVu Sans"
_TEXT: Final = re.compile(r"<text([^>]*)>(.*?)</text>", re.S)
_TAG: Final = re.compile(r"<[^>]+>")
_ROOT_FAMILY: Final = re.compile(r'<svg[^>]*? font-family="([^"]*)"')


def embed_fonts(svg: str) -> str:
    """The frame with ``@font-face`` rules for the fonts its texts use: DejaVu Sans regular
    and bold where the frame is set in it (a theme may name another font, which is then the
    reader's), and Noto Sans CJK SC for CJK runs."""
    if "<style>" not in svg:
        return svg
    regular: set[str] = set()
    bold: set[str] = set()
    cjk: set[str] = set()
    for attributes, inner in _TEXT.findall(svg):
        text = unescape(_TAG.sub("", inner))
        runs = "".join(CJK_RUN.findall(text))
        cjk.update(runs)
        (bold if 'font-weight="bold"' in attributes else regular).update(
            c for c in text if c not in runs)
    root = _ROOT_FAMILY.search(svg)
    latin = root is not None and root.group(1) == LATIN_FAMILY
    faces = []
    for characters, data, family, weight in (
            (regular if latin else set(), font_bytes(False), LATIN_FAMILY, ""),
            (bold if latin else set(), font_bytes(True), LATIN_FAMILY, "font-weight:bold;"),
            (cjk, cjk_font_bytes(), CJK_FAMILY, "")):
        if characters:
            font = base64.b64encode(cut_font(data, characters)).decode("ascii")
            faces.append(f"@font-face{{font-family:'{family}';{weight}"
                         f"src:url(data:font/ttf;base64,{font}) format('truetype')}}")
    return svg.replace("<style>", "<style>" + "".join(faces), 1)
