"""What each frame says: gradient lines, edge labels and step captions (unicode text)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .printing import fmt_number, node_text, pretty_name, to_unicode

if TYPE_CHECKING:
    from .backward import Step
    from .trace import Trace

__all__ = ["partial_text", "gradient_line", "value_line", "header_line", "local_label",
           "contribution_label", "step_caption", "group_caption", "forward_caption"]


def partial_text(y: str, x: str) -> str:
    return f"∂{pretty_name(y)}/∂{pretty_name(x)}"


def header_line(t: Trace, node: str) -> tuple[str, str]:
    """(name, "= local expression") for a node; inputs have no expression."""
    if t.graph.nodes[node]["kind"] == "op":
        return pretty_name(node), f" = {node_text(t.graph, node)}"
    return pretty_name(node), ""


def value_line(t: Trace, node: str) -> str | None:
    return None if not t.values else f"= {fmt_number(t.values[node])}"


def gradient_line(t: Trace, node: str, step: Step | None) -> str:
    """∂y/∂node as known after ``step`` (its latest contribution), or ``= ?`` before any."""
    head = partial_text(t.output, node)
    if step is None:
        return f"{head} = ?"
    if step.total is not None:
        return f"{head} = {fmt_number(step.total)}"
    total = to_unicode(step.total_expr)
    # An abstract function's own partial (∂u/∂x) is final as it stands: no "∂u/∂x = ∂u/∂x".
    return head if total == head else f"{head} = {total}"


def local_label(step: Step) -> str:
    """The edge's local partial, symbolic and (with values) numeric: ``∂f/∂u₁ = z = −4``."""
    assert step.via is not None
    parts = [partial_text(step.via, step.node)]
    shown = to_unicode(step.local_expr)
    if shown != parts[0]:
        parts.append(shown)
    if step.local is not None:
        number = fmt_number(step.local)
        if number != shown:
            parts.append(number)
    return " = ".join(parts)


def contribution_label(step: Step) -> str:
    if step.contribution is not None:
        return fmt_number(step.contribution)
    return to_unicode(step.contribution_expr)


def step_caption(t: Trace, step: Step) -> str:
    n = len(t.steps)
    y = t.output
    if step.is_seed:
        return f"step 1/{n}: seed {partial_text(y, y)} = 1"
    assert step.via is not None
    target, upstream = partial_text(y, step.node), partial_text(y, step.via)
    local = partial_text(step.via, step.node)
    text = f"step {step.index + 1}/{n}: {target} += {upstream} · {local}"
    if step.contribution is not None:
        text += (f" = ({fmt_number(step.upstream)})·({fmt_number(step.local)})"
                 f" = {fmt_number(step.contribution)}   → {target} = {fmt_number(step.total)}")
    else:
        text += f"   → {target} = {to_unicode(step.total_expr)}"
    if step.terms > 1:
        text += f"   (contribution {step.term} of {step.terms})"
    return text


def group_caption(t: Trace, steps: Sequence[Step]) -> str:
    """One frame for an operation's whole backward pass (granularity "node")."""
    n, y = len(t.steps), t.output
    via = steps[0].via
    assert via is not None
    received = ", ".join(gradient_line(t, s.node, s) for s in steps)
    return (f"steps {steps[0].index + 1}–{steps[-1].index + 1}/{n}: back through "
            f"{pretty_name(via)} = {node_text(t.graph, via)}, {partial_text(y, via)} = "
            f"{fmt_number(steps[0].upstream) if steps[0].upstream is not None else '…'}:  "
            f"{received}")


def forward_caption(t: Trace) -> str:
    n = len(t.steps)
    if t.value is not None:
        return f"forward pass: {pretty_name(t.output)} = {fmt_number(t.value)}; " \
               f"backward pass next ({n} steps)"
    return f"graph of {pretty_name(t.output)}; backward pass next ({n} steps)"
