"""Forward mode and the sum over paths, described once: each frame's formula and the node
lines it sets, as shown-maths trees whose digits are chosen for the whole mode (the local
partials keep the digits the wires show in the reverse frames).

A forward step is one operation receiving its tangent, ``∂e/∂b = ∂(c·d)/∂c·∂c/∂b +
∂(c·d)/∂d·∂d/∂b = 2·1 + 3·1 = 5``; a path step is one path's product of edge partials,
``∂e/∂c·∂c/∂a = 2·1 = 2``; the last path step is their sum, the input's gradient.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sympy as sp

from ..autodiff.symbolic import PartialSymbol
from ..autodiff.tangents import (
    Edge,
    ModeWork,
    PathRecord,
    depends_on,
    edge_steps,
    forward_tangent_exprs,
    forward_tangents,
    mode_work,
    paths,
)
from .description import Description, number, operation, own_local, shown_expr
from .digits import Check, DigitsBook
from .maths import Equation, More, Number, OwnPartial, Partial, Product, Shown, Sum, Unknown

__all__ = ["ModeStep", "ModeDescription", "describe_forward", "describe_paths", "own_partial"]

Mode = Literal["forward", "paths"]


@dataclass(frozen=True)
class ModeStep:
    """One frame of forward mode or of the sum over paths."""

    kind: Literal["seed", "push", "path", "sum", "work"]
    equation: Equation
    """The caption's formula."""
    nodes: tuple[str, ...]
    """Nodes highlighted: the one receiving its tangent, or the path's."""
    edges: tuple[Edge, ...]
    """Edges lit (operation index, argument position)."""
    lines: Mapping[str, Shown]
    """Node lines this frame sets (the others keep theirs)."""
    path: int = 0
    """Which path (1-based) a path step shows."""
    pushed: tuple[tuple[Edge, Shown], ...] = ()
    """Forward mode: what each lit edge passes forward, ∂node/∂arg · ∂arg/∂x (with values)."""


@dataclass(frozen=True)
class ModeDescription:
    mode: Mode
    wrt: str
    start: Mapping[str, Shown]
    """The node lines of frame 0 (``∂c/∂b = ?``)."""
    steps: tuple[ModeStep, ...]
    paths: tuple[PathRecord, ...] = ()
    work: ModeWork | None = None
    """The work of each mode on the graph (forward mode's closing frame)."""
    visits: int = 0
    """Edges this forward pass visited."""


def own_partial(desc: Description, via: int, position: int,
                by_function: bool = False) -> OwnPartial | Partial:
    """∂(via's own expression)/∂argument, so it never reads as a total (∂(x·u₁)/∂x); of an
    abstract function or a function's gate, the textbook's ∂u/∂x (as the chain rule prints
    it), or with ``by_function`` the function's ∂f/∂x (an exercise's wire must not read as
    the blank ∂u/∂x it asks for)."""
    tape = desc.data.tape
    own = operation(desc.data, tape.names[via])
    assert own is not None
    arg = tape.names[tape.args[via][position]]
    if own.abstract and not by_function:
        return Partial(tape.names[via], arg)
    if own.abstract and own.op == desc.output:  # u = u(x, y): ∂u/∂x would be the blank
        return OwnPartial(own, arg)
    return own_local(own, arg)


def _book(desc: Description, values: dict[Hashable, float], locals_: Sequence[int],
          checks: list[Check], ties: Sequence[tuple[Hashable, Hashable]] = ()) -> DigitsBook:
    """A book for one mode's numbers; the local partials start with the reverse frames'
    digits (the wires show them)."""
    data = desc.data
    assert data.columns.numbers is not None
    local = data.columns.numbers[0]
    for k in locals_:
        values[("local", k)] = float(local[k])
    book = DigitsBook(values, data.exact)
    if desc.book is not None:
        for k in locals_:
            book.digits[("local", k)] = desc.book.of(("local", k))
    book.settle([c for c in checks if all(math.isfinite(values[key])
                                          for key in (*c.inputs, c.result))], ties)
    return book


def _product(v: Sequence[float]) -> float:
    return math.prod(v)


def _sum_of_products(v: Sequence[float]) -> float:
    return sum(a * b for a, b in zip(v[0::2], v[1::2]))


def _sum(v: Sequence[float]) -> float:
    return math.fsum(v)


