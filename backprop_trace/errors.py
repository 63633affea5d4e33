"""The exceptions a user can cause: one ``TraceError`` family, each with an actionable message."""

from __future__ import annotations

__all__ = ["TraceError", "ParseError", "GraphError", "DomainError", "ShapeError", "RenderError",
           "OptionError", "FrameIndexError", "LargeGraphWarning"]


class TraceError(ValueError):
    """Base class of every error caused by what the user asked for."""


class ParseError(TraceError):
    """The text is not an expression or equation system this tool accepts.

    Carries the 1-based ``line`` and ``column`` of the culprit and the source line,
    and its message ends with the line and a caret under the spot.
    """

    def __init__(self, message: str, text: str = "", offset: int | None = None) -> None:
        self.reason = message
        self.line, self.column, shown, caret_at = _locate(text, offset)
        self.source_line = shown
        if offset is None:
            full = message
        else:
            full = (
                f"line {self.line}, column {self.column}: {message}\n"
                f"  {shown}\n  {' ' * caret_at}^"
            )
        super().__init__(full)


class GraphError(TraceError):
    """The equations do not form one acyclic graph with one output (cycles, unknown names, …)."""


class DomainError(TraceError):
    """A numeric value is outside an operation's domain (log of a negative, division by zero, …)."""


class ShapeError(DomainError):
    """Values whose shapes do not fit an operation (a 2×3 matrix times a 2-vector): names the
    node, the operation and the shapes as numpy writes them, ``(2, 3)`` and ``(2,)``."""


class OptionError(TraceError):
    """An option is not one of its choices (a theme, format, direction, frame number, …)."""


class FrameIndexError(OptionError, IndexError):
    """A frame number out of range (also an IndexError, as sequences raise)."""


class RenderError(TraceError):
    """A picture could not be made (for example the Graphviz ``dot`` program is missing)."""


class LargeGraphWarning(UserWarning):
    """The graph is too large for a readable diagram (the pictures are still made)."""


_SHOWN_LINE_CHARS = 100


def _locate(text: str, offset: int | None) -> tuple[int, int, str, int]:
    """Line and column (1-based) of ``offset``, the line as shown, and the caret's index in it.

    A long line is shown as a window around the culprit, so a 1 MB input never floods a
    terminal; control characters (NUL, tab, …) are shown as ``?`` so the caret stays aligned.
    """
    if offset is None:
        return 0, 0, "", 0
    offset = max(0, min(offset, len(text)))
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    if line_end < 0:
        line_end = len(text)
    line = text.count("\n", 0, offset) + 1
    column = offset - line_start + 1
    lo = max(line_start, offset - _SHOWN_LINE_CHARS // 2)
    hi = min(line_end, lo + _SHOWN_LINE_CHARS)
    shown = "".join(c if c.isprintable() else "?" for c in text[lo:hi])
    caret_at = offset - lo
    if lo > line_start:
        shown, caret_at = "…" + shown, caret_at + 1
    if hi < line_end:
        shown += "…"
    return line, column, shown, caret_at
