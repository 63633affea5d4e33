"""Forward pass: float64 numpy values of every node, checked against each op's domain."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import networkx as nx
import numpy as np

from .errors import DomainError, GraphError
from .graph import args_of
from .ops import OPS
from .printing import fmt_number, node_text, pretty_name

__all__ = ["forward", "input_values", "explain_float_error"]


def input_values(G: nx.MultiDiGraph, at: Mapping[str, Any]) -> dict[str, Any]:
    """Check and convert ``at``: every input named once, numbers or arrays that broadcast."""
    inputs = G.graph["inputs"]
    unknown = [name for name in at if name not in inputs]
    if unknown:
        raise GraphError(f"a value was given for {unknown[0]!r}, which is not an input "
                         f"(inputs: {', '.join(inputs) or 'none'})")
    missing = [name for name in inputs if name not in at]
    if missing:
        raise GraphError(f"no value for {', '.join(missing)}: give a value for every input "
                         f"({', '.join(inputs)})")
    values: dict[str, Any] = {}
    for name in inputs:
        raw = at[name]
        if isinstance(raw, (str, bytes, bool, complex)) or raw is None:
            raise DomainError(f"the value of {name} must be a number or an array of numbers, "
                              f"got {raw!r}")
        try:
            value = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            raise DomainError(f"the value of {name} must be a number or an array of numbers, "
                              f"got {raw!r}") from None
        if not np.all(np.isfinite(value)):
            raise DomainError(f"the value of {name} is {fmt_number(value)}: give finite numbers")
        values[name] = value[()] if value.ndim == 0 else value
    shapes = {name: np.shape(v) for name, v in values.items() if np.ndim(v) > 0}
    try:
        np.broadcast_shapes(*shapes.values())
    except ValueError:
        shown = ", ".join(f"{n}: {s}" for n, s in shapes.items())
        raise DomainError(f"array values must have matching shapes, got {shown}") from None
    return values


def forward(G: nx.MultiDiGraph, at: Mapping[str, Any]) -> Mapping[str, Any]:
    """Every node's value (constants included), in forward order."""
    nodes = dict(G.nodes(data=True))  # plain dict lookups: NodeView's cost a call each
    abstract = [n for n in G.graph["order"] if nodes[n].get("abstract")]
    if abstract:
        raise GraphError(f"{pretty_name(G.nodes[abstract[0]]['op'])} is an abstract function "
                         f"(no formula), so values cannot be computed: trace it without values, "
                         f"or write out the function")
    values = input_values(G, at)
    with np.errstate(all="raise", under="ignore"):
        for node in G.graph["order"]:
            attrs = nodes[node]
            if attrs["kind"] == "const":
                values[node] = np.float64(_CONSTANTS.get(attrs["text"], attrs["value"]))
            elif attrs["kind"] == "op":
                args = [values[a] for a in attrs["args"]]
                try:
                    values[node] = OPS[attrs["op"]].forward(*args)
                except FloatingPointError as exc:
                    raise DomainError(
                        f"{pretty_name(node)} = {node_text(G, node)} is undefined at "
                        f"{_argument_values(G, node, values)}: {explain_float_error(exc)}"
                    ) from None
    return MappingProxyType(values)


_CONSTANTS = {"e": np.e, "pi": np.pi}


def explain_float_error(exc: FloatingPointError) -> str:
    text = str(exc)
    if "divide by zero" in text:
        return "division by zero"
    if "overflow" in text:
        return "the result overflows a float (over 1.8e308)"
    return "the argument is outside the function's domain"


def _argument_values(G: nx.MultiDiGraph, node: str, values: Mapping[str, Any]) -> str:
    parts = [f"{pretty_name(a)} = {fmt_number(values[a])}" for a in dict.fromkeys(args_of(G, node))
             if G.nodes[a]["kind"] != "const"]
    return ", ".join(parts) or "these constants"
