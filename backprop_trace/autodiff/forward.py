"""Forward pass: float64 numpy values of every node, checked against each op's domain.

Values come back indexed by node (``values[i]`` for ``tape.names[i]``). The reference is the
node-by-node loop with the rules' numpy functions. With scalar inputs on a wide graph, each op
is applied once per level of the graph to all its nodes at that level (a 10,350-node MLP:
9.5 ms against 20 ms node by node, measured by benchmarks/bench_engine.py's network; a test
checks both give the same values). A floating-point fault sends the work to the loop, which
stops with a DomainError naming the node and the values of its arguments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Union

import numpy as np

from ..errors import DomainError, GraphError, ShapeError
from ..graph import NodeKind, Tape
from ..graph.labels import node_text
from ..limits import DEFAULT_LIMITS, Limits
from ..names import fmt_number, plain_name, pretty_name
from ..ops import CALLABLE, NAMED_CONSTANTS, TENSOR_OPS
from .rules import RULES, output_shape

__all__ = ["forward", "check_constants", "forward_by_node", "level_groups", "input_values",
           "explain_float_error", "Values", "infer_shapes", "has_tensors"]

Values = Union[Sequence[Any], np.ndarray]
"""Node values by node index: a float64 array (scalar inputs, by level), or a list of numpy
scalars or arrays."""


def input_values(tape: Tape, at: Mapping[str, Any],
                 limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Check and convert ``at``: every input named once, numbers or arrays that broadcast."""
    inputs = tape.input_names
    known = set(inputs)
    spelled = {plain_name(k) if isinstance(k, str) else k: k for k in at}  # x₁ as typed: x1
    if len(spelled) < len(at):
        twice = next(k for k in at if isinstance(k, str) and spelled[plain_name(k)] != k)
        raise GraphError(f"two values were given for {plain_name(twice)!r} (as "
                         f"{spelled[plain_name(twice)]!r} and {twice!r}): give one")
    at = {name: at[key] for name, key in spelled.items()}
    unknown = [name for name in at if name not in known]
    if unknown:
        raise GraphError(f"a value was given for {unknown[0]!r}, which is not an input "
                         f"(inputs: {', '.join(inputs) or 'none'})")
    missing = [name for name in inputs if name not in at]
    if missing:
        raise GraphError(f"no value for {', '.join(missing)}: give a value for every input "
                         f"({', '.join(inputs)})")
    values: dict[str, Any] = {}
    for name in inputs:
        raw = at[name]
        if type(raw) in (float, np.float64) and math.isfinite(raw):  # the usual case, quickly
            values[name] = np.float64(raw)
            continue
        if isinstance(raw, (str, bytes, bool, complex)) or raw is None:
            raise DomainError(f"the value of {name} must be a number or an array of numbers, "
                              f"got {raw!r}")
        try:
            kind = np.asarray(raw).dtype.kind
            if kind not in "iuf" and kind != "O":  # complex, dates, text, bools: not numbers
                raise TypeError
            value = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            shown = repr(raw)
            shown = shown if len(shown) <= 60 else shown[:57] + "…"
            raise DomainError(f"the value of {name} must be a real number or an array of real "
                              f"numbers (at most 1.8e308), got {shown}") from None
        if value.size > limits.max_array_elements:
            raise DomainError(f"the value of {name} has {value.size:,} elements, more than "
                              f"limits.max_array_elements = {limits.max_array_elements:,} "
                              f"(raise it to trace larger arrays)")
        if not np.all(np.isfinite(value)):
            raise DomainError(f"the value of {name} is {fmt_number(value)}: give finite numbers")
        values[name] = value[()] if value.ndim == 0 else value
    return values


