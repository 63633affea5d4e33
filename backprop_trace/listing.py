"""The backward pass as straight-line code with named adjoints (``u1_bar = f_bar * z``), in the
spirit of a jaxpr: the forward lines, then one line per chain-rule step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .printing import code_node, fmt_number, to_code

if TYPE_CHECKING:
    from .trace import Trace

__all__ = ["backward_listing"]


def _bar_suffix(names: set[str]) -> str:
    """``_bar``, unless a user's name already ends that way (then ``_bar2``, …), so the
    adjoint of x never shares a name with a variable."""
    suffix, k = "_bar", 1
    while any(f"{n}{suffix}" in names for n in names):
        k += 1
        suffix = f"_bar{k}"
    return suffix


def backward_listing(t: Trace) -> str:
    G = t.graph
    bar = _bar_suffix(set(G))
    source = " ; ".join(line.strip() for line in t.source.splitlines() if line.strip())
    lines = [f"# backprop_trace: {source}", f"# x{bar} means ∂{t.output}/∂x", "",
             "# forward"]
    for node in G.graph["order"]:
        kind = G.nodes[node]["kind"]
        if kind == "input":
            value = f"  # = {fmt_number(t.values[node], unicode=False)}" if t.values else ""
            lines.append(f"{node} = input{value}")
        elif kind == "op":
            lines.append(f"{node} = {code_node(G, node)}")
    lines += ["", "# backward"]
    for step in t.steps:
        target = f"{step.node}{bar}"
        if step.is_seed:
            lines.append(f"{target} = 1")
            continue
        local = step.local_expr
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
        comment = f"  # step {step.index + 1}"
        if step.terms > 1:
            comment += f", contribution {step.term} of {step.terms}"
        lines.append(f"{target} {operator} {term}{comment}")
    lines += ["", "# gradient"]
    lines += [f"d{t.output}_d{x} = {x}{bar}" if any(s.node == x for s in t.steps)
              else f"d{t.output}_d{x} = 0" for x in t.wrt]
    return "\n".join(lines) + "\n"


