"""Text widths from the real metrics of the bundled fonts the frames are drawn in: DejaVu
Sans, and for Chinese and Korean (which DejaVu lacks) a subset of Noto Sans CJK SC. Each
character's advance width comes from its font's ``cmap`` and ``hmtx`` tables, so widths are
right for ∂, subscripts and CJK characters alike (``len`` is not).

>>> text_width("∂f/∂x", 14) > text_width("fx", 14)
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Final

from .sfnt import advance_widths, character_map
from .style import SUBSCRIPT_SCALE, SUBSCRIPTS

__all__ = ["text_width", "font_path", "FONT_FILES", "wrap_text", "block_columns", "block_width",
           "CELL_GAP", "CJK_FAMILY", "CJK_FILE", "CJK_RUN", "cjk_font_path", "cjk_font_bytes",
           "font_bytes", "cjk_characters"]

CELL_GAP: Final = 0.4
"""Space between the cells of a matrix block, in ems."""

FONT_FILES: Final = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
CJK_FILE: Final = "NotoSansCJKsc-Subset.ttf"
"""Noto Sans CJK SC Regular cut to common hanzi and Hangul (``tools/cjk_font.py``); bold CJK
text is drawn in it too."""
CJK_FAMILY: Final = "Noto Sans CJK SC"
CJK_RUN: Final = re.compile("[\u1100-\u11ff\u2e80-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
                            "\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")
"""Runs of CJK characters (ideographs, Hangul, CJK punctuation, full-width forms): set in
the CJK font (DejaVu Sans has none of them)."""


def font_path(bold: bool = False) -> str:
    """The bundled font file (regular or bold)."""
    return str(resources.files(__package__).joinpath("fonts").joinpath(FONT_FILES[bold]))


def cjk_font_path() -> str:
    """The bundled CJK font file."""
    return str(resources.files(__package__).joinpath("fonts").joinpath(CJK_FILE))


@cache
def font_bytes(bold: bool = False) -> bytes:
    """The bundled DejaVu Sans file's contents (regular or bold)."""
    return resources.files(__package__).joinpath("fonts").joinpath(FONT_FILES[bold]).read_bytes()


@cache
def cjk_font_bytes() -> bytes:
    """The bundled CJK font file's contents."""
    return resources.files(__package__).joinpath("fonts").joinpath(CJK_FILE).read_bytes()


def cjk_characters() -> frozenset[str]:
    """The characters the bundled CJK font draws."""
    return frozenset(map(chr, _cjk_metrics()[0]))


@lru_cache(maxsize=16384)  # a frame measures the same names and numbers many times
def text_width(text: str, size: float = 14.0, bold: bool = False) -> float:
    """The advance width of ``text`` set in ``size`` points, in points (no kerning)."""
    advances, units = _metrics(bold)
    try:
        return sum(map(advances.__getitem__, map(ord, text))) * size / units
    except KeyError:
        pass  # a character the font lacks: the slow way below
    total = 0.0
    cjk, cjk_units = _cjk_metrics()
    for c in text:
        if CJK_RUN.match(c):  # set in the CJK font (svg.py)
            width = cjk.get(ord(c))
            if width is not None:
                total += width / cjk_units
                continue
            wide = unicodedata.east_asian_width(c) in ("W", "F")
            total += 1.0 if wide else advances.get(0xFFFD, units // 2) / units
            continue
        # a character neither font has is drawn as the missing glyph, about half an em
        total += advances.get(ord(c), advances.get(0xFFFD, units // 2)) / units
    return total * size


def block_columns(text: str, size: float) -> list[float]:
    """The widths of the columns of a block (rows split by new lines, cells by tabs): a small
    matrix, its numbers aligned."""
    widths: list[float] = []
    for row in text.split("\n"):
        for k, cell in enumerate(row.split("\t")):
            w = text_width(cell, size)
            if k == len(widths):
                widths.append(w)
            elif w > widths[k]:
                widths[k] = w
    return widths


def block_width(text: str, size: float) -> float:
    """The width of a text that may be a block of rows and cells (a plain text too)."""
    if "\t" not in text:
        return max(text_width(row, size) for row in text.split("\n"))
    columns = block_columns(text, size)
    return sum(columns) + CELL_GAP * size * (len(columns) - 1)


def wrap_text(text: str, limit: float, size: float, before: tuple[str, ...] = (" = ", " + "),
              first_alone: bool = False) -> list[str]:
    """``text`` as lines no wider than ``limit`` (pt) where it can be: broken before one of
    the separators ``before`` outside brackets, which then starts the next line (``= 0.4``,
    ``+ ∂u/∂y·∂y/∂a``).
    A line is wider than ``limit`` only when one unbreakable piece is; ``first_alone`` keeps
    the first piece (a partial's symbol) alone on the first line."""
    if text_width(text, size) <= limit:
        return [text]
    pieces, start, depth = [], 0, 0
    for k, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if k and depth == 0 and any(text.startswith(sep, k) for sep in before):
            pieces.append(text[start:k])
            start = k + 1  # the space before the separator ends the previous line
    pieces.append(text[start:])
    lines = [pieces[0]]
    for piece in pieces[1:]:
        joined = f"{lines[-1]} {piece}"
        if not (first_alone and len(lines) == 1) and text_width(joined, size) <= limit:
            lines[-1] = joined
        else:
            lines.append(piece)
    return lines


@cache
def _cjk_metrics() -> tuple[dict[int, int], int]:
    return _font_metrics(CJK_FILE)


@cache
def _metrics(bold: bool) -> tuple[dict[int, int], int]:
    """Advance width by code point (subscripts as drawn, enlarged), and the font's units per
    em."""
    advances, units = _font_metrics(FONT_FILES[bold])
    for c in map(ord, SUBSCRIPTS):  # drawn enlarged (svg.py)
        if c in advances:
            advances[c] = round(advances[c] * SUBSCRIPT_SCALE)
    return advances, units


def _font_metrics(name: str) -> tuple[dict[int, int], int]:
    """A bundled font's advance width by code point, and its units per em."""
    data = resources.files(__package__).joinpath("fonts").joinpath(name).read_bytes()
    widths, units = advance_widths(data)
    return {c: widths[g] for c, g in character_map(data).items() if g < len(widths)}, units
