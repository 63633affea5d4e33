"""The tables of a TrueType font, read and written with ``struct`` alone: the character map
and advance widths text is measured with (``metrics.py``), and a copy of a font cut to the
glyphs of some characters, small enough to go inside an HTML player (``player.py``)."""

from __future__ import annotations

import struct
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

__all__ = ["tables", "character_map", "advance_widths", "cut_font"]

_KEPT: Final[tuple[str, ...]] = ("OS/2", "head", "hhea")
"""Tables a cut font copies as they are (head and hhea then patched)."""


def tables(data: bytes) -> dict[str, tuple[int, int]]:
    """Each table's offset and length, by tag."""
    (count,) = struct.unpack_from(">H", data, 4)
    found = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        found[tag.decode("latin-1")] = (offset, length)
    return found


@lru_cache(maxsize=8)  # a cut per frame reads the same few fonts (bytes cache their hash)
def character_map(data: bytes) -> dict[int, int]:
    """Code point → glyph from the Unicode subtable (format 12 if present, else 4); not to be
    changed (it is shared)."""
    at = tables(data)["cmap"][0]
    (count,) = struct.unpack_from(">H", data, at + 2)
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, at + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, at + offset)[0]
        if platform in (0, 3):
            subtables[fmt] = at + offset
    glyphs: dict[int, int] = {}
    if 12 in subtables:
        base = subtables[12]
        (groups,) = struct.unpack_from(">I", data, base + 12)
        for i in range(groups):
            start, end, glyph = struct.unpack_from(">III", data, base + 16 + 12 * i)
            for c in range(start, end + 1):
                glyphs[c] = glyph + c - start
        return glyphs
    base = subtables[4]
    segments = struct.unpack_from(">H", data, base + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, base + 14)
    starts = struct.unpack_from(f">{segments}H", data, base + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, base + 16 + 4 * segments)
    range_at = base + 16 + 6 * segments
    offsets = struct.unpack_from(f">{segments}H", data, range_at)
    for k in range(segments):
        for c in range(starts[k], ends[k] + 1):
            if c == 0xFFFF:
                continue
            if offsets[k] == 0:
                glyph = (c + deltas[k]) & 0xFFFF
            else:
                where = range_at + 2 * k + offsets[k] + 2 * (c - starts[k])
                glyph = struct.unpack_from(">H", data, where)[0]
                if glyph:
                    glyph = (glyph + deltas[k]) & 0xFFFF
            if glyph:
                glyphs[c] = glyph
    return glyphs


def advance_widths(data: bytes) -> tuple[list[int], int]:
    """Each glyph's advance width (the last repeated, as ``hmtx`` stores it), and units per
    em."""
    where = tables(data)
    units = struct.unpack_from(">H", data, where["head"][0] + 18)[0]
    metrics = struct.unpack_from(">H", data, where["hhea"][0] + 34)[0]
    glyphs = struct.unpack_from(">H", data, where["maxp"][0] + 4)[0]
    hmtx = where["hmtx"][0]
    widths = [struct.unpack_from(">H", data, hmtx + 4 * i)[0] for i in range(metrics)]
    return widths + [widths[-1]] * (glyphs - metrics), units


