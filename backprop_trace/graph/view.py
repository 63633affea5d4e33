"""The tape as a ``networkx.MultiDiGraph``, for users, pictures in their own tools and
analysis (``Trace.graph``); made on first use, never read by the pipeline.

Node attributes: ``kind`` (input, const, op), ``op`` (op-table name or abstract function
name), ``abstract``, ``args`` (argument nodes in order, the same as the in-edges sorted by
key), ``order`` (forward position), ``offset`` (where it was typed); constants also ``value``
and ``text``. Edges run from argument to operation with ``key`` = ``position`` = argument
index, so ``x*x`` has two edges. Graph attributes: ``output``, ``inputs``, ``order``.
"""

from __future__ import annotations

import networkx as nx

from ..ops import NAMED_CONSTANTS
from .tape import NodeKind, Tape

__all__ = ["to_networkx", "args_of"]


def to_networkx(tape: Tape) -> nx.MultiDiGraph:
    """The tape as a frozen MultiDiGraph. Creation order is a topological order, and
    deterministic (it is what lexicographical_topological_sort returns keyed by it; a test
    checks this)."""
    names = tape.names
    nodes: list[tuple[str, dict[str, object]]] = []
    edges: list[tuple[str, str, int, dict[str, int]]] = []
    for i, name in enumerate(names):
        kind = tape.kinds[i]
        if kind is NodeKind.OPERATION:
            args = tuple(names[a] for a in tape.args[i])
            nodes.append((name, {"kind": kind.value, "op": tape.ops[i],
                                 "abstract": tape.abstract[i], "offset": tape.offsets[i],
                                 "args": args, "order": i}))
            edges.extend((arg, name, k, {"position": k}) for k, arg in enumerate(args))
        elif kind is NodeKind.CONST:
            text = tape.texts[i]
            value: object = text if text in NAMED_CONSTANTS else float(text)
            nodes.append((name, {"kind": kind.value, "text": text, "value": value,
                                 "offset": tape.offsets[i], "order": i}))
        else:
            nodes.append((name, {"kind": kind.value, "offset": tape.offsets[i], "order": i}))
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
    G: nx.MultiDiGraph = nx.MultiDiGraph()
    node_attrs, succ, pred = G._node, G._succ, G._pred  # type: ignore[attr-defined]
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


