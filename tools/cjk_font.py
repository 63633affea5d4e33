"""Builds the bundled CJK font, ``backprop_trace/drawing/fonts/NotoSansCJKsc-Subset.ttf``:
Noto Sans CJK SC Regular (SIL OFL 1.1) cut to the characters frames draw in Chinese and
Korean, its outlines made TrueType (ReportLab, which writes the PDF frames, reads no CFF).

The characters kept: every character of the zh and ko catalogues, the 3,755 common hanzi
(GB 2312 level 1), the 2,350 common Hangul syllables (KS X 1001), Hangul letters, CJK
punctuation and full-width forms, so a user's own names (损失, 손실) are drawn too.

Run from the repository's top, with fontTools and Debian's ``fonts-noto-cjk`` unpacked:

    apt-get download fonts-noto-cjk && dpkg -x fonts-noto-cjk_*.deb cjk
    python tools/cjk_font.py cjk/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from backprop_trace.printing.messages import CATALOGUE  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "backprop_trace/drawing/fonts/NotoSansCJKsc-Subset.ttf"
FACE = "Noto Sans CJK SC"
MAX_ERROR = 1.0  # font units (of 1,000 per em): the quadratic outlines' largest deviation


def _decoded(codec: str, first: range, second: range) -> set[str]:
    found = set()
    for a in first:
        for b in second:
            try:
                found.add(bytes((a, b)).decode(codec))
            except UnicodeDecodeError:
                pass
    return found


def characters() -> set[str]:
    """What the subset keeps (see the module's text)."""
    kept = {c for lang in ("zh", "ko") for text in CATALOGUE.get(lang, {}).values()
            for c in text}
    kept |= _decoded("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))  # level 1 hanzi
    kept |= _decoded("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))  # KS X 1001 Hangul
    for first, last in ((0x3000, 0x303F), (0x3131, 0x318E), (0xFF01, 0xFF5E), (0x2018, 0x201F),
                        (0x00B7, 0x00B7), (0x2026, 0x2026)):
        kept |= {chr(c) for c in range(first, last + 1)}
    return {c for c in kept if ord(c) > 0x7F or c == " "}


def _face(path: str) -> TTFont:
    if path.endswith(".ttc"):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1) == FACE:
                return font
        raise SystemExit(f"{path} has no {FACE}")
    return TTFont(path)


def _to_truetype(font: TTFont) -> None:
    """CFF outlines → quadratic ``glyf`` ones (as fontTools' otf2ttf snippet does)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    built = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        built[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = built
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(order)
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: nothing reads them
    font.sfntVersion = "\x00\x01\x00\x00"


def main(source: str) -> None:
    font = _face(source)
    options = subset.Options()
    options.layout_features = []  # no ligatures or vertical forms: frames set text plainly
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = True
    # horizontal text without shaping: no vertical metrics, baselines or layout tables
    options.drop_tables += ["vhea", "vmtx", "VORG", "BASE", "GPOS", "GSUB", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(map(ord, characters())))
    subsetter.subset(font)
    _to_truetype(font)
    font.save(OUT)
    print(f"{OUT.name}: {len(font.getGlyphOrder())} glyphs, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
