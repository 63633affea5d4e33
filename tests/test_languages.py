"""Chinese and Korean (issue 21): the catalogue complete in both, the textbook's terms used
consistently, the language chosen by option, CLI and environment, CJK text drawn in the
bundled font (PNG and PDF alike), measured without crowding, and a user's own CJK names."""

import io
import logging
import os
import re
import string
import subprocess
import sys
import unicodedata

import pytest

import backprop_trace as bt
from backprop_trace.drawing.metrics import (
    CJK_RUN,
    cjk_characters,
    cjk_font_path,
    font_path,
    text_width,
)
from backprop_trace.drawing.raster import convert_svg, flat_text
from backprop_trace.drawing.style import CJK_INSET, NODE_PADDING
from backprop_trace.printing.messages import CATALOGUE, LANGUAGES, TERMS, message

os.environ.setdefault("FRAME_METRICS_FONT", font_path())
os.environ.setdefault("FRAME_METRICS_BOLD", font_path(bold=True))
import frame_metrics as fm  # noqa: E402

GATE = ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4})
D2L_EXERCISE = "u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)"
FAN_OUT = ("e = (a + b) * (b + 1)", {"a": 2, "b": 1})


def _fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_english_message_has_both_translations_with_the_same_fields():
    assert LANGUAGES == ("en", "zh", "ko")
    for lang in ("zh", "ko"):
        assert set(CATALOGUE[lang]) == set(CATALOGUE["en"]), lang
        for key, english in CATALOGUE["en"].items():
            assert _fields(CATALOGUE[lang][key]) == _fields(english), (lang, key)


_KEPT_LATIN = re.compile(r"\{[^}]*\}|backprop_trace|Home|End|Ctrl|\\[a-z]+|[a-z]_[a-z]|\b[a-z]\b")


def test_no_english_word_is_left_in_a_translation():
    for lang in ("zh", "ko"):
        for key, text in CATALOGUE[lang].items():
            left = re.findall(r"[A-Za-z]{2,}", _KEPT_LATIN.sub("", text))
            assert left == [], (lang, key, left)


def test_the_textbooks_terms_are_used_wherever_english_says_them():
    """One word per concept: a message whose English says "chain rule" says 链式法则 and
    연쇄 법칙, and so on for every term of the table."""
    used = {lang: set() for lang in ("zh", "ko")}
    for term, words in TERMS.items():
        pattern = re.compile(rf"\b{re.escape(term)}s?\b", re.I)
        for key, english in CATALOGUE["en"].items():
            if pattern.search(re.sub(r"\{[^}]*\}", "", english)):
                for lang in ("zh", "ko"):
                    assert words[lang] in CATALOGUE[lang][key], (term, lang, key)
                    used[lang].add(term)
    assert used["zh"] == used["ko"] == set(TERMS)  # every term is said somewhere


def test_the_other_words_for_the_same_terms_are_never_used():
    """ko.d2l.ai mixes 기울기/그래디언트, 편미분/편도함수, 체인 규칙/연쇄 법칙; the catalogue
    keeps one of each."""
    avoided = {"ko": ["기울기", "편미분", "체인 규칙", "연쇄 규칙", "순방향 전파", "역방향 전파"],
               "zh": ["链式规则", "正向传播", "后向传播", "结点"]}
    for lang, words in avoided.items():
        for key, text in CATALOGUE[lang].items():
            assert not any(w in text for w in words), (lang, key)


