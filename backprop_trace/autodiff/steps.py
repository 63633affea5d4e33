"""The record of the backward pass: steps as columns (plain data the reverse pass fills), and
``Step``, the record of one chain-rule term that users and outputs read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple, Protocol

import numpy as np

from ..collector import collector_paused

__all__ = ["Step", "StepColumns", "StepExprs"]


class StepExprs(Protocol):
    """What gives a step its symbolic fields (the symbolic view, made after the pass)."""

    def local_expr(self, step: Step) -> Any: ...

    def upstream_expr(self, step: Step) -> Any: ...

    def contribution_expr(self, step: Step) -> Any: ...

    def total_expr(self, step: Step) -> Any: ...


class Step(NamedTuple):
    """One term of the chain rule: ∂y/∂uᵢ gets ∂y/∂uⱼ · ∂uⱼ/∂uᵢ added.

    ``node`` is uᵢ (receives the contribution), ``via`` is uⱼ and ``position`` which argument
    of uⱼ node is. The seed step (∂y/∂y = 1) has ``via`` None. ``term`` of ``terms``
    counts the contributions ``node`` receives (fan-out). Numeric fields are None when the
    trace has no values (Python floats for scalars, arrays for arrays). The symbolic fields
    (``local_expr`` …) are sympy expressions in the node symbols, made on first use by the
    trace's symbolic view. (A NamedTuple: a 20,000-step trace makes 20,000 of them.)
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
    exprs: StepExprs | None = None

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
        return self._exprs().local_expr(self)

    @property
    def upstream_expr(self) -> Any:
        """∂y/∂uⱼ as a symbol (1 when uⱼ is the output)."""
        return self._exprs().upstream_expr(self)

    @property
    def contribution_expr(self) -> Any:
        return self._exprs().contribution_expr(self)

    @property
    def total_expr(self) -> Any:
        """∂y/∂uᵢ so far: the sum of this node's contributions up to this step."""
        return self._exprs().total_expr(self)

    def _exprs(self) -> StepExprs:
        if self.exprs is None:
            raise ValueError("this Step was made without its trace; use Trace.steps")
        return self.exprs


Numbers = tuple[Sequence[Any], Sequence[Any], Sequence[Any], Sequence[Any]]
"""local, upstream, contribution and total: one column each, seed first (float64 arrays for
scalar values, lists otherwise)."""


@dataclass(frozen=True, eq=False)
class StepColumns:
    """The steps of a trace as columns, seed first: receiving node, operation (−1 for the
    seed) and argument position by node index, and with values the numbers."""

    names: tuple[str, ...]
    nodes: Sequence[int]
    vias: Sequence[int]
    positions: Sequence[int]
    numbers: Numbers | None

    def __len__(self) -> int:
        return len(self.nodes)

    @cached_property
    def term_numbers(self) -> tuple[list[int], list[int]]:
        """Which contribution each step is to its node (1, 2, …) and how many the node
        gets (the seed is 1 of 1)."""
        nodes = np.array(self.nodes, dtype=np.intp)
        by_node = np.argsort(nodes, kind="stable")
        sorted_nodes = nodes[by_node]
        term = np.empty(len(nodes), dtype=np.intp)
        term[by_node] = np.arange(len(nodes)) - np.searchsorted(sorted_nodes, sorted_nodes) + 1
        return term.tolist(), np.bincount(nodes)[nodes].tolist()

    @cached_property
    def by_node(self) -> Mapping[str, list[int]]:
        """The steps that add to each node's adjoint, in order."""
        found: dict[str, list[int]] = {}
        names = self.names
        for k, node in enumerate(self.nodes):
            found.setdefault(names[node], []).append(k)
        return found

    def make_steps(self, exprs: StepExprs | None = None) -> tuple[Step, ...]:
        """Every ``Step``, in one pass over the columns."""
        names = self.names
        term, terms = self.term_numbers
        numbers = (tuple(c.tolist() if isinstance(c, np.ndarray) else c for c in self.numbers)
                   if self.numbers else ((None,) * len(self),) * 4)  # floats, not np.float64
        with collector_paused():
            steps = [Step(k, names[node], None if via < 0 else names[via],
                          None if via < 0 else position, a, b, local, upstream, contribution,
                          total, exprs)
                     for k, node, via, position, a, b, local, upstream, contribution, total
                     in zip(range(len(self)), self.nodes, self.vias, self.positions, term,
                            terms, *numbers)]
        if self.numbers is not None:  # the seed has no local partial and nothing upstream
            steps[0] = steps[0]._replace(local=None, upstream=None)
        return tuple(steps)
