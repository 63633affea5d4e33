"""Each step described once, as plain data every output prints: the node, the edge, the upstream
gradient, the local partial (its symbol, its expression, its value), the contribution, the
running total and, where a fan-in completes, the chain rule's whole sum — as shown-maths trees
(``maths.py``) whose numbers carry digits chosen once for the trace (``digits.py``).

A caption, a wire label, a node's gradient line, a narrative equation and the code listing
are printers of these descriptions; none of them decides a form, a bracket or a digit.
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import sympy as sp

from ..autodiff.result import TraceData
from ..autodiff.rules import RULES
from ..autodiff.steps import Step
from ..autodiff.symbolic import PartialSymbol
from ..errors import TraceError
from ..graph import NodeKind
from .digits import Check, DigitsBook
from .maths import (
    Apply,
    Equation,
    More,
    Name,
    Number,
    Operation,
    OwnPartial,
    Partial,
    Product,
    Shown,
    Sum,
    Symbolic,
    Unknown,
    is_number,
)
from .tensors import summed_to, vjp_form

__all__ = ["Description", "StepDescription", "Term", "describe", "shown_expr", "in_graph_order"]

_SHOWN_ELEMENTS: Final = 6
"""A vector or matrix contribution up to this many elements is written out in a caption."""
_FORWARD_SUMS: Final = {"add": lambda v: v[0] + v[1], "sub": lambda v: v[0] - v[1],
                        "neg": lambda v: -v[0], "id": lambda v: v[0]}
"""Forward operations whose shown value must reproduce from their arguments' shown values."""


@dataclass(frozen=True)
class Term:
    """One term of the chain rule, ∂y/∂uⱼ · ∂uⱼ/∂uᵢ, with its numbers when there are values."""

    step: int
    upstream: Partial
    """∂y/∂uⱼ"""
    local: OwnPartial | Partial
    """∂(uⱼ's own expression)/∂uᵢ; of an abstract function f, ∂f/∂uᵢ"""
    upstream_value: Number | None
    local_value: Number | None
    vjp: Shown | None = None
    """With vectors and matrices: what the term passes back, in matrix form (∂J/∂z · xᵀ)."""

    @property
    def symbols(self) -> Product:
        return Product((self.upstream, self.local))

    @property
    def numbers(self) -> Product | None:
        if self.upstream_value is None or self.local_value is None:
            return None
        return Product((self.upstream_value, self.local_value))


@dataclass(frozen=True)
class StepDescription:
    """What step ``index`` (0-based; the seed is 0) says.

    ``equation`` is the step as the textbook writes it, ``∂f/∂u₁ = ∂f/∂f · ∂(u₁·z)/∂u₁ =
    1 · z = 1 · (−4) = −4``; where the step completes a node with several contributions it is
    the whole sum (``sum_terms``). ``partial`` says which contribution it is while more are to
    come. ``local_label`` is the wire's local partial (``∂f/∂u₁ = z = −4``), ``contribution``
    what the wire passes back, ``total`` the node's gradient so far.
    """

    index: int
    node: str
    via: str | None
    position: int | None
    term: int
    terms: int
    target: Partial
    equation: Equation
    term_of_terms: bool
    """Whether the step is one contribution of several with more to come: ``(k of n)``."""
    sum_terms: tuple[Term, ...]
    local: Shown | None
    """The local partial's expression in the node symbols (``z``), None for the seed."""
    local_label: Equation | None
    contribution: Shown
    total: Shown

    @property
    def is_seed(self) -> bool:
        return self.via is None

    @property
    def completes(self) -> bool:
        return self.term == self.terms


