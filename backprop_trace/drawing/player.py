"""A self-contained HTML player for the frames: ←/→ keys, buttons, a slider and the caption.
No network and no external files, so it works from ``file://`` and inside a notebook.

Frames are stored as differences from a base frame (the SVG pieces that change), so the page
grows with nodes + changes, not with nodes × frames."""

from __future__ import annotations

import base64
import json
import re
from html import escape
from typing import Final

from ..printing.messages import message
from .metrics import CJK_FAMILY, CJK_RUN, cjk_font_bytes
from .sfnt import cut_font
from .style import Theme

__all__ = ["player_fragment", "player_page", "encode_frames"]


def encode_frames(frames: list[list[str]]) -> dict[str, object]:
    """Pieces per frame → a base frame, a table of variants and per frame (slot, variant) pairs."""
    base = list(frames[0])
    variants: list[str] = []
    index: dict[str, int] = {}
    encoded = []
    for parts in frames:
        changes: list[int] = []
        for slot, piece in enumerate(parts):
            if piece != base[slot]:
                if piece not in index:
                    index[piece] = len(variants)
                    variants.append(piece)
                changes += [slot, index[piece]]
        encoded.append(changes)
    return {"base": base, "variants": variants, "frames": encoded}


_SCRIPT: Final = """
(function () {
  const root = document.getElementById(%(uid)s);
  const data = JSON.parse(root.querySelector("script.bt-data").textContent);
  const stage = root.querySelector(".bt-stage"), caption = root.querySelector(".bt-caption");
  const slider = root.querySelector(".bt-slider"), counter = root.querySelector(".bt-counter");
  const play = root.querySelector(".bt-play");
  const standalone = %(standalone)s;
  const last = data.frames.length - 1;
  let current = -1, timer = null, zoom = null, full = null, drag = null;
  function svg() { return stage.querySelector("svg"); }
  function svgOf(k) {
    const parts = data.base.slice(), changes = data.frames[k];
    for (let i = 0; i < changes.length; i += 2) parts[changes[i]] = data.variants[changes[i + 1]];
    return parts.join("");
  }
  // Zoom and pan move the viewBox of the frame, which always fills the stage.
  function applyZoom() {
    svg().setAttribute("viewBox", (zoom || full).join(" "));
    root.dataset.zoom = zoom ? (full[2] / zoom[2]).toFixed(3) : "1";
  }
  function zoomAt(factor, cx, cy) {
    const v = zoom || full;
    let w = Math.max(full[2] / 16, v[2] / factor);
    if (w >= full[2]) { zoom = null; applyZoom(); return; }
    const h = w * full[3] / full[2];
    zoom = [cx - (cx - v[0]) * w / v[2], cy - (cy - v[1]) * h / v[3], w, h];
    applyZoom();
  }
  function zoomCentre(factor) {
    const v = zoom || full;
    zoomAt(factor, v[0] + v[2] / 2, v[1] + v[3] / 2);
  }
  function fit() { zoom = null; applyZoom(); }
  function show(k) {
    k = Math.max(0, Math.min(last, k));
    if (k === current) return;
    current = k;
    stage.innerHTML = svgOf(k);
    if (!full) full = svg().getAttribute("viewBox").split(/[ ,]+/).map(Number);
    applyZoom();
    caption.textContent = data.captions[k];
    slider.value = k;
    counter.textContent = %(counter)s.replace("{k}", k).replace("{last}", last);
    root.dataset.frame = k;
    if (standalone) history.replaceState(null, "", "#" + k);
  }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; play.textContent = %(play)s; }
  }
  function toggle() {
    if (timer) { stop(); return; }
    if (current === last) show(0);
    play.textContent = %(pause)s;
    timer = setInterval(function () { if (current >= last) stop(); else show(current + 1); }, 1200);
  }
  function at(e) {  // the pointer in the frame's coordinates
    const m = svg().getScreenCTM().inverse();
    return [m.a * e.clientX + m.c * e.clientY + m.e, m.b * e.clientX + m.d * e.clientY + m.f];
  }
  root.querySelector(".bt-first").onclick = function () { stop(); show(0); };
  root.querySelector(".bt-prev").onclick = function () { stop(); show(current - 1); };
  root.querySelector(".bt-next").onclick = function () { stop(); show(current + 1); };
  root.querySelector(".bt-last").onclick = function () { stop(); show(last); };
  root.querySelector(".bt-zoom-in").onclick = function () { zoomCentre(1.5); };
  root.querySelector(".bt-zoom-out").onclick = function () { zoomCentre(1 / 1.5); };
  root.querySelector(".bt-fit").onclick = fit;
  play.onclick = toggle;
  slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
  // In a notebook the wheel scrolls the page unless Ctrl is held; on its own page it zooms.
  stage.addEventListener("wheel", function (e) {
    if (!standalone && !(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    const p = at(e);
    zoomAt(e.deltaY < 0 ? 1.2 : 1 / 1.2, p[0], p[1]);
  }, {passive: false});
  stage.addEventListener("pointerdown", function (e) {
    if (!zoom) return;
    drag = {x: e.clientX, y: e.clientY, view: zoom.slice(), scale: svg().getScreenCTM().a};
    stage.setPointerCapture(e.pointerId);
  });
  stage.addEventListener("pointermove", function (e) {
    if (!drag) return;
    zoom = [drag.view[0] - (e.clientX - drag.x) / drag.scale,
            drag.view[1] - (e.clientY - drag.y) / drag.scale, drag.view[2], drag.view[3]];
    applyZoom();
  });
  stage.addEventListener("pointerup", function () { drag = null; });
  stage.addEventListener("dblclick", fit);
  (standalone ? document : root).addEventListener("keydown", function (e) {
    if (e.target === slider) return;
    const keys = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1,
                  PageUp: -1};
    if (e.key in keys) { stop(); show(current + keys[e.key]); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(last); }
    else if (e.key === " " || e.key === "p") toggle();
    else if (e.key === "+" || e.key === "=") zoomCentre(1.5);
    else if (e.key === "-") zoomCentre(1 / 1.5);
    else if (e.key === "0") fit();
    else return;
    e.preventDefault();
  });
  const fromHash = parseInt((location.hash || "").slice(1), 10);
  show(standalone && !isNaN(fromHash) ? fromHash : %(start)d);
})();
"""


