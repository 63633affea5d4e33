"""The trace as a narrative for lecture notes: forward values, every step's equation in LaTeX,
the gradient and the textbook chain rule (Markdown with ``$$…$$``) — the step descriptions
printed in LaTeX, with the catalogue's words."""

from __future__ import annotations

import re

from ..autodiff.tangents import ModeWork
from ..describe import Description, shown_expr
from ..describe.maths import Equation, Partial, Shown
from ..describe.modes import ModeDescription
from ..names import latex_name
from .formulas import chain_rule
from .latex import to_latex
from .messages import message

__all__ = ["narrative", "forward_table"]


def narrative(desc: Description, lang: str = "en", mode: ModeDescription | None = None,
              work: ModeWork | None = None) -> str:
    """The narrative; with ``mode`` a section on forward mode or on the paths, with ``work``
    the work of forward mode against reverse mode on this graph."""
    data = desc.data
    y, view = data.output, data.view
    source = data.source.strip()
    # a fence longer than any run of backticks in the source, so nothing in it can close it
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", source)), default=0))
    lines = [message("narrative.title", lang, output=latex_name(y)), "", fence, source, fence,
             ""]
    lines += [message("narrative.forward", lang), "", *forward_table(desc, lang)]
    rule = (f"$\\frac{{\\partial {latex_name(y)}}}{{\\partial u_i}} = \\sum_j "
            f"\\frac{{\\partial {latex_name(y)}}}{{\\partial u_j}} \\cdot "
            f"\\frac{{\\partial u_j}}{{\\partial u_i}}$")
    lines += ["", message("narrative.backward", lang), "",
              message("narrative.rule", lang, rule=rule), ""]
    n = len(desc.steps)
    for step in desc.steps:
        lines.append(message("narrative.step", lang, step=step.index + 1, steps=n)
                     + (message("narrative.term", lang, term=step.term, terms=step.terms)
                        if step.terms > 1 else ""))
        lines += ["", f"$$ {to_latex(step.equation)} $$", ""]
    lines += [message("narrative.gradient", lang), ""]
    for x in data.wrt:
        forms: list[Shown] = [desc.adjoint(x) if data.tensors else
                              shown_expr(view.adjoint_expr(x))]
        if data.expandable and to_latex(data.grad_expr[x]) != to_latex(forms[0]):
            forms.append(shown_expr(data.grad_expr[x]))
        gradient = desc.gradient(x)
        if gradient is not None:
            forms.append(gradient)
        lines.append(f"$$ {to_latex(Equation((Partial(y, x), *forms)))} $$")
    lines += ["", message("narrative.chain_rule", lang), ""]
    lines += [f"$$ {chain_rule(data, x).latex} $$" for x in data.wrt]
    if mode is not None:
        lines += ["", *_mode_section(desc, mode, lang)]
    if work is not None and work.passes:
        lines += ["", *_work_section(desc, work, lang)]
    return "\n".join(lines) + "\n"


def forward_table(desc: Description, lang: str = "en") -> list[str]:
    """The forward pass as a Markdown table: each node, its expression, its value."""
    lines = [message("narrative.table", lang), "|---|---|---|"]
    for node in desc.data.tape.variables:
        own = desc.operation(node)
        expr = f"${to_latex(own)}$" if own is not None else message("narrative.input", lang)
        value = desc.value(node)
        shown = f"${to_latex(value)}$" if value is not None else "—"
        lines.append(f"| ${latex_name(node)}$ | {expr} | {shown} |")
    return lines


def _mode_section(desc: Description, mode: ModeDescription, lang: str) -> list[str]:
    wrt, y = latex_name(mode.wrt), latex_name(desc.output)
    if mode.mode == "forward":
        rule = (f"$\\frac{{\\partial u_j}}{{\\partial {wrt}}} = \\sum_i "
                f"\\frac{{\\partial g_j}}{{\\partial u_i}} \\cdot "
                f"\\frac{{\\partial u_i}}{{\\partial {wrt}}}$")
        lines = [message("narrative.forward_mode", lang, wrt=wrt), "",
                 message("narrative.forward_rule", lang, wrt=wrt, rule=rule), ""]
        pushed = [step for step in mode.steps if step.kind != "work"]  # the work: its section
        n = len(pushed)
        for k, step in enumerate(pushed, 1):
            lines += [message("narrative.step", lang, step=k, steps=n), "",
                      f"$$ {to_latex(step.equation)} $$", ""]
        return lines
    lines = [message("narrative.paths", lang, wrt=wrt), "",
             message("narrative.paths_rule", lang, wrt=wrt, output=y), ""]
    for step in mode.steps:
        if step.kind == "sum":
            lines.append(message("narrative.path_sum", lang))
        else:
            route = " \\to ".join(latex_name(n) for n in step.nodes)
            lines.append(message("narrative.path", lang, path=step.path, paths=len(mode.paths),
                                 route=f"${route}$"))
        lines += ["", f"$$ {to_latex(step.equation)} $$", ""]
    return lines


def _work_section(desc: Description, work: ModeWork, lang: str) -> list[str]:
    lines = [message("narrative.work", lang), ""]
    if work.passes == 1:
        return [*lines, message("narrative.work_one", lang, reverse=work.reverse)]
    visits = " + ".join(f"{n}" for n in work.forward.values()) or "…"
    return [*lines,
            message("narrative.work_forward", lang, passes=work.passes, visits=visits,
                    total=work.forward_total), "",
            message("narrative.work_reverse", lang, output=latex_name(desc.output),
                    reverse=work.reverse), "",
            message("narrative.work_ratio", lang,
                    ratio=f"{work.forward_total / work.reverse:.3g}")]
