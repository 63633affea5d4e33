"""The trace as a narrative for lecture notes: forward values, every step's equation in LaTeX,
the gradient and the textbook chain rule (Markdown with ``$$…$$``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .printing import fmt_number, latex_name, to_latex
from .symbolic import partial_symbol

if TYPE_CHECKING:
    from .trace import Trace

__all__ = ["narrative"]


def _num(value: Any) -> str:
    text = fmt_number(value, unicode=False)
    if text.startswith("["):
        return "\\left" + text.replace("[", "[").replace("]", "\\right]")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def _paren(value: Any) -> str:
    text = _num(value)
    return f"({text})" if text.startswith("-") else text


def _partial(y: str, x: str) -> str:
    return to_latex(partial_symbol(y, x))


def narrative(t: Trace) -> str:
    G, y = t.graph, t.output
    lines = [f"# Backpropagation through ${latex_name(y)}$", "", "```", t.source.strip(), "```", ""]
    lines += ["## Forward pass", "", "| node | expression | value |", "|---|---|---|"]
    for node in G.graph["order"]:
        attrs = G.nodes[node]
        if attrs["kind"] == "const":
            continue
        expr = "input" if attrs["kind"] == "input" else f"${to_latex(t.local_expr(node))}$"
        value = f"${_num(t.values[node])}$" if t.values else "—"
        lines.append(f"| ${latex_name(node)}$ | {expr} | {value} |")
    lines += ["", "## Backward pass", "",
              f"Each step adds one term of the chain rule "
              f"$\\frac{{\\partial {latex_name(y)}}}{{\\partial u_i}} \\mathrel{{+}}= "
              f"\\frac{{\\partial {latex_name(y)}}}{{\\partial u_j}} \\cdot "
              f"\\frac{{\\partial u_j}}{{\\partial u_i}}$.", ""]
    n = len(t.steps)
    for step in t.steps:
        lines.append(f"**Step {step.index + 1} of {n}**"
                     + (f" (contribution {step.term} of {step.terms})" if step.terms > 1 else ""))
        lines.append("")
        if step.is_seed:
            lines += [f"$$ {_partial(y, y)} = 1 $$", ""]
            continue
        assert step.via is not None
        target = _partial(y, step.node)
        parts = [f"{target} \\mathrel{{+}}= {_partial(y, step.via)} \\cdot "
                 f"{_partial(step.via, step.node)}",
                 f"{to_latex(step.upstream_expr)} \\cdot {_wrap(to_latex(step.local_expr))}"]
        if step.contribution is not None:
            parts.append(f"{_paren(step.upstream)} \\cdot {_paren(step.local)}")
            parts.append(_num(step.contribution))
            result = _num(step.total)
        else:
            result = to_latex(step.total_expr)
        lines += [f"$$ {' = '.join(parts)} \\quad\\Rightarrow\\quad {target} = {result} $$", ""]
    lines += ["## Gradient", ""]
    for x in t.wrt:
        forms = [to_latex(t.adjoint_expr(x))]
        if t.expandable and to_latex(t.grad_expr[x]) != forms[0]:
            forms.append(to_latex(t.grad_expr[x]))
        if x in t.grad:
            forms.append(_num(t.grad[x]))
        lines.append(f"$$ {_partial(y, x)} = {' = '.join(forms)} $$")
    lines += ["", "## Chain rule", ""]
    lines += [f"$$ {t.chain_rule(x).latex} $$" for x in t.wrt]
    return "\n".join(lines) + "\n"


def _wrap(text: str) -> str:
    return f"\\left({text}\\right)" if any(op in text for op in ("+", "-")) else text

