"""The trace as a narrative for lecture notes: forward values, every step's equation in LaTeX,
the gradient and the textbook chain rule (Markdown with ``$$…$$``)."""

from __future__ import annotations

import re
from typing import Any

from ..autodiff.result import TraceData
from ..autodiff.steps import Step
from ..names import fmt_number, latex_name
from .captions import in_graph_order, shown_products
from .formulas import chain_rule, partial_latex, to_latex
from .messages import message

__all__ = ["narrative"]


def _num(value: Any, exact: bool = False) -> str:
    return _latex_number(fmt_number(value, fractions=exact))


def _latex_number(text: str) -> str:
    """A number as ``fmt_number`` shows it, in LaTeX: ``-1``, ``\\frac{1}{3}``,
    ``2.5 \\times 10^{-7}``, ``\\left[1, 2\\right]``."""
    text = text.replace("−", "-")
    if text.startswith("["):
        return "\\left" + text.replace("]", "\\right]")
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    if "/" in body:
        numerator, denominator = body.split("/")
        return f"{sign}\\frac{{{numerator}}}{{{denominator}}}"
    if "e" in body:
        mantissa, exponent = body.split("e")
        return f"{sign}{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def _paren(text: str) -> str:
    return f"({text})" if text.startswith("-") else text


def _products(data: TraceData, steps: list[Step], total: Any) -> tuple[str, str]:
    """``upstream \\cdot local + …`` and the total, as the captions show them, in LaTeX."""
    factors, shown = shown_products(data, steps, total)
    products = " + ".join(f"{_paren(_latex_number(a))} \\cdot {_paren(_latex_number(b))}"
                          for a, b in factors)
    return products, _latex_number(shown)


def narrative(data: TraceData, lang: str = "en") -> str:
    tape, y, view = data.tape, data.output, data.view
    source = data.source.strip()
    # a fence longer than any run of backticks in the source, so nothing in it can close it
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", source)), default=0))
    lines = [message("narrative.title", lang, output=latex_name(y)), "", fence, source, fence,
             ""]
    lines += [message("narrative.forward", lang), "", message("narrative.table", lang),
              "|---|---|---|"]
    for node in tape.variables:
        expr = (f"${to_latex(data.local_expr(node))}$" if tape.is_operation(node)
                else message("narrative.input", lang))
        value = f"${_num(data.values[node], data.exact)}$" if data.values else "—"
        lines.append(f"| ${latex_name(node)}$ | {expr} | {value} |")
    rule = (f"$\\frac{{\\partial {latex_name(y)}}}{{\\partial u_i}} = \\sum_j "
            f"\\frac{{\\partial {latex_name(y)}}}{{\\partial u_j}} \\cdot "
            f"\\frac{{\\partial u_j}}{{\\partial u_i}}$")
    lines += ["", message("narrative.backward", lang), "",
              message("narrative.rule", lang, rule=rule), ""]
    n = len(data.steps)
    for step in data.steps:
        lines.append(message("narrative.step", lang, step=step.index + 1, steps=n)
                     + (message("narrative.term", lang, term=step.term, terms=step.terms)
                        if step.terms > 1 else ""))
        lines.append("")
        if step.is_seed:
            lines += [f"$$ {partial_latex(y, y)} = 1 $$", ""]
            continue
        assert step.via is not None
        target = partial_latex(y, step.node)
        if step.terms > 1 and step.term == step.terms:  # the chain rule's whole sum
            earlier = in_graph_order(data, [data.steps[k] for k in data.columns.by_node[step.node]])
            sums = [" + ".join(f"{partial_latex(y, s.via or '')} \\cdot {_local_partial(data, s)}"
                               for s in earlier)]
            if step.contribution is not None:
                sums += _products(data, earlier, step.total)
            else:
                sums.append(to_latex(view.total_expr(step)))
            lines += [f"$$ {target} = {' = '.join(sums)} $$", ""]
            continue
        more = " + \\dots" if step.term < step.terms else ""
        parts = [f"{target} = {partial_latex(y, step.via)} \\cdot {_local_partial(data, step)}"
                 f"{more}",
                 f"{to_latex(view.upstream_expr(step))} \\cdot "
                 f"{_wrap(to_latex(view.local_expr(step)))}{more}"]
        if step.contribution is not None:
            product, contribution = _products(data, [step], step.contribution)
            parts += [f"{product}{more}", f"{contribution}{more}"]
        lines += [f"$$ {' = '.join(parts)} $$", ""]
    lines += [message("narrative.gradient", lang), ""]
    for x in data.wrt:
        forms = [to_latex(view.adjoint_expr(x))]
        if data.expandable and to_latex(data.grad_expr[x]) != forms[0]:
            forms.append(to_latex(data.grad_expr[x]))
        if x in data.grad:
            forms.append(_num(data.grad[x], data.exact))
        lines.append(f"$$ {partial_latex(y, x)} = {' = '.join(forms)} $$")
    lines += ["", message("narrative.chain_rule", lang), ""]
    lines += [f"$$ {chain_rule(data, x).latex} $$" for x in data.wrt]
    return "\n".join(lines) + "\n"


def _local_partial(data: TraceData, step: Step) -> str:
    """The local partial as the partial of the node's own expression: ∂(u₁ z)/∂u₁."""
    assert step.via is not None
    tape, via = data.tape, data.tape.index[step.via]
    node = latex_name(step.node)
    if tape.abstract[via]:
        return f"\\frac{{\\partial {latex_name(tape.ops[via])}}}{{\\partial {node}}}"
    own = to_latex(data.view.node_expr_local(step.via))
    return f"\\frac{{\\partial \\left({own}\\right)}}{{\\partial {node}}}"


def _wrap(text: str) -> str:
    return f"\\left({text}\\right)" if any(op in text for op in ("+", "-")) else text

