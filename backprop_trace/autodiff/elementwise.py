"""The tape evaluated on numpy arrays of sympy expressions, one symbol per element of every
input: an oracle independent of the vector-Jacobian products (a matrix product is the sums of
products numpy writes out, a softmax its exponentials), which ``check()`` differentiates with
``sympy.diff`` element by element."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import sympy as sp

from ..graph import NodeKind, Tape
from .rules import RULES, SYMBOLIC_CONSTANTS

__all__ = ["element_symbols", "evaluate_elementwise", "MAX_SYMBOLIC_ELEMENTS"]

MAX_SYMBOLIC_ELEMENTS: Final = 64
"""Inputs with more elements are checked against central differences only (sympy's side grows
with every element)."""


def element_symbols(name: str, shape: tuple[int, ...]) -> Any:
    """An object array of symbols ``name[i,j]``, or one symbol for a scalar."""
    if not shape:
        return sp.Symbol(name, real=True)
    flat = [sp.Symbol(f"{name}[{','.join(map(str, index))}]", real=True)
            for index in np.ndindex(shape)]
    return np.array(flat, dtype=object).reshape(shape)


def _elementwise(op: str, args: list[Any]) -> Any:
    symbolic = RULES[op].symbolic
    assert symbolic is not None
    if not any(isinstance(a, np.ndarray) for a in args):
        return symbolic(*args)
    return np.frompyfunc(symbolic, len(args), 1)(*args)


def _softmax(a: Any) -> Any:
    exps = np.frompyfunc(sp.exp, 1, 1)(a)
    return exps / np.sum(exps, axis=-1, keepdims=True)


def _logsumexp(a: Any) -> Any:
    exps = np.frompyfunc(sp.exp, 1, 1)(a)
    return np.frompyfunc(sp.log, 1, 1)(np.sum(exps, axis=-1))


_TENSORS: Final[dict[str, Callable[..., Any]]] = {
    "matmul": lambda a, b: np.matmul(a, b),
    "transpose": lambda a: np.transpose(a),
    "sum": lambda a: sp.Add(*np.ravel(a)),
    "mean": lambda a: sp.Add(*np.ravel(a)) / max(np.size(a), 1),
    "dot": lambda a, b: sp.Add(*(np.ravel(a) * np.ravel(b))),
    "norm": lambda a: sp.sqrt(sp.Add(*(np.ravel(a) ** 2))),
    "outer": lambda a, b: np.outer(a, b),
    "softmax": _softmax,
    "logsumexp": _logsumexp,
}


def evaluate_elementwise(tape: Tape, inputs: Mapping[str, Any]) -> Any:
    """The output (summed over its elements when an array) as one sympy expression in the
    element symbols given for each input."""
    values: list[Any] = [None] * len(tape)
    for i, kind in enumerate(tape.kinds):
        if kind is NodeKind.INPUT:
            values[i] = inputs[tape.names[i]]
        elif kind is NodeKind.CONST:
            text = tape.texts[i]
            values[i] = SYMBOLIC_CONSTANTS.get(text) or sp.Rational(text)
        else:
            op, args = tape.ops[i], [values[a] for a in tape.args[i]]
            values[i] = _TENSORS[op](*args) if op in _TENSORS else _elementwise(op, args)
    out = values[tape.output]
    return sp.Add(*np.ravel(out)) if isinstance(out, np.ndarray) else out
