"""A Python function → equations, by running it on recording values (operator overloading, as
micrograd's ``Value`` works): each operation on a recorded value is noted, and the function's
own variable names name the nodes (``c``, then ``c′`` when ``c`` is rebound). The result is
the same ``System`` the text parser makes, so everything after it is unchanged.

This runs the user's own function — their code, as any library call does. (The text path
never runs anything.) Its work is bounded: ``limits.max_nodes`` operations and a budget of
executed lines, so a function that loops forever ends with a TraceError.
"""

from __future__ import annotations

import ctypes
import inspect
import math
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Final

import numpy as np

from ..errors import GraphError, TraceError
from ..limits import Limits
from ..names import fresh_stem, version_names
from ..ops import ARRAY_METHODS, METHODS, NUMPY_FUNCTIONS, NUMPY_UFUNCS
from ..parsing.lexer import name_problem
from ..parsing.syntax import NAME, NUM, OP, Equation, Item, System

__all__ = ["record", "Recorded", "Evaluate"]

Evaluate = Callable[[str, list[Any]], Any]
"""Computes one op on values (the engine's rules, handed in by the caller: front ends only
make equations and know nothing of the engine)."""
_STALL_S: Final = 2.0
"""Seconds without a single traced instruction after which the function is taken to have
switched tracing off (sys.settrace(None)) and is stopped."""


class _Stop(BaseException):
    """A bound was reached inside the user's function (carried out as a TraceError); not an
    Exception, so the function's own ``except Exception`` cannot swallow it."""


@dataclass
class _Recorder:
    limits: Limits
    evaluate: Evaluate
    ops: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)  # op, args
    names: dict[int, str] = field(default_factory=dict)  # node → variable it was bound to
    taken: dict[str, list[int]] = field(default_factory=dict)  # variable → nodes bound, in order
    lines: int = 0  # instructions run, against limits.max_instructions
    problem: TraceError | None = None

    def apply(self, op: str, args: tuple[Any, ...]) -> Recorded:
        if len(self.ops) >= self.limits.max_nodes:
            self.problem = GraphError(f"the function made more than {self.limits.max_nodes:,} "
                                      f"operations (raise limits.max_nodes)")
            raise _Stop
        parts: list[int | float] = []
        values: list[Any] = []
        for a in args:
            if isinstance(a, Recorded):
                if a.recorder is not self:
                    raise TraceError("a recorded value of another trace was used")
                parts.append(a.node)
                values.append(a.value)
            else:
                parts.append(_constant(a))
                values.append(np.float64(a))
        self.ops.append((op, tuple(parts)))
        known = [v for v in values if v is not None]
        value = self.value(op, known) if len(known) == len(values) else None
        return Recorded(self, len(self.ops) - 1, value)

    def value(self, op: str, values: list[Any]) -> Any:
        """The value at the given point, for the function's own control flow and shapes
        (None where it is undefined or the shapes do not fit: the forward pass later says
        why, naming the node)."""
        try:
            value = self.evaluate(op, values)
        except (ValueError, TypeError):
            return None
        if np.ndim(value) == 0:
            value = float(value)
            return value if math.isfinite(value) else None
        return value if np.all(np.isfinite(value)) else None

    def name(self, frame_locals: Mapping[str, Any], inputs: int) -> None:
        """Note each new value as bound to the variable it was just bound to (named when the
        run is over: ``versioned``)."""
        for variable, value in frame_locals.items():
            if isinstance(value, Recorded) and value.node >= inputs \
                    and value.node not in self.names and name_problem(variable) is None:
                self.taken.setdefault(variable, []).append(value.node)
                self.names[value.node] = variable

    def versioned(self, parameters: list[str], style: str) -> dict[int, str]:
        """Every bound value's name: a variable bound once keeps its name; a rebound one's
        values read h⁽¹⁾, h⁽²⁾ (or h, h′ in ``"primes"`` style; a rebound parameter keeps its
        own name for the value passed in)."""
        names = dict(self.names)
        for variable, nodes in self.taken.items():
            spelled = version_names(variable, len(nodes), style, variable in parameters)
            names.update(zip(nodes, spelled))
        return names


def _constant(value: Any) -> float:
    if isinstance(value, np.ndarray):
        raise TraceError("a numpy array met a recorded value: make it a parameter of the "
                         "function (its value in at=), so it is an input of the graph")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TraceError(f"a {type(value).__name__} ({value!r:.40}) met a recorded value: only "
                         f"numbers and recorded values can be combined")
    number = float(value)
    if not math.isfinite(number):
        raise TraceError(f"the constant {value!r} is not a finite number")
    return number


