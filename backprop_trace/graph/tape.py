"""The tape: the one internal format of the computational graph. A Wengert list — nodes in
forward order (a topological order), arguments by integer index, typed node kinds — that a
10,000-node network fills in milliseconds. Every later stage reads it through the accessors
here; the networkx view (``graph/view.py``) is made from it for users only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from itertools import chain

import numpy as np

__all__ = ["Tape", "NodeKind", "Group"]


class NodeKind(Enum):
    """What a node is; ``value`` is the ``kind`` attribute of the networkx view."""

    INPUT = "input"
    CONST = "const"
    OPERATION = "op"


@dataclass(frozen=True)
class Group:
    """Nodes made by one call of a user function (``kind`` "function": σ(z) with σ defined
    by the user) or by one named equation (``kind`` "equation"): ``output`` is the node the
    group's value is, ``members`` the nodes inside it (in forward order, the output not
    among them), ``arguments`` the nodes outside it that members or the output use."""

    name: str
    kind: str
    output: int
    members: tuple[int, ...]
    arguments: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class Tape:
    """Node ``i`` is ``names[i]``; ``args[i]`` are the indices of its arguments (empty unless
    an operation); ``levels[i]`` is 0 for leaves, else one more than its deepest argument."""

    names: tuple[str, ...]
    kinds: tuple[NodeKind, ...]
    ops: tuple[str, ...]  # op-table or abstract function name; "" for inputs and constants
    abstract: tuple[bool, ...]
    args: tuple[tuple[int, ...], ...]
    levels: tuple[int, ...]
    offsets: tuple[int, ...]
    texts: tuple[str, ...]  # a constant as typed ("2", "pi"); "" for other nodes
    output: int
    inputs: tuple[int, ...]
    index: Mapping[str, int]  # name → node
    groups: tuple[Group, ...] = ()
    """Calls of user functions and named equations, each a candidate composite gate."""

    def __len__(self) -> int:
        return len(self.names)

    # -- accessors by name ------------------------------------------------------------------

    def node(self, name: str) -> int:
        return self.index[name]

    def kind(self, name: str) -> NodeKind:
        return self.kinds[self.index[name]]

    def is_operation(self, name: str) -> bool:
        return self.kinds[self.index[name]] is NodeKind.OPERATION

    def is_constant(self, name: str) -> bool:
        return self.kinds[self.index[name]] is NodeKind.CONST

    def arg_names(self, name: str) -> tuple[str, ...]:
        names = self.names
        return tuple(names[a] for a in self.args[self.index[name]])

    @property
    def output_name(self) -> str:
        return self.names[self.output]

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(self.names[i] for i in self.inputs)

    @cached_property
    def variables(self) -> tuple[str, ...]:
        """Inputs and operations (every node but the constants), in forward order."""
        return tuple(n for n, k in zip(self.names, self.kinds) if k is not NodeKind.CONST)

    @cached_property
    def operation_count(self) -> int:
        return self.kinds.count(NodeKind.OPERATION)

    @cached_property
    def operation_nodes(self) -> np.ndarray:
        """The operations' indices, in forward order."""
        operation = NodeKind.OPERATION  # a local: enum member lookups cost in long loops
        return np.array([i for i, kind in enumerate(self.kinds) if kind is operation],
                        dtype=np.intp)

    @cached_property
    def constant_nodes(self) -> tuple[int, ...]:
        const = NodeKind.CONST
        return tuple(i for i, kind in enumerate(self.kinds) if kind is const)

    @cached_property
    def users(self) -> Mapping[str, tuple[str, ...]]:
        """The operations that use each node directly, in forward order (each once)."""
        found: dict[str, dict[str, None]] = {name: {} for name in self.names}
        names = self.names
        for i, node_args in enumerate(self.args):
            for a in node_args:
                found[names[a]][names[i]] = None
        return {name: tuple(users) for name, users in found.items()}

    @cached_property
    def expanded_size(self) -> int:
        """How many nodes the output's expression has when written out in the inputs (shared
        parts repeated): grows exponentially with reuse (u2 = u1 + u1·u1, …); capped."""
        cap = 10**9
        sizes = [1] * len(self)
        for i, node_args in enumerate(self.args):
            if node_args:
                sizes[i] = min(cap, 1 + sum(sizes[a] for a in node_args))
        return sizes[self.output]

    # -- columns for the engine ---------------------------------------------------------------

    @cached_property
    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The edges (argument → operation) in forward order, as arrays: argument,
        operation and argument position."""
        arity = np.fromiter(map(len, self.args), np.intp, len(self))
        count = int(arity.sum())
        args = np.fromiter(chain.from_iterable(self.args), np.intp, count)
        nodes = np.repeat(np.arange(len(self)), arity)
        positions = np.arange(count) - np.repeat(np.cumsum(arity) - arity, arity)
        return args, nodes, positions

    @cached_property
    def op_codes(self) -> tuple[np.ndarray, list[str]]:
        """Each node's op as a number, and the op of each number ("" for leaves)."""
        numbers = {op: k for k, op in enumerate(dict.fromkeys(self.ops))}
        return np.fromiter(map(numbers.__getitem__, self.ops), np.intp, len(self)), list(numbers)

    @cached_property
    def arg_columns(self) -> list[np.ndarray]:
        """Column k holds each node's argument k (0 where it has none)."""
        args, nodes, positions = self.edges
        columns = []
        for k in range(int(positions.max(initial=-1)) + 1):
            column = np.zeros(len(self), dtype=np.intp)
            at = positions == k
            column[nodes[at]] = args[at]
            columns.append(column)
        return columns
