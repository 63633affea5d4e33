"""Backward pass: reverse-mode accumulation recorded as steps, one per (node, input edge).

The steps are kept as columns (``Steps``) and a ``Step`` is made when one is asked for: a
10,000-node network records 20,000 of them. Local partials come from the op table's
compiled partials, applied to all edges of an op at once when the values are scalars; the
running sums are then added one step at a time, in step order, exactly as the node-by-node
loop for array values adds them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np

from .collector import collector_paused
from .errors import DomainError
from .forward import Values, explain_float_error
from .graph import CONST, Tape
from .numeric import numeric_partials
from .ops import OPS
from .printing import fmt_number, pretty_name

if TYPE_CHECKING:
    from .symbolic import Symbolic

__all__ = ["Step", "Steps", "backward", "active_nodes"]

Numbers = tuple[Any, ...]  # local, upstream, contribution and total: one column each


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


class Steps(Sequence[Step]):
    """The steps of a trace as columns (node indices, positions, term counts and, with
    values, the numbers); ``steps[k]`` makes the ``Step``."""

    def __init__(self, names: Sequence[str], nodes: list[int], vias: list[int],
                 positions: list[int], numbers: Numbers | None,
                 context: Symbolic | None) -> None:
        self._names = names
        self._nodes, self._vias, self._positions = nodes, vias, positions
        self._numbers = numbers
        self._context = context
        self._all: tuple[Step, ...] | None = None

    def __len__(self) -> int:
        return len(self._nodes)

    @overload
    def __getitem__(self, k: int) -> Step: ...

    @overload
    def __getitem__(self, k: slice) -> tuple[Step, ...]: ...

    def __getitem__(self, k: int | slice) -> Step | tuple[Step, ...]:
        if isinstance(k, slice):
            return tuple(self[i] for i in range(*k.indices(len(self))))
        if self._all is not None:
            return self._all[k]
        term, terms = self._term_numbers
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError("step index out of range")
        via = self._vias[k]
        names = self._names
        local = upstream = contribution = total = None
        if self._numbers is not None:
            local, upstream, contribution, total = (column[k] for column in self._numbers)
            if k == 0:  # the seed ∂y/∂y = 1 has no local partial and nothing upstream
                local = upstream = None
        return Step(k, names[self._nodes[k]], None if via < 0 else names[via],
                    None if via < 0 else self._positions[k], term[k], terms[k],
                    local, upstream, contribution, total, self._context)

    @cached_property
    def _term_numbers(self) -> tuple[list[int], list[int]]:
        """Which contribution each step is to its node (1, 2, …) and how many the node
        gets (the seed is 1 of 1)."""
        nodes = np.array(self._nodes, dtype=np.intp)
        by_node = np.argsort(nodes, kind="stable")
        sorted_nodes = nodes[by_node]
        term = np.empty(len(nodes), dtype=np.intp)
        term[by_node] = np.arange(len(nodes)) - np.searchsorted(sorted_nodes, sorted_nodes) + 1
        return term.tolist(), np.bincount(nodes)[nodes].tolist()

    def of_node(self, node: str) -> list[Step]:
        """The steps that add to ``node``'s adjoint, in order."""
        return [self[k] for k in self._by_node.get(node, [])]

    @cached_property
    def _by_node(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        names = self._names
        for k, node in enumerate(self._nodes):
            found.setdefault(names[node], []).append(k)
        return found

    def __iter__(self) -> Iterator[Step]:
        return iter(self.as_tuple())

    def as_tuple(self) -> tuple[Step, ...]:
        """Every Step (made once: pictures and narratives walk the steps often)."""
        if self._all is None:
            with collector_paused():
                self._all = self._make_all()
        return self._all

    def _make_all(self) -> tuple[Step, ...]:
        """Every Step, as ``self[k]`` makes them, in one pass over the columns."""
        names, context = self._names, self._context
        term, terms = self._term_numbers
        numbers = self._numbers or ([None] * len(self),) * 4
        steps = [Step(k, names[node], None if via < 0 else names[via],
                      None if via < 0 else position, a, b, local, upstream, contribution, total,
                      context)
                 for k, node, via, position, a, b, local, upstream, contribution, total
                 in zip(range(len(self)), self._nodes, self._vias, self._positions, term, terms,
                        *numbers)]
        if numbers[0][0] is not None:  # the seed has no local partial and nothing upstream
            steps[0] = steps[0]._replace(local=None, upstream=None)
        return tuple(steps)

    def __repr__(self) -> str:
        return f"<{len(self)} steps>"


def active_nodes(tape: Tape, wrt: Collection[str]) -> set[str]:
    """Nodes that depend on an input in ``wrt``: only their edges carry gradient."""
    flags = _active(tape, [tape.index[x] for x in wrt])
    return {name for name, flag in zip(tape.names, flags) if flag}


def _active(tape: Tape, wrt: Collection[int]) -> list[bool]:
    if len(wrt) == len(tape.inputs):
        # Every input counts: only constants, and operations on nothing but constants,
        # are inactive. Without the latter (the usual case) no walk is needed.
        args, nodes, _ = tape.edges
        is_const = np.array([kind == CONST for kind in tape.kinds])
        arity = np.bincount(nodes, minlength=len(tape))
        non_const_args = np.bincount(nodes, weights=~is_const[args], minlength=len(tape))
        if not np.any((non_const_args == 0) & (arity > 0)):
            return (~is_const).tolist()
    return _active_by_walk(tape, wrt)


def _active_by_walk(tape: Tape, wrt: Collection[int]) -> list[bool]:
    flags = [False] * len(tape)
    for i in wrt:
        flags[i] = True
    for i, node_args in enumerate(tape.args):
        for a in node_args:
            if flags[a]:
                flags[i] = True
                break
    return flags


def backward(tape: Tape, values: Values | None, wrt: Collection[str],
             context: Symbolic | None = None) -> tuple[Steps, list[Any]]:
    """The steps (in drawing order) and the final adjoints, indexed by node.

    Steps walk the operations in reverse forward order, so a node's adjoint is complete
    before it is passed on; each contribution is *added* to the receiving node's adjoint.
    """
    output = tape.output
    nodes, vias, positions = _step_edges(tape, [tape.index[x] for x in wrt])
    nodes_list, vias_list = nodes.tolist(), vias.tolist()
    if values is None:
        numbers, adjoint = None, [None] * len(tape)
    elif isinstance(values, np.ndarray) or all(np.ndim(values[i]) == 0 for i in tape.inputs):
        numbers, adjoint = _numbers_by_op(tape, values, nodes_list, vias, positions)
    else:
        numbers, adjoint = _numbers_by_step(tape, values, nodes_list, vias_list,
                                            positions.tolist())
    steps = Steps(tape.names, [output, *nodes_list], [-1, *vias_list],
                  [-1, *positions.tolist()], numbers, context)
    return steps, adjoint


def _step_edges(tape: Tape, wrt: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Receiving node, operation and position of every step after the seed: operations in
    reverse forward order, each one's arguments in order, edges from inactive nodes left out."""
    args, nodes, positions = tape.edges
    order = np.argsort(-nodes, kind="stable")
    active = np.array(_active(tape, wrt), dtype=bool)
    order = order[active[args[order]]]
    return args[order], nodes[order], positions[order]


def _numbers_by_op(tape: Tape, values: Values, nodes: list[int], vias: np.ndarray,
                   positions: np.ndarray) -> tuple[Numbers, list[Any]]:
    """Scalar values: every local partial of an (op, position) at once, then the running sums
    in step order. Any floating-point fault goes to the step-by-step loop, which words it."""
    value_array = np.asarray(values, dtype=np.float64)
    local = np.empty(len(nodes))
    columns = tape.arg_columns
    width = max(len(columns), 1)
    codes, op_names = tape.op_codes
    try:
        with np.errstate(all="raise", under="ignore"):
            keys = codes[vias] * width + positions  # one key per (op, position)
            for key in np.unique(keys).tolist():
                at = np.flatnonzero(keys == key)
                op = op_names[key // width]
                edge_vias = vias[at]
                arg_values = [value_array[c[edge_vias]] for c in columns[:OPS[op].arity]]
                local[at] = numeric_partials(op)[key % width](arg_values)
    except FloatingPointError:
        return _numbers_by_step(tape, values, nodes, vias.tolist(), positions.tolist())
    adjoint: list[Any] = [None] * len(tape)
    adjoint[tape.output] = 1.0
    total = [1.0]
    add_total = total.append
    # The one loop over steps: each adds upstream · local to the running sum of its node.
    for via, node, partial in zip(vias.tolist(), nodes, local.tolist()):
        previous = adjoint[node]
        term = adjoint[via] * partial
        adjoint[node] = running = term if previous is None else previous + term
        add_total(running)
    final = np.array([np.nan if a is None else a for a in adjoint])
    upstream = np.concatenate(([1.0], final[vias]))  # complete when used: see backward()
    local = np.concatenate(([1.0], local))
    contribution = upstream * local  # the same products the loop made
    totals = np.array(total)
    if not (np.isfinite(contribution).all() and np.isfinite(totals).all()):
        return _numbers_by_step(tape, values, nodes, vias.tolist(), positions.tolist())
    return (local, upstream, contribution, totals), adjoint


def _numbers_by_step(tape: Tape, values: Values, nodes: list[int], vias: list[int],
                     positions: list[int]) -> tuple[Numbers, list[Any]]:
    """Any values (arrays too), one step at a time."""
    output = tape.output
    one = _ones_like(values[output])
    adjoint: list[Any] = [None] * len(tape)
    adjoint[output] = one
    # With scalars only, no contribution ever needs summing back to a smaller shape.
    scalars = all(np.ndim(values[x]) == 0 for x in tape.inputs)
    local_column, upstream_column = [one], [one]
    contribution_column, total_column = [one], [one]
    with np.errstate(all="raise", under="ignore"):
        for node, via, position in zip(nodes, vias, positions):
            arg_values = [values[a] for a in tape.args[via]]
            local = _local(tape, via, position, arg_values, values)
            upstream = adjoint[via]
            try:
                contribution = upstream * local
                if not scalars:
                    contribution = _sum_to_shape(contribution, np.shape(values[node]))
                # Summed, never assigned: a node used twice gets both contributions.
                previous = adjoint[node]
                total = contribution if previous is None else previous + contribution
            except FloatingPointError as exc:
                y, u = pretty_name(tape.names[output]), pretty_name(tape.names[node])
                raise DomainError(f"the gradient ∂{y}/∂{u} is too large to compute: "
                                  f"{explain_float_error(exc)}") from None
            adjoint[node] = total
            local_column.append(local)
            upstream_column.append(upstream)
            contribution_column.append(contribution)
            total_column.append(total)
    return (local_column, upstream_column, contribution_column, total_column), adjoint


def _ones_like(value: Any) -> Any:
    one = np.ones_like(value)
    return one[()] if one.ndim == 0 else one


def _local(tape: Tape, via: int, position: int, arg_values: list[Any],
           values: Values) -> Any:
    """∂via/∂(argument ``position``) at the forward values, from the op table's partial."""
    try:
        return numeric_partials(tape.ops[via])[position](arg_values)
    except FloatingPointError as exc:
        node = tape.args[via][position]
        name = pretty_name(tape.names[node])
        raise DomainError(f"the local derivative ∂{pretty_name(tape.names[via])}/∂{name} is "
                          f"undefined at {name} = {fmt_number(values[node])}: "
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