class Recorded:
    """A value the function computes, recorded as it is made."""

    __slots__ = ("recorder", "node", "value")
    __array_priority__ = 1000  # numpy hands mixed operations to us

    def __init__(self, recorder: _Recorder, node: int, value: Any) -> None:
        self.recorder, self.node, self.value = recorder, node, value

    def _op(self, op: str, *args: Any) -> Recorded:
        return self.recorder.apply(op, args)

    def __add__(self, other: Any) -> Recorded:
        return self._op("add", self, other)

    def __radd__(self, other: Any) -> Recorded:
        return self._op("add", other, self)

    def __sub__(self, other: Any) -> Recorded:
        return self._op("sub", self, other)

    def __rsub__(self, other: Any) -> Recorded:
        return self._op("sub", other, self)

    def __mul__(self, other: Any) -> Recorded:
        return self._op("mul", self, other)

    def __rmul__(self, other: Any) -> Recorded:
        return self._op("mul", other, self)

    def __truediv__(self, other: Any) -> Recorded:
        return self._op("div", self, other)

    def __rtruediv__(self, other: Any) -> Recorded:
        return self._op("div", other, self)

    def __pow__(self, other: Any) -> Recorded:
        return self._op("pow", self, other)

    def __rpow__(self, other: Any) -> Recorded:
        return self._op("pow", other, self)

    def __matmul__(self, other: Any) -> Recorded:
        return self._op("matmul", self, other)

    def __rmatmul__(self, other: Any) -> Recorded:
        return self._op("matmul", other, self)

    @property
    def T(self) -> Recorded:  # noqa: N802 - numpy's name
        """The transpose, as numpy writes it: ``x.T``."""
        return self._op("transpose", self)

    @property
    def shape(self) -> tuple[int, ...]:
        """The value's shape, as numpy's ``.shape`` (needs values)."""
        value = self._known("reading .shape")
        return tuple(np.shape(value))

    def __getitem__(self, index: Any) -> Any:
        raise TraceError("indexing a recorded vector or matrix is not an operation a trace "
                         "records: keep whole vectors and matrices (W @ x, x.sum(), np.dot)")

    def __iter__(self) -> Any:
        raise TraceError("iterating over a recorded value is not an operation a trace records: "
                         "keep whole vectors and matrices (W @ x, x.sum(), np.dot)")

    def __neg__(self) -> Recorded:
        return self._op("neg", self)

    def __pos__(self) -> Recorded:
        return self

    def __abs__(self) -> Recorded:
        return self._op("abs", self)

    @property
    def data(self) -> float:
        """The value at the given point (as micrograd's ``Value.data``)."""
        return self._known("read .data")

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        op = NUMPY_UFUNCS.get(ufunc.__name__)
        if method != "__call__" or op is None or kwargs:
            raise TraceError(f"numpy's {ufunc.__name__} is not one of the operations a trace "
                             f"records: use one of np.{', np.'.join(sorted(NUMPY_UFUNCS))}")
        return self.recorder.apply(op, inputs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        op = NUMPY_FUNCTIONS.get(func.__name__)
        if op is None or kwargs:
            what = f"numpy's {func.__name__}" + (" with keyword arguments" if op else "")
            raise TraceError(f"{what} is not one of the operations a trace records: use "
                             f"np.{', np.'.join(sorted(NUMPY_FUNCTIONS))} on whole arrays")
        if op == "dot" and any(np.ndim(a.value if isinstance(a, Recorded) else a) == 2
                               for a in args):
            op = "matmul"  # np.dot of a matrix is a matrix product
        return self.recorder.apply(op, tuple(args))

    # leaving the traced world
    def _known(self, what: str) -> Any:
        if self.value is None:
            raise TraceError(f"{what} needs a value: trace the function with at={{…}}, or keep "
                             f"values out of conditions")
        return self.value

    def __float__(self) -> float:
        raise TraceError("float() of a recorded value leaves the trace: a math.* function "
                         "does this; use numpy's instead (np.sin, np.exp, …) or the value's "
                         "methods (.tanh(), .relu(), …)")

    __int__ = __index__ = __complex__ = __float__

    def __bool__(self) -> bool:
        raise TraceError("a recorded value used as a condition: compare it (x > 0) instead")

    def _scalar(self) -> float:
        value = self._known("a comparison")
        if np.ndim(value):
            raise TraceError("a comparison of a vector or matrix has no single answer: compare "
                             "a number computed from it (x.sum() > 0)")
        return float(value)

    def __lt__(self, other: Any) -> bool:
        return self._scalar() < _plain(other)

    def __le__(self, other: Any) -> bool:
        return self._scalar() <= _plain(other)

    def __gt__(self, other: Any) -> bool:
        return self._scalar() > _plain(other)

    def __ge__(self, other: Any) -> bool:
        return self._scalar() >= _plain(other)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        name = self.recorder.names.get(self.node)
        shown = "" if self.value is None else f" = {self.value:g}" if np.ndim(self.value) == 0 \
            else f" of shape {np.shape(self.value)}"
        return f"<recorded {name or 'value'}{shown}>"


def _method(op: str) -> Callable[[Recorded], Recorded]:
    def method(self: Recorded) -> Recorded:
        return self._op(op, self)

    method.__name__ = method.__qualname__ = op
    method.__doc__ = f"{op} of this value, as micrograd writes it: x.{op}()"
    return method


for _name in METHODS:  # micrograd's methods: the op table's one list
    setattr(Recorded, _name, _method(_name))


def _array_method(op: str) -> Callable[..., Recorded]:
    def method(self: Recorded, *args: Any) -> Recorded:
        return self._op(op, self, *args)

    method.__name__ = method.__qualname__ = op
    method.__doc__ = f"{op} of this value, as numpy writes it: x.{op}()"
    return method


for _name, _op_name in ARRAY_METHODS.items():  # numpy's methods: x.sum(), x.mean(), x.dot(y)
    setattr(Recorded, _name, _array_method(_op_name))


def _plain(other: Any) -> float:
    return other._scalar() if isinstance(other, Recorded) else float(other)


def record(fn: Callable[..., Any], at: Mapping[str, Any] | None, limits: Limits,
           evaluate: Evaluate, versions: str = "superscript") -> System:
    """Run ``fn`` on recording values (its parameters are the inputs) and return the equations
    it computed, with its variables' names (``versions``: how a rebound variable's values
    read); ``evaluate`` computes an op's value."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        raise TraceError(f"cannot read the parameters of {fn!r}: trace a plain Python function "
                         f"(def or lambda)") from None
    if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters):
        raise TraceError("the function's parameters must be plain positional ones (x, y, …): "
                         "they are the inputs")
    if not parameters:
        raise TraceError("the function has no parameters: its parameters are the inputs")
    recorder = _Recorder(limits, evaluate)
    inputs = [p.name for p in parameters]
    for name in inputs:
        problem = name_problem(name)
        if problem is not None:
            raise TraceError(f"the parameter {name!r:.40} cannot name an input: {problem}")
    for name in inputs:
        recorder.ops.append(("input", ()))
        recorder.names[len(recorder.ops) - 1] = name
    arguments = [Recorded(recorder, i, _value(at, name)) for i, name in enumerate(inputs)]
    code = getattr(fn, "__code__", None)
    result = _run(fn, arguments, recorder, code, len(inputs))
    if isinstance(result, tuple):
        raise TraceError(f"the function returned {len(result)} values: return one (trace one "
                         f"output at a time)")
    if not isinstance(result, Recorded):
        raise TraceError(f"the function returned {type(result).__name__} {result!r:.40}, not a "
                         f"value computed from its parameters")
    if result.recorder is not recorder:
        raise TraceError("the function returned a value recorded by another trace: return one "
                         "computed from this call's parameters")
    if result.node < len(inputs):  # a parameter returned as it is (lambda a, b: b): y = b
        result = recorder.apply("id", (result,))
    output = recorder.names.get(result.node)
    if output is None:  # the returned value was never bound: named after the function
        function = getattr(fn, "__name__", "f")
        function = function if name_problem(function) is None else "f"
        if function in inputs:
            function = next(n for n in ("f", "y", "out", "output", "result") if n not in inputs)
        recorder.name({function: result}, len(inputs))
    names = recorder.versioned(inputs, versions)
    for i, name in enumerate(inputs):
        names[i] = name
    return _equations(recorder.ops, names, inputs, result.node, _source(fn))


def _value(at: Mapping[str, Any] | None, name: str) -> Any:
    """An input's value for the function's own control flow and shapes (None when not given
    or not numbers: the forward pass says why)."""
    if at is None or name not in at:
        return None
    try:
        value = np.asarray(at[name], dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None
    return float(value) if value.ndim == 0 else value


def _run(fn: Callable[..., Any], arguments: list[Recorded], recorder: _Recorder,
         code: Any, inputs: int) -> Any:
    """Call ``fn`` under a tracer that names values after the variables they are bound to and
    counts the instructions run. A tracer already there (a debugger, coverage) keeps receiving
    its events and is restored afterwards; a function that switches tracing off is stopped
    by a watchdog."""

    budget = recorder.limits.max_instructions

    def count() -> None:
        recorder.lines += 1
        if recorder.lines > budget:
            recorder.problem = TraceError(f"the function ran more than {budget:,} "
                                          f"instructions (limits.max_instructions): does it "
                                          f"loop forever?")
            raise _Stop

    def named(frame: FrameType, event: str, arg: Any) -> Any:
        count()
        if event in ("line", "return"):
            recorder.name(frame.f_locals, inputs)
        return named

    def counted(frame: FrameType, event: str, arg: Any) -> Any:
        count()
        return counted

    previous = sys.gettrace()

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True  # every instruction counts, so any loop is bounded
        ours = named if frame.f_code is code else counted
        if previous is None:
            return ours
        return _chained(ours, previous(frame, event, arg))  # type: ignore[arg-type]

    watchdog = _Watchdog(recorder)
    sys.settrace(calls)
    try:
        with watchdog:
            return fn(*arguments)
    except _Stop:
        assert recorder.problem is not None
        raise recorder.problem from None
    except TraceError:
        raise
    except RecursionError:
        raise TraceError("the function recursed too deeply") from None
    except Exception as exc:
        raise TraceError(f"the function raised {type(exc).__name__}: {exc}") from None
    finally:
        sys.settrace(previous)


def _chained(ours: Any, theirs: Any) -> Any:
    """A frame's local tracer that runs ours, then the previous tracer's (which never sees
    the per-instruction events it did not ask for)."""

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal theirs
        ours(frame, event, arg)
        if theirs is not None and event != "opcode":
            theirs = theirs(frame, event, arg)
        return local

    return local


class _Watchdog:
    """Stops a recorded function that stalls without a traced instruction for _STALL_S (it
    switched tracing off), by raising _Stop in its thread."""

    def __init__(self, recorder: _Recorder) -> None:
        self.recorder = recorder
        self.thread = threading.get_ident()
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.fired = False

    def __enter__(self) -> _Watchdog:
        threading.Thread(target=self._watch, daemon=True, name="backprop-trace watchdog").start()
        return self

    def _watch(self) -> None:
        seen, since = -1, time.monotonic()
        while not self.done.wait(0.1):
            if self.recorder.lines != seen:
                seen, since = self.recorder.lines, time.monotonic()
            elif time.monotonic() - since > _STALL_S:
                with self.lock:
                    if self.done.is_set():
                        return
                    self.recorder.problem = TraceError(
                        "the function switched tracing off (sys.settrace) and kept running: "
                        "its work cannot be bounded, so it was stopped")
                    self.fired = True
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread),
                                                               ctypes.py_object(_Stop))
                return

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.done.set()
        if self.fired and exc[0] is None:
            # the function returned just as the stop was sent: let it arrive here, inside the
            # caller's try, not later (clearing it with SetAsyncExc(NULL) hangs CPython 3.11's
            # tracing afterwards)
            for _ in range(1000):
                time.sleep(0)


def _source(fn: Callable[..., Any]) -> str:
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return f"{getattr(fn, '__name__', 'f')}(…)"


def _equations(ops: list[tuple[str, tuple[Any, ...]]], names: dict[int, str],
               inputs: list[str], output: int, source: str) -> System:
    """One equation per named value (and per unnamed value used more than once); other
    intermediates are written inside the expression that uses them."""
    uses = [0] * len(ops)
    needed = {output}
    for node in range(output, -1, -1):  # only what the output depends on
        if node in needed:
            for a in ops[node][1]:
                if isinstance(a, int):
                    uses[a] += 1
                    needed.add(a)
    names = dict(names)
    stem = fresh_stem(frozenset(names.values()), "t")  # t1, t2, … unless the user has a t
    counter = 0
    for node in sorted(needed):
        if node >= len(inputs) and node not in names and uses[node] > 1:
            counter += 1
            names[node] = f"{stem}{counter}"
    equations = []
    for node in sorted(needed):
        if node < len(inputs) or node not in names:
            continue
        code: list[Item] = []
        _postfix(node, ops, names, code, top=True)
        equations.append(Equation(names[node], (), tuple(code), 0, True))
    everything = frozenset(names.values()) | frozenset(inputs)
    # every name is the user's variable: a parameter called e or pi is not the constant
    return System(tuple(equations), source, everything, parameters=tuple(inputs),
                  constants_by_name=False)


def _postfix(node: int, ops: list[tuple[str, tuple[Any, ...]]], names: dict[int, str],
             code: list[Item], top: bool = False) -> None:
    stack: list[tuple[Any, bool]] = [(node, top)]
    while stack:
        item, expand = stack.pop()
        if isinstance(item, tuple):  # an op to emit after its arguments
            code.append(item)
        elif isinstance(item, float):
            if item < 0:
                stack.append(((OP, "neg", 1, 0), False))
                stack.append((-item, False))
            else:
                code.append((NUM, repr(item) if item != int(item) else str(int(item)),
                             item, 0))
        elif item in names and not expand:
            code.append((NAME, names[item], 0, 0))
        else:
            op, args = ops[item]
            stack.append(((OP, op, len(args), 0), False))
            stack.extend((a, False) for a in reversed(args))


