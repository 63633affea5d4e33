"""backprop_trace: the chain rule and backpropagation, one term at a time.

>>> import backprop_trace as bt
>>> bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4}).grad
{'x': -4.0, 'y': -4.0, 'z': 3.0}

The names below are loaded on first use, so ``backprop-trace --help`` starts without
importing numpy, sympy or networkx.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    DomainError,
    FrameIndexError,
    GraphError,
    LargeGraphWarning,
    OptionError,
    ParseError,
    RenderError,
    ShapeError,
    TraceError,
)
from .limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from .autodiff.calculus import LimitRow, Tangent
    from .autodiff.steps import Step
    from .drawing.options import Options
    from .drawing.style import Theme
    from .notebook import Frame
    from .printing.formulas import Formula
    from .printing.reports import CheckReport, LimitTable
    from .tracing import Trace, trace

__all__ = ["trace", "Trace", "Options", "Theme", "Step", "Formula", "Frame", "CheckReport",
           "LimitTable", "LimitRow", "Tangent", "Limits", "DEFAULT_LIMITS",
           "TraceError", "ParseError", "GraphError", "DomainError", "ShapeError", "RenderError",
           "OptionError",
           "FrameIndexError", "LargeGraphWarning", "__version__"]

_LAZY = {"trace": ".tracing", "Trace": ".tracing", "Step": ".autodiff.steps",
         "Options": ".drawing.options", "Theme": ".drawing.style",
         "Formula": ".printing.formulas", "Frame": ".notebook",
         "CheckReport": ".printing.reports", "LimitTable": ".printing.reports",
         "LimitRow": ".autodiff.calculus", "Tangent": ".autodiff.calculus"}


def _version() -> str:
    """The version from the installed package's metadata (written once, in pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("backprop-trace")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    if name not in _LAZY:
        raise AttributeError(f"module 'backprop_trace' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