def test_the_language_is_an_option_and_an_unknown_one_is_an_option_error(monkeypatch):
    t = bt.trace(GATE[0], at=GATE[1])
    assert t.captions(lang="zh")[1].startswith("第 1/5 步：∂f/∂f = 1")
    assert t.captions(lang="ko")[1].startswith("단계 1/5: ∂f/∂f = 1")
    with pytest.raises(bt.OptionError, match="must be one of"):
        t.captions(lang="fr")
    monkeypatch.setenv("BACKPROP_TRACE_LANG", "ko")
    assert t.captions()[1].startswith("단계 1/5")
    assert t.captions(lang="en")[1].startswith("step 1/5")  # the argument wins
    monkeypatch.setenv("BACKPROP_TRACE_LANG", "")
    assert t.captions()[1].startswith("step 1/5")


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "backprop_trace", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("lang,step,words,button", [
    ("zh", "第 1/5 步：", ["链式法则", "反向传播", "前向传播", "节点"], "播放"),
    ("ko", "단계 1/5: ", ["연쇄 법칙", "역전파", "순전파", "노드"], "재생"),
])
def test_the_cli_writes_frames_narrative_listing_and_player_in_the_language(
        tmp_path, lang, step, words, button):
    out = tmp_path / lang
    run = _cli(GATE[0], "--at", "x=-2,y=5,z=-4", "--lang", lang, "-o", str(out), "--format",
               "svg,pdf")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # no converter's log line reaches the terminal
    assert message("cli.open", lang, index=out / "index.html") in run.stdout
    svg = (out / "step-01.svg").read_text(encoding="utf-8")
    assert f"<title>{step}" in svg
    narrative = (out / "steps.md").read_text(encoding="utf-8")
    assert all(w in narrative for w in words)
    assert "Step" not in narrative and "Backward" not in narrative
    player = (out / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in player and button in player
    assert message("listing.backward", lang) in (out / "backward.py.txt").read_text("utf-8")
    tex = (out / "slides.tex").read_text(encoding="utf-8")
    assert "xelatex" in tex and message("beamer.title", lang) in tex


def test_the_environment_chooses_the_cli_language_and_a_wrong_one_exits_2(tmp_path):
    run = _cli(GATE[0], "--at", "x=-2,y=5,z=-4", "-o", str(tmp_path / "o"),
               env={"BACKPROP_TRACE_LANG": "ko"})
    assert run.returncode == 0 and "단계별로 보기" in run.stdout
    run = _cli(GATE[0], "--at", "x=-2,y=5,z=-4", "-o", str(tmp_path / "o"), "--lang", "fr")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    run = _cli(GATE[0], "--at", "x=-2,y=5,z=-4", "-o", str(tmp_path / "o"),
               env={"BACKPROP_TRACE_LANG": "klingon"})
    assert run.returncode == 2 and "BACKPROP_TRACE_LANG" in run.stderr
    assert "Traceback" not in run.stderr


def _cjk_drawn(svg):
    return {c for text in re.findall(r">([^<]+)<", svg) for c in text if CJK_RUN.match(c)}


@pytest.mark.parametrize("lang", ["zh", "ko"])
@pytest.mark.parametrize("source,at", [GATE, (D2L_EXERCISE, None)])
def test_cjk_frames_read_on_a_slide_at_designs_sizes(lang, source, at):
    """No crowding or collisions, CJK measured at one em, and DESIGN's 24 px at 1920×1080."""
    for mode in ("reverse", "forward", "paths"):
        frames = bt.trace(source, at=at).frames(lang=lang, mode=mode)
        assert len({fm.viewbox(s) for s in frames}) == 1
        for k, svg in enumerate(frames):
            boxes = fm.texts(svg)
            assert fm.crowded(boxes) == [] and fm.collisions(boxes) == [], (mode, k)
            assert fm.projected_min_px(svg, boxes) >= 24, (mode, k)
            drawn = _cjk_drawn(svg)
            assert drawn and drawn <= cjk_characters(), drawn - cjk_characters()


def test_the_bundled_font_covers_every_character_of_the_catalogues():
    font = cjk_characters()
    for lang in ("zh", "ko"):
        for key, text in CATALOGUE[lang].items():
            missing = {c for c in text if CJK_RUN.match(c)} - font
            assert not missing, (lang, key, missing)
    assert {"损", "失", "손", "실", "梯", "度"} <= font  # users' names: common hanzi and Hangul
    assert os.path.getsize(cjk_font_path()) < 1_600_000  # the wheel's cost, quoted in README


def test_cjk_text_is_measured_with_the_cjk_fonts_own_advances():
    from fontTools.ttLib import TTFont
    font = TTFont(cjk_font_path())
    cmap, hmtx, units = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    for text in ("损失", "손실", "第：", "计算图"):
        expected = sum(hmtx[cmap[ord(c)]][0] for c in text) / units * 14
        assert text_width(text, 14) == pytest.approx(expected)
    assert text_width("x损", 14) == pytest.approx(text_width("x", 14) + text_width("损", 14))


def _ink(png):
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(image.histogram()[:128])


def _one_text(text):
    from backprop_trace.drawing.svg import _text
    return ('<svg xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans" font-size="14" '
            'width="80" height="24" viewBox="0 0 80 24"><rect width="80" height="24" '
            f'fill="#fff"/><text x="2" y="18">{_text(text)}</text></svg>')


@pytest.mark.parametrize("text", ["步骤", "단계", "损失"])
def test_png_frames_draw_cjk_glyphs_in_the_bundled_font(text):
    """Ink where the glyphs are, as much as the font's own outlines give, system fonts never
    looked at (resvg is told to skip them)."""
    assert _ink(convert_svg(_one_text(text), "png", (160, 48))) > 100
    assert _ink(convert_svg(_one_text("  "), "png", (160, 48))) == 0


def test_pdf_frames_place_every_run_by_the_fonts_metrics(caplog):
    """svglib misplaces <tspan>s and reads 125% as 125 units: the PDF gets one text per run,
    side by side, subscripts at 1.25 × the size, CJK in the CJK font, and no logged error."""
    from reportlab.graphics.shapes import String
    from svglib.svglib import svg2rlg

    svg = bt.trace("损失 = w₁ * x₁").frames(lang="zh")[-1]
    flat = flat_text(svg)
    assert "<tspan" in svg and "<tspan" not in flat
    with caplog.at_level(logging.WARNING):
        pdf = convert_svg(svg, "pdf")  # registers the bundled fonts with svglib too
        drawing = svg2rlg(io.BytesIO(flat.encode()))
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []

    strings = []

    def walk(node):
        for child in getattr(node, "contents", []):
            walk(child)
        if isinstance(node, String):
            strings.append(node)

    walk(drawing)
    assert max(s.fontSize for s in strings) <= 14 * 1.25 + 0.01
    assert any(s.fontName == "NotoSansCJKsc" and "损失" in s.text for s in strings)
    caption = [s for s in strings if s.text.startswith("第")]
    assert caption and caption[0].fontName == "NotoSansCJKsc"
    assert b"NotoSansCJKsc" in pdf  # the font embedded


def test_a_users_own_cjk_names_trace_and_draw():
    t = bt.trace("损失 = (x + 손실) * z", at={"x": -2, "손실": 5, "z": -4})
    assert t.grad == {"x": -4.0, "손실": -4.0, "z": 3.0}
    svg = t.frames()[-1]
    assert '<tspan font-family="Noto Sans CJK SC">损失</tspan>' in svg
    boxes = fm.texts(svg)
    assert fm.crowded(boxes) == [] and fm.collisions(boxes) == []
    # a CJK name's box leaves room left of it (its glyphs fill their em); a Latin one's not
    drawn = t.renderer().drawer.boxes.nodes
    insets = {t.tape.names[i]: box.inset for i, box in drawn.items()}
    assert insets["损失"] == insets["손실"] == CJK_INSET and insets["x"] == 0
    node = next(g for g in svg.split("<g id=") if 'class="node"' in g.split("\n")[0]
                and re.search(r'<text x="[\d.]+"[^>]*><tspan[^>]*>손실</tspan>', g))
    rect = float(re.search(r'<rect x="([\d.]+)"', node).group(1))
    name = float(re.search(r'<text x="([\d.]+)"[^>]*><tspan[^>]*>손실', node).group(1))
    assert NODE_PADDING + CJK_INSET - 0.01 <= name - rect <= NODE_PADDING + CJK_INSET + 0.01


def test_the_cli_help_names_every_language_and_the_variable():
    run = _cli("--help")
    for lang in LANGUAGES:
        assert f"{lang} (" in run.stdout
    from backprop_trace.drawing.options import LANG_VARIABLE
    assert LANG_VARIABLE in run.stdout


def test_a_cut_font_keeps_the_outlines_and_widths_of_its_characters():
    """The player's font: only the glyphs asked for, each the bundled font's own."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    from backprop_trace.drawing.metrics import cjk_font_bytes
    from backprop_trace.drawing.sfnt import cut_font

    whole = TTFont(cjk_font_path())
    wanted = "第步：损失손실x"  # x: not in the CJK font, left out
    cut = TTFont(io.BytesIO(cut_font(cjk_font_bytes(), wanted)))
    assert set(cut.getBestCmap()) == {ord(c) for c in wanted if c != "x"}
    assert len(cut.getGlyphOrder()) == 1 + 7  # .notdef and the seven glyphs
    for c in wanted[:-1]:
        outlines = []
        for font in (whole, cut):
            pen = RecordingPen()
            glyph = font.getBestCmap()[ord(c)]
            font.getGlyphSet()[glyph].draw(pen)
            outlines.append((pen.value, font["hmtx"][glyph]))
        assert outlines[0] == outlines[1], c
    assert len(cut_font(cjk_font_bytes(), wanted)) < 5_000


def test_names_the_font_cannot_draw_are_refused_where_they_are_typed():
    """Traditional or rare hanzi and Hangul outside KS X 1001 would be empty boxes on every
    slide: refused at their column, naming the character; kana and ・ ー are not letters."""
    for text, char, column in [("f = 損失 * x", "損", 5), ("f = x + 힣", "힣", 9)]:
        with pytest.raises(bt.ParseError, match=f"'{char}' .*cannot draw") as caught:
            bt.trace(text, at={"x": 1, char: 2})
        assert caught.value.column == column
    with pytest.raises(bt.ParseError, match="cannot draw"):
        bt.trace(lambda 損: 損 * 2, at={"損": 1.0})  # a Python function's parameter too
    for text in ("u = 損(x) + x", "힣(z) = z*2; u = 힣(x) + x"):  # functions' names too
        with pytest.raises(bt.ParseError, match="cannot draw"):
            bt.trace(text)
    for text, said in [("f = かx", "Latin, Greek, Chinese or Korean"),
                       ("f = x・z", "not a product sign"), ("f = xー1", "not allowed")]:
        with pytest.raises(bt.ParseError, match=said):
            bt.trace(text)
    covered = cjk_characters()
    assert "损" in covered and "손" in covered and "損" not in covered


def test_a_chinese_or_korean_keyboards_forms_read_as_typed_in_ascii():
    """Full-width ｘ＋ｙ（）＊＝ (a Chinese IME's) are the ASCII ones, in the text and in the
    values given; Hangul typed as separate letters (NFD, as macOS file names) is the
    syllable."""
    t = bt.trace("ｆ＝（ｘ＋ｙ）＊ｘ", at={"ｘ": 2, "ｙ": 3})
    assert t.output == "f" and t.grad == {"x": 7.0, "y": 2.0}
    nfd = unicodedata.normalize("NFD", "손실 = 2 * 한")
    assert nfd != "손실 = 2 * 한"
    t = bt.trace(nfd, at={unicodedata.normalize("NFD", "한"): 1})
    assert t.output == "손실" and t.grad == {"한": 2.0}
    # names given as options read alike; two spellings of one name are one name given twice
    t = bt.trace("f = x*y + 한; g = f", at={"x": 1, "y": 2, "한": 3}, wrt="ｘ，ｙ", output="ｆ",
                 data=[unicodedata.normalize("NFD", "한")])
    assert t.wrt == ("x", "y") and t.output == "f"
    with pytest.raises(bt.OptionError, match="twice"):
        bt.trace("f = x*3", at={"x": 1, "ｘ": 2})
