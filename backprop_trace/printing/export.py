"""The trace as JSON for other tools: nodes, edges, values and steps (symbolic parts as sympy
strings, numbers as numbers or nested lists)."""

from __future__ import annotations

import json
from typing import Any, Final

import numpy as np
import sympy as sp

from ..autodiff.tangents import ModeWork, forward_tangents
from ..describe import Description
from ..describe.modes import ModeDescription
from ..graph import NodeKind
from ..graph.labels import node_text
from ..names import pretty_name
from .captions import mode_captions, step_caption
from .formulas import chain_rule
from .latex import to_latex
from .unicode import to_unicode

__all__ = ["trace_json"]


_LISTED: Final = 1000
"""Arrays with more elements are summarised, so trace.json stays small for large inputs."""


def _number(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.ndarray) and value.ndim > 0:
        if value.size <= _LISTED:
            return value.tolist()
        flat = value.ravel()
        return {"shape": list(value.shape), "first": flat[:5].tolist(),
                "last": flat[-5:].tolist(), "min": float(flat.min()), "max": float(flat.max()),
                "mean": float(flat.mean())}
    return float(value)


def trace_json(desc: Description, lang: str = "en", mode: ModeDescription | None = None,
               work: ModeWork | None = None) -> str:
    data = desc.data
    tape, view = data.tape, data.view
    nodes = []
    for i, node in enumerate(tape.names):
        kind = tape.kinds[i]
        entry: dict[str, Any] = {"id": node, "kind": kind.value, "label": pretty_name(node)}
        if kind is NodeKind.OPERATION:
            entry.update(op=tape.ops[i], abstract=tape.abstract[i],
                         args=list(tape.arg_names(node)), expression=node_text(tape, node))
        if kind is NodeKind.CONST:
            entry["text"] = tape.texts[i]
        if data.values and kind is not NodeKind.CONST:
            entry["value"] = _number(data.values[node])
            shown = desc.value(node)
            entry["shown_value"] = to_unicode(shown) if shown is not None else None
        nodes.append(entry)
    steps = []
    symbolic = not data.tensors  # a tensor op's step has no scalar local partial
    for s, d in zip(data.steps, desc.steps):
        steps.append({
            "index": s.index, "node": s.node, "via": s.via, "position": s.position,
            "term": s.term, "terms": s.terms, "local": _number(s.local),
            "upstream": _number(s.upstream), "contribution": _number(s.contribution),
            "total": _number(s.total),
            "local_expr": sp.sstr(view.local_expr(s)) if symbolic else None,
            "upstream_expr": sp.sstr(view.upstream_expr(s)),
            "total_expr": sp.sstr(view.total_expr(s)) if symbolic else None,
            "caption": step_caption(desc, d, lang),
            "equation": to_unicode(d.equation), "latex": to_latex(d.equation),
            "shown": {"contribution": to_unicode(d.contribution), "total": to_unicode(d.total),
                      "local": None if d.local_label is None else to_unicode(d.local_label)},
        })
    rules = {x: chain_rule(data, x) for x in data.wrt}
    document = {
        "source": data.source, "output": data.output, "inputs": list(data.inputs),
        "wrt": list(data.wrt),
        "value": _number(data.value),
        "nodes": nodes,
        "edges": [{"source": tape.names[a], "target": node, "position": k}
                  for node, node_args in zip(tape.names, tape.args)
                  for k, a in enumerate(node_args)],
        "steps": steps,
        "grad": {x: _number(g) for x, g in data.grad.items()},
        "grad_expr": ({x: sp.sstr(e) for x, e in data.grad_expr.items()} if data.expandable
                      else None),
        "adjoint_expr": ({x: sp.sstr(view.adjoint_expr(x)) for x in data.wrt} if symbolic
                         else {x: to_unicode(desc.adjoint(x)) for x in data.wrt}),
        "shapes": ({n: list(data.shape(n)) for n in tape.variables} if data.shapes else None),
        "chain_rule": {x: {"text": str(rule), "latex": rule.latex} for x, rule in rules.items()},
    }
    if mode is not None:
        document["mode"] = _mode_json(desc, mode, lang)
    if work is not None:
        document["work"] = {"forward": dict(work.forward) or None,
                            "forward_total": work.forward_total, "reverse": work.reverse,
                            "passes": work.passes}
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def _mode_json(desc: Description, mode: ModeDescription, lang: str) -> dict[str, Any]:
    """Forward mode's or the paths' frames: each caption, formula and what it lights."""
    tape = desc.data.tape
    captions = mode_captions(desc, mode, lang)
    entry: dict[str, Any] = {
        "mode": mode.mode, "wrt": mode.wrt,
        "steps": [{"kind": s.kind, "caption": captions[k],
                   "equation": to_unicode(s.equation), "latex": to_latex(s.equation),
                   "nodes": list(s.nodes),
                   "edges": [{"source": tape.names[tape.args[v][p]], "target": tape.names[v],
                              "position": p} for v, p in s.edges]}
                  for k, s in enumerate(mode.steps, 1)]}
    if mode.mode == "forward" and desc.data.node_values is not None:
        entry["tangents"] = {n: _number(v) for n, v in forward_tangents(desc.data,
                                                                          mode.wrt).items()}
    if mode.mode == "paths":
        entry["paths"] = [{"nodes": list(p.nodes), "product": _number(p.product),
                           "product_expr": sp.sstr(p.product_expr)} for p in mode.paths]
    return entry
