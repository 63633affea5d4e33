"""The backward pass as straight-line code with named adjoints (``u1_bar = f_bar * z``), in the
spirit of a jaxpr: the forward lines, then one line per chain-rule step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .printing import code_node, fmt_number, to_code

if TYPE_CHECKING:
    from .trace import Trace

__all__ = ["backward_listing"]


def backward_listing(t: Trace) -> str:
    G = t.graph
    source = " ; ".join(line.strip() for line in t.source.splitlines() if line.strip())
    lines = [f"# backprop_trace: {source}", "# x_bar means ∂{0}/∂x".format(t.output), "",
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
        target = f"{step.node}_bar"
        if step.is_seed:
            lines.append(f"{target} = 1")
            continue
        local = step.local_expr
        upstream = f"{step.via}_bar"
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
    lines += [f"d{t.output}_d{x} = {x}_bar" if any(s.node == x for s in t.steps)
              else f"d{t.output}_d{x} = 0" for x in t.wrt]
    return "\n".join(lines) + "\n"


