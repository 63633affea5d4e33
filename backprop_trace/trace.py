"""``trace()``: the pipeline end to end, and ``Trace``, the result users hold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import networkx as nx
import numpy as np
import sympy as sp

from .backward import Step, Steps, backward
from .calculus import DEFAULT_STEPS, LimitRow, Tangent, limit_table, tangent
from .check import CheckReport, check_gradient
from .collector import collector_paused
from .errors import GraphError
from .forward import Values, forward
from .graph import CONST, OPERATION, Tape, build_tape, to_networkx
from .limits import DEFAULT_LIMITS, Limits
from .notebook import Frame, player_html, slider_widget
from .parse import parse
from .printing import pretty_name, to_latex, to_unicode
from .render import FORMATS, Renderer, convert_svg, render, resolve_granularity
from .symbolic import Symbolic, partial_symbol
from .themes import Theme, get_theme

__all__ = ["trace", "Trace", "Formula"]


def trace(source: str | Sequence[str], *more: str, at: Mapping[str, Any] | None = None,
          wrt: str | Iterable[str] | None = None, output: str | None = None,
          limits: Limits = DEFAULT_LIMITS) -> Trace:
    """Trace the chain rule through an expression or equation system.

    ``source`` is one text (equations separated by ``;`` or new lines) or several; ``at``
    gives input values (numbers or arrays); ``wrt`` restricts the inputs differentiated;
    ``output`` picks the output equation when several could be.

    >>> t = trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    >>> t.grad
    {'x': -4.0, 'y': -4.0, 'z': 3.0}
    >>> t.chain_rule("x")
    '∂f/∂x = ∂f/∂u₁·∂u₁/∂x'
    """
    with collector_paused():
        return _trace(source, more, at, wrt, output, limits)


def _trace(source: str | Sequence[str], more: tuple[str, ...], at: Mapping[str, Any] | None,
           wrt: str | Iterable[str] | None, output: str | None, limits: Limits) -> Trace:
    sources = [source] if isinstance(source, str) else list(source)
    system = parse([*sources, *more], limits)
    tape = build_tape(system, output=output, inputs=at or (), limits=limits)
    wrt_names = _check_wrt(tape, wrt)
    values = forward(tape, at) if at is not None else None
    symbolic = Symbolic(tape)
    steps, adjoint = backward(tape, values, wrt_names, symbolic)
    symbolic.attach(steps)
    return Trace(tape, wrt_names, values, steps, adjoint, symbolic, limits, system.text)


def _check_wrt(tape: Tape, wrt: str | Iterable[str] | None) -> tuple[str, ...]:
    inputs = [tape.names[i] for i in tape.inputs]
    if wrt is None:
        return tuple(inputs)
    names = [wrt] if isinstance(wrt, str) else list(wrt)
    for name in names:
        if name not in inputs:
            raise GraphError(f"cannot differentiate with respect to {name!r}: it is not an "
                             f"input (inputs: {', '.join(inputs) or 'none'})")
    return tuple(dict.fromkeys(names))


class Formula(str):
    """A formula in textbook unicode; ``.latex`` holds the same formula in LaTeX."""

    latex: str

    def __new__(cls, text: str, latex: str) -> Formula:
        obj = super().__new__(cls, text)
        obj.latex = latex
        return obj


class Trace:
    """The result of ``trace``: graph, values, gradient and the recorded chain-rule steps."""

    def __init__(self, tape: Tape, wrt: tuple[str, ...], values: Values | None,
                 steps: Steps, adjoint: Sequence[Any], symbolic: Symbolic,
                 limits: Limits, source: str = "") -> None:
        self.tape = tape
        self.source = source
        self.wrt = wrt
        self._steps = steps
        self.limits = limits
        self._node_values = values
        self._adjoint = adjoint
        self._symbolic = symbolic
        self._renderers: dict[tuple[str, str, str], Renderer] = {}

    # -- the DESIGN.md contract --------------------------------------------------------------

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """The chain-rule steps, seed first, in drawing order (made on first use: trace()
        keeps them as columns)."""
        return self._steps.as_tuple()

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The computational graph as a frozen networkx.MultiDiGraph (made on first use)."""
        with collector_paused():
            return to_networkx(self.tape)

    @property
    def output(self) -> str:
        return self.tape.names[self.tape.output]

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(self.tape.names[i] for i in self.tape.inputs)

    @cached_property
    def values(self) -> Mapping[str, Any]:
        """Forward values of inputs and operations by name (empty without ``at``)."""
        if self._node_values is None:
            return MappingProxyType({})
        values = self._node_values
        if isinstance(values, np.ndarray):
            values = values.tolist()  # Python floats, as _plain gives
        return MappingProxyType({name: _plain(values[i]) for i, (name, kind) in
                                 enumerate(zip(self.tape.names, self.tape.kinds))
                                 if kind != CONST})

    @property
    def value(self) -> Any:
        """The output's forward value, or None without ``at``."""
        return self.values.get(self.output)

    @cached_property
    def grad(self) -> Mapping[str, Any]:
        """∂output/∂input for each input in ``wrt`` (0 where the output does not depend on
        it); empty without ``at``. With arrays, the gradient of the sum of the output."""
        if self._node_values is None:
            return {}
        index = self.tape.index
        return {x: _plain(self._adjoint[index[x]] if self._adjoint[index[x]] is not None
                          else np.zeros_like(self._node_values[index[x]])) for x in self.wrt}

    @cached_property
    def grad_expr(self) -> Mapping[str, sp.Expr]:
        """∂output/∂input as sympy expressions in the inputs."""
        return self._symbolic.grad_exprs(self.wrt)

    @property
    def expandable(self) -> bool:
        """Whether whole expressions in the inputs stay readable (and cheap) for this graph:
        the outputs written by ``render`` and the CLI expand ``grad_expr`` only then."""
        ops = self.tape.kinds.count(OPERATION)
        return ops <= EXPANSION_LIMIT

    def adjoint_expr(self, var: str) -> sp.Expr:
        """∂y/∂var as the sum of its chain-rule terms, in the node symbols
        (``∂f/∂u₁·1``): always compact, whatever the size of the graph."""
        self._require_node(var)
        last = self._steps.of_node(var)
        return last[-1].total_expr if last else sp.S.Zero

    @cached_property
    def expr(self) -> sp.Expr:
        """The output as one sympy expression in the inputs."""
        return self._symbolic.expr(self.output)

    def node_expr(self, node: str) -> sp.Expr:
        """Any node's value as a sympy expression in the inputs."""
        self._require_node(node)
        return self._symbolic.expr(node)

    def local_expr(self, node: str) -> sp.Expr:
        """An operation node in its arguments' symbols (``x + y`` for u₁ = x + y)."""
        self._require_node(node)
        if self.graph.nodes[node]["kind"] != "op":
            return self._symbolic.symbol(node)
        return self._symbolic.node_expr_local(node)

    def chain_rule(self, var: str) -> Formula:
        """∂y/∂var = Σⱼ ∂y/∂uⱼ·∂uⱼ/∂var over the nodes uⱼ that use ``var`` directly.

        >>> trace("u = f(x, y); x = x(a); y = y(a)").chain_rule("a")
        '∂u/∂a = ∂u/∂x·∂x/∂a + ∂u/∂y·∂y/∂a'
        """
        self._require_node(var)
        y = self.output
        lhs = (f"∂{pretty_name(y)}/∂{pretty_name(var)}", _latex_partial(y, var))
        if var == y:
            return Formula(f"{lhs[0]} = 1", f"{lhs[1]} = 1")
        users = sorted(set(self.graph.successors(var)), key=lambda n: self.graph.nodes[n]["order"])
        if not users:
            return Formula(f"{lhs[0]} = 0", f"{lhs[1]} = 0")
        terms, latex_terms = [], []
        for u in users:
            local = (f"∂{pretty_name(u)}/∂{pretty_name(var)}", _latex_partial(u, var))
            if u == y:
                terms.append(local[0])
                latex_terms.append(local[1])
            else:
                terms.append(f"∂{pretty_name(y)}/∂{pretty_name(u)}·{local[0]}")
                latex_terms.append(f"{_latex_partial(y, u)} \\cdot {local[1]}")
        text, latex = f"{lhs[0]} = {' + '.join(terms)}", f"{lhs[1]} = {' + '.join(latex_terms)}"
        if users == [y]:  # ∂f/∂z = ∂f/∂z says nothing: show the local partial instead
            local_expr = sum(self._symbolic.local(y, k) for _, _, k in
                             self.graph.out_edges(var, keys=True))
            text = f"{lhs[0]} = {to_unicode(local_expr)}"
            latex = f"{lhs[1]} = {to_latex(local_expr)}"
        return Formula(text, latex)

    def check(self) -> CheckReport:
        """Compare the gradient with central differences and with sympy.diff of the whole
        expression (needs values)."""
        if self._node_values is None:
            raise GraphError("check() needs values: trace with at={…}")
        inputs = {x: self._node_values[self.tape.index[x]] for x in self.inputs}
        symbols = {x: self._symbolic.symbol(x) for x in self.inputs}

        def evaluate(point: Mapping[str, Any]) -> Any:
            return forward(self.tape, point)[self.tape.output]

        return check_gradient(inputs, self.grad, evaluate, self.expr, symbols)

    # -- pictures (rendering) --------------------------------------------------------------------

    def renderer(self, theme: str | Theme = "default", rankdir: str = "LR",
                 granularity: str = "auto") -> Renderer:
        """The renderer for a theme, direction and granularity; its one layout is made on
        first use."""
        theme = get_theme(theme)
        # "auto" shares the renderer (and its layout) of what it resolves to
        key = (theme.name, rankdir, resolve_granularity(self, granularity))
        if key not in self._renderers:
            self._renderers[key] = Renderer(self, theme, rankdir, granularity)
        return self._renderers[key]

    def frames(self, fmt: str = "svg", *, theme: str | Theme = "default",
               rankdir: str = "LR", granularity: str = "auto") -> list[Any]:
        """Frame 0 (forward pass done) and one frame after each step: SVG strings, or PNG/PDF
        bytes. Every frame has the same layout and viewBox. ``granularity="node"`` makes one
        frame per operation instead of per edge ("auto": per node above 300 nodes)."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r} (must be one of {list(FORMATS)})")
        r = self.renderer(theme, rankdir, granularity)
        svgs = list(r.all_svgs())
        return svgs if fmt == "svg" else [convert_svg(s, fmt) for s in svgs]

    def to_dot(self, step: int | None = None, *, theme: str | Theme = "default",
               rankdir: str = "LR") -> str:
        """DOT source of frame ``step`` (0 = forward pass; None = the master the layout is
        made from). Frames reuse the master's layout, so render them with ``frames()``."""
        return self.renderer(theme, rankdir).dot(step)

    def render(self, out_dir: str | Path, formats: Iterable[str] = ("svg",), *,
               theme: str | Theme = "default", rankdir: str = "LR", granularity: str = "auto",
               progress: bool | None = None) -> list[Path]:
        """Write the frames and the other outputs into ``out_dir``; return their paths."""
        return render(self, out_dir, formats, theme=get_theme(theme), rankdir=rankdir,
                      granularity=granularity, progress=progress)

    # -- notebooks ------------------------------------------------------------------------------

    def frame(self, k: int, *, theme: str | Theme = "default", rankdir: str = "LR") -> Frame:
        """Frame ``k`` (0 = forward pass done, k = after step k) as an object that displays
        itself in Jupyter (SVG)."""
        r = self.renderer(theme, rankdir, "edge")
        k = r._check(k)
        return Frame(k, r.views[k].caption, r.svg(k))

    def step(self, k: int, **options: Any) -> Frame:
        """The picture after step ``k`` (1-based, as in the captions); ``step(0)`` is the
        forward pass."""
        return self.frame(k, **options)

    def _repr_html_(self) -> str:
        """In Jupyter: the HTML player, showing the final gradients, with its step controls."""
        return player_html(self)

    def widget(self, **options: Any) -> Any:
        """An ipywidgets slider over the frames (needs ipywidgets and a live kernel)."""
        return slider_widget(self, **options)

    # -- the rest of the calculus chapter ----------------------------------------------------

    def limit_table(self, var: str | None = None,
                    steps: Sequence[float] = DEFAULT_STEPS) -> tuple[LimitRow, ...]:
        """(f(x+h) − f(x))/h for h = 0.1, 0.01, …, next to the exact derivative."""
        return limit_table(self, var, steps)

    def tangent(self, var: str | None = None) -> Tangent:
        """The tangent line at the traced point (slope = the gradient)."""
        return tangent(self, var)

    def plot_tangent(self, out_dir: str | Path, var: str | None = None,
                     **options: Any) -> list[Path]:
        """Plot the output and its tangent line (needs matplotlib)."""
        from .plotting import plot_tangent

        return plot_tangent(self, out_dir, var, **options)

    def __repr__(self) -> str:
        shown = f"value={_plain(self.value)!r}, " if self.value is not None else ""
        return (f"<Trace {self.output} of ({', '.join(self.inputs)}): {shown}"
                f"{len(self.tape)} nodes, {len(self._steps)} steps>")

    def _require_node(self, node: str) -> None:
        if node not in self.tape.index or self.tape.kind(node) == CONST:
            names = [n for n, kind in zip(self.tape.names, self.tape.kinds) if kind != CONST]
            raise GraphError(f"{node!r} is not a variable of this trace "
                             f"(variables: {', '.join(names)})")


EXPANSION_LIMIT = 60
"""Operations up to which outputs expand gradients into the inputs (beyond, sizes explode)."""


def _latex_partial(y: str, x: str) -> str:
    return to_latex(partial_symbol(y, x))


def _plain(value: Any) -> Any:
    """numpy scalars as Python floats; arrays stay arrays."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return value
    return None if value is None else float(value)
