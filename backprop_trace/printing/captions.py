"""What each frame says: gradient lines, edge labels and step captions (unicode text)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from ..autodiff.result import TraceData
from ..autodiff.steps import Step
from ..graph.labels import node_text
from ..names import fmt_number, fmt_products, pretty_name
from .formulas import partial_text, to_unicode
from .messages import message

__all__ = ["header_line", "value_line", "gradient_line", "local_label", "contribution_label",
           "in_graph_order", "shown_products",
           "step_caption", "group_caption", "forward_caption"]


def header_line(data: TraceData, node: str) -> tuple[str, str]:
    """(name, "= local expression") for a node; inputs have no expression."""
    if data.tape.is_operation(node):
        return pretty_name(node), f" = {node_text(data.tape, node)}"
    return pretty_name(node), ""


def value_line(data: TraceData, node: str) -> str | None:
    return None if not data.values else f"= {number(data, data.values[node])}"


def gradient_line(data: TraceData, node: str, step: Step | None) -> str:
    """∂y/∂node as known after ``step`` (its latest contribution; ``+ …`` while more are to
    come), or ``= ?`` before any."""
    head = partial_text(data.output, node)
    if step is None:
        return f"{head} = ?"
    # a running total, more terms to come (thin spaces: the widest line sizes its box)
    more = "\u2009+\u2009…" if step.term < step.terms else ""
    if step.total is not None:
        return f"{head} = {number(data, step.total)}{more}"
    total = to_unicode(data.view.total_expr(step)) + more
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
        value = number(data, step.local)
        if value != shown:
            parts.append(value)
    return " = ".join(parts)


def contribution_label(data: TraceData, step: Step) -> str:
    if step.contribution is not None:
        return number(data, step.contribution)
    return to_unicode(data.view.contribution_expr(step))


def local_partial_text(data: TraceData, step: Step) -> str:
    """The local partial written so it cannot be read as a total: the partial of the node's
    own expression, ``∂(u₁·z)/∂u₁``; of an abstract function, ``∂f/∂x``."""
    assert step.via is not None
    tape, via = data.tape, data.tape.index[step.via]
    if tape.abstract[via]:
        return f"∂{pretty_name(tape.ops[via])}/∂{pretty_name(step.node)}"
    return f"∂({node_text(tape, step.via)})/∂{pretty_name(step.node)}"


def in_graph_order(data: TraceData, steps: Sequence[Step]) -> list[Step]:
    """The terms of a fan-in sum in the order of the graph (the first user first), as a
    node's symbolic sum and the textbook write them, not the order the steps ran in."""
    index = data.tape.index
    return sorted(steps, key=lambda s: (-1, 0) if s.via is None else (index[s.via],
                                                                       s.position or 0))


def number(data: TraceData, value: object) -> str:
    """A value as every output of this trace shows it (fractions when the inputs are exact)."""
    return fmt_number(value, fractions=data.exact)


def _factor(text: str) -> str:
    """A shown number as a factor of a product: ``(−4)``."""
    return f"({text})" if text.startswith("−") else text


def shown_products(data: TraceData, steps: Sequence[Step],
                   total: object) -> tuple[list[tuple[str, str]], str]:
    """The (upstream, local) factors of ``steps`` and their total as shown, the factors with
    the digits it takes for the shown arithmetic to check (scalars; arrays as they come)."""
    pairs: list[tuple[Any, Any]] = [(s.upstream, s.local) for s in steps]
    scalar = all(np.ndim(a) == 0 and np.ndim(b) == 0 for a, b in pairs)
    if scalar and np.ndim(cast(Any, total)) == 0:
        return fmt_products([(float(a), float(b)) for a, b in pairs],
                            float(cast(Any, total)), fractions=data.exact)
    return [(number(data, a), number(data, b)) for a, b in pairs], number(data, total)


def step_caption(data: TraceData, step: Step, lang: str = "en") -> str:
    """The step in the textbook's notation, one line, e.g.
    ``step 2/5: ∂f/∂u₁ = ∂f/∂f · ∂(u₁·z)/∂u₁ = 1 · z = 1 · (−4) = −4``. With fan-in, the
    frame that completes a gradient shows the chain rule's sum with its numbers; earlier
    contributions show their term, ``+ …`` and which contribution they are."""
    n = len(data.steps)
    y = data.output
    if step.is_seed:
        return message("caption.seed", lang, step=1, steps=n, seed=partial_text(y, y))
    assert step.via is not None
    view = data.view
    target = partial_text(y, step.node)
    symbols = f"{partial_text(y, step.via)} · {local_partial_text(data, step)}"
    local = to_unicode(view.local_expr(step))
    earlier = [data.steps[k] for k in data.columns.by_node[step.node][1 if step.node == y else 0:]
               if k <= step.index]
    if step.terms > 1 and step.term == step.terms:  # the chain rule's whole sum
        earlier = in_graph_order(data, earlier)
        terms = [f"{partial_text(y, s.via or '')}·{local_partial_text(data, s)}" for s in earlier]
        parts = [f"{target} = {' + '.join(terms)}"]
        if step.contribution is not None:
            factors, total = shown_products(data, earlier, step.total)
            parts += [" + ".join(f"{_factor(a)}·{_factor(b)}" for a, b in factors), total]
        return message("caption.step", lang, step=step.index + 1, steps=n,
                       formula=" = ".join(parts))
    more = " + …" if step.terms > 1 else ""
    parts = [f"{symbols}{more}"]
    if step.contribution is not None:
        [(upstream, local_value)], contribution = shown_products(data, [step],
                                                                 step.contribution)
        upstream = _factor(upstream)
        if local != number(data, step.local):
            parts.append(f"{upstream} · {local}{more}")
        parts.append(f"{upstream} · {_factor(local_value)}{more}")
        parts.append(f"{contribution}{more}")
    else:
        upstream_symbol = to_unicode(view.upstream_expr(step))
        shown = f"{upstream_symbol} · {local}" if upstream_symbol != "1" else local
        contribution = to_unicode(view.contribution_expr(step))
        if shown != symbols and shown not in (target, f"{target}{more}"):
            parts.append(f"{shown}{more}")
        if contribution not in (shown, target):
            parts.append(f"{contribution}{more}")
    # no part repeats the one before it (spacing aside)
    kept = [p for k, p in enumerate(parts)
            if k == 0 or p.replace(" ", "") != parts[k - 1].replace(" ", "")]
    text = " = ".join([target, *kept])
    if step.terms > 1:
        text += message("caption.term", lang, term=step.term, terms=step.terms)
    return message("caption.step", lang, step=step.index + 1, steps=n, formula=text)


def group_caption(data: TraceData, steps: Sequence[Step], lang: str = "en") -> str:
    """One frame for an operation's whole backward pass (granularity "node")."""
    via = steps[0].via
    assert via is not None
    received = ", ".join(gradient_line(data, s.node, s) for s in steps)
    upstream = steps[0].upstream
    return message("caption.group", lang, first=steps[0].index + 1, last=steps[-1].index + 1,
                   steps=len(data.steps), via=pretty_name(via),
                   expression=node_text(data.tape, via), upstream=partial_text(data.output, via),
                   value=number(data, upstream) if upstream is not None else "…",
                   received=received)


def forward_caption(data: TraceData, lang: str = "en") -> str:
    n = len(data.steps)
    if data.value is not None:
        return message("caption.forward", lang, output=pretty_name(data.output),
                       value=number(data, data.value), steps=n)
    return message("caption.graph", lang, output=pretty_name(data.output), steps=n)
