"""Stage 3, the tape → values and steps: the rules beside the op table, the forward pass,
the reverse pass recorded as steps, the symbolic view made afterwards, and the checks and
calculus built on them (gradient check, limit table, tangent)."""

from .forward import forward
from .result import TraceData
from .reverse import backward
from .steps import Step, StepColumns

__all__ = ["forward", "backward", "Step", "StepColumns", "TraceData"]