def infer_shapes(tape: Tape, shapes: Mapping[str, tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Every node's shape from its inputs' (scalars: ``()``), checked at every operation: a
    mismatch is a ShapeError naming the node, the operation and the shapes."""
    found: list[tuple[int, ...]] = [()] * len(tape)
    for i in tape.inputs:
        found[i] = tuple(shapes.get(tape.names[i], ()))
    kinds, ops, args = tape.kinds, tape.ops, tape.args
    operation = NodeKind.OPERATION
    for i, kind in enumerate(kinds):
        if kind is not operation or tape.abstract[i]:
            continue
        arg_shapes = [found[a] for a in args[i]]
        try:
            found[i] = output_shape(ops[i], arg_shapes)
        except ValueError as exc:
            raise ShapeError(_shape_problem(tape, i, arg_shapes, str(exc))) from None
    return found


def _shape_problem(tape: Tape, node: int, shapes: list[tuple[int, ...]], reason: str) -> str:
    name = tape.names[node]
    names = [tape.texts[a] if tape.kinds[a] is NodeKind.CONST else pretty_name(tape.names[a])
             for a in tape.args[node]]
    parts = " and ".join(f"{n} {shape}" for n, shape in zip(names, shapes))
    if "broadcast" in reason or "shape mismatch" in reason:
        reason = "the shapes do not broadcast (numpy's rule: trailing sizes equal or 1)"
    return (f"{pretty_name(name)} = {node_text(tape, name)}: {tape.ops[node]} of {parts}: "
            f"{reason}")


def has_tensors(tape: Tape, values: Mapping[str, Any] | None = None) -> bool:
    """Whether the graph holds a tensor op, or (given) any input value is an array."""
    if any(op in TENSOR_OPS for op in tape.ops):
        return True
    return values is not None and any(isinstance(v, np.ndarray) for v in values.values())


def forward(tape: Tape, at: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> Values:
    """Every node's value (constants included), indexed by node."""
    abstract = [i for i, flag in enumerate(tape.abstract) if flag]
    if abstract:
        _refuse_abstract(tape.ops[abstract[0]])
    given = input_values(tape, at, limits)
    if has_tensors(tape, given):
        infer_shapes(tape, {name: np.shape(v) for name, v in given.items()})
    else:
        groups = level_groups(tape)
        if len(groups) * 8 <= len(tape):  # wide enough for whole-level numpy calls to pay
            try:
                return _forward_by_level(tape, given, groups)
            except FloatingPointError:
                pass  # the loop below finds the node and says what went wrong
    return forward_by_node(tape, given)


def forward_by_node(tape: Tape, given: Mapping[str, Any]) -> list[Any]:
    """The reference: every node in forward order (any values, arrays too)."""
    values: list[Any] = [None] * len(tape)
    for i in tape.inputs:
        values[i] = given[tape.names[i]]
    kinds, ops, args = tape.kinds, tape.ops, tape.args
    const, operation = NodeKind.CONST, NodeKind.OPERATION  # locals: enum lookups cost
    with np.errstate(all="raise", under="ignore"):
        for i, kind in enumerate(kinds):
            if kind is const:
                values[i] = np.float64(_constant(tape.texts[i]))
            elif kind is operation:
                try:
                    values[i] = RULES[ops[i]].forward(*[values[a] for a in args[i]])
                except FloatingPointError as exc:
                    raise DomainError(_undefined(tape, i, values, exc)) from None
    return values


def level_groups(tape: Tape) -> list[tuple[str, np.ndarray]]:
    """The operation nodes grouped by (level, op), in level order: each group's arguments
    are computed by earlier groups."""
    ops = tape.operation_nodes
    if not len(ops):
        return []
    all_codes, op_of = tape.op_codes
    codes = all_codes[ops]
    levels = np.fromiter(tape.levels, np.int64, len(tape))[ops]
    group = levels * len(op_of) + codes
    order = np.argsort(group * len(tape) + ops)  # unique keys: one sort, no ties
    key = group[order]
    bounds = np.flatnonzero(np.diff(key)) + 1
    return [(op_of[codes[order[start]]], ops[order[start:stop]])
            for start, stop in zip([0, *bounds.tolist()], [*bounds.tolist(), len(order)])]


def _forward_by_level(tape: Tape, given: Mapping[str, Any],
                      groups: list[tuple[str, np.ndarray]]) -> np.ndarray:
    values = np.empty(len(tape))
    for i in tape.inputs:
        values[i] = given[tape.names[i]]
    for i in tape.constant_nodes:
        values[i] = _constant(tape.texts[i])
    columns = tape.arg_columns
    with np.errstate(all="raise", under="ignore"):
        for op, nodes in groups:
            arity = len(RULES[op].partials)
            values[nodes] = RULES[op].forward(*[values[column[nodes]]
                                                for column in columns[:arity]])
    return values


def check_constants(tape: Tape) -> None:
    """The parts of the graph that use no input (``sqrt(-1)``, ``asin(2)``, ``1/0``) must be
    real numbers even when no values are given: the symbolic view cannot compare them."""
    known: dict[int, Any] = {i: np.float64(_constant(tape.texts[i])) for i in tape.constant_nodes}
    with np.errstate(all="raise", under="ignore"):
        for i in tape.operation_nodes.tolist():
            args = tape.args[i]
            if tape.abstract[i] or not all(a in known for a in args):
                continue
            try:
                known[i] = RULES[tape.ops[i]].forward(*[known[a] for a in args])
            except FloatingPointError as exc:
                raise DomainError(_undefined(tape, i, known, exc)) from None


def _refuse_abstract(name: str) -> None:
    # a misspelt function (sine, sigmod) is an abstract one too: say what was meant
    import difflib  # only on this error path, not at every start-up

    close = difflib.get_close_matches(name, CALLABLE, n=1, cutoff=0.7)
    todo = "trace it without values, or write out the function"
    if close:
        todo = f"did you mean {close[0]}? (otherwise {todo})"
    raise GraphError(f"{pretty_name(name)} is an abstract function (no formula), so "
                     f"values cannot be computed: {todo}")


def _constant(text: str) -> float:
    return NAMED_CONSTANTS[text] if text in NAMED_CONSTANTS else float(text)


def explain_float_error(exc: FloatingPointError) -> str:
    text = str(exc)
    if "divide by zero" in text:
        return "division by zero"
    if "overflow" in text:
        return "the result overflows a float (over 1.8e308)"
    return "the argument is outside the function's domain"


def _undefined(tape: Tape, node: int, values: Any, exc: FloatingPointError) -> str:
    """The diagnosis of a failed node: what it computes and at which argument values."""
    parts = [f"{pretty_name(tape.names[a])} = {fmt_number(values[a])}"
             for a in dict.fromkeys(tape.args[node]) if tape.kinds[a] is not NodeKind.CONST]
    name = tape.names[node]
    return (f"{pretty_name(name)} = {node_text(tape, name)} is undefined at "
            f"{', '.join(parts) or 'these constants'}: {explain_float_error(exc)}")
