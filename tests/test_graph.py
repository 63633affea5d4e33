"""The graph stage: one node per input, constant and operation, as typed, in forward order."""

import networkx as nx
import pytest

import backprop_trace as bt
from backprop_trace.graph import build_tape
from backprop_trace.graph.view import args_of, to_networkx
from backprop_trace.parsing import parse


def build_graph(system, **options):
    return to_networkx(build_tape(system, **options))


def graph(text, **kwargs):
    return build_graph(parse(text), **kwargs)


def test_operations_are_kept_as_typed():
    G = graph("y = (a - b) / (a * b)")
    ops = {n: d["op"] for n, d in G.nodes(data=True) if d["kind"] == "op"}
    assert ops == {"u1": "sub", "u2": "mul", "y": "div"}
    assert args_of(G, "y") == ("u1", "u2")


def test_intermediate_names_never_extend_a_users_name_and_follow_forward_order():
    G = graph("u1 = a + b; y = sin(u1) * cos(a)")  # the user has u₁: no u₂ beside it
    assert G.graph["order"] == ("a", "b", "u1", "v1", "v2", "y")
    assert G.nodes["v1"]["op"] == "sin" and G.nodes["v2"]["op"] == "cos"
    assert graph("y = u * sin(x)").graph["order"] == ("u", "x", "v1", "y")


def test_constants_are_nodes_one_per_occurrence():
    G = graph("y = 2*x + 2")
    consts = [n for n, d in G.nodes(data=True) if d["kind"] == "const"]
    assert consts == ["2", "2#2"]


def test_multi_edges_for_repeated_arguments():
    G = graph("y = x * x")
    assert isinstance(G, nx.MultiDiGraph)
    assert sorted(G.edges(keys=True)) == [("x", "y", 0), ("x", "y", 1)]


def test_graph_is_frozen_and_acyclic():
    G = graph("e = (a + b) * (b + 1)")
    assert nx.is_frozen(G) and nx.is_directed_acyclic_graph(G)
    with pytest.raises(nx.NetworkXError):
        G.add_node("z")


def test_equation_order_does_not_matter():
    a = graph("u = f(x, y); x = x(a, b); y = y(a, b)")
    b = graph("y = y(a, b); x = x(a, b); u = f(x, y)")
    assert a.graph["order"] == b.graph["order"] == ("a", "b", "x", "y", "u")


def test_alias_equation_is_an_identity_node():
    G = graph("z = x; y = z * 2")
    assert G.nodes["z"]["op"] == "id"
    assert bt.trace("z = x; y = z * 2", at={"x": 1}).grad == {"x": 2.0}


def test_node_limit():
    with pytest.raises(bt.TraceError, match="max_nodes"):
        bt.trace("y = " + "+".join(["x"] * 200), limits=bt.Limits(max_nodes=100))


def test_a_20000_node_system_is_admitted():
    lines = [f"v{i} = tanh(v{i - 1} * w{i % 7} + {i % 5})" for i in range(1, 5000)]
    t = bt.trace(["v0 = x", *lines], at={"x": 0.1, **{f"w{k}": 0.3 for k in range(7)}})
    assert len(t.graph) > 19_000 and len(t.steps) > 15_000


@pytest.mark.parametrize("text", ["e = (a + b) * (b + 1); q = sin(e) + a*a",
                                  "u = f(x, y, z); z = z(a, b); y = y(a, b); x = x(a, b)",
                                  "y = x*x + exp(x)/(1 + x)"])
def test_forward_order_is_the_lexicographical_topological_order(text):
    G = graph(text)
    key = {n: G.nodes[n]["order"] for n in G}
    assert G.graph["order"] == tuple(nx.lexicographical_topological_sort(G, key=key.get))


def test_graph_equals_one_built_with_the_public_api():
    G = graph("e = (a + b) * (b + 1); q = sin(e) + a*a*e")
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from(G.edges(keys=True, data=True))
    assert nx.utils.graphs_equal(G, H)
    assert list(G.in_edges("q", keys=True)) == list(H.in_edges("q", keys=True))
    assert dict(G.out_degree()) == dict(H.out_degree())
    assert G.number_of_edges("a", "u4") == H.number_of_edges("a", "u4") == 2
