"""The trace as JSON for other tools: nodes, edges, values and steps (symbolic parts as sympy
strings, numbers as numbers or nested lists)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from .captions import step_caption
from .printing import node_text, pretty_name

if TYPE_CHECKING:
    from .trace import Trace

__all__ = ["trace_json"]


def _number(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return value.tolist()
    return float(value)


def trace_json(t: Trace) -> str:
    G = t.graph
    nodes = []
    for node in G.graph["order"]:
        attrs = G.nodes[node]
        entry: dict[str, Any] = {"id": node, "kind": attrs["kind"], "label": pretty_name(node)}
        if attrs["kind"] == "op":
            entry.update(op=attrs["op"], abstract=attrs["abstract"], args=list(attrs["args"]),
                         expression=node_text(G, node))
        if attrs["kind"] == "const":
            entry["text"] = attrs["text"]
        if t.values and attrs["kind"] != "const":
            entry["value"] = _number(t.values[node])
        nodes.append(entry)
    steps = []
    for s in t.steps:
        steps.append({
            "index": s.index, "node": s.node, "via": s.via, "position": s.position,
            "term": s.term, "terms": s.terms, "local": _number(s.local),
            "upstream": _number(s.upstream), "contribution": _number(s.contribution),
            "total": _number(s.total), "local_expr": sp.sstr(s.local_expr),
            "upstream_expr": sp.sstr(s.upstream_expr), "total_expr": sp.sstr(s.total_expr),
            "caption": step_caption(t, s),
        })
    document = {
        "source": t.source, "output": t.output, "inputs": list(t.inputs), "wrt": list(t.wrt),
        "value": _number(t.value),
        "nodes": nodes,
        "edges": [{"source": u, "target": v, "position": k}
                  for v in G.graph["order"] for k, u in enumerate(G.nodes[v].get("args", ()))],
        "steps": steps,
        "grad": {x: _number(g) for x, g in t.grad.items()},
        "grad_expr": ({x: sp.sstr(e) for x, e in t.grad_expr.items()} if t.expandable
                      else None),
        "adjoint_expr": {x: sp.sstr(t.adjoint_expr(x)) for x in t.wrt},
        "chain_rule": {x: {"text": str(t.chain_rule(x)), "latex": t.chain_rule(x).latex}
                       for x in t.wrt},
    }
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
