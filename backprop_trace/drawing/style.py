"""How frames look, in one place: colour themes and the sizes, widths and spacings of the
diagram. Forward and backward are also coded without colour (the ∂ prefix, position in the
node, the gradient under the wire behind an arrow), so every theme reads in greyscale."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from ..errors import OptionError

__all__ = ["Theme", "THEMES", "get_theme", "RANKDIRS", "RANKDIR_CHOICES", "ASPECTS", "SCREEN",
           "CONSTANT_STYLES",
           "AUTO_LAYOUT_NODES", "GRANULARITIES", "READABLE_NODES",
           "FONT_SIZE", "EDGE_FONT_SIZE", "GATE_FONT_SIZE", "EDGE_WIDTH", "HIGHLIGHT_WIDTH",
           "OUTPUT_BORDER_WIDTH",
           "CORNER_RADIUS", "GRAPH_ATTRIBUTES", "EDGE_ARROW_SIZE", "LARGE_GRAPH_ATTRIBUTES"]

RANKDIRS: Final = ("LR", "TB")
RANKDIR_CHOICES: Final = ("auto", *RANKDIRS)
"""``auto``: whichever direction shows the text largest on the slide."""
CONSTANT_STYLES: Final = ("gate", "node")
"""Where constants are drawn: inside their gate (``×3``, ``+1``, ``x²``), CS231n style, or
as nodes of their own."""
ASPECTS: Final[Mapping[str, float | None]] = MappingProxyType(
    {"16:9": 16 / 9, "4:3": 4 / 3, "fit": None})
"""The slide a frame is padded to (``fit``: the drawing's own shape)."""
SCREEN: Final = (1920, 1080)
"""The projector a slide is judged on: text sizes are quoted in its pixels."""
SUBSCRIPTS: Final = "₀₁₂₃₄₅₆₇₈₉ₐₑₒₓₕₖₗₘₙₚₛₜ"
"""Subscript characters, drawn enlarged (SUBSCRIPT_SCALE)."""
SUBSCRIPT_SCALE: Final = 1.25
"""DejaVu's subscript digits are 0.41 em tall, 0.56 of its digits' 0.73 em: drawn at 125 %
they read as digits at 0.70 of the text size (LaTeX's script size), so w₁₂ and w₂₁ can be
told apart from the back row."""
SUBSCRIPT_DROP: Final = 0.12
"""How far (em of the enlarged subscript) subscripts sit below the baseline: DejaVu draws
them on it, and enlarged they would read as digits of the name (w11)."""
LAYOUT_RESTARTS: Final = 6
"""Restarts of the best layout from shuffled declaration orders when it has faults (crossing
wires): measured on the lecture graphs, the 2-2-1 network goes from 3 crossings to 2 and an
attention score from 3 to 1, for 0.1–1.1 s more."""
SIZE_TOLERANCE: Final = 0.9
"""A layout whose text is at least this fraction of the largest any layout shows may be kept
for having fewer faults (crossings, wires along boxes)."""
AUTO_LAYOUT_NODES: Final = 60
"""Up to this many drawn nodes, the graph is laid out in every candidate shape and the one
with the fewest faults among the largest texts is kept (renderer.py); above, one layout left
to right (large graphs stay fast)."""
GRANULARITIES: Final = ("edge", "node")
"""A frame per backward step, or per operation's whole backward pass."""
READABLE_NODES: Final = 300
"""Above this many nodes a picture is hard to read: frames go per operation ("auto"), the
layout effort is capped and ``render`` warns."""
FONT_SIZE: Final = 14
"""Node text and the caption, in points."""
EDGE_FONT_SIZE: Final = 14
GATE_FONT_SIZE: Final = 16
EDGE_WIDTH: Final = 1.2
"""Edges that carry gradient (and backward arrows)."""
HIGHLIGHT_WIDTH: Final = 3
"""The current step's edge and the border of the node receiving it."""
OUTPUT_BORDER_WIDTH: Final = 2
CORNER_RADIUS: Final = 6
"""Rounded box corners."""
LINE_HEIGHT: Final = 1.2
"""Text line height, in multiples of the font size."""
NODE_PADDING: Final = 3.0
GATE_PADDING: Final = 4.0
CONST_PADDING: Final = 4.0
LABEL_PADDING: Final = 1.0
CJK_INSET: Final = 3.0
"""Added left of a box's text that starts with a Chinese or Korean character (no side
bearing: it would touch the border)."""
WIRE_GAP: Final = 4.0
"""Space between a vertical wire and the label text beside it (top to bottom)."""
WIRE_CLEARANCE: Final = 8.0
"""Space between a horizontal wire and the label lines above and below it (left to right):
the current step's halo (HALO_WIDTH) stays clear of the text."""
COLUMN_GAP: Final = 1.0
"""Ems between a node's header and its gradient when they share a line."""
PORT_FIELDS: Final = 24
"""A label block is that many equal record fields to the layout engine, the wire through
one of them: where the wire crosses is known to 1/24 of the block."""
WRAP_WIDTH: Final = 7.0
"""Left to right, a local partial wider than this many ems (and than the gradient under it)
breaks into lines: its symbol, then the rest."""
GRADIENT_WIDTH: Final = 14.0
"""A node's gradient line wider than this many ems (and than the rest of the node) breaks
before its + signs."""
CAPTION_WIDTH: Final = 45.0
"""A caption wider than the drawing and than this many ems breaks into lines."""
ARROW_LENGTH: Final = 8.0
ARROW_HALF_WIDTH: Final = 3.5
HALO_WIDTH: Final = 7.0
"""The neutral highlight under the current step's wire."""
MARGIN: Final = 6.0
CAPTION_GAP: Final = 12.0
EDGE_ARROW_SIZE: Final = 0.7
WIRE_MARGIN: Final = 3.0
"""Points of empty margin the layout engine sees above and below each node box (left and
right in LR): wires leave and enter boxes that far out, clear of their neighbours."""
LAYOUT_RANKSEP: Final = 0.05
"""Inches between a box and the label block on its wire (each edge with a label spans two
ranks)."""

GRAPH_ATTRIBUTES: Final = {"nodesep": "0.12", "ranksep": "0.7", "pad": "0.2"}
WIDE_FAN_OUT: Final = 16
"""A node used by more operations than this caps the layout's effort too."""
LARGE_GRAPH_ATTRIBUTES: Final = {"mclimit": "0.2", "nslimit": "2", "nslimit1": "2",
                                 "searchsize": "10", "remincross": "false"}
"""Graphviz's crossing-minimisation effort capped for graphs too large to read."""


_COLOUR: Final = re.compile(r"#[0-9a-fA-F]{6}")
_FONT: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.\-]{0,79}")
_NAME: Final = re.compile(r"[A-Za-z0-9_\-]{1,40}")
_WHAT: Final = {_COLOUR: "a colour written #rrggbb", _FONT: "a font family name (letters, "
                "digits, spaces, commas, dots and hyphens)", _NAME: "a plain name (letters, "
                "digits, _ and -)"}


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    forward: str  # forward values
    backward: str  # gradients and backward arrows
    pending: str  # a gradient not computed yet
    node_fill: str
    node_border: str
    gate_fill: str
    const_fill: str
    edge: str
    muted: str  # edges that carry no gradient (constants, inputs not differentiated)
    highlight_fill: str
    highlight_border: str
    halo: str  # the neutral highlight under the current step's wire
    font: str = "DejaVu Sans"

    def __post_init__(self) -> None:
        # every field reaches an SVG attribute or CSS: colours as #rrggbb, a font as a family
        # name, nothing that could close a quote or open markup
        for name, value in vars(self).items():
            if not isinstance(value, str):
                raise OptionError(f"Theme.{name} must be a string, got {type(value).__name__}")
            pattern = _FONT if name == "font" else _NAME if name == "name" else _COLOUR
            if not pattern.fullmatch(value):
                raise OptionError(f"Theme.{name} = {value[:40]!r} is not {_WHAT[pattern]}")


