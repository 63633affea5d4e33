"""A self-contained HTML player for the frames: ←/→ keys, buttons, a slider and the caption.
No network and no external files, so it works from ``file://`` and inside a notebook.

Frames are stored as differences from a base frame (the SVG pieces that change), so the page
grows with nodes + changes, not with nodes × frames."""

from __future__ import annotations

import json
from html import escape
from typing import Final

from ..printing.messages import message
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
  const last = data.frames.length - 1;
  let current = -1, timer = null;
  function svgOf(k) {
    const parts = data.base.slice(), changes = data.frames[k];
    for (let i = 0; i < changes.length; i += 2) parts[changes[i]] = data.variants[changes[i + 1]];
    return parts.join("");
  }
  function show(k) {
    k = Math.max(0, Math.min(last, k));
    if (k === current) return;
    current = k;
    stage.innerHTML = svgOf(k);
    caption.textContent = data.captions[k];
    slider.value = k;
    counter.textContent = %(counter)s.replace("{k}", k).replace("{last}", last);
    root.dataset.frame = k;
    if (%(standalone)s) history.replaceState(null, "", "#" + k);
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
  root.querySelector(".bt-first").onclick = function () { stop(); show(0); };
  root.querySelector(".bt-prev").onclick = function () { stop(); show(current - 1); };
  root.querySelector(".bt-next").onclick = function () { stop(); show(current + 1); };
  root.querySelector(".bt-last").onclick = function () { stop(); show(last); };
  play.onclick = toggle;
  slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
  (%(standalone)s ? document : root).addEventListener("keydown", function (e) {
    if (e.target === slider) return;
    const keys = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1,
                  PageUp: -1};
    if (e.key in keys) { stop(); show(current + keys[e.key]); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(last); }
    else if (e.key === " " || e.key === "p") toggle();
    else return;
    e.preventDefault();
  });
  const fromHash = parseInt((location.hash || "").slice(1), 10);
  show(%(standalone)s && !isNaN(fromHash) ? fromHash : %(start)d);
})();
"""


def player_fragment(uid: str, title: str, frames: list[list[str]], captions: list[str],
                    theme: Theme, *, standalone: bool = False, start: int = 0) -> str:
    """A ``<div>`` with its own data and script; ``uid`` keeps several on one page apart."""
    data = {**encode_frames(frames), "captions": captions}
    # "<" never appears raw inside the JSON, so the SVG text cannot end the script element.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    script = _SCRIPT % {"uid": json.dumps(uid), "standalone": "true" if standalone else "false",
                        "start": start, "play": _js(message("player.play")),
                        "pause": _js(message("player.pause")),
                        "counter": _js(message("player.counter"))}
    style = (f"#{uid}{{font-family:system-ui,'DejaVu Sans',sans-serif;color:{theme.text};"
             f"background:{theme.background};padding:0.5em}}"
             f"#{uid} .bt-controls{{display:flex;gap:0.4em;align-items:center;flex-wrap:wrap}}"
             f"#{uid} .bt-slider{{flex:1;min-width:8em}}"
             f"#{uid} .bt-caption{{font-size:1.15em;margin:0.5em 0;min-height:1.4em}}"
             f"#{uid} .bt-stage svg{{max-width:100%;height:auto}}"
             f"#{uid} button{{font-size:1em}}")
    last = len(frames) - 1
    m = _html_message
    label = m("player.frame")
    buttons = "\n".join(
        f'<button class="bt-{key}" title="{m(f"player.{key}_hint")}">{m(f"player.{key}")}</button>'
        for key in ("first", "prev", "play", "next", "last"))
    return f"""<div id="{uid}" class="bt-player" tabindex="0" data-frame="0">
<style>{style}</style>
<div class="bt-title"><strong>{escape(title)}</strong></div>
<div class="bt-controls">
{buttons}
<input class="bt-slider" type="range" min="0" max="{last}" value="0" aria-label="{label}">
<span class="bt-counter">{m('player.counter', k=0, last=last)}</span>
</div>
<div class="bt-caption" aria-live="polite">{escape(captions[start])}</div>
<div class="bt-stage">{"".join(frames[start])}</div>
<script type="application/json" class="bt-data">{payload}</script>
<script>{script}</script>
</div>"""


def player_page(title: str, frames: list[list[str]], captions: list[str], theme: Theme) -> str:
    body = player_fragment("backprop-trace-player", title, frames, captions, theme,
                           standalone=True)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>body{{margin:0;background:{theme.background}}}</style>
</head>
<body>
{body}
</body>
</html>
"""


def _html_message(key: str, **fields: object) -> str:
    return escape(message(key, **fields), quote=True)


def _js(text: str) -> str:
    """A string literal for the script (no "<" that could end the script element)."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\u003c")
