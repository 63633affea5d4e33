"""The backward pass as straight-line code with named adjoints (``u1_bar = f_bar * z``), in the
spirit of a jaxpr: the forward lines, then one line per chain-rule step."""

from __future__ import annotations

from ..autodiff.result import TraceData
from ..graph import NodeKind
from ..graph.labels import code_node
from ..names import fmt_number
from .formulas import to_code
from .messages import message

__all__ = ["backward_listing"]


def _bar_suffix(names: set[str]) -> str:
    """``_bar``, unless a user's name already ends that way (then ``_bar2``, …), so the
    adjoint of x never shares a name with a variable."""
    suffix, k = "_bar", 1
    while any(f"{n}{suffix}" in names for n in names):
        k += 1
        suffix = f"_bar{k}"
    return suffix


def backward_listing(data: TraceData, lang: str = "en") -> str:
    tape = data.tape
    bar = _bar_suffix(set(tape.names))
    source = " ; ".join(line.strip() for line in data.source.splitlines() if line.strip())
    lines = [f"# backprop_trace: {source}",
             message("listing.meaning", lang, bar=bar, output=data.output), "",
             message("listing.forward", lang)]
    for node, kind in zip(tape.names, tape.kinds):
        if kind is NodeKind.INPUT:
            value = f"  # = {fmt_number(data.values[node], unicode=False)}" if data.values else ""
            lines.append(f"{node} = input{value}")
        elif kind is NodeKind.OPERATION:
            lines.append(f"{node} = {code_node(tape, node)}")
    lines += ["", message("listing.backward", lang)]
    for step in data.steps:
        target = f"{step.node}{bar}"
        if step.is_seed:
            lines.append(f"{target} = 1")
            continue
        local = data.view.local_expr(step)
        upstream = f"{step.via}{bar}"
        if local == 1:
            term = upstream
        elif local == -1:
            term = f"-{upstream}"
        elif local.is_Atom:
            term = f"{upstream} * {to_code(local)}"
        else:
            term = f"{upstream} * ({to_code(local)})"
        operator = "=" if step.term == 1 else "+="
        comment = message("listing.step", lang, step=step.index + 1)
        if step.terms > 1:
            comment += message("listing.term", lang, term=step.term, terms=step.terms)
        lines.append(f"{target} {operator} {term}{comment}")
    lines += ["", message("listing.gradient", lang)]
    received = data.columns.by_node
    lines += [f"d{data.output}_d{x} = {x}{bar}" if x in received else f"d{data.output}_d{x} = 0"
              for x in data.wrt]
    return "\n".join(lines) + "\n"