THEMES: Final[Mapping[str, Theme]] = MappingProxyType({
    # Blue / vermilion from ColorBrewer RdBu: distinguishable with the common colour-vision
    # deficiencies.
    "default": Theme("default", "#ffffff", "#1a1a1a", "#0571b0", "#ca0020", "#8c8c8c",
                     "#ffffff", "#404040", "#eeeeee", "#f2f2f2", "#404040", "#c0c0c0",
                     "#fff2b2", "#ca0020", "#f5d77a"),
    # The lecture-slide habit: green forward values, red gradients.
    "classic": Theme("classic", "#ffffff", "#1a1a1a", "#1a9850", "#d73027", "#8c8c8c",
                     "#ffffff", "#404040", "#eeeeee", "#f2f2f2", "#404040", "#c0c0c0",
                     "#fff2b2", "#d73027", "#f5d77a"),
    "dark": Theme("dark", "#1e1e1e", "#e6e6e6", "#67a9cf", "#ef8a62", "#7a7a7a",
                  "#2b2b2b", "#bdbdbd", "#3a3a3a", "#333333", "#bdbdbd", "#555555",
                  "#4a3b12", "#ef8a62", "#9c8330"),
})


def get_theme(name: str | Theme) -> Theme:
    if isinstance(name, Theme):
        return name
    try:
        return THEMES[name]
    except (KeyError, TypeError):
        raise OptionError(f"unknown theme {name!r} (must be one of {sorted(THEMES)})") from None