def describe_forward(desc: Description, wrt: str, lined: Sequence[str]) -> ModeDescription:
    """Forward mode from input ``wrt``: the seed, then each operation that depends on it in
    forward order; ``lined`` are the nodes that show a line (as in the reverse frames)."""
    data = desc.data
    tape = data.tape
    flags = depends_on(data, wrt)
    steps_of = edge_steps(data)
    values = data.node_values is not None
    # without values: the tangents in the inputs where whole expressions stay small, else
    # each in its arguments' tangents (∂q/∂x = (x + y)·∂p/∂x + p), as compact as the
    # reverse pass's ∂-symbol forms
    tangents: dict[str, Any] | None = (forward_tangents(data, wrt) if values else
                                       forward_tangent_exprs(data, wrt) if data.expandable
                                       else None)
    pushes = [i for i in tape.operation_nodes.tolist() if flags[i]]
    book = None
    if values:
        assert tangents is not None
        keys: dict[Hashable, float] = {("t", i): float(tangents[tape.names[i]])
                                       for i in pushes}
        keys[("t", tape.index[wrt])] = 1.0
        assert data.columns.numbers is not None
        local = data.columns.numbers[0]
        checks: list[Check] = []
        ties: list[tuple[Hashable, Hashable]] = []
        used: list[int] = []
        for i in pushes:
            pairs = [(steps_of[(i, k)], a) for k, a in enumerate(tape.args[i]) if flags[a]]
            used += [k for k, _ in pairs]
            inputs = tuple(key for k, a in pairs for key in (("local", k), ("t", a)))
            checks.append(Check(inputs, _sum_of_products, ("t", i)))
            for k, a in pairs:  # what the wire passes forward: local · the argument's tangent
                keys[("f", k)] = float(local[k]) * keys[("t", a)]
                checks.append(Check((("local", k), ("t", a)), _product, ("f", k)))
            if len(pairs) > 1:  # the wires' numbers add up to the node's tangent
                checks.append(Check(tuple(("f", k) for k, _ in pairs), _sum, ("t", i)))
            if len(pairs) == 1 and abs(local[pairs[0][0]]) == 1:  # passed on: shown alike
                ties.append((("t", pairs[0][1]), ("t", i)))
        book = _book(desc, keys, used, checks, ties)

    def tangent(i: int) -> Shown:
        if tangents is None:  # compact: Σ local partial · the argument's tangent
            if i == tape.index[wrt]:
                return shown_expr(sp.S.One)
            terms: list[Shown] = []
            for k, a in enumerate(tape.args[i]):
                if flags[a]:
                    local = shown_expr(data.view.local(tape.names[i], k))
                    arg: Shown = Partial(tape.names[a], wrt)
                    terms.append(local if a == tape.index[wrt] else
                                 arg if local == shown_expr(sp.S.One) else
                                 Product((local, arg)))
            return terms[0] if len(terms) == 1 else Sum(tuple(terms))
        if book is not None:
            return number(book, ("t", i), float(tangents[tape.names[i]]), data.exact)
        return shown_expr(tangents[tape.names[i]])

    start = {n: Equation((Partial(n, wrt), Unknown())) for n in lined if n != wrt}
    start[wrt] = Equation((Partial(wrt, wrt), Unknown()))
    zero = Number(0.0, 4, data.exact) if values else shown_expr(sp.S.Zero)
    seed_lines: dict[str, Shown] = {n: Equation((Partial(n, wrt), zero))
                                    for n in lined if not flags[tape.index[n]]}
    one = tangent(tape.index[wrt])
    seed_lines[wrt] = Equation((Partial(wrt, wrt), one))
    steps = [ModeStep("seed", Equation((Partial(wrt, wrt), one)), (wrt,), (), seed_lines)]
    for i in pushes:
        name = tape.names[i]
        args = [(k, a) for k, a in enumerate(tape.args[i]) if flags[a]]
        symbols = [Product((own_partial(desc, i, k), Partial(tape.names[a], wrt))) for k, a in args]
        target = Partial(name, wrt)
        sides: list[Shown] = [symbols[0] if len(symbols) == 1 else Sum(tuple(symbols))]
        total = tangent(i)
        if book is not None:
            numbers = [Product((number(book, ("local", steps_of[(i, k)]),
                                       book.values[("local", steps_of[(i, k)])], data.exact),
                                tangent(a))) for k, a in args]
            sides.append(numbers[0] if len(numbers) == 1 else Sum(tuple(numbers)))
        abstract = all(isinstance(s.factors[0], Partial) for s in symbols)
        if book is not None or not abstract:  # an abstract sum would only say itself again
            sides.append(total)
        kept = [s for k, s in enumerate(sides) if (k == 0 or s != sides[k - 1]) and s != target]
        line = target if total == target else Equation((target, total))  # ∂x/∂a is final
        pushed: tuple[tuple[Edge, Shown], ...] = ()
        if book is not None:  # what each wire passes forward, as the book worked it out
            pushed = tuple(((i, k), number(book, ("f", steps_of[(i, k)]),
                                           book.values[("f", steps_of[(i, k)])], data.exact))
                           for k, _ in args)
        steps.append(ModeStep("push", Equation((target, *kept)), (name,),
                              tuple((i, k) for k, _ in args), {name: line}, 0, pushed))
    work = mode_work(data)
    visits = sum(flags[a] for node_args in tape.args for a in node_args)
    if work.passes > 1:  # the lecture's punchline: one pass per input against one reverse
        y = data.output
        last = tangent(tape.index[y]) if flags[tape.index[y]] else zero
        steps.append(ModeStep("work", Equation((Partial(y, wrt), last)), (y,), (), {}))
    return ModeDescription("forward", wrt, start, tuple(steps), (), work, visits)


