"""The drawing options as one typed value, validated once: ``Options(theme="dark",
rankdir="TB")``. ``frames()``, ``render()``, ``to_graphviz()``, the notebook and the command
line all take it (keyword arguments still work: they make one)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final, Literal, get_args

from ..errors import OptionError
from ..printing.messages import LANGUAGES
from .raster import SLIDE_PIXELS
from .style import ASPECTS, CONSTANT_STYLES, RANKDIR_CHOICES, Theme, get_theme

__all__ = ["Options", "options_from", "FRAME_FORMATS", "DECK_FORMATS", "FORMATS",
           "GRANULARITY_CHOICES",
           "LANG_VARIABLE", "default_lang", "Rankdir", "Aspect", "Constants", "Granularity",
           "Format", "Lang", "Mode", "MODES"]

Rankdir = Literal["auto", "LR", "TB"]
Aspect = Literal["16:9", "4:3", "fit"]
Constants = Literal["gate", "node"]
Granularity = Literal["auto", "edge", "node"]
Format = Literal["svg", "png", "pdf"]
Lang = Literal["en"]
Mode = Literal["reverse", "forward", "paths"]

FRAME_FORMATS: Final[tuple[str, ...]] = get_args(Format)
"""The formats of a frame's picture."""
DECK_FORMATS: Final[tuple[str, ...]] = ("pptx", "gif", "mp4")
"""Whole-run files made of the frames: a PowerPoint deck, an animated GIF, an MP4 video."""
FORMATS: Final[tuple[str, ...]] = FRAME_FORMATS + DECK_FORMATS
"""What ``render`` can write: the frames' formats and the whole-run files."""
GRANULARITY_CHOICES: Final[tuple[str, ...]] = get_args(Granularity)
MODES: Final[tuple[str, ...]] = get_args(Mode)
LANG_VARIABLE: Final = "BACKPROP_TRACE_LANG"
"""The environment variable giving the default language (unset or empty: English)."""


def default_lang() -> str:
    """The language of outputs when none is asked for: ``BACKPROP_TRACE_LANG``, else English."""
    lang = os.environ.get(LANG_VARIABLE, "").strip()
    if not lang:
        return "en"
    if lang not in LANGUAGES:
        raise OptionError(f"{LANG_VARIABLE}={lang[:20]!r} is not a language (must be one of "
                          f"{list(LANGUAGES)})")
    return lang


def _choice(name: str, value: object, choices: Iterable[str]) -> None:
    allowed = list(choices)
    if not isinstance(value, str) or value not in allowed:
        raise OptionError(f"unknown {name} {value!r:.40} (must be one of {allowed})")