@dataclass(frozen=True, eq=False)
class Description:
    """The descriptions of one trace: its steps, and how nodes, values and gradients read."""

    data: TraceData
    steps: tuple[StepDescription, ...]
    book: DigitsBook | None

    @property
    def output(self) -> str:
        return self.data.output

    def value(self, node: str) -> Number | None:
        """A node's forward value as shown (None without values)."""
        if not self.data.values:
            return None
        return self._number(("value", self.data.tape.index[node]), self.data.values[node])

    def gradient(self, node: str) -> Number | None:
        """∂y/∂node, final, as shown (None without values; 0 where no gradient reaches)."""
        if node not in self.data.grad:
            return None
        i = self.data.tape.index[node]
        key = ("grad", i, len(self.data.columns.by_node.get(node, ())))
        return self._number(key, self.data.grad[node])

    def adjoint(self, node: str) -> Shown:
        """∂y/∂node as the sum of its chain-rule terms (compact: in the ∂y/∂u symbols; with
        vectors and matrices, their matrix forms)."""
        by_node = self.data.columns.by_node.get(node)
        if not by_node:
            return Symbolic(sp.S.Zero)
        last = self.steps[by_node[-1]]
        if self.data.tensors:
            forms = tuple(t.vjp for t in last.sum_terms if t.vjp is not None)
            return forms[0] if len(forms) == 1 else Sum(forms)
        return shown_expr(self.data.view.adjoint_expr(node))

    def operation(self, node: str) -> Operation | None:
        """An operation node's own expression (None for inputs and constants)."""
        return operation(self.data, node)

    def gradient_line(self, node: str, step: StepDescription | None) -> Shown:
        """∂y/∂node as known after ``step`` (its latest contribution; ``+ …`` while more are
        to come), or ``∂y/∂node = ?`` before any."""
        head = Partial(self.output, node)
        if step is None:
            return Equation((head, Unknown()))
        total = step.total
        if total == head:  # an abstract function's own partial (∂u/∂x) is final as it stands
            return head
        if step.term < step.terms:
            total = Sum((total, More(thin=True)))
        return Equation((head, total))

    def _number(self, key: Hashable, value: Any) -> Number:
        return number(self.book, key, value, self.data.exact)


def number(book: DigitsBook | None, key: Hashable, value: Any, exact: bool) -> Number:
    if book is not None and key in book.values:
        return Number(value, book.of(key), exact)
    return Number(value, 4, exact)


def operation(data: TraceData, node: str) -> Operation | None:
    tape = data.tape
    i = tape.index[node]
    if tape.kinds[i] is not NodeKind.OPERATION:
        return None
    args = tape.args[i]
    constants = tuple(tape.kinds[a] is NodeKind.CONST for a in args)
    names = tuple(tape.texts[a] if c else tape.names[a] for a, c in zip(args, constants))
    composite = data.composites.get(node)
    if composite is not None and composite.kind == "equation":
        return Operation(tape.ops[i], names, constants, False, composite.body)
    return Operation(tape.ops[i], names, constants, tape.abstract[i])


def own_local(own: Operation, arg: str) -> OwnPartial | Partial:
    """A node's local partial as the partial of its own expression, ∂(u₁·z)/∂u₁, or of an
    abstract function by its name, ∂f/∂x: never read as a total ∂y/∂u."""
    return Partial(own.op, arg) if own.abstract else OwnPartial(own, arg)


def shown_expr(expr: Any) -> Shown:
    """A sympy expression as shown maths: ∂y/∂x and names as themselves (so a form equal to
    a partial or a name is recognised as the same), anything else as a symbolic leaf."""
    if isinstance(expr, PartialSymbol):
        return Partial(expr.of, expr.wrt)
    if isinstance(expr, sp.Symbol):
        return Name(expr.name)
    return Symbolic(expr)


def in_graph_order(data: TraceData, steps: Sequence[Step]) -> list[Step]:
    """The terms of a fan-in sum in the order of the graph (the first user first), as a
    node's symbolic sum and the textbook write them, not the order the steps ran in."""
    index = data.tape.index
    return sorted(steps, key=lambda s: (-1, 0) if s.via is None else (index[s.via],
                                                                       s.position or 0))


def describe(data: TraceData) -> Description:
    """Describe every step of a trace, the digits of its numbers chosen first."""
    book = _digits(data) if data.values else None
    describer = _Describer(data, book)
    return Description(data, tuple(describer.step(s) for s in data.steps), book)


# -- the digits of one trace -----------------------------------------------------------------

def _scalar(value: Any) -> bool:
    return value is not None and np.ndim(value) == 0


def _keys(data: TraceData) -> tuple[dict[Hashable, float], dict[Hashable, float]]:
    """Every scalar quantity a trace shows, by key, and the constants (shown as typed)."""
    tape = data.tape
    values: dict[Hashable, float] = {}
    exact: dict[Hashable, float] = {}
    node_values = data.node_values
    assert node_values is not None
    for i, kind in enumerate(tape.kinds):
        if kind is NodeKind.CONST:
            exact[("value", i)] = float(node_values[i])
        elif _scalar(node_values[i]):
            values[("value", i)] = float(node_values[i])
    for s in data.steps:
        i = tape.index[s.node]
        if _scalar(s.total):
            values[("grad", i, s.term)] = float(s.total)
        if not s.is_seed and _scalar(s.local) and _scalar(s.contribution):
            values[("local", s.index)] = float(s.local)
            values[contribution_key(data, s)] = float(s.contribution)
    return values, exact


