"""backprop_trace: the chain rule and backpropagation, one term at a time.

>>> import backprop_trace as bt
>>> bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4}).grad
{'x': -4.0, 'y': -4.0, 'z': 3.0}
"""

from .backward import Step
from .calculus import LimitRow, Tangent
from .check import CheckReport
from .errors import DomainError, GraphError, ParseError, RenderError, TraceError
from .limits import DEFAULT_LIMITS, Limits
from .notebook import Frame
from .trace import Formula, Trace, trace

__all__ = ["trace", "Trace", "Step", "Formula", "Frame", "CheckReport", "LimitRow", "Tangent",
           "Limits", "DEFAULT_LIMITS",
           "TraceError", "ParseError", "GraphError", "DomainError", "RenderError"]
__version__ = "0.1.0"