def describe_paths(desc: Description, wrt: str) -> ModeDescription:
    """The paths from input ``wrt`` to the output, one per frame with the product of its edge
    partials, then (of several, or none) their sum: ∂y/∂wrt."""
    data = desc.data
    tape, y = data.tape, data.output
    found = paths(data, wrt, data.limits.max_paths)
    steps_of = edge_steps(data)
    values = data.node_values is not None
    book = None
    if values and found:
        keys: dict[Hashable, float] = {("path", k): float(p.product or 0.0)
                                       for k, p in enumerate(found)}
        keys[("sum",)] = float(data.grad[wrt])
        for k in range(len(found)):
            keys[("so far", k)] = math.fsum(p.product or 0.0 for p in found[:k + 1])
        checks = [Check(tuple(("local", steps_of[e]) for e in p.edges), _product, ("path", k))
                  for k, p in enumerate(found)]
        checks.append(Check(tuple(("path", k) for k in range(len(found))), _sum, ("sum",)))
        book = _book(desc, keys, sorted({steps_of[e] for p in found for e in p.edges}), checks)
    head = Partial(y, wrt)
    if not found:  # the output does not depend on wrt: nothing to light, the gradient is 0
        zero = Number(0.0, 4, data.exact) if values else shown_expr(sp.S.Zero)
        return ModeDescription("paths", wrt, {wrt: Equation((head, zero))}, (), found)
    start: dict[str, Shown] = {wrt: Equation((head, Unknown()))}
    steps: list[ModeStep] = []
    shown: list[Shown] = []
    for k, p in enumerate(found):
        factors = tuple(own_partial(desc, v, j) for v, j in reversed(p.edges))
        sides: list[Shown] = [Product(factors) if len(factors) > 1 else factors[0]]
        if book is not None:
            numbers = tuple(number(book, ("local", steps_of[e]),
                                   book.values[("local", steps_of[e])], data.exact)
                            for e in reversed(p.edges))
            product = number(book, ("path", k), float(p.product or 0.0), data.exact)
            if len(numbers) > 1:
                sides.append(Product(numbers))
            sides.append(product)
            shown.append(product)
        else:
            locals_ = [shown_expr(data.view.local(tape.names[v], j)) for v, j in reversed(p.edges)]
            sides.append(Product(tuple(locals_)) if len(locals_) > 1 else locals_[0])
            shown.append(sides[0])
        kept = [s for j, s in enumerate(sides) if j == 0 or s != sides[j - 1]]
        # the input's line: the sum so far as one number (a line of every product would
        # outgrow its box on a graph of many paths); symbolically, the terms so far
        so_far: Shown
        if book is not None:
            so_far = number(book, ("so far", k), math.fsum(q.product or 0.0
                                                           for q in found[:k + 1]), data.exact)
        else:
            so_far = shown[0] if len(shown) == 1 else Sum(tuple(shown))
        if len(found) > 1:  # complete only at the sum's own frame
            so_far = Sum((so_far, More(thin=True)))
        steps.append(ModeStep("path", Equation(tuple(kept)), p.nodes, p.edges,
                              {wrt: Equation((head, so_far))}, k + 1))
    if len(found) == 1:  # its product is the gradient: no sum to add
        return ModeDescription("paths", wrt, start, tuple(steps), found)
    total: Shown
    if book is not None:
        total = number(book, ("sum",), float(data.grad[wrt]), data.exact)
    else:
        total = shown_expr(sp.Add(*[p.product_expr for p in found]))
    sides = [head]
    if len(shown) > 1:
        sides.append(Sum(tuple(shown)))
    elif shown:
        sides.append(shown[0])
    if book is not None or not all(p.product_expr.atoms(PartialSymbol) for p in found):
        sides.append(total)  # without values, abstract partials' sum is the sum again
    kept = [s for j, s in enumerate(sides) if j == 0 or s != sides[j - 1]]
    every = tuple(dict.fromkeys(e for p in found for e in p.edges))
    nodes = tuple(dict.fromkeys(n for p in found for n in p.nodes))
    steps.append(ModeStep("sum", Equation(tuple(kept)), nodes, every,
                          {wrt: Equation((head, total))}))
    return ModeDescription("paths", wrt, start, tuple(steps), found)

