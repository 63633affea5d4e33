"""The HTML player in a real browser: headless Chromium driven by Playwright, from file://."""

import shutil

import pytest

import backprop_trace as bt
from backprop_trace.drawing.metrics import text_width
from backprop_trace.printing.messages import message

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (make test installs it)")

BROWSER = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                if p), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium on PATH (make test installs Debian's chromium)")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    out = tmp_path_factory.mktemp("player")
    bt.trace("e = (a + b) * (b + 1)", at={"a": 2, "b": 1}).render(out)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((out / "index.html").as_uri())
    page.errors, page.requests = errors, requests
    yield page
    page.close()


def frame(page):
    return int(page.get_attribute(".bt-player", "data-frame"))


def test_starts_at_the_forward_pass(page):
    assert frame(page) == 0
    assert page.inner_text(".bt-caption").startswith("forward pass: e = 6")
    assert page.locator(".bt-stage svg").count() == 1


def test_arrow_keys_step_through_frames(page):
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert frame(page) == 2
    assert page.inner_text(".bt-caption").startswith("step 2/6: ∂e/∂u₁ = ∂e/∂e ·")
    assert "∂e/∂u₁ = 2" in page.inner_text(".bt-stage")
    page.keyboard.press("ArrowLeft")
    assert frame(page) == 1
    page.keyboard.press("End")
    assert frame(page) == 6
    assert "∂e/∂b = 5" in page.inner_text(".bt-stage")
    page.keyboard.press("ArrowRight")  # stays on the last frame
    assert frame(page) == 6


def test_buttons_and_slider(page):
    page.click(".bt-first")
    assert frame(page) == 0 and "∂e/∂b = ?" in page.inner_text(".bt-stage")
    page.click(".bt-next")
    assert frame(page) == 1
    page.click(".bt-last")
    page.click(".bt-prev")
    assert frame(page) == 5
    page.locator(".bt-slider").fill("3")
    assert frame(page) == 3 and page.inner_text(".bt-counter") == "frame 3 / 6"


def test_same_picture_as_the_svg_files(page):
    page.click(".bt-last")
    assert page.locator(".bt-stage svg").get_attribute("viewBox") is not None
    assert page.locator('.bt-stage [visibility="hidden"]').count() == 0
    page.click(".bt-first")
    assert page.locator('.bt-stage [visibility="hidden"]').count() == 5  # 5 arrows, none yet


def test_no_errors_and_no_network(page):
    assert page.errors == []
    assert all(url.startswith("file://") for url in page.requests)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_frame_fills_the_screen_without_scrolling(page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.click(".bt-last")
    box = page.locator(".bt-stage svg").bounding_box()
    shown = page.evaluate("""() => {
        const s = document.querySelector('.bt-stage svg'), r = s.getBoundingClientRect();
        const vb = s.viewBox.baseVal, scale = Math.min(r.width / vb.width, r.height / vb.height);
        return {w: vb.width * scale, h: vb.height * scale,
                scrollW: document.documentElement.scrollWidth,
                scrollH: document.documentElement.scrollHeight};
    }""")
    # the drawn frame (scaled to fit its box) fills 70 % or more of one screen dimension
    assert max(shown["w"] / size[0], shown["h"] / size[1]) >= 0.7, (shown, box)
    assert shown["scrollW"] <= size[0] and shown["scrollH"] <= size[1]  # no page scrolling


def test_the_caption_shows_once(page):
    page.click(".bt-last")
    caption = page.locator(".bt-stage svg text.caption").first
    assert caption.is_visible() and caption.inner_html().startswith("step 6/6")
    hidden = page.locator(".bt-caption").bounding_box()  # kept for screen readers only
    assert hidden["width"] <= 1 and hidden["height"] <= 1


def test_zoom_and_pan(page):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.click(".bt-fit")
    full = page.locator(".bt-stage svg").get_attribute("viewBox")
    page.click(".bt-zoom-in")
    assert float(page.get_attribute(".bt-player", "data-zoom")) == pytest.approx(1.5)
    zoomed = page.locator(".bt-stage svg").get_attribute("viewBox")
    assert zoomed != full
    box = page.locator(".bt-stage").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 100, y + 50)
    page.mouse.up()
    panned = page.locator(".bt-stage svg").get_attribute("viewBox")
    assert float(panned.split()[0]) < float(zoomed.split()[0])  # dragged right: view moves left
    page.keyboard.press("ArrowLeft")  # the zoom stays while stepping
    assert page.locator(".bt-stage svg").get_attribute("viewBox") == panned
    page.mouse.wheel(0, -200)  # the wheel zooms on the player's own page
    assert float(page.get_attribute(".bt-player", "data-zoom")) > 1.5
    page.keyboard.press("0")
    assert page.locator(".bt-stage svg").get_attribute("viewBox") == full


def test_in_a_notebook_cell_the_frame_fits_the_width(browser, tmp_path):
    t = bt.trace("n = x1*w1 + x2*w2 + b; o = tanh(n)",
                 at={"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432})
    cell = tmp_path / "cell.html"
    cell.write_text(f"<!DOCTYPE html><html><body style='margin:0'><div style='width:800px'>"
                    f"{t._repr_html_()}</div><div style='height:2000px'></div></body></html>",
                    encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(cell.as_uri())
    box = page.locator(".bt-stage svg").bounding_box()
    assert box["width"] == pytest.approx(800 - 16, abs=20)  # the cell's width, padding aside
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.mouse.wheel(0, 300)  # without Ctrl the wheel scrolls the notebook, not the frame
    page.wait_for_function("window.scrollY > 0")
    assert page.get_attribute(".bt-player", "data-zoom") == "1"
    page.click(".bt-zoom-in")
    assert float(page.get_attribute(".bt-player", "data-zoom")) > 1
    page.close()
    assert errors == []


@pytest.mark.parametrize("mode", ["forward", "paths"])
def test_forward_and_path_players(browser, tmp_path, mode):
    """The player of forward mode and of the paths steps through their frames, whose node
    boxes sit where the reverse player draws them."""
    t = bt.trace("c = a + b; d = b + 1; e = c*d", at={"a": 2, "b": 1})
    t.render(tmp_path / "r")
    t.render(tmp_path / mode, mode=mode, wrt="b")
    boxes = {}
    for name in ("r", mode):
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((tmp_path / name / "index.html").as_uri())
        page.keyboard.press("End")
        boxes[name] = page.evaluate(
            "Array.from(document.querySelectorAll('.bt-stage g.node')).map(g => {"
            "const r = g.querySelector('rect').getBoundingClientRect();"
            "return [g.id, r.x, r.y, r.width, r.height]; })")
        caption = page.inner_text(".bt-caption")
        stage = page.inner_text(".bt-stage")
        page.close()
        assert errors == []
    assert len(boxes["r"]) == 5 and boxes["r"] == boxes[mode]
    if mode == "forward":
        assert caption.startswith("the whole gradient: 2 forward passes") and \
            "∂e/∂b = 5" in stage
    else:
        assert caption == "sum over the 2 paths: ∂e/∂b = 2 + 3 = 5" and "∂e/∂b = 5" in stage


@pytest.mark.parametrize("lang,caption,counter,buttons", [
    ("zh", "第 2/6 步：∂e/∂u₁ =", "帧 2 / 6", ["« 第一帧", "◀ 上一步", "▶ 播放", "下一步 ▶"]),
    ("ko", "단계 2/6: ∂e/∂u₁ =", "프레임 2 / 6", ["« 처음", "◀ 이전", "▶ 재생", "다음 ▶"]),
])
def test_a_translated_player(browser, tmp_path, lang, caption, counter, buttons):
    """The player in Chinese and Korean: its page's language, buttons, counter, help and the
    frames' captions; playing turns the play button into the translated pause."""
    bt.trace("e = (a + b) * (b + 1)", at={"a": 2, "b": 1}).render(tmp_path, lang=lang)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((tmp_path / "index.html").as_uri())
    assert page.get_attribute("html", "lang") == lang
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.inner_text(".bt-caption").startswith(caption)
    assert page.inner_text(".bt-counter") == counter
    shown = [page.inner_text(f".bt-{key}") for key in ("first", "prev", "play", "next")]
    assert shown == buttons
    assert page.get_attribute(".bt-next", "title") == message("player.next_hint", lang)
    # the bundled CJK font, cut to these characters, is inside the page and draws the caption
    # exactly as wide as it was measured (no CJK font is needed on the machine)
    assert page.evaluate("() => [...document.fonts].map(f => f.status)") == ["loaded"]
    drawn = page.evaluate("() => { const t = document.querySelector('.bt-stage text.caption');"
                          " return [t.textContent, t.getComputedTextLength()]; }")
    assert drawn[1] == pytest.approx(text_width(drawn[0], 14), rel=0.005)
    page.click(".bt-play")
    assert page.inner_text(".bt-play") == ("❚❚ 暂停" if lang == "zh" else "❚❚ 일시정지")
    page.close()
    assert errors == []


def test_a_written_svg_frame_draws_in_the_fonts_it_carries(browser, tmp_path):
    """A frame opened on its own: its embedded fonts load and the caption is exactly as wide
    as measured, Latin, subscripts and CJK alike."""
    bt.trace("损失 = (w₁·x - y)^2", at={"w₁": 2, "x": 1.5, "y": 2}).render(tmp_path, lang="zh")
    page = browser.new_page()
    page.goto((tmp_path / "step-03.svg").as_uri())
    page.wait_for_function("document.fonts.status === 'loaded'")
    statuses = page.evaluate("() => [...document.fonts].map(f => f.family + ' ' + f.status)")
    assert sorted(s.replace('"', "") for s in statuses) == [
        "DejaVu Sans loaded", "DejaVu Sans loaded", "Noto Sans CJK SC loaded"]
    drawn = page.evaluate("() => { const t = document.querySelector('text.caption');"
                          " return [t.textContent, t.getComputedTextLength()]; }")
    assert "第 3/" in drawn[0]
    assert drawn[1] == pytest.approx(text_width(drawn[0], 14), rel=0.005)
    page.close()
