"""Whole-run files made of the frames: a PowerPoint deck (python-pptx, the ``pptx`` extra), an
animated GIF (Pillow, the ``gif`` extra) and an MP4 video (H.264 by the ffmpeg that
imageio-ffmpeg carries, the ``video`` extra). Each takes the PNG frames, already
slide-sized."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, Final

from ..errors import RenderError

__all__ = ["DECK_FILES", "pptx_deck", "gif_animation", "mp4_video", "require_extra"]

DECK_FILES: Final = {"pptx": "slides.pptx", "gif": "frames.gif", "mp4": "frames.mp4"}
"""The file each whole-run format writes."""
_EXTRAS: Final = {"pptx": (("pptx",), "python-pptx", "pptx"), "gif": (("PIL",), "pillow", "gif"),
                  "mp4": (("imageio_ffmpeg", "PIL"), "imageio-ffmpeg", "video")}
VIDEO_TICKS: Final = 10
"""Each frame of the video lasts a whole number of tenths of a second."""
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
    repeated); looping. One palette for all, so colours do not flicker between frames."""
    from PIL import Image

    frames = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    palette = _palette(frames[-1])
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    durations = [round(seconds * 1000)] * len(indexed)
    durations[-1] *= LAST_HOLD
    out = io.BytesIO()
    indexed[0].save(out, format="GIF", save_all=True, append_images=indexed[1:],
                    duration=durations, loop=0, optimize=False, disposal=1)
    return out.getvalue()


GIF_EXACT_COLOURS: Final = 16
"""A frame's commonest colours (background, text, boxes) kept exactly in the GIF's palette;
median cut alone merged the white background into a grey."""


def _palette(frame: Any) -> Any:
    """A 256-colour palette: ``frame``'s commonest colours exactly, then its median cut."""
    from PIL import Image

    counts = frame.getcolors(maxcolors=frame.width * frame.height)
    exact = [colour for _, colour in sorted(counts, reverse=True)[:GIF_EXACT_COLOURS]]
    cut = frame.quantize(colors=256 - len(exact), method=Image.Quantize.MEDIANCUT)
    rest = cut.getpalette()[:3 * (256 - len(exact))]
    palette = Image.new("P", (1, 1))
    palette.putpalette([c for colour in exact for c in colour] + rest)
    return palette


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def mp4_video(pngs: Sequence[bytes], seconds: float = GIF_SECONDS) -> bytes:
    """An H.264 MP4 (yuv420p, as slide tools and browsers play it) showing each frame
    ``seconds`` (to a tenth of a second), the last LAST_HOLD times as long. Each frame is
    one picture of a video at 1/``seconds`` pictures a second, decoded only as it is sent, so
    a long hold or an 8K frame costs no more time or memory than a short one."""
    import os
    import tempfile
    from fractions import Fraction

    import imageio_ffmpeg
    from PIL import Image

    rate = Fraction(VIDEO_TICKS, max(1, round(seconds * VIDEO_TICKS)))
    width, height = _png_size(pngs[0])
    # H.264 in yuv420p needs even sides: pad with the frame's own background (its corner)
    size = (width + width % 2, height + height % 2)
    handle, path = tempfile.mkstemp(suffix=".mp4")
    os.close(handle)
    try:
        writer = imageio_ffmpeg.write_frames(
            path, size, fps=rate, codec="libx264", pix_fmt_out="yuv420p",
            macro_block_size=1, ffmpeg_log_level="error",
            output_params=["-preset", "veryfast", "-tune", "stillimage",
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