def contribution_key(data: TraceData, step: Step) -> Hashable:
    """A single contribution is the node's gradient itself: one quantity, one way of showing."""
    i = data.tape.index[step.node]
    return ("grad", i, 1) if step.terms == 1 else ("contribution", step.index)


def upstream_key(data: TraceData, step: Step) -> Hashable:
    assert step.via is not None
    via = data.tape.index[step.via]
    return ("grad", via, len(data.columns.by_node[step.via]))


def _digits(data: TraceData) -> DigitsBook:
    values, exact = _keys(data)
    book = DigitsBook(values, data.exact, exact)
    checks: list[Check] = []
    ties: list[tuple[Hashable, Hashable]] = []
    tape = data.tape
    known = values.keys() | exact.keys()
    for s in data.steps[1:]:
        node = tape.index[s.node]
        pair = (upstream_key(data, s), ("local", s.index))
        if not all(k in known for k in pair):
            continue
        if abs(values[pair[1]]) == 1:  # passed on unchanged (or negated): shown alike
            ties.append((pair[0], contribution_key(data, s)))
        # a local partial that is a node's own value (∂(u₁·z)/∂u₁ = z, exp′ = exp): the wire
        # shows it as that node's box does
        via = tape.index[s.via or ""]
        for shown_node in (via, *tape.args[via]):
            if values.get(("value", shown_node)) == values[pair[1]]:
                ties.append((("value", shown_node), pair[1]))
                break
        if s.terms == 1 or s.term < s.terms:
            checks.append(Check(pair, _product, contribution_key(data, s)))
        else:  # the fan-in sum, shown where the last contribution arrives
            steps = [data.steps[k] for k in data.columns.by_node[s.node]]
            inputs = tuple(key for t in steps for key in (upstream_key(data, t),
                                                         ("local", t.index)))
            if all(k in known for k in inputs) and ("grad", node, s.terms) in known:
                checks.append(Check(inputs, _sum_of_products, ("grad", node, s.terms)))
    for i in tape.operation_nodes.tolist():
        combine = _FORWARD_SUMS.get(tape.ops[i])
        inputs = tuple(("value", a) for a in tape.args[i])
        if combine is not None and not tape.abstract[i] and ("value", i) in values \
                and all(k in known for k in inputs):
            checks.append(Check(inputs, combine, ("value", i)))
            if len(inputs) == 1 and inputs[0] in values:  # −x and an identity: alike
                ties.append((inputs[0], ("value", i)))
    book.settle(checks, ties)
    return book


def _product(v: Sequence[float]) -> float:
    return v[0] * v[1]


def _sum_of_products(v: Sequence[float]) -> float:
    return sum(map(operator.mul, v[0::2], v[1::2]))


# -- the steps -----------------------------------------------------------------------------------