def player_fragment(uid: str, title: str, frames: list[list[str]], captions: list[str],
                    theme: Theme, *, standalone: bool = False, start: int = 0,
                    lang: str = "en") -> str:
    """A ``<div>`` with its own data and script; ``uid`` keeps several on one page apart.
    On its own page the player fills the window and the frame fills the space under the
    controls; in a notebook the frame fills the cell's width (the wheel zooms with Ctrl)."""
    data = {**encode_frames(frames), "captions": captions}
    # "<" never appears raw inside the JSON, so the SVG text cannot end the script element.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    script = _SCRIPT % {"uid": json.dumps(uid), "standalone": "true" if standalone else "false",
                        "start": start, "play": _js(message("player.play", lang)),
                        "pause": _js(message("player.pause", lang)),
                        "counter": _js(message("player.counter", lang))}
    width, height = _view_size(frames[0][0])
    frame_box = (f"#{uid}{{height:100vh;display:flex;flex-direction:column}}"
                 f"#{uid} .bt-stage{{flex:1 1 auto;min-height:0}}" if standalone else
                 f"#{uid} .bt-stage{{width:100%;aspect-ratio:{width:g}/{height:g};"
                 f"max-height:85vh}}")
    style = (f"#{uid}{{font-family:system-ui,'DejaVu Sans',sans-serif;color:{theme.text};"
             f"background:{theme.background};box-sizing:border-box;padding:0.3em 0.5em}}"
             f"#{uid} .bt-bar{{display:flex;gap:0.4em;align-items:center;flex-wrap:wrap}}"
             f"#{uid} .bt-slider{{flex:1;min-width:8em}}"
             f"#{uid} .bt-stage{{position:relative;overflow:hidden;touch-action:none}}"
             f"#{uid} .bt-stage svg{{position:absolute;left:0;top:0;width:100%;height:100%;"
             f"display:block}}"
             f"#{uid}[data-zoom]:not([data-zoom='1']) .bt-stage{{cursor:grab}}"
             # the caption is in the frame; this copy is for screen readers only
             f"#{uid} .bt-caption{{position:absolute;width:1px;height:1px;overflow:hidden;"
             f"clip:rect(0 0 0 0);white-space:nowrap}}"
             f"#{uid} button{{font-size:1em}}" + frame_box)
    last = len(frames) - 1
    def m(key: str, **fields: object) -> str:
        return escape(message(key, lang, **fields), quote=True)

    label = m("player.frame")
    modifier = "" if standalone else message("player.ctrl", lang)
    buttons = "\n".join(
        f'<button class="bt-{key}" title="{m(f"player.{key}_hint")}">{m(f"player.{key}")}</button>'
        for key in ("first", "prev", "play", "next", "last"))
    zoom = "\n".join(
        f'<button class="bt-{key.replace("_", "-")}" '
        f'title="{m(f"player.{key}_hint", modifier=modifier)}">{m(f"player.{key}")}</button>'
        for key in ("zoom_out", "fit", "zoom_in"))
    html = f"""<div id="{uid}" class="bt-player" tabindex="0" data-frame="0" lang="{lang}">
<style>{style}</style>
<div class="bt-bar">
<strong class="bt-title">{escape(title)}</strong>
{buttons}
<input class="bt-slider" type="range" min="0" max="{last}" value="0" aria-label="{label}">
<span class="bt-counter">{m('player.counter', k=0, last=last)}</span>
{zoom}
</div>
<div class="bt-caption" aria-live="polite">{escape(captions[start])}</div>
<div class="bt-stage">{"".join(frames[start])}</div>
<script type="application/json" class="bt-data">{payload}</script>
<script>{script}</script>
</div>"""
    return html.replace("</style>", _cjk_face(uid, html) + "</style>", 1)


