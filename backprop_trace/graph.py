"""Equations → computational graph: a ``networkx.MultiDiGraph``, one node per input, constant
and operation application, with the operations kept as the user typed them.

Node attributes: ``kind`` (input, const, op), ``op`` (op-table name or abstract function name),
``abstract``, ``args`` (argument nodes in order, the same as the in-edges sorted by key),
``order`` (forward position), ``offset`` (where it was typed); constants also
``value`` and ``text``. Edges run from argument to operation with ``key`` = ``position`` =
argument index, so ``x*x`` has two edges. Graph attributes: ``output``, ``inputs``, ``order``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx

from .errors import GraphError
from .limits import DEFAULT_LIMITS, Limits
from .syntax import Call, Equation, Expr, Name, Num, System, names_in

__all__ = ["build_graph", "args_of", "NAMED_CONSTANTS"]

NAMED_CONSTANTS = {"e": "e", "pi": "π"}
"""Names that mean a constant unless the system defines them or gives them a value."""


def build_graph(system: System, *, output: str | None = None, inputs: Iterable[str] = (),
                limits: Limits = DEFAULT_LIMITS) -> nx.MultiDiGraph:
    """Build the graph of ``output`` (default: the one equation no other equation uses).

    ``inputs`` names variables that must be inputs even where they look like constants
    (a value given for ``e`` makes ``e`` a variable).
    """
    equations = _by_name(system.equations)
    uses = {name: _uses(eq, equations) for name, eq in equations.items()}
    target = _choose_output(equations, uses, output)
    ordered = _equations_in_forward_order(uses, target)
    builder = _Builder(equations, set(inputs) | set(equations[target].params), limits)
    for param in equations[target].params:
        builder.input(param, equations[target].offset)
    for name in ordered:
        builder.equation(equations[name])
    G = _multidigraph(builder.nodes, builder.edges)
    # Nodes are created arguments first, equations in dependency order: creation order is
    # a topological order, and deterministic (it is what lexicographical_topological_sort
    # returns keyed by it; a test checks this).
    order = tuple(G)
    G.graph.update(output=target, order=order,
                   inputs=tuple(n for n in order if G.nodes[n]["kind"] == "input"))
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
    seen: dict[str, None] = {}
    stack: list[Expr] = [eq.expr]
    while stack:
        e = stack.pop()
        if isinstance(e, Name) and e.name in equations and e.name not in eq.params:
            seen[e.name] = None
        elif isinstance(e, Call):
            stack.extend(reversed(e.args))
    return list(seen)


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
    """Adds nodes in forward order, so creation order is a topological order."""

    def __init__(self, equations: dict[str, Equation], forced_inputs: set[str],
                 limits: Limits) -> None:
        self.nodes: list[tuple[str, dict[str, object]]] = []
        self.edges: list[tuple[str, str, int, dict[str, int]]] = []
        self.known: set[str] = set()
        self.equations = equations
        self.forced_inputs = forced_inputs
        self.limits = limits
        params = {p for eq in equations.values() for p in eq.params}
        used = names_in(eq.expr for eq in equations.values())
        self.taken = set(equations) | forced_inputs | used | params  # u1, u2, … skip these
        self.next_u = 1
        self.const_uses: dict[str, int] = {}

    def add(self, node: str, **attrs: object) -> str:
        if len(self.nodes) >= self.limits.max_nodes:
            raise GraphError(f"the graph has more than {self.limits.max_nodes:,} nodes "
                             f"(raise limits.max_nodes)")
        attrs["order"] = len(self.nodes)
        self.nodes.append((node, attrs))
        self.known.add(node)
        return node

    def input(self, name: str, offset: int) -> str:
        if name not in self.known:
            self.add(name, kind="input", offset=offset)
        return name

    def fresh(self, stem: str) -> str:
        """The next unused intermediate name u1, u2, … (skipping names the user took)."""
        while f"{stem}{self.next_u}" in self.taken:
            self.next_u += 1
        name = f"{stem}{self.next_u}"
        self.taken.add(name)
        return name

    def constant(self, text: str, value: object, offset: int) -> str:
        k = self.const_uses[text] = self.const_uses.get(text, 0) + 1
        node = text if k == 1 else f"{text}#{k}"
        return self.add(node, kind="const", text=text, value=value, offset=offset)

    def equation(self, eq: Equation) -> None:
        expr = eq.expr
        if not isinstance(expr, Call):
            expr = Call("id", (expr,), eq.offset)  # ``z = x`` or ``c = 3``: a node named z
        self.expression(expr, eq.name, eq.params)

    def expression(self, root: Call, name: str, params: tuple[str, ...]) -> None:
        """Post-order walk with an explicit stack: a 20,000-term sum is 20,000 deep."""
        done: dict[int, str] = {}
        stack: list[tuple[Expr, bool]] = [(root, False)]
        while stack:
            e, children_done = stack.pop()
            if isinstance(e, Num):
                done[id(e)] = self.constant(e.text, e.value, e.offset)
            elif isinstance(e, Name):
                done[id(e)] = self.leaf(e, params)
            elif not children_done:
                stack.append((e, True))
                stack.extend((a, False) for a in reversed(e.args))
            else:
                node = name if e is root else self.fresh("u")
                args = tuple(done[id(a)] for a in e.args)
                self.add(node, kind="op", op=e.func, abstract=e.abstract, offset=e.offset,
                         args=args)
                self.edges.extend((arg, node, k, {"position": k}) for k, arg in enumerate(args))
                done[id(e)] = node

    def leaf(self, e: Name, params: tuple[str, ...]) -> str:
        if e.name in self.equations and e.name not in params:
            return e.name  # built already: equations come in forward order
        if e.name in NAMED_CONSTANTS and e.name not in self.forced_inputs:
            return self.constant(e.name, e.name, e.offset)
        return self.input(e.name, e.offset)
