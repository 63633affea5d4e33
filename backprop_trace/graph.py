"""Equations → computational graph. The pipeline works on a ``Tape`` (a Wengert list: plain
tuples indexed by node, in forward order, arguments by index), which a 10,000-node network
fills in milliseconds; ``to_networkx`` gives the same graph as a ``networkx.MultiDiGraph``
for pictures, analysis and users (``Trace.graph``), made on first use.

The graph has one node per input, constant and operation application, with the operations
kept as the user typed them. networkx node attributes: ``kind`` (input, const, op), ``op``
(op-table name or abstract function name), ``abstract``, ``args`` (argument nodes in order,
the same as the in-edges sorted by key), ``order`` (forward position), ``offset`` (where it
was typed); constants also ``value`` and ``text``. Edges run from argument to operation with
``key`` = ``position`` = argument index, so ``x*x`` has two edges. Graph attributes:
``output``, ``inputs``, ``order``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from types import MappingProxyType

import networkx as nx
import numpy as np

from .errors import GraphError
from .limits import DEFAULT_LIMITS, Limits
from .syntax import NAME, NUM, Equation, Item, System

__all__ = ["Tape", "build_tape", "build_graph", "to_networkx", "args_of", "NAMED_CONSTANTS"]

NAMED_CONSTANTS = {"e": "e", "pi": "π"}
"""Names that mean a constant unless the system defines them or gives them a value."""

INPUT, CONST, OPERATION = "input", "const", "op"


@dataclass(frozen=True, eq=False)
class Tape:
    """The graph in forward order (creation order, a topological order): node ``i`` is
    ``names[i]``; ``args[i]`` are the indices of its arguments (empty unless an operation);
    ``levels[i]`` is 0 for leaves, else one more than its deepest argument."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    ops: tuple[str, ...]  # op-table or abstract function name; "" for inputs and constants
    abstract: tuple[bool, ...]
    args: tuple[tuple[int, ...], ...]
    levels: tuple[int, ...]
    offsets: tuple[int, ...]
    texts: tuple[str, ...]  # a constant as typed ("2", "pi"); "" for other nodes
    output: int
    inputs: tuple[int, ...]
    index: Mapping[str, int]  # name → node

    def __len__(self) -> int:
        return len(self.names)

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

    def arg_names(self, node: str) -> tuple[str, ...]:
        names = self.names
        return tuple(names[a] for a in self.args[self.index[node]])

    def kind(self, node: str) -> str:
        return self.kinds[self.index[node]]


def build_tape(system: System, *, output: str | None = None, inputs: Iterable[str] = (),
               limits: Limits = DEFAULT_LIMITS) -> Tape:
    """The tape of ``output`` (default: the one equation no other equation uses).

    ``inputs`` names variables that must be inputs even where they look like constants
    (a value given for ``e`` makes ``e`` a variable).
    """
    equations = _by_name(system.equations)
    uses = {name: _uses(eq, equations) for name, eq in equations.items()}
    target = _choose_output(equations, uses, output)
    ordered = _equations_in_forward_order(uses, target)
    builder = _Builder(equations, system.names, set(inputs) | set(equations[target].params), limits)
    for param in equations[target].params:
        builder.input(param, equations[target].offset)
    for name in ordered:
        builder.equation(equations[name])
    return builder.tape(target)


def build_graph(system: System, *, output: str | None = None, inputs: Iterable[str] = (),
                limits: Limits = DEFAULT_LIMITS) -> nx.MultiDiGraph:
    """The graph of ``output`` as a frozen ``networkx.MultiDiGraph``."""
    return to_networkx(build_tape(system, output=output, inputs=inputs, limits=limits))


def to_networkx(tape: Tape) -> nx.MultiDiGraph:
    """The tape as a frozen MultiDiGraph. Creation order is a topological order, and
    deterministic (it is what lexicographical_topological_sort returns keyed by it; a test
    checks this)."""
    names = tape.names
    nodes: list[tuple[str, dict[str, object]]] = []
    edges: list[tuple[str, str, int, dict[str, int]]] = []
    for i, name in enumerate(names):
        kind = tape.kinds[i]
        if kind == OPERATION:
            args = tuple(names[a] for a in tape.args[i])
            nodes.append((name, {"kind": kind, "op": tape.ops[i], "abstract": tape.abstract[i],
                                 "offset": tape.offsets[i], "args": args, "order": i}))
            edges.extend((arg, name, k, {"position": k}) for k, arg in enumerate(args))
        elif kind == CONST:
            text = tape.texts[i]
            value: object = text if text in NAMED_CONSTANTS else float(text)
            nodes.append((name, {"kind": kind, "text": text, "value": value,
                                 "offset": tape.offsets[i], "order": i}))
        else:
            nodes.append((name, {"kind": kind, "offset": tape.offsets[i], "order": i}))
    G = _multidigraph(nodes, edges)
    G.graph.update(output=names[tape.output], order=names,
                   inputs=tuple(names[i] for i in tape.inputs))
    return nx.freeze(G)


