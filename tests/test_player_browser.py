"""The HTML player in a real browser: headless Chromium driven by Playwright, from file://."""

import shutil

import pytest

import backprop_trace as bt

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (make test installs it)")

BROWSER = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                if p), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium on PATH (make test installs Debian's chromium)")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("player")
    bt.trace("e = (a + b) * (b + 1)", at={"a": 2, "b": 1}).render(out)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=ARGS)
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((out / "index.html").as_uri())
        page.errors, page.requests = errors, requests
        yield page
        browser.close()


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