@dataclass(frozen=True)
class Options:
    """How frames are drawn and which files ``render`` writes.

    ``theme``: "default" (colour-blind safe), "classic" (green/red), "dark" or a ``Theme``;
    ``rankdir``: "auto" (whichever direction shows the text largest), "LR" or "TB";
    ``aspect``: the slide frames are padded to; ``constants``: inside their gates or as
    nodes; ``granularity``: a frame per step ("edge"), per operation ("node") or "auto";
    ``formats``: the frame formats ``render`` writes; ``lang``: the language of every word;
    ``expand``: user functions drawn as their operations, not as one composite gate (a name,
    or "all"); ``collapse``: named equations drawn as one composite gate (or "all");
    ``frame_seconds``: each frame's time in an animated GIF;
    ``mode``: the backward pass ("reverse"), forward mode from the input ``wrt``
    ("forward") or the paths from ``wrt`` to the output, one per frame ("paths"); every mode
    draws the nodes at the same places; ``exercise``: ``render`` also writes an exercise
    sheet and its answers (``exercise.pdf``/``.md``, ``answers.pdf``/``.md``).
    """

    theme: str | Theme = "default"
    rankdir: Rankdir = "auto"
    aspect: Aspect = "16:9"
    constants: Constants = "gate"
    granularity: Granularity = "auto"
    formats: tuple[str, ...] = ("svg",)
    lang: str = field(default_factory=default_lang)
    expand: tuple[str, ...] = ()
    collapse: tuple[str, ...] = ()
    png_size: tuple[int, int] = SLIDE_PIXELS
    """PNG frames' pixels (a frame of another shape fits inside): 1920×1080 by default,
    ``(3840, 2160)`` or ``"3840x2160"`` for 4K."""
    frame_seconds: float = 1.5
    """How long an animated GIF shows each frame (the last three times as long)."""
    mode: Mode = "reverse"
    wrt: str | None = None
    """The input forward mode and the paths start from (default: the first differentiated
    input); not for the reverse pass, which differentiates every input at once."""
    exercise: bool = False

    def __post_init__(self) -> None:
        get_theme(self.theme)  # an unknown name is an OptionError
        _choice("rankdir", self.rankdir, RANKDIR_CHOICES)
        _choice("aspect", self.aspect, ASPECTS)
        _choice("constants", self.constants, CONSTANT_STYLES)
        _choice("granularity", self.granularity, GRANULARITY_CHOICES)
        _choice("lang", self.lang, LANGUAGES)
        _choice("mode", self.mode, MODES)
        seconds = self.frame_seconds
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
                or not 0.02 <= seconds <= 60:
            raise OptionError(f"frame_seconds must be a number of seconds from 0.02 to 60, got "
                              f"{seconds!r:.40}")
        if not isinstance(self.exercise, bool):
            raise OptionError(f"exercise is True or False, got {self.exercise!r:.40}")
        if self.wrt is not None and not isinstance(self.wrt, str):
            raise OptionError(f"wrt names one input (a str), got {type(self.wrt).__name__}")
        if self.wrt is not None and self.mode == "reverse":
            raise OptionError("wrt= picks the input of mode='forward' or mode='paths'; the "
                              "reverse pass differentiates every input given to trace(wrt=…)")
        formats = self.formats
        if isinstance(formats, str):
            formats = tuple(f.strip() for f in formats.split(","))
        if not isinstance(formats, (tuple, list)) or not formats:
            raise OptionError(f"formats must be some of {list(FORMATS)}, got {formats!r:.40}")
        for fmt in formats:
            _choice("format", fmt, FORMATS)
        object.__setattr__(self, "formats", tuple(dict.fromkeys(formats)))
        object.__setattr__(self, "png_size", _png_size(self.png_size))
        width, height = self.png_size
        shape = ASPECTS[self.aspect]
        if shape is not None and abs(width / height - shape) > 0.01 * shape \
                and (width, height) != SLIDE_PIXELS:
            # a slide's frame would fill only part of it: say so rather than write another size
            # (the default 1920×1080 bounds a 4:3 frame: 1440×1080)
            sizes = "1920x1080, 3840x2160" if self.aspect == "16:9" else "1440x1080, 2880x2160"
            raise OptionError(f"png_size {width}×{height} is not {self.aspect}, the frames' "
                              f"aspect: give a {self.aspect} size ({sizes}), change aspect, or "
                              f"aspect='fit' to fit frames of any shape within it")
        for name in ("expand", "collapse"):
            object.__setattr__(self, name, _names(name, getattr(self, name)))

    @property
    def resolved_theme(self) -> Theme:
        return get_theme(self.theme)

    def with_(self, **changes: Any) -> Options:
        """These options with some changed (validated again)."""
        return replace(self, **changes)


def _names(option: str, names: object) -> tuple[str, ...]:
    """Function or equation names: a comma-separated string or a sequence of strings."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    if not isinstance(names, (tuple, list)) or not all(isinstance(n, str) for n in names):
        example = "expand=['σ']" if option == "expand" else "collapse=['p']"
        raise OptionError(f"{option} takes names of functions or equations (e.g. "
                          f"{example}), got {names!r:.40}")
    return tuple(dict.fromkeys(names))


def _png_size(size: object) -> tuple[int, int]:
    if isinstance(size, str):
        parts = size.lower().replace("×", "x").split("x")
        try:
            size = tuple(int(p) for p in parts)
        except ValueError:
            size = None
    if not (isinstance(size, (tuple, list)) and len(size) == 2 and all(
            isinstance(n, int) and not isinstance(n, bool) for n in size)):
        raise OptionError(f"png_size must be width×height in pixels, e.g. (1920, 1080) or "
                          f"'3840x2160', got {size!r:.40}")
    width, height = size
    if not (16 <= width <= _MAX_PNG[0] and 9 <= height <= _MAX_PNG[1]):
        raise OptionError(f"png_size must be between 16×9 and {_MAX_PNG[0]}×{_MAX_PNG[1]} "
                          f"pixels, got {width}×{height}")
    return width, height


_MAX_PNG: Final = (7680, 4320)
_FIELDS: Final = frozenset(f.name for f in fields(Options))


def options_from(options: Options | None, changes: Mapping[str, Any]) -> Options:
    """One ``Options`` from an options object and keyword arguments (which win); an unknown
    keyword is an OptionError naming the choices."""
    unknown = [name for name in changes if name not in _FIELDS]
    if unknown:
        raise OptionError(f"unknown option {unknown[0]!r} (options: {', '.join(sorted(_FIELDS))})")
    if options is None:
        return Options(**changes)
    if not isinstance(options, Options):
        raise OptionError(f"options must be a backprop_trace.Options, got "
                          f"{type(options).__name__}")
    return replace(options, **changes) if changes else options
