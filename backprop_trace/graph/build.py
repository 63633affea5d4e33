"""Equations → the tape: one node per input, constant and operation application, with the
operations kept as the user typed them, in forward order (each equation after the ones it
uses), intermediate nodes named u1, u2, … unless the user named them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from types import MappingProxyType

from ..errors import GraphError
from ..limits import DEFAULT_LIMITS, Limits
from ..names import fresh_stem
from ..ops import CALLABLE, NAMED_CONSTANTS
from ..parsing.syntax import FN, NAME, NUM, Equation, Item, System
from .tape import Group, NodeKind, Tape

__all__ = ["build_tape"]

INPUT, CONST, OPERATION = NodeKind.INPUT, NodeKind.CONST, NodeKind.OPERATION


def build_tape(system: System, *, output: str | None = None, inputs: Iterable[str] = (),
               limits: Limits = DEFAULT_LIMITS) -> Tape:
    """The tape of ``output`` (default: the one equation no other equation uses).

    ``inputs`` names variables that must be inputs even where they look like constants
    (a value given for ``e`` makes ``e`` a variable).
    """
    equations = _overriding(_by_name(system.equations))
    uses = {name: _uses(eq, equations) for name, eq in equations.items()}
    target = _choose_output(equations, uses, output)
    functions = {name: eq for name, eq in equations.items() if eq.params and name != target}
    if functions:  # a call uses what the function's body uses
        for name, eq in equations.items():
            for called in _calls(eq, functions, set()):
                uses[name] = list(dict.fromkeys(uses[name] + uses[called]))
    ordered = [n for n in _equations_in_forward_order(uses, target) if n not in functions]
    builder = _Builder(equations, system.names, set(inputs) | set(equations[target].params), limits)
    builder.constants_by_name = system.constants_by_name
    builder.functions = functions
    for param in (*system.parameters, *equations[target].params):
        builder.input(param, equations[target].offset)
    for name in ordered:
        builder.equation(equations[name])
    return builder.tape(target)


def _overriding(equations: dict[str, Equation]) -> dict[str, Equation]:
    """A function the user defines under a built-in's name (``σ(z) = 1/(1 + exp(−z))``, as
    CS231n writes it) is the user's: its calls are calls of that definition, not of the
    built-in."""
    defined = {CALLABLE[name].name: name for name, eq in equations.items()
               if eq.params and name in CALLABLE and len(eq.params) == CALLABLE[name].arity}
    if not defined:
        return equations
    return {name: replace(eq, code=tuple((FN, defined[text], n, offset)
                                         if kind == "op" and text in defined
                                         else (kind, text, n, offset)
                                         for kind, text, n, offset in eq.code))
            for name, eq in equations.items()}


def _by_name(equations: Sequence[Equation]) -> dict[str, Equation]:
    found: dict[str, Equation] = {}
    for eq in equations:
        if eq.name in found:
            raise GraphError(f"{eq.name} is defined twice: keep one equation for it")
        found[eq.name] = eq
    return found


def _calls(eq: Equation, functions: dict[str, Equation], seen: set[str]) -> list[str]:
    """The user-defined functions ``eq`` calls, directly or through other functions."""
    found = []
    for kind, text, n, offset in eq.code:
        if kind == FN and text in functions and text not in seen:
            seen.add(text)
            found.append(text)
            found += _calls(functions[text], functions, seen)
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
    values = [n for n in sinks if not equations[n].params]
    if values:  # a function definition f(x) = … is the output only when nothing else is
        sinks = values
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
        self.leaves: dict[int, NodeKind] = {}  # node → INPUT or CONST
        self.texts: dict[int, str] = {}  # constant → its text
        self.abstract: set[int] = set()
        self.index: dict[str, int] = {}
        self.equations = equations
        self.forced_inputs = forced_inputs
        self.limits = limits
        self.taken = set(names) | forced_inputs  # generated names avoid these
        self.const_uses: dict[str, int] = {}
        self.functions: dict[str, Equation] = {}  # user-defined, inlined where called
        self.constants_by_name = True
        self.inlining: list[str] = []
        self.groups: list[Group] = []

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
        # u1, u2, …, or another letter when a user's name is u or u with an index
        stem = fresh_stem(self.taken)
        fresh = [f"{stem}{k}" for k in range(1, len(gaps) + 1)]
        for i, name in zip(gaps, fresh):
            names[i] = name
        self.index.update(zip(fresh, gaps))
        for node, text in self.texts.items():  # constants are not found by name while building
            self.index[names[node]] = node  # type: ignore[index]
        return Tape(tuple(names), tuple(kinds), tuple(self.ops),  # type: ignore[arg-type]
                    tuple(abstract), tuple(self.args), tuple(self.levels),
                    tuple(self.offsets), tuple(texts), self.index[output],
                    tuple(i for i, kind in self.leaves.items() if kind is INPUT),
                    MappingProxyType(self.index), tuple(self.groups))

    def leaf(self, name: str, kind: NodeKind, offset: int, text: str = "") -> int:
        node = len(self.names)
        if node >= self.limits.max_nodes:
            self.too_many()
        self.names.append(name)
        self.ops.append("")
        self.args.append(())
        self.levels.append(0)
        self.offsets.append(offset)
        self.leaves[node] = kind
        if kind is CONST:
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
        # a named constant's node never takes the name itself: a variable may be called e
        named = text in NAMED_CONSTANTS
        return self.leaf(text if k == 1 and not named else f"{text}#{k}", CONST, offset, text)

    def equation(self, eq: Equation) -> None:
        code: Sequence[Item] = eq.code
        if code[-1][0] in (NAME, NUM):  # ``z = x`` or ``c = 3``: an identity node named z
            code = (*code, ("op", "id", 1, eq.offset))
        self.expression(code, eq.name, eq.params)

    def expression(self, code: Sequence[Item], name: str, params: tuple[str, ...]) -> None:
        """One pass over the postfix code with a stack of argument nodes. Operation nodes
        are added right here: the calls were half the time of this loop."""
        start = len(self.names)
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
            if kind == FN and text in self.functions:
                arity = int(n)
                args = tuple(stack[len(stack) - arity:])
                del stack[len(stack) - arity:]
                push(self.inline(text, args, offset))
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
        self.group(name, "equation", start, root, ())

    def group(self, name: str, kind: str, start: int, output: int,
              arguments: tuple[int, ...]) -> None:
        """Record the nodes made since ``start`` as a group with ``output`` as its value
        (inputs met on the way stay outside); nothing when the value was not made here
        (``id(x) = x``, ``z = x`` read as an identity)."""
        if output < start or output in self.leaves:
            return
        members = tuple(i for i in range(start, output + 1)
                        if i != output and self.leaves.get(i) is not INPUT)
        inside = set(members)
        used = dict.fromkeys(a for i in (*members, output) for a in self.args[i]
                             if a not in inside)
        ordered = [a for a in dict.fromkeys(arguments) if a in used]
        ordered += [a for a in used if a not in ordered]
        self.groups.append(Group(name, kind, output, members, tuple(ordered)))

    def inline(self, function: str, args: tuple[int, ...], offset: int) -> int:
        """A call of a user-defined function: its body, built on the argument nodes."""
        eq = self.functions[function]
        if len(args) != len(eq.params):
            raise GraphError(f"{function} takes {len(eq.params)} argument"
                             f"{'s' * (len(eq.params) != 1)} ({', '.join(eq.params)}), got "
                             f"{len(args)}")
        if function in self.inlining:
            raise GraphError(f"{function} calls itself ({' → '.join([*self.inlining, function])}"
                             f"): a function must be written without itself")
        self.inlining.append(function)
        start = len(self.names)
        bound = dict(zip(eq.params, args))
        stack: list[int] = []
        for kind, text, n, at in eq.code:
            if kind == NAME:
                stack.append(bound[text] if text in bound else self.variable(text, at, ()))
            elif kind == NUM:
                stack.append(self.constant(text, at))
            elif kind == FN and text in self.functions:
                arity = int(n)
                inner = tuple(stack[len(stack) - arity:])
                del stack[len(stack) - arity:]
                stack.append(self.inline(text, inner, at))
            else:
                arity = int(n)
                inner = tuple(stack[len(stack) - arity:])
                del stack[len(stack) - arity:]
                stack.append(self.operation(text, inner, at, abstract=kind != "op"))
        self.inlining.pop()
        self.group(function, "function", start, stack[-1], args)
        return stack[-1]

    def operation(self, op: str, args: tuple[int, ...], offset: int, abstract: bool) -> int:
        node = len(self.names)
        if node >= self.limits.max_nodes:
            self.too_many()
        self.names.append(None)
        self.ops.append(op)
        self.args.append(args)
        self.levels.append(max(self.levels[a] for a in args) + 1)
        self.offsets.append(offset)
        if abstract:
            self.abstract.add(node)
        return node

    def variable(self, name: str, offset: int, params: tuple[str, ...]) -> int:
        if name in self.equations and name not in params:
            return self.index[name]  # built already: equations come in forward order
        if name in NAMED_CONSTANTS and self.constants_by_name \
                and name not in self.forced_inputs:
            return self.constant(name, offset)
        return self.input(name, offset)
