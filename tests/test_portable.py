"""SVG files that carry their fonts (issue 23): each written frame embeds the bundled fonts
cut to the characters it draws, whose glyphs are the bundled fonts' own."""

import base64
import dataclasses
import io
import re
from html import unescape

import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

import backprop_trace as bt
from backprop_trace.drawing.metrics import CJK_RUN, cjk_font_path, font_path
from backprop_trace.drawing.portable import embed_fonts
from backprop_trace.drawing.style import get_theme

FACE = re.compile(r"@font-face\{font-family:'([^']+)';(font-weight:bold;)?"
                  r"src:url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\)")


def _faces(svg):
    return {(family, bool(bold)): TTFont(io.BytesIO(base64.b64decode(data)))
            for family, bold, data in FACE.findall(svg)}


def _drawn(svg):
    """Characters drawn, by font: (family, bold)."""
    found = {}
    for attributes, inner in re.findall(r"<text([^>]*)>(.*?)</text>", svg, re.S):
        text = unescape(re.sub(r"<[^>]+>", "", inner))
        for c in text:
            key = (("Noto Sans CJK SC", False) if CJK_RUN.match(c) else
                   ("DejaVu Sans", 'font-weight="bold"' in attributes))
            found.setdefault(key, set()).add(c)
    return found


def _outline(font, c):
    pen = DecomposingRecordingPen(font.getGlyphSet())
    glyph = font.getBestCmap()[ord(c)]
    font.getGlyphSet()[glyph].draw(pen)
    return pen.value, font["hmtx"][glyph][0]


@pytest.mark.parametrize("source,at,lang", [
    ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4}, "en"),
    ("损失 = (w₁·x - y)^2", {"w₁": 2, "x": 1.5, "y": 2}, "zh"),
])
def test_written_svg_frames_carry_every_glyph_they_draw(tmp_path, source, at, lang):
    t = bt.trace(source, at=at)
    t.render(tmp_path, lang=lang)
    whole = {("DejaVu Sans", False): TTFont(font_path()),
             ("DejaVu Sans", True): TTFont(font_path(bold=True)),
             ("Noto Sans CJK SC", False): TTFont(cjk_font_path())}
    plain = t.frames(lang=lang)
    for k, path in enumerate(sorted(tmp_path.glob("step-*.svg"))):
        svg = path.read_text(encoding="utf-8")
        assert re.sub(r"@font-face\{[^}]*\}", "", svg) == plain[k]  # only the fonts added
        faces, drawn = _faces(svg), _drawn(svg)
        assert set(faces) == set(drawn)
        for key, characters in drawn.items():
            cut = faces[key]
            assert set(cut.getBestCmap()) >= {ord(c) for c in characters if c != " "} - {0x20}
            for c in characters - {" "}:
                assert _outline(cut, c) == _outline(whole[key], c), (key, c)


def test_frame_save_writes_a_portable_svg_and_frames_stay_plain(tmp_path):
    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    saved = t.frame(3).save(tmp_path / "f.svg").read_text(encoding="utf-8")
    assert "@font-face" in saved and "@font-face" not in t.frames()[3]
    assert saved == embed_fonts(t.frames()[3])


def test_a_theme_in_another_font_embeds_no_dejavu():
    t = bt.trace("f = x * y", at={"x": 1, "y": 2})
    theme = dataclasses.replace(get_theme("default"), font="Fira Sans")
    svg = t.frames(theme=theme)[-1]
    assert _faces(embed_fonts(svg)) == {}