def _cjk_face(uid: str, html: str) -> str:
    """The bundled CJK font, cut to the characters this player shows, under a name of its
    own: a machine with no CJK font draws them too, and players on one page never share a
    cut."""
    characters = set("".join(CJK_RUN.findall(html)))
    if not characters:
        return ""
    font = base64.b64encode(cut_font(cjk_font_bytes(), characters)).decode("ascii")
    family = f"{uid}-cjk"
    return (f"@font-face{{font-family:'{family}';src:url(data:font/ttf;base64,{font}) "
            f"format('truetype')}}"
            f"#{uid},#{uid} button{{font-family:system-ui,'DejaVu Sans','{family}',"
            f"sans-serif}}"
            f"#{uid} [font-family='{CJK_FAMILY}']{{font-family:'{family}','{CJK_FAMILY}'}}")


def _view_size(head: str) -> tuple[float, float]:
    """The frames' width and height from the viewBox in their head."""
    match = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', head)
    return (float(match.group(1)), float(match.group(2))) if match else (16.0, 9.0)


def player_page(title: str, frames: list[list[str]], captions: list[str], theme: Theme,
                lang: str = "en") -> str:
    body = player_fragment("backprop-trace-player", title, frames, captions, theme,
                           standalone=True, lang=lang)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>html,body{{margin:0;height:100%;overflow:hidden;background:{theme.background}}}</style>
</head>
<body>
{body}
</body>
</html>
"""


def _js(text: str) -> str:
    """A string literal for the script (no "<" that could end the script element)."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\u003c")
