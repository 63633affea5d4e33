"""Backward pass: reverse-mode accumulation recorded as ``Step``s, one per (node, input edge)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from .errors import DomainError
from .forward import explain_float_error
from .graph import args_of
from .numeric import numeric_partials
from .printing import fmt_number, pretty_name

if TYPE_CHECKING:
    from .symbolic import Symbolic

__all__ = ["Step", "backward", "active_nodes"]


@dataclass(frozen=True)
class Step:
    """One term of the chain rule: ∂y/∂uᵢ += ∂y/∂uⱼ · ∂uⱼ/∂uᵢ.

    ``node`` is uᵢ (receives the contribution), ``via`` is uⱼ and ``position`` which argument
    of uⱼ node is. The seed step (∂y/∂y = 1) has ``via`` None. ``term`` of ``terms``
    counts the contributions ``node`` receives (fan-out). Numeric fields are None when the
    trace has no values. The symbolic fields (``local_expr`` …) are sympy expressions in the
    node symbols, made on first use.
    """

    index: int
    node: str
    via: str | None
    position: int | None
    term: int
    terms: int
    local: Any
    upstream: Any
    contribution: Any
    total: Any
    _symbolic: Symbolic | None = field(default=None, repr=False, compare=False)

    @property
    def is_seed(self) -> bool:
        return self.via is None

    @property
    def local_expr(self) -> Any:
        """∂uⱼ/∂uᵢ, e.g. ``z`` for uⱼ = u₁·z; 1 for the seed."""
        return self._sym().local_expr(self)

    @property
    def upstream_expr(self) -> Any:
        """∂y/∂uⱼ as a symbol (1 when uⱼ is the output)."""
        return self._sym().upstream_expr(self)

    @property
    def contribution_expr(self) -> Any:
        return self._sym().contribution_expr(self)

    @property
    def total_expr(self) -> Any:
        """∂y/∂uᵢ so far: the sum of this node's contributions up to this step."""
        return self._sym().total_expr(self)

    def _sym(self) -> Symbolic:
        if self._symbolic is None:
            raise ValueError("this Step was made without its trace; use Trace.steps")
        return self._symbolic


def active_nodes(G: nx.MultiDiGraph, wrt: Collection[str]) -> set[str]:
    """Nodes that depend on an input in ``wrt``: only their edges carry gradient."""
    active: set[str] = set()
    for node in G.graph["order"]:
        if node in wrt or (G.nodes[node]["kind"] == "op"
                           and any(u in active for u in G.predecessors(node))):
            active.add(node)
    return active


def backward(G: nx.MultiDiGraph, values: Mapping[str, Any] | None,
             wrt: Collection[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The steps (as field dicts, in drawing order) and the final adjoints.

    Walks the operations in reverse topological order, so a node's adjoint is complete
    before it is passed on; each contribution is *added* to the receiving node's adjoint.
    """
    output = G.graph["output"]
    active = active_nodes(G, wrt)
    one = None if values is None else _ones_like(values[output])
    adjoint: dict[str, Any] = {output: one}
    received: dict[str, int] = {}
    terms = {node: G.out_degree(node) for node in active}
    steps = [dict(index=0, node=output, via=None, position=None, term=1, terms=1, local=None,
                  upstream=None, contribution=one, total=one)]
    with np.errstate(all="raise", under="ignore"):
        for via in reversed(G.graph["order"]):
            if via not in active or G.nodes[via]["kind"] != "op":
                continue
            args = args_of(G, via)
            numeric = values is not None and not G.nodes[via]["abstract"]
            for position, node in enumerate(args):
                if node not in active:
                    continue
                local = upstream = contribution = None
                if numeric:
                    assert values is not None
                    local = _local(G, via, position, values)
                    upstream = adjoint[via]
                    contribution = _sum_to_shape(upstream * local, np.shape(values[node]))
                    # Summed, never assigned: a node used twice gets both contributions.
                    previous = adjoint.get(node)
                    adjoint[node] = contribution if previous is None else previous + contribution
                received[node] = received.get(node, 0) + 1
                steps.append(dict(index=len(steps), node=node, via=via, position=position,
                                  term=received[node], terms=terms[node], local=local,
                                  upstream=upstream, contribution=contribution,
                                  total=adjoint.get(node)))
    return steps, adjoint


def _ones_like(value: Any) -> Any:
    one = np.ones_like(value)
    return one[()] if one.ndim == 0 else one


def _local(G: nx.MultiDiGraph, via: str, position: int, values: Mapping[str, Any]) -> Any:
    """∂via/∂(argument ``position``) at the forward values, from the op table's partial."""
    args = args_of(G, via)
    node = args[position]
    try:
        return numeric_partials(G.nodes[via]["op"])[position]([values[a] for a in args])
    except FloatingPointError as exc:
        raise DomainError(f"the local derivative ∂{pretty_name(via)}/∂{pretty_name(node)} is "
                          f"undefined at {pretty_name(node)} = {fmt_number(values[node])}: "
                          f"{explain_float_error(exc)}") from None


def _sum_to_shape(value: Any, shape: tuple[int, ...]) -> Any:
    """Sum a broadcast contribution back to the receiving node's shape (a scalar used with an
    array gets the sum of the elementwise contributions, as the gradient of their sum)."""
    if np.shape(value) == shape:
        return value
    value = np.asarray(value)
    while value.ndim > len(shape):
        value = value.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and value.shape[axis] != 1:
            value = value.sum(axis=axis, keepdims=True)
    return value[()] if value.ndim == 0 else value
