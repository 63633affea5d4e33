"""Stage 4, values and steps → descriptions: what each step says, as plain data (shown-maths
trees with digits chosen once), which every printer and the frames print."""

from .description import (
    Description,
    StepDescription,
    Term,
    chain_rule,
    describe,
    exercise_blanks,
    shown_expr,
)
from .maths import Shown

__all__ = ["Description", "StepDescription", "Term", "describe", "chain_rule", "Shown",
           "shown_expr", "exercise_blanks"]