def cut_font(data: bytes, characters: Iterable[str]) -> bytes:
    """A TrueType font with only the glyphs of ``characters`` (of the Basic Multilingual
    Plane), their components and .notdef: the same outlines and widths, renumbered, without
    hinting (browsers and slide tools draw at display sizes, where it matters little)."""
    where = tables(data)
    cmap = character_map(data)
    codes = sorted({ord(c) for c in characters if ord(c) in cmap and ord(c) < 0xFFFF})
    old = [0, *dict.fromkeys(cmap[c] for c in codes)]  # new glyph k is old glyph old[k]
    new_of = {g: k for k, g in enumerate(old)}
    long_loca = struct.unpack_from(">h", data, where["head"][0] + 50)[0] == 1
    loca_at = where["loca"][0]

    def glyph_range(g: int) -> tuple[int, int]:
        if long_loca:
            return struct.unpack_from(">II", data, loca_at + 4 * g)
        a, b = struct.unpack_from(">HH", data, loca_at + 2 * g)
        return 2 * a, 2 * b

    glyf_at = where["glyf"][0]

    def outline_of(g: int) -> bytes:
        start, end = glyph_range(g)
        return data[glyf_at + start:glyf_at + end]

    # a composite glyph (é = e + ´) needs its components: walk them in, breadth first
    k = 0
    while k < len(old):
        for component in _components(outline_of(old[k])):
            if component not in new_of:
                new_of[component] = len(old)
                old.append(component)
        k += 1
    outlines, loca = [], [0]
    for g in old:
        outline = _unhinted(outline_of(g), new_of)
        outline += b"\0" * (-len(outline) % 4)
        outlines.append(outline)
        loca.append(loca[-1] + len(outline))
    hmtx_at, metrics = where["hmtx"][0], struct.unpack_from(">H", data, where["hhea"][0] + 34)[0]

    def metric(g: int) -> bytes:
        advance = struct.unpack_from(">H", data, hmtx_at + 4 * min(g, metrics - 1))[0]
        if g < metrics:
            lsb = struct.unpack_from(">h", data, hmtx_at + 4 * g + 2)[0]
        else:
            lsb = struct.unpack_from(">h", data, hmtx_at + 4 * metrics + 2 * (g - metrics))[0]
        return struct.pack(">Hh", advance, lsb)

    n = len(old)
    head = bytearray(_table(data, where, "head"))
    head[8:12] = b"\0\0\0\0"  # checksumAdjustment, set when the whole font is written
    struct.pack_into(">h", head, 50, 1)  # long loca offsets
    hhea = bytearray(_table(data, where, "hhea"))
    struct.pack_into(">H", hhea, 34, n)
    maxp = bytearray(_table(data, where, "maxp"))
    struct.pack_into(">H", maxp, 4, n)
    # post version 3: no glyph names
    post = struct.pack(">IiHhIIIII", 0x00030000, 0, 0, 0, 0, 0, 0, 0, 0)
    built: dict[str, bytes] = {tag: _table(data, where, tag) for tag in _KEPT if tag in where}
    built |= {"head": bytes(head), "hhea": bytes(hhea), "maxp": bytes(maxp), "post": post,
              "hmtx": b"".join(map(metric, old)), "glyf": b"".join(outlines),
              "loca": struct.pack(f">{n + 1}I", *loca),
              "cmap": _cmap_format_4({c: new_of[cmap[c]] for c in codes})}
    built["name"] = _names(_table(data, where, "name"))
    return _font(built)


_NAMES_KEPT: Final = frozenset({0, 1, 2, 3, 4, 5, 6, 14})
"""Copyright, family, style, unique, full and PostScript names, version, licence URL (not the
licence's whole text, which would outweigh the glyphs a hundred times)."""


def _names(table: bytes) -> bytes:
    """The name table with the Windows records of _NAMES_KEPT only."""
    count, strings_at = struct.unpack_from(">HH", table, 2)
    kept = []
    for i in range(count):
        record = struct.unpack_from(">6H", table, 6 + 12 * i)
        platform, _, _, name_id, length, offset = record
        if platform == 3 and name_id in _NAMES_KEPT:
            kept.append((record[:4], table[strings_at + offset:strings_at + offset + length]))
    records, strings = b"", b""
    for head, text in kept:
        records += struct.pack(">6H", *head, len(text), len(strings))
        strings += text
    return struct.pack(">3H", 0, len(kept), 6 + 12 * len(kept)) + records + strings


_WORDS, _SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO, _INSTRUCTIONS = (
    0x0001, 0x0008, 0x0020, 0x0040, 0x0080, 0x0100)
"""A composite glyph's component flags."""


def _component_spans(outline: bytes) -> list[tuple[int, int]]:
    """Each component's (offset of its flags, offset after it) in a composite glyph."""
    spans, at = [], 10
    while True:
        flags = struct.unpack_from(">H", outline, at)[0]
        end = at + 4 + (4 if flags & _WORDS else 2)
        end += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _TWO_BY_TWO \
            else 0
        spans.append((at, end))
        if not flags & _MORE:
            return spans
        at = end


