"""What each frame says: gradient lines, edge labels and step captions (unicode text)."""

from __future__ import annotations

from collections.abc import Sequence

from ..autodiff.result import TraceData
from ..autodiff.steps import Step
from ..graph.labels import node_text
from ..names import fmt_number, pretty_name
from .formulas import partial_text, to_unicode
from .messages import message

__all__ = ["header_line", "value_line", "gradient_line", "local_label", "contribution_label",
           "step_caption", "group_caption", "forward_caption"]


def header_line(data: TraceData, node: str) -> tuple[str, str]:
    """(name, "= local expression") for a node; inputs have no expression."""
    if data.tape.is_operation(node):
        return pretty_name(node), f" = {node_text(data.tape, node)}"
    return pretty_name(node), ""


def value_line(data: TraceData, node: str) -> str | None:
    return None if not data.values else f"= {fmt_number(data.values[node])}"


def gradient_line(data: TraceData, node: str, step: Step | None) -> str:
    """∂y/∂node as known after ``step`` (its latest contribution), or ``= ?`` before any."""
    head = partial_text(data.output, node)
    if step is None:
        return f"{head} = ?"
    if step.total is not None:
        return f"{head} = {fmt_number(step.total)}"
    total = to_unicode(data.view.total_expr(step))
    # An abstract function's own partial (∂u/∂x) is final as it stands: no "∂u/∂x = ∂u/∂x".
    return head if total == head else f"{head} = {total}"


def local_label(data: TraceData, step: Step) -> str:
    """The edge's local partial, symbolic and (with values) numeric: ``∂f/∂u₁ = z = −4``."""
    assert step.via is not None
    parts = [partial_text(step.via, step.node)]
    shown = to_unicode(data.view.local_expr(step))
    if shown != parts[0]:
        parts.append(shown)
    if step.local is not None:
        number = fmt_number(step.local)
        if number != shown:
            parts.append(number)
    return " = ".join(parts)


def contribution_label(data: TraceData, step: Step) -> str:
    if step.contribution is not None:
        return fmt_number(step.contribution)
    return to_unicode(data.view.contribution_expr(step))


def step_caption(data: TraceData, step: Step, lang: str = "en") -> str:
    n = len(data.steps)
    y = data.output
    if step.is_seed:
        return message("caption.seed", lang, step=1, steps=n, seed=partial_text(y, y))
    assert step.via is not None
    target = partial_text(y, step.node)
    text = message("caption.step", lang, step=step.index + 1, steps=n, target=target,
                   upstream=partial_text(y, step.via), local=partial_text(step.via, step.node))
    if step.contribution is not None:
        text += message("caption.numbers", lang, upstream=fmt_number(step.upstream),
                        local=fmt_number(step.local), contribution=fmt_number(step.contribution),
                        target=target, total=fmt_number(step.total))
    else:
        text += message("caption.symbolic", lang, target=target,
                        total=to_unicode(data.view.total_expr(step)))
    if step.terms > 1:
        text += message("caption.term", lang, term=step.term, terms=step.terms)
    return text


def group_caption(data: TraceData, steps: Sequence[Step], lang: str = "en") -> str:
    """One frame for an operation's whole backward pass (granularity "node")."""
    via = steps[0].via
    assert via is not None
    received = ", ".join(gradient_line(data, s.node, s) for s in steps)
    upstream = steps[0].upstream
    return message("caption.group", lang, first=steps[0].index + 1, last=steps[-1].index + 1,
                   steps=len(data.steps), via=pretty_name(via),
                   expression=node_text(data.tape, via), upstream=partial_text(data.output, via),
                   value=fmt_number(upstream) if upstream is not None else "…",
                   received=received)


def forward_caption(data: TraceData, lang: str = "en") -> str:
    n = len(data.steps)
    if data.value is not None:
        return message("caption.forward", lang, output=pretty_name(data.output),
                       value=fmt_number(data.value), steps=n)
    return message("caption.graph", lang, output=pretty_name(data.output), steps=n)
