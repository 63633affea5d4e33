"""The backward pass as straight-line code with named adjoints (``u1_bar = f_bar * z``), in the
spirit of a jaxpr: the forward lines, then one line per chain-rule step."""

from __future__ import annotations

from ..describe import Description
from ..describe.maths import Name, Product, is_number
from ..graph import NodeKind
from ..graph.labels import code_node
from .code import to_code
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


def backward_listing(desc: Description, lang: str = "en") -> str:
    data = desc.data
    tape = data.tape
    bar = _bar_suffix(set(tape.names))
    source = " ; ".join(line.strip() for line in data.source.splitlines() if line.strip())
    lines = [f"# backprop_trace: {source}",
             message("listing.meaning", lang, bar=bar, output=data.output), "",
             message("listing.forward", lang)]
    for node, kind in zip(tape.names, tape.kinds):
        if kind is NodeKind.INPUT:
            value = desc.value(node)
            lines.append(f"{node} = input" + ("" if value is None else f"  # = {to_code(value)}"))
        elif kind is NodeKind.OPERATION:
            lines.append(f"{node} = {code_node(tape, node)}")
    lines += ["", message("listing.backward", lang)]
    for step in desc.steps:
        target = f"{step.node}{bar}"
        if step.is_seed:
            lines.append(f"{target} = 1")
            continue
        upstream = Name(f"{step.via}{bar}")
        local = step.local
        assert local is not None
        if is_number(local) and to_code(local) in ("1", "-1"):
            term = ("-" if to_code(local) == "-1" else "") + upstream.name
        else:
            term = to_code(Product((upstream, local)))
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
