"""What each frame says, in unicode: node lines, wire labels and step captions — the step
descriptions printed, with the catalogue's words."""

from __future__ import annotations

from collections.abc import Sequence

from ..describe import Description, StepDescription
from ..describe.maths import Partial
from ..names import pretty_name
from .messages import message
from .unicode import to_unicode

__all__ = ["header_line", "value_line", "gradient_line", "local_label", "contribution_label",
           "step_caption", "group_caption", "forward_caption"]


def header_line(desc: Description, node: str) -> tuple[str, str]:
    """(name, "= local expression") for a node; inputs have no expression."""
    own = desc.operation(node)
    return pretty_name(node), "" if own is None else f" = {to_unicode(own)}"


def value_line(desc: Description, node: str) -> str | None:
    value = desc.value(node)
    return None if value is None else f"= {to_unicode(value)}"


def gradient_line(desc: Description, node: str, step: StepDescription | None) -> str:
    """∂y/∂node as known after ``step``, or ``∂y/∂node = ?`` before any."""
    return to_unicode(desc.gradient_line(node, step))


def local_label(step: StepDescription) -> str:
    """The edge's local partial, symbolic and (with values) numeric: ``∂f/∂u₁ = z = −4``."""
    assert step.local_label is not None
    return to_unicode(step.local_label)


def contribution_label(step: StepDescription) -> str:
    """What the wire passes back: the contribution, ``−4`` (symbolically ``∂f/∂u₁·z``)."""
    return to_unicode(step.contribution)


def step_caption(desc: Description, step: StepDescription, lang: str = "en") -> str:
    """The step in the textbook's notation, one line, e.g.
    ``step 2/5: ∂f/∂u₁ = ∂f/∂f · ∂(u₁·z)/∂u₁ = 1 · z = 1 · (−4) = −4``."""
    text = to_unicode(step.equation)
    if step.term_of_terms:
        text += message("caption.term", lang, term=step.term, terms=step.terms)
    return message("caption.step", lang, step=step.index + 1, steps=len(desc.steps),
                   formula=text)


def group_caption(desc: Description, steps: Sequence[StepDescription], lang: str = "en") -> str:
    """One frame for an operation's whole backward pass (granularity "node")."""
    first = steps[0]
    assert first.via is not None
    received = ", ".join(gradient_line(desc, s.node, s) for s in steps)
    term = next(t for t in first.sum_terms if t.step == first.index)
    own = desc.operation(first.via)
    assert own is not None
    value = to_unicode(term.upstream_value) if term.upstream_value is not None else "…"
    return message("caption.group", lang, first=first.index + 1, last=steps[-1].index + 1,
                   steps=len(desc.steps), via=pretty_name(first.via), expression=to_unicode(own),
                   upstream=to_unicode(Partial(desc.output, first.via)), value=value,
                   received=received)


def forward_caption(desc: Description, lang: str = "en") -> str:
    n = len(desc.steps)
    output = pretty_name(desc.output)
    value = desc.value(desc.output)
    if value is not None:
        return message("caption.forward", lang, output=output, value=to_unicode(value), steps=n)
    return message("caption.graph", lang, output=output, steps=n)

