"""An exercise sheet and its answers as Markdown with LaTeX: the forward pass, the seed, the
local partials, and the numbered gradients to find — the same numbers as the sheet's frame."""

from __future__ import annotations

from ..describe import Description, exercise_blanks
from ..describe.maths import Partial
from ..names import latex_name
from .captions import exercise_partials
from .latex import to_latex
from .messages import message
from .narrative import forward_table

__all__ = ["exercise_sheet"]


def exercise_sheet(desc: Description, lang: str = "en", answers: bool = False) -> str:
    """The sheet (``answers=False``: each gradient a blank) or its answers, each worked out
    by the chain rule as the backward pass does it."""
    y = latex_name(desc.output)
    seed = desc.steps[0]
    rule = (f"$\\frac{{\\partial {y}}}{{\\partial u_i}} = \\sum_j "
            f"\\frac{{\\partial {y}}}{{\\partial u_j}} \\cdot "
            f"\\frac{{\\partial u_j}}{{\\partial u_i}}$")
    title = "exercise.answers_title" if answers else "exercise.title"
    lines = [message(title, lang, output=y), "", "```", desc.data.source.strip(), "```", "",
             message("exercise.given", lang, seed=f"${to_latex(seed.equation)}$", rule=rule),
             "", *forward_table(desc, lang), ""]
    locals_ = exercise_partials(desc).values()
    lines += [message("exercise.locals", lang), "",
              *(f"- $ {to_latex(local)} $" for local in locals_), "",
              message("exercise.blanks", lang), ""]
    for k, step in enumerate(exercise_blanks(desc), 1):
        if answers:
            lines.append(f"({k}) $ {to_latex(step.equation)} $")
        else:
            lines.append(f"({k}) $ {to_latex(Partial(desc.output, step.node))} = $ \\_\\_\\_\\_")
        lines.append("")
    return "\n".join(lines)
