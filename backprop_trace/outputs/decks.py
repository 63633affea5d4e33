"""Whole-run files made of the frames: a PowerPoint deck (python-pptx, the ``pptx`` extra), an
animated GIF (Pillow, the ``gif`` extra) and an MP4 video (H.264 by the ffmpeg that
imageio-ffmpeg carries, the ``video`` extra). Each takes the PNG frames, already
slide-sized."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from typing import Any, Final

from ..errors import RenderError

__all__ = ["DECK_FILES", "pptx_deck", "gif_animation", "mp4_video", "require_extra"]

DECK_FILES: Final = {"pptx": "slides.pptx", "gif": "frames.gif", "mp4": "frames.mp4"}
"""The file each whole-run format writes."""
_EXTRAS: Final = {"pptx": (("pptx",), "python-pptx", "pptx"), "gif": (("PIL",), "pillow", "gif"),
                  "mp4": (("imageio_ffmpeg", "PIL"), "imageio-ffmpeg", "video")}
_SLIDE_INCHES: Final = {(16, 9): (13.333, 7.5)}
GIF_SECONDS: Final = 1.5
"""How long a GIF shows each frame; the last is held LAST_HOLD times as long."""
LAST_HOLD: Final = 3


def require_extra(fmt: str) -> None:
    """A clear error, before anything is written, when a format's extra is not installed."""
    modules, package, extra = _EXTRAS[fmt]
    try:
        for module in modules:
            __import__(module)
    except ImportError:
        raise RenderError(f"--format {fmt} needs {package}: pip install "
                          f"'backprop-trace[{extra}]'") from None


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
    repeated); looping. One palette for all, so colours do not flicker between frames: the
    run's commonest colours exactly (background, text, boxes), the rest by the last frame's
    median cut. Frames are decoded one at a time."""
    from PIL import Image

    counts: Counter[tuple[int, int, int]] = Counter()
    for png in pngs:  # the run's commonest colours: each frame's, added up
        with Image.open(io.BytesIO(png)) as image:
            frame = image.convert("RGB")
            colours: Any = frame.getcolors(frame.width * frame.height)  # never None at this
            counts.update({colour: n for n, colour in colours})  # many: one per pixel
    with Image.open(io.BytesIO(pngs[-1])) as last:
        palette, exact = _palette(last.convert("RGB"), counts)
    indexed = []
    for png in pngs:
        with Image.open(io.BytesIO(png)) as image:
            indexed.append(_indexed(image.convert("RGB"), palette, exact))
    durations = [round(seconds * 1000)] * len(indexed)
    durations[-1] *= LAST_HOLD
    out = io.BytesIO()
    indexed[0].save(out, format="GIF", save_all=True, append_images=indexed[1:],
                    duration=durations, loop=0, optimize=False, disposal=1)
    return out.getvalue()


GIF_EXACT_COLOURS: Final = 16
"""A frame's commonest colours (background, text, boxes) kept exactly in the GIF's palette;
median cut alone merged the white background into a grey."""


def _palette(frame: Any, counts: Counter[tuple[int, int, int]]
             ) -> tuple[Any, list[tuple[int, int, int]]]:
    """A 256-colour palette: the commonest colours of ``counts`` exactly (entries 0, 1, …),
    then ``frame``'s median cut; and those exact colours."""
    from PIL import Image

    exact = [colour for colour, _ in counts.most_common(GIF_EXACT_COLOURS)]
    cut = frame.quantize(colors=256 - len(exact), method=Image.Quantize.MEDIANCUT)
    rest = cut.getpalette()[:3 * (256 - len(exact))]
    palette = Image.new("P", (1, 1))
    palette.putpalette([c for colour in exact for c in colour] + rest)
    return palette, exact


def _indexed(frame: Any, palette: Any, exact: list[tuple[int, int, int]]) -> Any:
    """``frame`` in the palette's colours: Pillow's nearest colours, and each exact colour's
    pixels set to its own entry (Pillow's mapping is approximate: white came out grey)."""
    import numpy as np
    from PIL import Image

    mapped = frame.quantize(palette=palette, dither=Image.Dither.NONE)
    rgb = np.asarray(frame, dtype=np.uint32)
    keys = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    wanted = np.array([(r << 16) | (g << 8) | b for r, g, b in exact], dtype=np.uint32)
    order = np.argsort(wanted)
    at = np.clip(np.searchsorted(wanted[order], keys), 0, len(wanted) - 1)
    hit = wanted[order][at] == keys
    index = np.array(mapped, dtype=np.uint8)
    index[hit] = order[at[hit]]
    out = Image.frombytes("P", frame.size, index.tobytes())
    out.putpalette(palette.getpalette())
    return out


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def mp4_video(pngs: Sequence[bytes], seconds: float = GIF_SECONDS) -> bytes:
    """An H.264 MP4 (yuv420p, as slide tools and browsers play it) showing each frame
    ``seconds``, the last LAST_HOLD times as long. Each frame is
    one picture of a video at 1/``seconds`` pictures a second, decoded only as it is sent, so
    a long hold or an 8K frame costs no more time or memory than a short one."""
    import os
    import tempfile
    from fractions import Fraction

    import imageio_ffmpeg
    from PIL import Image

    rate = 1 / Fraction(seconds).limit_denominator(1000)  # one picture lasts ``seconds``
    width, height = _png_size(pngs[0])
    # H.264 in yuv420p needs even sides: pad with the frame's own background (its corner)
    size = (width + width % 2, height + height % 2)
    handle, path = tempfile.mkstemp(suffix=".mp4")
    os.close(handle)
    try:
        writer = imageio_ffmpeg.write_frames(
            path, size, fps=rate, codec="libx264", pix_fmt_out="yuv420p",
            macro_block_size=1, ffmpeg_log_level="error",
            output_params=["-preset", "veryfast", "-tune", "stillimage", "-threads", "2",
                           "-x264-params", "rc-lookahead=0:sync-lookahead=0:bframes=0:ref=1",
                           "-movflags", "+faststart"])
        writer.send(None)  # start ffmpeg
        for k, png in enumerate(pngs):
            with Image.open(io.BytesIO(png)) as image:
                frame = image.convert("RGB")
            if frame.size != size:
                padded = Image.new("RGB", size, frame.getpixel((0, 0)))
                padded.paste(frame)
                frame = padded
            data = frame.tobytes()
            for _ in range(LAST_HOLD if k == len(pngs) - 1 else 1):
                writer.send(data)
        writer.close()
        with open(path, "rb") as video:
            return video.read()
    except (OSError, RuntimeError) as exc:
        raise RenderError(f"writing the MP4 video failed: {exc}") from None
    finally:
        os.unlink(path)
