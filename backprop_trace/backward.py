"""Backward pass: reverse-mode accumulation recorded as ``Step``s, one per (node, input edge)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

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


class Step(NamedTuple):
    """One term of the chain rule: ∂y/∂uᵢ += ∂y/∂uⱼ · ∂uⱼ/∂uᵢ.

    ``node`` is uᵢ (receives the contribution), ``via`` is uⱼ and ``position`` which argument
    of uⱼ node is. The seed step (∂y/∂y = 1) has ``via`` None. ``term`` of ``terms``
    counts the contributions ``node`` receives (fan-out). Numeric fields are None when the
    trace has no values. The symbolic fields (``local_expr`` …) are sympy expressions in the
    node symbols, made on first use from ``context``, the trace's symbolic view.
    (A NamedTuple: a 20,000-step trace makes 20,000 of them.)
    """

    index: int  # type: ignore[assignment]  # the step number; shadows tuple.index
    node: str
    via: str | None
    position: int | None
    term: int
    terms: int
    local: Any
    upstream: Any
    contribution: Any
    total: Any
    context: Symbolic | None = None

    def __repr__(self) -> str:
        return (f"Step(index={self.index}, node={self.node!r}, via={self.via!r}, "
                f"position={self.position}, term={self.term}, terms={self.terms}, "
                f"local={self.local!r}, upstream={self.upstream!r}, "
                f"contribution={self.contribution!r}, total={self.total!r})")

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
        if self.context is None:
            raise ValueError("this Step was made without its trace; use Trace.steps")
        return self.context


def active_nodes(G: nx.MultiDiGraph, wrt: Collection[str]) -> set[str]:
    """Nodes that depend on an input in ``wrt``: only their edges carry gradient."""
    active: set[str] = set()
    wanted = set(wrt)
    nodes = dict(G.nodes(data=True))
    for node in G.graph["order"]:
        if node in wanted or any(u in active for u in nodes[node].get("args", ())):
            active.add(node)
    return active


def backward(G: nx.MultiDiGraph, values: Mapping[str, Any] | None, wrt: Collection[str],
             context: Symbolic | None = None) -> tuple[tuple[Step, ...], dict[str, Any]]:
    """The steps (in drawing order) and the final adjoints.

    Walks the operations in reverse topological order, so a node's adjoint is complete
    before it is passed on; each contribution is *added* to the receiving node's adjoint.
    """
    output = G.graph["output"]
    nodes = dict(G.nodes(data=True))
    active = active_nodes(G, wrt)
    one = None if values is None else _ones_like(values[output])
    adjoint: dict[str, Any] = {output: one}
    received: dict[str, int] = {}
    terms = Counter(a for n in G.graph["order"] for a in nodes[n].get("args", ()))
    # With scalars only, no contribution ever needs summing back to a smaller shape.
    scalars = values is None or all(np.ndim(values[x]) == 0 for x in G.graph["inputs"])
    steps = [Step(0, output, None, None, 1, 1, None, None, one, one, context)]
    with np.errstate(all="raise", under="ignore"):
        for via in reversed(G.graph["order"]):
            attrs = nodes[via]
            if via not in active or attrs["kind"] != "op":
                continue
            args = attrs["args"]
            numeric = values is not None and not attrs["abstract"]
            if numeric and values is not None:
                arg_values = [values[a] for a in args]
                partials = numeric_partials(attrs["op"])
                upstream = adjoint[via]
            for position, node in enumerate(args):
                if node not in active:
                    continue
                if numeric and values is not None:
                    local = _local(G, via, position, partials[position], arg_values, values)
                    contribution = upstream * local
                    if not scalars:
                        contribution = _sum_to_shape(contribution, np.shape(values[node]))
                    # Summed, never assigned: a node used twice gets both contributions.
                    previous = adjoint.get(node)
                    total = adjoint[node] = (contribution if previous is None
                                             else previous + contribution)
                    term = received[node] = received.get(node, 0) + 1
                    steps.append(Step(len(steps), node, via, position, term, terms[node],
                                      local, upstream, contribution, total, context))
                else:
                    term = received[node] = received.get(node, 0) + 1
                    steps.append(Step(len(steps), node, via, position, term, terms[node],
                                      None, None, None, None, context))
    return tuple(steps), adjoint


def _ones_like(value: Any) -> Any:
    one = np.ones_like(value)
    return one[()] if one.ndim == 0 else one


def _local(G: nx.MultiDiGraph, via: str, position: int, partial: Any, arg_values: list[Any],
           values: Mapping[str, Any]) -> Any:
    """∂via/∂(argument ``position``) at the forward values, from the op table's partial."""
    try:
        return partial(arg_values)
    except FloatingPointError as exc:
        node = args_of(G, via)[position]
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