def _multidigraph(nodes: list[tuple[str, dict[str, object]]],
                  edges: list[tuple[str, str, int, dict[str, int]]]) -> nx.MultiDiGraph:
    """A MultiDiGraph filled through its adjacency dicts, the way add_edge fills them
    (successor and predecessor share one key dict per node pair). add_edges_from checks each
    edge and costs more than the rest of the stage on a 10,000-node graph; these nodes and
    edges are new and valid by construction. A test compares the result with add_edge's."""
    G = nx.MultiDiGraph()
    node_attrs, succ, pred = G._node, G._succ, G._pred
    for node, attrs in nodes:
        node_attrs[node] = attrs
        succ[node] = {}
        pred[node] = {}
    for u, v, key, data in edges:
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[key] = data
    return G


def args_of(G: nx.MultiDiGraph, node: str) -> tuple[str, ...]:
    """The argument nodes of an operation node, in argument order (empty for other nodes)."""
    return G.nodes[node].get("args", ())


def _by_name(equations: Sequence[Equation]) -> dict[str, Equation]:
    found: dict[str, Equation] = {}
    for eq in equations:
        if eq.name in found:
            raise GraphError(f"{eq.name} is defined twice: keep one equation for it")
        found[eq.name] = eq
    return found


def _uses(eq: Equation, equations: dict[str, Equation]) -> list[str]:
    """The equation names ``eq`` refers to, in the order they appear (parameters shadow)."""
    used = dict.fromkeys(filter(equations.__contains__, eq.variables))
    return [name for name in used if name not in eq.params] if eq.params else list(used)


def _choose_output(equations: dict[str, Equation], uses: dict[str, list[str]],
                   output: str | None) -> str:
    if output is not None:
        if output not in equations:
            raise GraphError(f"output {output!r} is not defined by any equation "
                             f"(equations define: {', '.join(equations)})")
        return output
    used = {n for name, names in uses.items() for n in names if n != name}
    sinks = [n for n in equations if n not in used]
    if len(sinks) == 1:
        return sinks[0]
    if not sinks:
        return next(iter(equations))  # every equation is used: the cycle check reports it
    raise GraphError(f"several equations could be the output ({', '.join(sinks)}): "
                     f"choose one with output=… (--output on the command line)")


def _equations_in_forward_order(uses: dict[str, list[str]], target: str) -> list[str]:
    """The equations the output needs, dependencies first, depth-first in the order they are
    used: u = f(x, y) puts x before y whatever order the equations were typed in."""
    order: list[str] = []
    done: set[str] = set()
    path = [target]
    stack = [iter(uses[target])]
    while stack:
        for dep in stack[-1]:
            if dep in path:
                _circular(path[path.index(dep):])
            if dep not in done:
                path.append(dep)
                stack.append(iter(uses[dep]))
                break
        else:
            stack.pop()
            done.add(path[-1])
            order.append(path.pop())
    return order


def _circular(cycle: list[str]) -> None:
    if len(cycle) == 1:
        raise GraphError(f"{cycle[0]} is defined in terms of itself: define it from other names")
    steps = ", ".join(f"{a} uses {b}" for a, b in zip(cycle, [*cycle[1:], cycle[0]]))
    raise GraphError(f"the equations are circular: {steps} (each name must be defined from "
                     f"inputs, not from itself)")


