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
    OptionError,
    ParseError,
    RenderError,
    TraceError,
)
from .limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from .autodiff.calculus import LimitRow, Tangent
    from .autodiff.check import CheckReport
    from .autodiff.steps import Step
    from .notebook import Frame
    from .printing.formulas import Formula
    from .tracing import Trace, trace

__all__ = ["trace", "Trace", "Step", "Formula", "Frame", "CheckReport", "LimitRow", "Tangent",
           "Limits", "DEFAULT_LIMITS",
           "TraceError", "ParseError", "GraphError", "DomainError", "RenderError", "OptionError",
           "FrameIndexError"]
__version__ = "0.1.0"

_LAZY = {"trace": ".tracing", "Trace": ".tracing", "Step": ".autodiff.steps",
         "Formula": ".printing.formulas", "Frame": ".notebook", "CheckReport": ".autodiff.check",
         "LimitRow": ".autodiff.calculus", "Tangent": ".autodiff.calculus"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'backprop_trace' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