class _Describer:
    def __init__(self, data: TraceData, book: DigitsBook | None) -> None:
        self.data, self.book = data, book
        self.y = data.output
        self.view = data.view
        self._terms: dict[str, list[tuple[Step, Shown]]] = {}

    def number(self, key: Hashable, value: Any) -> Number:
        return number(self.book, key, value, self.data.exact)

    def term(self, s: Step) -> Term:
        assert s.via is not None
        own = operation(self.data, s.via)
        assert own is not None
        values = s.contribution is not None
        local = own_local(own, s.node)
        if self.data.shapes:
            return Term(s.index, Partial(self.y, s.via), local,
                        self.number(upstream_key(self.data, s), s.upstream) if values else None,
                        None, self.vjp(s))
        return Term(s.index, Partial(self.y, s.via), local,
                    self.number(upstream_key(self.data, s), s.upstream) if values else None,
                    self.number(("local", s.index), s.local) if values else None)

    def vjp(self, s: Step) -> Shown:
        """What a step passes back, in matrix notation (vectors and matrices)."""
        assert s.via is not None
        data, tape = self.data, self.data.tape
        via = tape.index[s.via]
        g: Shown = Partial(self.y, s.via)
        args = [Name(tape.texts[a] if tape.kinds[a] is NodeKind.CONST else tape.names[a])
                for a in tape.args[via]]
        shapes = [data.shapes[a] for a in tape.args[via]]
        op = tape.ops[via]
        if RULES[op].vjp:  # already of the argument's shape
            return vjp_form(op, s.position or 0, g, args, shapes, Name(s.via))
        local = shown_expr(self.view.local_expr(s))
        form: Shown
        if local == Symbolic(sp.S.One):
            form = g
        elif local == Symbolic(-sp.S.One):
            form = Apply("neg", (g,))
        else:
            form = Product((g, local), hadamard=bool(data.shapes[via]))
        return summed_to(form, data.shapes[via], data.shapes[tape.index[s.node]])

    def total(self, s: Step) -> Shown:
        if s.total is not None:
            return self.number(("grad", self.data.tape.index[s.node], s.term), s.total)
        if s.is_seed:
            return shown_expr(self.view.total_expr(s))
        # the terms so far, each as its own contribution (in matrix form with tensors): made
        # once per step, not summed afresh (a node used n times would cost n² sympy work)
        terms = self._terms.setdefault(s.node, [])
        terms.append((s, self.vjp(s) if self.data.shapes else
                      shown_expr(self.view.contribution_expr(s))))
        if len(terms) == 1:
            return terms[0][1]
        if s.term == s.terms:  # the whole sum, in the graph's order as the chain rule's Σ
            order = {t.index: k for k, t in enumerate(in_graph_order(self.data,
                                                                     [t for t, _ in terms]))}
            return Sum(tuple(shown for t, shown in sorted(terms, key=lambda p: order[p[0].index])))
        return Sum(tuple(shown for _, shown in terms))

    def contribution(self, s: Step) -> Shown:
        if s.contribution is not None:
            return self.number(contribution_key(self.data, s), s.contribution)
        if self.data.shapes:
            return self.vjp(s)
        return shown_expr(self.view.contribution_expr(s))

    def step(self, s: Step) -> StepDescription:
        target = Partial(self.y, s.node)
        total = self.total(s)
        if s.is_seed:
            seed = total if s.total is not None else Symbolic(sp.S.One)
            return StepDescription(s.index, s.node, None, None, s.term, s.terms, target,
                                   Equation((target, seed)), False, (), None, None, seed, total)
        if self.data.shapes:
            return self.tensor_step(s, target, total)
        local = shown_expr(self.view.local_expr(s))
        term = self.term(s)
        if s.terms > 1 and s.term == s.terms:
            equation, terms = self.fan_in(s, target, total)
        else:
            equation, terms = self.single(s, target, term, local), (term,)
        label: list[Shown] = [Partial(s.via or "", s.node)]
        if term.local_value is not None and is_number(local):
            label.append(term.local_value)  # a constant partial reads as its value (1.3)
        else:
            if local != label[0]:
                label.append(local)
            if term.local_value is not None:
                label.append(term.local_value)
        return StepDescription(s.index, s.node, s.via, s.position, s.term, s.terms, target,
                               equation, s.terms > 1 and s.term < s.terms, terms, local,
                               Equation(tuple(label)), self.contribution(s), total)

    def tensor_step(self, s: Step, target: Partial, total: Shown) -> StepDescription:
        """A step of a trace with vectors and matrices: the matrix form of what it passes
        back, then (when small enough to read) its numbers."""
        term = self.term(s)
        assert term.vjp is not None
        more = s.terms > 1 and s.term < s.terms
        if s.terms > 1 and s.term == s.terms:
            steps = in_graph_order(self.data, [self.data.steps[k]
                                               for k in self.data.columns.by_node[s.node]])
            terms = tuple(self.term(t) for t in steps)
            sides: list[Shown] = [Sum(tuple(t.vjp for t in terms if t.vjp is not None))]
            result = total
        else:
            terms, sides, result = (term,), [term.vjp], self.contribution(s)
        if isinstance(result, Number) and np.size(result.value) <= _SHOWN_ELEMENTS:
            sides.append(result)
        if more:
            sides = [Sum((side, More())) for side in sides]
        local = None if RULES[self.data.tape.ops[self.data.tape.index[s.via or ""]]].vjp \
            else shown_expr(self.view.local_expr(s))
        label: tuple[Shown, ...] = (term.vjp,)
        if local is not None:
            label = (Partial(s.via or "", s.node), local)
        return StepDescription(s.index, s.node, s.via, s.position, s.term, s.terms, target,
                               Equation((target, *sides)), more, terms, local,
                               Equation(label), self.contribution(s), total)

    def single(self, s: Step, target: Partial, term: Term, local: Shown) -> Equation:
        """One term: its symbols, then (with values) upstream · local expression, the numbers
        and the contribution; ``+ …`` while more contributions are to come."""
        more = s.terms > 1

        def grow(side: Shown) -> Shown:
            return Sum((side, More())) if more else side

        sides: list[Shown] = [term.symbols]
        if term.upstream_value is not None and term.local_value is not None:
            if not is_number(local):
                sides.append(Product((term.upstream_value, local)))
            sides.append(Product((term.upstream_value, term.local_value)))
            sides.append(self.contribution(s))
        else:
            upstream = self.view.upstream_expr(s)
            shown = local if upstream == 1 else Product((shown_expr(upstream), local))
            if shown not in (term.symbols, target):
                sides.append(shown)
            if is_number(local) and upstream != 1:  # ∂f/∂u₁ · 1 = ∂f/∂u₁
                contribution = self.contribution(s)
                if contribution != target:
                    sides.append(contribution)
        kept = [side for k, side in enumerate(sides) if k == 0 or side != sides[k - 1]]
        return Equation((target, *map(grow, kept)))

    def fan_in(self, s: Step, target: Partial, total: Shown) -> tuple[Equation, tuple[Term, ...]]:
        """The chain rule's whole sum, where the node's last contribution arrives: its terms in
        the graph's order, then their numbers and the total (symbolically, the Σ form)."""
        steps = in_graph_order(self.data, [self.data.steps[k]
                                           for k in self.data.columns.by_node[s.node]])
        terms = tuple(self.term(t) for t in steps)
        sides: list[Shown] = [Sum(tuple(t.symbols for t in terms))]
        numbers = [t.numbers for t in terms]
        if all(n is not None for n in numbers):
            sides += [Sum(tuple(n for n in numbers if n is not None)), total]
        elif not all(isinstance(t.local, Partial) for t in terms):
            sides.append(total)  # the Σ with each local partial worked out (∂e/∂u₁ + ∂e/∂u₂)
        return Equation((target, *sides)), terms