class _Builder:
    """Adds nodes in forward order, so creation order is a topological order. Per node it
    keeps only what differs between operations; leaves, abstract calls and intermediate
    names are filled in by ``tape`` (this runs once per node of a 10,000-node network)."""

    def __init__(self, equations: dict[str, Equation], names: frozenset[str],
                 forced_inputs: set[str], limits: Limits) -> None:
        self.names: list[str | None] = []  # None: an intermediate, named u1, u2, … at the end
        self.ops: list[str] = []
        self.args: list[tuple[int, ...]] = []
        self.levels: list[int] = []
        self.offsets: list[int] = []
        self.leaves: dict[int, str] = {}  # node → INPUT or CONST
        self.texts: dict[int, str] = {}  # constant → its text
        self.abstract: set[int] = set()
        self.index: dict[str, int] = {}
        self.equations = equations
        self.forced_inputs = forced_inputs
        self.limits = limits
        self.taken = set(names) | forced_inputs  # u1, u2, … skip these
        self.const_uses: dict[str, int] = {}

    def tape(self, output: str) -> Tape:
        n = len(self.names)
        kinds = [OPERATION] * n
        for node, kind in self.leaves.items():
            kinds[node] = kind
        texts = [""] * n
        for node, text in self.texts.items():
            texts[node] = text
        abstract = [False] * n
        for node in self.abstract:
            abstract[node] = True
        names = self.names
        gaps = [i for i, name in enumerate(names) if name is None]
        fresh = [f"u{k}" for k in range(1, len(gaps) + 1)]
        if not self.taken.isdisjoint(fresh):  # skip the user's names
            fresh = [name for name in (f"u{k}" for k in range(1, len(gaps) + len(self.taken) + 1))
                     if name not in self.taken][: len(gaps)]
        for i, name in zip(gaps, fresh):
            names[i] = name
        self.index.update(zip(fresh, gaps))
        for node, text in self.texts.items():  # constants are not found by name while building
            self.index[names[node]] = node  # type: ignore[index]
        return Tape(tuple(names), tuple(kinds), tuple(self.ops),  # type: ignore[arg-type]
                    tuple(abstract), tuple(self.args), tuple(self.levels),
                    tuple(self.offsets), tuple(texts), self.index[output],
                    tuple(i for i, kind in self.leaves.items() if kind == INPUT),
                    MappingProxyType(self.index))

    def leaf(self, name: str, kind: str, offset: int, text: str = "") -> int:
        node = len(self.names)
        if node >= self.limits.max_nodes:
            self.too_many()
        self.names.append(name)
        self.ops.append("")
        self.args.append(())
        self.levels.append(0)
        self.offsets.append(offset)
        self.leaves[node] = kind
        if kind == CONST:
            self.texts[node] = text  # not in the index yet: each use is a node of its own
        else:
            self.index[name] = node
        return node

    def too_many(self) -> None:
        raise GraphError(f"the graph has more than {self.limits.max_nodes:,} nodes "
                         f"(raise limits.max_nodes)")

    def input(self, name: str, offset: int) -> int:
        node = self.index.get(name)
        return self.leaf(name, INPUT, offset) if node is None else node

    def constant(self, text: str, offset: int) -> int:
        k = self.const_uses[text] = self.const_uses.get(text, 0) + 1
        return self.leaf(text if k == 1 else f"{text}#{k}", CONST, offset, text)

    def equation(self, eq: Equation) -> None:
        code: Sequence[Item] = eq.code
        if code[-1][0] in (NAME, NUM):  # ``z = x`` or ``c = 3``: an identity node named z
            code = (*code, ("op", "id", 1, eq.offset))
        self.expression(code, eq.name, eq.params)

    def expression(self, code: Sequence[Item], name: str, params: tuple[str, ...]) -> None:
        """One pass over the postfix code with a stack of argument nodes. Operation nodes
        are added right here: the calls were half the time of this loop."""
        stack: list[int] = []
        push = stack.append
        index, levels = self.index, self.levels
        add_name, add_op, add_args = self.names.append, self.ops.append, self.args.append
        add_level, add_offset = levels.append, self.offsets.append
        for kind, text, n, offset in code:
            if kind == NAME:
                leaf = index.get(text)
                if leaf is None or params:
                    leaf = self.variable(text, offset, params)
                push(leaf)
                continue
            if kind == NUM:
                push(self.constant(text, offset))
                continue
            # The node replaces its arguments on the stack.
            if n == 2:
                a = stack[-2]
                b = stack[-1]
                del stack[-1]
                add_args((a, b))
                a = levels[a]
                b = levels[b]
                add_level((a if a > b else b) + 1)
            else:
                arity = int(n)
                args = tuple(stack[len(stack) - arity:])
                del stack[len(stack) - arity + 1:]
                add_args(args)
                add_level(max(levels[a] for a in args) + 1)
            if kind != "op":
                self.abstract.add(len(levels) - 1)
            add_name(None)
            add_op(text)
            add_offset(offset)
            stack[-1] = len(levels) - 1
        if len(levels) > self.limits.max_nodes:  # leaves check as they come
            self.too_many()
        root = stack[-1]
        self.names[root] = name
        index[name] = root

    def variable(self, name: str, offset: int, params: tuple[str, ...]) -> int:
        if name in self.equations and name not in params:
            return self.index[name]  # built already: equations come in forward order
        if name in NAMED_CONSTANTS and name not in self.forced_inputs:
            return self.constant(name, offset)
        return self.input(name, offset)
