"""Forward pass: float64 numpy values of every node, checked against each op's domain.

Values come back indexed by node (``values[i]`` for ``tape.names[i]``), computed node by node
with the rules' numpy functions (a version by graph level measured no faster and was
removed). A floating-point fault stops the pass with a DomainError naming the node and the
values of its arguments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import DomainError, GraphError
from ..graph import NodeKind, Tape
from ..graph.labels import node_text
from ..names import fmt_number, pretty_name
from ..ops import CALLABLE, NAMED_CONSTANTS
from .rules import RULES

__all__ = ["forward", "input_values", "explain_float_error", "Values"]

Values = Sequence[Any]
"""Node values by node index: numpy float64 scalars or arrays."""


def input_values(tape: Tape, at: Mapping[str, Any]) -> dict[str, Any]:
    """Check and convert ``at``: every input named once, numbers or arrays that broadcast."""
    inputs = tape.input_names
    known = set(inputs)
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
        if type(raw) is float and math.isfinite(raw):  # the usual case, quickly
            values[name] = np.float64(raw)
            continue
        if isinstance(raw, (str, bytes, bool, complex)) or raw is None:
            raise DomainError(f"the value of {name} must be a number or an array of numbers, "
                              f"got {raw!r}")
        try:
            value = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            raise DomainError(f"the value of {name} must be a number or an array of numbers, "
                              f"got {raw!r}") from None
        if not np.all(np.isfinite(value)):
            raise DomainError(f"the value of {name} is {fmt_number(value)}: give finite numbers")
        values[name] = value[()] if value.ndim == 0 else value
    shapes = {name: v.shape for name, v in values.items() if isinstance(v, np.ndarray)}
    try:
        np.broadcast_shapes(*shapes.values())
    except ValueError:
        shown = ", ".join(f"{n}: {s}" for n, s in shapes.items())
        raise DomainError(f"array values must have matching shapes, got {shown}") from None
    return values


def forward(tape: Tape, at: Mapping[str, Any]) -> list[Any]:
    """Every node's value (constants included), indexed by node."""
    abstract = [i for i, flag in enumerate(tape.abstract) if flag]
    if abstract:
        _refuse_abstract(tape.ops[abstract[0]])
    given = input_values(tape, at)
    values: list[Any] = [None] * len(tape)
    for i in tape.inputs:
        values[i] = given[tape.names[i]]
    kinds, ops, args = tape.kinds, tape.ops, tape.args
    with np.errstate(all="raise", under="ignore"):
        for i, kind in enumerate(kinds):
            if kind is NodeKind.CONST:
                values[i] = np.float64(_constant(tape.texts[i]))
            elif kind is NodeKind.OPERATION:
                try:
                    values[i] = RULES[ops[i]].forward(*[values[a] for a in args[i]])
                except FloatingPointError as exc:
                    raise DomainError(_undefined(tape, i, values, exc)) from None
    return values


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


def _undefined(tape: Tape, node: int, values: Sequence[Any], exc: FloatingPointError) -> str:
    """The diagnosis of a failed node: what it computes and at which argument values."""
    parts = [f"{pretty_name(tape.names[a])} = {fmt_number(values[a])}"
             for a in dict.fromkeys(tape.args[node]) if tape.kinds[a] is not NodeKind.CONST]
    name = tape.names[node]
    return (f"{pretty_name(name)} = {node_text(tape, name)} is undefined at "
            f"{', '.join(parts) or 'these constants'}: {explain_float_error(exc)}")