def chain_rule(data: TraceData, var: str) -> Equation:
    """∂y/∂var = Σⱼ ∂y/∂uⱼ·∂uⱼ/∂var over the nodes uⱼ that use ``var`` directly (the local
    partial itself where the output is the only user: ∂f/∂z = u₁)."""
    data.require_variable(var)
    tape, y = data.tape, data.output
    head = Partial(y, var)
    if var == y:
        return Equation((head, Symbolic(sp.S.One)))
    users = tape.users[var]
    if not users:
        return Equation((head, Symbolic(sp.S.Zero)))
    rule = None if tape.abstract[tape.output] else RULES.get(tape.ops[tape.output])
    if users == (y,) and rule is not None and rule.vjp:  # f = a·b (vectors): matrix form
        try:
            return Equation((head, Symbolic(data.matrix.grad_exprs([var])[var])))
        except TraceError:  # an operation matrix calculus here does not cover: the seed's term
            return Equation((head, Product((Partial(y, y), Partial(y, var)))))
    if users == (y,):  # ∂f/∂z = ∂f/∂z says nothing: show the local partial instead
        at = tape.index[var]
        local = sum(data.view.local(y, k) for k, a in enumerate(tape.args[tape.output])
                    if a == at)
        return Equation((head, shown_expr(local)))
    own = operation(data, y)
    assert own is not None
    # the output's own use of var: ∂(u₁·x)/∂x or ∂f/∂x, never ∂y/∂x again (the left side)
    direct = own_local(own, var)
    return Equation((head, Sum(tuple(direct if u == y else
                                     Product((Partial(y, u), Partial(u, var)))
                                     for u in users))))


def exercise_blanks(desc: Description) -> tuple[StepDescription, ...]:
    """The steps an exercise sheet asks for, numbered (1), (2), … in this order: each node's
    gradient where backpropagation completes it (the whole sum where several wires add to
    it); the seed is given."""
    return tuple(s for s in desc.steps if s.completes and not s.is_seed)
