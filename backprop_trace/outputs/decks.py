"""Whole-run files made of the frames: a PowerPoint deck (python-pptx, the ``pptx`` extra) and
an animated GIF (Pillow, the ``gif`` extra). Each takes the PNG frames, already slide-sized."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final

from ..errors import RenderError

__all__ = ["DECK_FILES", "pptx_deck", "gif_animation", "require_extra"]

DECK_FILES: Final = {"pptx": "slides.pptx", "gif": "frames.gif"}
"""The file each whole-run format writes."""
_EXTRAS: Final = {"pptx": ("pptx", "python-pptx"), "gif": ("PIL", "pillow")}
_SLIDE_INCHES: Final = {(16, 9): (13.333, 7.5)}
GIF_SECONDS: Final = 1.5
"""How long a GIF shows each frame; the last is held LAST_HOLD times as long."""
LAST_HOLD: Final = 3


def require_extra(fmt: str) -> None:
    """A clear error, before anything is written, when a format's extra is not installed."""
    module, package = _EXTRAS[fmt]
    try:
        __import__(module)
    except ImportError:
        raise RenderError(f"--format {fmt} needs {package}: pip install "
                          f"'backprop-trace[{fmt}]'") from None


def pptx_deck(pngs: Sequence[bytes], captions: Sequence[str], notes: Sequence[str],
              title: str, subtitle: str) -> bytes:
    """One 16:9 slide per frame, the frame filling the slide (a 4:3 frame its height), its
    caption as the picture's alt text and, with ``notes``, in the speaker notes; a title slide
    first."""
    from pptx import Presentation
    from pptx.util import Emu, Inches

    deck = Presentation()
    inches = _SLIDE_INCHES[(16, 9)]
    slide_w, slide_h = int(Inches(inches[0])), int(Inches(inches[1]))
    deck.slide_width, deck.slide_height = Emu(slide_w), Emu(slide_h)
    cover = deck.slides.add_slide(deck.slide_layouts[0])  # title and subtitle
    for shape, text in ((cover.shapes.title, title), (cover.placeholders[1], subtitle)):
        shape.text = text
        # the template's placeholders are laid out for a 4:3 slide: centre them on this one
        shape.left, shape.width = Emu(slide_w // 12), Emu(slide_w * 10 // 12)
    blank = deck.slide_layouts[6]
    for png, caption, note in zip(pngs, captions, notes, strict=True):
        slide = deck.slides.add_slide(blank)
        pixels = _png_size(png)
        scale = min(slide_w / pixels[0], slide_h / pixels[1])
        w, h = int(pixels[0] * scale), int(pixels[1] * scale)
        picture = slide.shapes.add_picture(io.BytesIO(png), Emu((slide_w - w) // 2),
                                           Emu((slide_h - h) // 2), Emu(w), Emu(h))
        picture._element.nvPicPr.cNvPr.set("descr", caption)  # alt text: python-pptx has no API
        slide.notes_slide.notes_text_frame.text = note
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def gif_animation(pngs: Sequence[bytes], seconds: float = GIF_SECONDS) -> bytes:
    """One GIF frame per frame, ``seconds`` each, the last held LAST_HOLD times as long (not
    repeated); looping. One palette for all, so colours do not flicker between frames."""
    from PIL import Image

    frames = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    palette = frames[-1].quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    durations = [round(seconds * 1000)] * len(indexed)
    durations[-1] *= LAST_HOLD
    out = io.BytesIO()
    indexed[0].save(out, format="GIF", save_all=True, append_images=indexed[1:],
                    duration=durations, loop=0, optimize=False, disposal=1)
    return out.getvalue()


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