def _simple_end(outline: bytes, at: int) -> int:
    """Where a simple glyph's data ends (its flags and coordinates read from ``at``), so no
    padding is carried into the cut font."""
    contours = struct.unpack_from(">h", outline)[0]
    points = struct.unpack_from(">H", outline, 10 + 2 * (contours - 1))[0] + 1 if contours else 0
    x_bytes = y_bytes = read = 0
    while read < points:
        flag = outline[at]
        at += 1
        repeat = 1
        if flag & 0x08:  # the flag repeated
            repeat += outline[at]
            at += 1
        x_bytes += repeat * (1 if flag & 0x02 else 0 if flag & 0x10 else 2)
        y_bytes += repeat * (1 if flag & 0x04 else 0 if flag & 0x20 else 2)
        read += repeat
    return at + x_bytes + y_bytes


def _components(outline: bytes) -> list[int]:
    if not outline or struct.unpack_from(">h", outline)[0] >= 0:
        return []
    return [struct.unpack_from(">H", outline, at + 2)[0] for at, _ in _component_spans(outline)]


def _unhinted(outline: bytes, new_of: dict[int, int]) -> bytes:
    """A glyph without its hinting instructions (their programs are not copied), a
    composite's components renumbered."""
    if not outline:
        return outline
    contours = struct.unpack_from(">h", outline)[0]
    if contours >= 0:
        at = 10 + 2 * contours
        length = struct.unpack_from(">H", outline, at)[0]
        points_at = at + 2 + length
        return outline[:at] + b"\0\0" + outline[points_at:_simple_end(outline, points_at)]
    glyph = bytearray(outline)
    spans = _component_spans(outline)
    for at, _ in spans:
        flags, component = struct.unpack_from(">HH", glyph, at)
        struct.pack_into(">HH", glyph, at, flags & ~_INSTRUCTIONS, new_of[component])
    return bytes(glyph[:spans[-1][1]])


def _table(data: bytes, where: dict[str, tuple[int, int]], tag: str) -> bytes:
    offset, length = where[tag]
    return data[offset:offset + length]


def _cmap_format_4(glyph_of: dict[int, int]) -> bytes:
    """A cmap with one Windows Unicode BMP subtable, a segment per character."""
    codes = [*sorted(glyph_of), 0xFFFF]
    segments = len(codes)
    ends = codes
    starts = codes
    deltas = [(glyph_of.get(c, 1) - c) & 0xFFFF for c in codes]
    search = 2 ** (segments.bit_length() - 1)
    length = 16 + 8 * segments
    subtable = struct.pack(">7H", 4, length, 0, 2 * segments, 2 * search,
                           search.bit_length() - 1, 2 * segments - 2 * search)
    subtable += struct.pack(f">{segments}H", *ends) + b"\0\0"
    subtable += struct.pack(f">{segments}H", *starts)
    subtable += struct.pack(f">{segments}H", *deltas)
    subtable += b"\0\0" * segments  # idRangeOffset: glyph = code + delta
    return struct.pack(">HHHHI", 0, 1, 3, 1, 12) + subtable


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def _font(built: dict[str, bytes]) -> bytes:
    """The font file of these tables: directory, tables 4-byte aligned, head's
    checksumAdjustment."""
    tags = sorted(built)
    count = len(tags)
    search = 2 ** (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, 16 * search, search.bit_length() - 1,
                         16 * count - 16 * search)
    offset = 12 + 16 * count
    directory, body = b"", b""
    for tag in tags:
        table = built[tag]
        directory += struct.pack(">4sIII", tag.encode("latin-1"), _checksum(table), offset,
                                 len(table))
        padded = table + b"\0" * (-len(table) % 4)
        body += padded
        offset += len(padded)
    font = bytearray(header + directory + body)
    head_at = 12 + 16 * count + sum(len(built[t]) + (-len(built[t]) % 4)
                                    for t in tags[:tags.index("head")])
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)
