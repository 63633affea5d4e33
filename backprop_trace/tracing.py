"""``trace()``: the pipeline end to end, and ``Trace``, the façade users hold. Every stage
hands the next plain data; ``Trace`` only calls them (parse → build → forward → backward →
``TraceData``, which printing and drawing read)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Final, Literal, overload

import networkx as nx
import numpy as np
import sympy as sp

from .autodiff import TraceData, backward, forward
from .autodiff.calculus import DEFAULT_STEPS, Tangent, limit_table, tangent
from .autodiff.check import check_trace
from .autodiff.composite import collapsed
from .autodiff.forward import check_constants, has_tensors, infer_shapes
from .autodiff.rules import apply_op
from .autodiff.steps import Step
from .autodiff.tangents import (
    ModeWork,
    PathRecord,
    forward_tangent_exprs,
    forward_tangents,
    mode_work,
    paths,
    require_input,
    require_scalar,
)
from .collector import collector_paused
from .describe import Description, describe, exercise_blanks
from .drawing.metrics import CJK_RUN, cjk_characters
from .drawing.options import FRAME_FORMATS, Options, options_from
from .drawing.raster import SLIDE_PIXELS, convert_many, convert_seconds, convert_svg
from .drawing.renderer import Renderer, resolve_granularity
from .drawing.source import FrameSource
from .drawing.style import AUTO_LAYOUT_NODES
from .errors import GraphError, OptionError, ParseError, RenderError, TraceError
from .graph import Group, Tape, build_tape
from .graph.collapse import body_size, outermost
from .graph.view import to_networkx
from .limits import DEFAULT_LIMITS, Limits
from .names import VERSION_STYLES, clean_text
from .notebook import PLAYER_IDS, Frame, Player, player_html, slider_widget
from .outputs import write_outputs
from .parsing import System, fold_name, parse
from .printing.formulas import Formula, chain_rule
from .printing.reports import CheckReport, LimitTable

__all__ = ["trace", "Trace"]


def trace(source: str | Sequence[str] | Callable[..., Any] | Any, *more: str,
          at: Mapping[str, Any] | None = None,
          wrt: str | Iterable[str] | None = None, output: str | None = None,
          shapes: Mapping[str, Sequence[int]] | None = None,
          data: str | Iterable[str] | None = None, versions: str = "superscript",
          limits: Limits = DEFAULT_LIMITS) -> Trace:
    """Trace the chain rule through an expression or equation system.

    ``source`` is one text (equations separated by ``;`` or new lines) or several; ``at``
    gives input values (numbers, vectors, matrices: numpy arrays or nested lists); ``wrt``
    restricts the inputs differentiated; ``output`` picks the output equation when several
    could be; ``shapes`` gives inputs' shapes without values (``{"x": (3,), "A": (3, 3)}``)
    for symbolic matrix calculus; ``data`` names inputs that are data (targets, labels:
    ``data=["y", "t"]``), drawn greyed and not differentiated; ``versions`` is how a rebound
    name's versions read: ``"superscript"`` (h⁽¹⁾, h⁽²⁾) or ``"primes"`` (h, h′, h″).

    >>> t = trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    >>> t.grad
    {'x': -4.0, 'y': -4.0, 'z': 3.0}
    >>> t.chain_rule("x")
    '∂f/∂x = ∂f/∂u₁·∂u₁/∂x'
    """
    _check_limits(limits)
    if at is not None and not isinstance(at, Mapping):
        raise OptionError(f"at must map input names to values (at={{'x': 1.5}}), got "
                          f"{type(at).__name__}")
    if output is not None and not isinstance(output, str):
        raise OptionError(f"output must name an equation, got {type(output).__name__}")
    # a Python function runs with the collector on: its own garbage is its own business
    if versions not in VERSION_STYLES:
        raise OptionError(f"unknown versions {versions!r:.40} (must be one of "
                          f"{list(VERSION_STYLES)})")
    if at is not None:  # names typed elsewhere read as the text's lexer reads them (ｘ: x)
        folded: dict[Any, Any] = {}
        for key, value in at.items():
            name = fold_name(key) if isinstance(key, str) else key
            if name in folded:
                raise OptionError(f"at gives {name} twice ({key!r} is {name} too)")
            folded[name] = value
        at = folded
    wrt, data = _fold_names(wrt), _fold_names(data)
    output = fold_name(output) if isinstance(output, str) else output
    system = _equations(source, more, at, limits, versions)
    with collector_paused():
        tape = build_tape(system, output=output, inputs=at or (), limits=limits)
        _check_drawable(tape, system.text)
        wrt_names = _check_wrt(tape, wrt, data)
        values = forward(tape, at, limits) if at is not None else None
        node_shapes = _shapes(tape, values, {**system.shapes, **_check_shapes(tape, shapes)})
        if values is None:
            check_constants(tape)
        columns, adjoint = backward(tape, values, wrt_names)
        return Trace(TraceData(tape, wrt_names, values, adjoint, columns,
                               clean_text(system.text), limits, node_shapes))


_SHEET: Final = "an exercise sheet (exercise=True, --exercise)"


def _fold_names(names: Any) -> Any:
    """``wrt``/``data`` names as the lexer reads them (a name, or an iterable of names)."""
    if isinstance(names, str):
        return fold_name(names)
    if isinstance(names, (list, tuple)):
        return [fold_name(n) if isinstance(n, str) else n for n in names]
    return names


def _check_drawable(tape: Tape, text: str) -> None:
    """Every Chinese or Korean character of a name is one the bundled font draws (common
    simplified hanzi, Hangul syllables): any other would be an empty box on every slide."""
    names = [*tape.names, *(op for op, abstract in zip(tape.ops, tape.abstract) if abstract),
             *(group.name for group in tape.groups)]  # variables, functions, equations
    if not CJK_RUN.search("".join(names)):
        return
    drawn = cjk_characters()
    for name in names:
        for char in name:
            if CJK_RUN.match(char) and char not in drawn:
                at = text.find(char)
                raise ParseError(
                    f"the name {name} has '{char}' (U+{ord(char):04X}), which the bundled font "
                    f"cannot draw (it has the common simplified Chinese characters and the "
                    f"Korean syllables of KS X 1001): use another word, or Latin letters",
                    text if at >= 0 else "", at if at >= 0 else None)


def _shapes(tape: Tape, values: Any, given: Mapping[str, tuple[int, ...]]
            ) -> tuple[tuple[int, ...], ...]:
    """Every node's shape: from the values, else from the shapes given (checked at every
    operation); empty when every node is a scalar."""
    if values is not None:
        found = [np.shape(v) for v in values]
    elif given or has_tensors(tape):
        found = infer_shapes(tape, given)
    else:
        return ()
    return tuple(found) if any(found) or has_tensors(tape) else ()


def _check_shapes(tape: Tape, shapes: Mapping[str, Sequence[int]] | None
                  ) -> dict[str, tuple[int, ...]]:
    if shapes is None:
        return {}
    if not isinstance(shapes, Mapping):
        raise OptionError(f"shapes must map input names to shapes, e.g. {{'x': (3,)}}, got "
                          f"{type(shapes).__name__}")
    checked = {}
    for name, shape in shapes.items():
        if name not in tape.input_names:
            raise GraphError(f"shapes names {name!r}, which is not an input (inputs: "
                             f"{', '.join(tape.input_names) or 'none'})")
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, Sequence) or len(shape) > 2 or not all(
                isinstance(n, int) and not isinstance(n, bool) and 0 < n <= 10_000
                for n in shape):
            raise OptionError(f"the shape of {name} must be () , (n,) or (m, n) with sizes from "
                              f"1 to 10,000, got {shape!r:.40}")
        checked[name] = tuple(shape)
    return checked


def _equations(source: Any, more: tuple[str, ...], at: Mapping[str, Any] | None,
               limits: Limits, versions: str = "superscript") -> System:
    """The equations of any front end: text (parsed), a Python function (recorded) or a sympy
    expression or equation (walked)."""
    if isinstance(source, str) or (isinstance(source, (list, tuple)) and
                                   all(isinstance(s, str) for s in source)):
        sources = [source] if isinstance(source, str) else list(source)
        return parse([*sources, *more], limits, versions)
    if more:
        raise TraceError("more equations can only follow text equations")
    sympy = sys.modules.get("sympy")  # a sympy object exists only if sympy is imported
    if sympy is not None and isinstance(source, sympy.Basic):
        from .frontends.walk import walk

        return walk(source, limits)
    if callable(source):
        from .frontends.record import record

        return record(source, at, limits, apply_op, versions)
    raise TraceError(f"cannot trace a {type(source).__name__}: give the equations as text, a "
                     f"Python function or a sympy expression")


def _check_wrt(tape: Tape, wrt: str | Iterable[str] | None,
               data: str | Iterable[str] | None = None) -> tuple[str, ...]:
    """The inputs differentiated: ``wrt`` (default every input), less those named ``data``."""
    inputs = tape.input_names
    chosen = list(inputs) if wrt is None else _input_names(tape, wrt, "wrt")
    if data is None:
        return tuple(dict.fromkeys(chosen))
    constant = set(_input_names(tape, data, "data"))
    if wrt is not None and constant & set(chosen):
        both = ", ".join(sorted(constant & set(chosen)))
        raise OptionError(f"{both} cannot be both data and differentiated (wrt): name each "
                          f"input in one of them")
    kept = [name for name in chosen if name not in constant]
    if not kept:
        raise OptionError("every input is data: leave at least one input out of data= to "
                          "differentiate")
    return tuple(dict.fromkeys(kept))


def _input_names(tape: Tape, names: str | Iterable[str], what: str) -> list[str]:
    inputs = tape.input_names
    # a string is one name or several separated by commas ("y,t"), as on the command line
    listed = [n.strip() for n in names.split(",") if n.strip()] if isinstance(names, str) \
        else list(names) if isinstance(names, Iterable) else None
    if listed is None or not all(isinstance(w, str) for w in listed):
        raise GraphError(f"{what} must name inputs (a name or a list of names), got "
                         f"{names!r:.40}")
    for name in listed:
        if name not in inputs:
            doing = "differentiate with respect to" if what == "wrt" else "treat as data"
            raise GraphError(f"cannot {doing} {name!r}: it is not an input (inputs: "
                             f"{', '.join(inputs) or 'none'})")
    return listed


class Trace:
    """The result of ``trace``: graph, values, gradient and the recorded chain-rule steps."""

    def __init__(self, data: TraceData) -> None:
        self.data = data
        self._renderers: dict[Options, Renderer] = {}
        self._drawn: dict[tuple[tuple[int, str], ...], Description] = {}
        # (expand, collapse) → the groups drawn as gates, and how many nodes they hide
        self._gates: dict[tuple[tuple[str, ...], ...], tuple[tuple[Group, ...], int]] = {}

    # -- the DESIGN.md contract --------------------------------------------------------------

    @property
    def tape(self) -> Tape:
        return self.data.tape

    @property
    def source(self) -> str:
        return self.data.source

    @property
    def wrt(self) -> tuple[str, ...]:
        return self.data.wrt

    @property
    def limits(self) -> Limits:
        return self.data.limits

    @property
    def steps(self) -> tuple[Step, ...]:
        """The chain-rule steps, seed first, in drawing order (made on first use)."""
        return self.data.steps

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The computational graph as a frozen networkx.MultiDiGraph (made on first use)."""
        with collector_paused():
            return to_networkx(self.data.tape)

    @property
    def output(self) -> str:
        return self.data.output

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.data.inputs

    @property
    def values(self) -> dict[str, Any]:
        """Forward values of inputs and operations by name (empty without ``at``); a copy."""
        return dict(self.data.values)

    @property
    def value(self) -> Any:
        """The output's forward value, or None without ``at``."""
        return self.data.value

    @property
    def grad(self) -> dict[str, Any]:
        """∂output/∂input for each input in ``wrt`` (0 where the output does not depend on
        it); empty without ``at``. With arrays, the gradient of the sum of the output. A copy:
        editing it changes nothing else."""
        return dict(self.data.grad)

    @property
    def grad_expr(self) -> dict[str, sp.Expr]:
        """∂output/∂input as sympy expressions in the inputs."""
        return dict(self.data.grad_expr)

    @property
    def expandable(self) -> bool:
        """Whether whole expressions in the inputs stay readable (and cheap) for this graph:
        the outputs written by ``render`` and the CLI expand ``grad_expr`` only then."""
        return self.data.expandable

    def adjoint_expr(self, var: str) -> sp.Expr:
        """∂y/∂var as the sum of its chain-rule terms, in the node symbols
        (``∂f/∂u₁·1``): always compact, whatever the size of the graph."""
        self.data.require_variable(var)
        return self.data.view.adjoint_expr(var)

    @cached_property
    def expr(self) -> sp.Expr:
        """The output as one sympy expression in the inputs (a matrix expression in matrix
        symbols when the trace has vector or matrix operations)."""
        return self.data.expr_of(self.output)

    def node_expr(self, node: str) -> sp.Expr:
        """Any node's value as a sympy expression in the inputs."""
        return self.data.expr_of(node)

    def local_expr(self, node: str) -> sp.Expr:
        """An operation node in its arguments' symbols (``x + y`` for u₁ = x + y)."""
        return self.data.local_expr(node)

    def chain_rule(self, var: str) -> Formula:
        """∂y/∂var = Σⱼ ∂y/∂uⱼ·∂uⱼ/∂var over the nodes uⱼ that use ``var`` directly.

        >>> trace("u = f(x, y); x = x(a); y = y(a)").chain_rule("a")
        '∂u/∂a = ∂u/∂x·∂x/∂a + ∂u/∂y·∂y/∂a'
        """
        return chain_rule(self.data, var)

    def check(self) -> CheckReport:
        """Compare the gradient with central differences and with sympy.diff of the whole
        expression (needs values)."""
        return CheckReport.of(check_trace(self.data))

    # -- forward mode and the sum over paths ----------------------------------------------------

    def forward_mode(self, wrt: str | None = None) -> dict[str, Any]:
        """∂node/∂wrt for every node, inputs included (forward-mode differentiation from one
        input: one pass gives every node's derivative with respect to it). Floats with
        values, sympy expressions in the inputs without. ``wrt`` defaults to the first
        differentiated input.

        >>> t = trace("c = a + b; d = b + 1; e = c*d", at={"a": 2, "b": 1})
        >>> t.forward_mode("b")
        {'a': 0.0, 'b': 1.0, 'c': 1.0, 'd': 1.0, 'e': 5.0}
        """
        require_scalar(self.data, "forward mode")
        x = require_input(self.data, wrt, "forward_mode")
        with collector_paused():
            if self.data.node_values is not None:
                return forward_tangents(self.data, x)
            return forward_tangent_exprs(self.data, x)

    def paths(self, wrt: str | None = None) -> tuple[PathRecord, ...]:
        """Every path from input ``wrt`` to the output with the product of its edge partials
        (``.nodes``, ``.edges``, ``.product_expr`` in the node symbols, ``.product`` with
        values): the products sum to ∂output/∂wrt. At most ``limits.max_paths`` of them.

        >>> [p.product for p in trace("c = a + b; d = b + 1; e = c*d",
        ...                           at={"a": 2, "b": 1}).paths("b")]
        [2.0, 3.0]
        """
        require_scalar(self.data, "the sum over paths")
        x = require_input(self.data, wrt, "paths")
        with collector_paused():
            return paths(self.data, x, self.limits.max_paths)

    def mode_work(self) -> ModeWork:
        """The work of forward mode (one pass per input) against one reverse pass, in edges
        visited: why backpropagation goes backwards, on this graph."""
        require_scalar(self.data, "the work of forward mode")
        return mode_work(self.data)

    # -- what each step says ---------------------------------------------------------------

    @cached_property
    def description(self) -> Description:
        """Every step described once (shown-maths trees, digits chosen for the whole trace):
        what frames, captions, the narrative, the listing and JSON all print."""
        with collector_paused():
            return describe(self.data)

    # -- pictures ------------------------------------------------------------------------------

    def renderer(self, options: Options | None = None, **changes: Any) -> Renderer:
        """The renderer for these options; its one layout is made on first use."""
        chosen = options_from(options, changes)
        if chosen.mode != "reverse":
            return self._mode_renderer(chosen)
        names = (chosen.expand, chosen.collapse)
        if names not in self._gates:  # a graph of 4,000 calls takes 0.1 s to choose them
            groups = self.composite_gates(*names)
            self._gates[names] = (groups, sum(len(g.members) for g in outermost(groups)))
        groups, hidden = self._gates[names]
        chosen_gates = tuple((g.output, g.name) for g in groups)
        drawn = len(self.tape) - len(self.tape.constant_nodes) - hidden
        if drawn > self.limits.max_drawn_nodes:
            raise RenderError(f"the graph has {drawn:,} nodes, more than limits.max_drawn_nodes "
                              f"= {self.limits.max_drawn_nodes:,} a picture may have: trace a "
                              f"smaller part (wrt=…, output=…) or raise the limit (the trace "
                              f"itself, its values and gradients, are all there)")
        if chosen_gates not in self._drawn:
            with collector_paused():
                self._drawn[chosen_gates] = (describe(collapsed(self.data, groups)) if groups
                                             else self.description)
        drawn_desc = self._drawn[chosen_gates]
        # "auto" shares the renderer (and its layout) of what it resolves to; formats do not
        # change a frame, nor do names that pick the same gates
        key = chosen.with_(granularity=resolve_granularity(drawn_desc, chosen.granularity),
                           formats=("svg",), png_size=SLIDE_PIXELS, expand=(), exercise=False,
                           collapse=tuple(f"{output}:{name}" for output, name in chosen_gates))
        if key not in self._renderers:
            self._renderers[key] = Renderer(drawn_desc, key)
        return self._renderers[key]

    def _mode_renderer(self, chosen: Options) -> Renderer:
        """Forward mode's or the paths' frames, on the reverse frames' layout and slide."""
        what = "forward-mode frames" if chosen.mode == "forward" else "path frames"
        require_scalar(self.data, what)
        wrt = require_input(self.data, chosen.wrt, what)
        if chosen.mode == "paths":
            paths(self.data, wrt, self.limits.max_paths)  # past the limit: say so first
        base = self.renderer(chosen.with_(mode="reverse", wrt=None))
        if not base.readable:
            raise OptionError(f"{what} are drawn for graphs of up to {AUTO_LAYOUT_NODES} drawn "
                              f"nodes (this one is larger): forward_mode() and paths() give "
                              f"their numbers")
        key = chosen.with_(wrt=wrt, granularity="edge", formats=("svg",),
                           png_size=SLIDE_PIXELS, exercise=False)
        if key not in self._renderers:
            self._renderers[key] = Renderer(base.desc, key, base=base)
        return self._renderers[key]

    def _exercise_renderer(self, chosen: Options) -> Renderer:
        """An exercise sheet's frames, laid out for their numbered blanks."""
        if chosen.mode != "reverse":
            raise OptionError(f"{_SHEET} asks for the reverse pass's gradients: draw "
                              f"mode={chosen.mode!r} without it")
        if self.data.shapes:
            raise OptionError(f"{_SHEET} is drawn for graphs of numbers: this one has vectors "
                              f"or matrices")
        if not exercise_blanks(self.description):
            raise OptionError(f"{_SHEET} has nothing to ask: {self.output} depends on no input "
                              f"that is differentiated")
        base = self.renderer(chosen.with_(wrt=None, exercise=False))
        if not base.readable:
            raise OptionError(f"{_SHEET} is drawn for graphs of up to {AUTO_LAYOUT_NODES} drawn "
                              f"nodes (this one is larger)")
        key = base.options.with_(exercise=True)
        if key not in self._renderers:
            self._renderers[key] = Renderer(base.desc, key, exercise=True)
        return self._renderers[key]

    def exercise(self, options: Options | None = None, **changes: Any) -> list[Frame]:
        """An exercise sheet's frame (every gradient but the seed a numbered blank,
        ``(3) ∂f/∂x = ____``, the local partials on the wires) and its answers' frame;
        ``render(…, exercise=True)`` writes them as PDF and Markdown."""
        r = self._exercise_renderer(options_from(options, changes))
        return [Frame(k, r.views[k].caption, r.svg(k)) for k in range(2)]

    def composite_gates(self, expand: Sequence[str] = (),
                        collapse: Sequence[str] = ()) -> tuple[Group, ...]:
        """The groups drawn as one gate: every call of a user function (unless its name is in
        ``expand``, or ``expand`` has "all") and each named equation in ``collapse`` ("all":
        every one). Drawn for scalar traces, and not where a group holds an abstract function
        (its partials are symbols of nodes a gate would hide) or its body written out is over
        ``limits.max_expression_size`` nodes (sympy would take minutes); the steps and
        gradients are the same either way."""
        groups = self.tape.groups
        functions = {g.name for g in groups if g.kind == "function"}
        equations = {g.name for g in groups if g.kind == "equation"}
        for option, names, known, other in (("expand", expand, functions, equations),
                                            ("collapse", collapse, equations, functions)):
            for name in names:
                if name != "all" and name not in known:
                    hint = (f"; {name} is {'a function' if option == 'collapse' else 'an equation'}"
                            f": use {'expand' if option == 'collapse' else 'collapse'}"
                            if name in other else "")
                    raise OptionError(f"{option}: {name!r:.40} is not a "
                                      f"{'function' if option == 'expand' else 'named equation'}"
                                      f" of this trace (choices: "
                                      f"{', '.join(sorted(known)) or 'none'}, all){hint}")
        if self.data.shapes and collapse:
            raise OptionError("collapse: composite gates are drawn for scalar traces only "
                              "(this one has vectors or matrices)")
        if self.data.shapes:
            return ()
        every_function = "all" in expand
        every_equation = "all" in collapse
        abstract = self.tape.abstract
        cap = self.limits.max_expression_size
        return tuple(g for g in groups
                     if ((g.kind == "function" and not every_function and g.name not in expand)
                         or (g.kind == "equation" and (every_equation or g.name in collapse)))
                     and not any(abstract[i] for i in (*g.members, g.output))
                     and body_size(self.tape, g, cap + 1) <= cap)

    @overload
    def frames(self, fmt: Literal["svg"] = "svg", options: Options | None = None,
               **changes: Any) -> list[str]: ...

    @overload
    def frames(self, fmt: Literal["png", "pdf"], options: Options | None = None,
               **changes: Any) -> list[bytes]: ...

    def frames(self, fmt: str = "svg", options: Options | None = None,
               **changes: Any) -> list[str] | list[bytes]:
        """Frame 0 (forward pass done) and one frame after each step: SVG strings, or PNG/PDF
        bytes. Every frame has the same layout and viewBox, padded to a 16:9 slide. Options
        (an ``Options`` or keywords): ``theme``, ``rankdir`` ("auto": left to right or top to
        bottom, whichever shows the text larger), ``aspect``, ``constants`` ("node": constants
        as nodes), ``granularity`` ("node": a frame per operation), ``lang``."""
        fmt = _frame_format(fmt)
        chosen = options_from(options, changes)
        svgs = list(self.renderer(chosen).all_svgs())
        if fmt == "svg":
            return svgs
        start = time.perf_counter()
        first = convert_svg(svgs[0], fmt, chosen.png_size)
        seconds = convert_seconds(time.perf_counter() - start, len(svgs), [fmt])
        if seconds > self.limits.max_convert_seconds:
            raise RenderError(f"converting {len(svgs):,} frames to {fmt.upper()} would take "
                              f"about {seconds:,.0f} s, more than limits.max_convert_seconds = "
                              f"{self.limits.max_convert_seconds:g}: use SVG frames, "
                              f"granularity='node', or raise the limit")
        return [first, *convert_many(svgs[1:], fmt, chosen.png_size, len(svgs))]

    def captions(self, options: Options | None = None, **changes: Any) -> list[str]:
        """The caption of every frame (frame 0 first), as the frames show them."""
        return self.renderer(options, **changes).captions()

    def to_dot(self, step: int | None = None, options: Options | None = None,
               **changes: Any) -> str:
        """DOT source of frame ``step`` (0 = forward pass; None = the master the layout is
        made from). Frames reuse the master's layout, so render them with ``frames()``."""
        return self.renderer(options, **changes).dot(step)

    def to_graphviz(self, step: int = -1, options: Options | None = None,
                    **changes: Any) -> FrameSource:
        """Frame ``step`` (default: the last) as a ``graphviz.Source``: its ``.source`` is the
        frame's DOT; displaying it, ``.pipe()`` and ``.render()`` give the frame as drawn here,
        with no system Graphviz needed."""
        r = self.renderer(options, **{"granularity": "edge", **changes})
        k = r.check_frame(step)
        return FrameSource(r.dot(k), r.svg(k), format="svg")

    def render(self, out_dir: str | Path, formats: Iterable[str] | str | None = None,
               options: Options | None = None, *, progress: bool | None = None,
               **changes: Any) -> list[Path]:
        """Write the frames and the other outputs into ``out_dir``; return their paths."""
        if not isinstance(out_dir, (str, os.PathLike)):
            raise OptionError(f"render needs a folder to write into (a str or Path), got "
                              f"{type(out_dir).__name__}")
        if formats is not None:
            changes["formats"] = formats
        chosen = options_from(options, changes)
        exercise = self._exercise_renderer(chosen) if chosen.exercise else None
        return write_outputs(self.renderer(chosen), out_dir, chosen.formats, progress=progress,
                             png_size=chosen.png_size, whole=self.description,
                             exercise=exercise)

    # -- notebooks ------------------------------------------------------------------------------

    def frame(self, k: int, options: Options | None = None, **changes: Any) -> Frame:
        """Frame ``k`` (0 = forward pass done, k = after step k) alone, as an object that
        displays itself in Jupyter (SVG) and saves itself (``.save("step3.png")``)."""
        r = self.renderer(options, **{"granularity": "edge", **changes})
        k = r.check_frame(k)
        return Frame(k, r.views[k].caption, r.svg(k))

    def step(self, k: int, options: Options | None = None, **changes: Any) -> Frame:
        """The picture after step ``k`` (1-based, as in the captions); ``step(0)`` is the
        forward pass."""
        return self.frame(k, options, **changes)

    def _repr_html_(self) -> str:
        """In Jupyter: the HTML player, showing the final gradients, with its step controls."""
        return player_html(self.description, self.renderer)

    def player(self, options: Options | None = None, **changes: Any) -> Player:
        """The HTML player with these options, shown in Jupyter at its first frame: e.g.
        ``t.player(mode="forward", wrt="b")`` (displaying ``t`` itself shows the reverse
        pass's player at its last frame)."""
        r = self.renderer(options, **changes)
        return Player(r.html_fragment(f"bt-player-{next(PLAYER_IDS)}"), len(r.views))

    def widget(self, options: Options | None = None, **changes: Any) -> Any:
        """An ipywidgets slider over the frames (needs ipywidgets and a live kernel)."""
        return slider_widget(self.frames("svg", options, **changes))

    # -- the rest of the calculus chapter ----------------------------------------------------

    def limit_table(self, wrt: str | None = None,
                    steps: Sequence[float] = DEFAULT_STEPS) -> LimitTable:
        """(f(x+h) − f(x))/h for h = 0.1, 0.01, …, next to the exact derivative: rows of
        (h, quotient, error), shown as a table in a notebook."""
        return LimitTable(limit_table(self.data, wrt, steps))

    def tangent(self, wrt: str | None = None) -> Tangent:
        """The tangent line at the traced point (slope = the gradient)."""
        return tangent(self.data, wrt)

    def plot_tangent(self, path: str | Path | None = None, wrt: str | None = None, *,
                     ax: Any = None, half_width: float = 2.0,
                     theme: str = "default", **unknown: Any) -> Any:
        """Plot the output and its tangent line at the traced point (needs matplotlib) and
        return the matplotlib Figure (it shows inline in a notebook). With ``ax`` the plot is
        drawn there; with ``path`` (``….svg``, ``.png`` or ``.pdf``) the figure is also
        saved there. matplotlib's backend and settings are left as they are."""
        from .drawing.plotting import tangent_figure
        from .outputs.plots import save_figure

        if unknown:
            raise OptionError(f"plot_tangent has no option {next(iter(unknown))!r} (options: "
                              f"path, wrt, ax, half_width, theme; the format comes from the "
                              f"path's suffix)")

        figure = tangent_figure(self.data, wrt, ax=ax, half_width=half_width, theme=theme)
        if path is not None:
            save_figure(figure, path)
        return figure

    def __repr__(self) -> str:
        value = self.value
        shown = f"value={value!r}, " if value is not None else ""
        return (f"<Trace {self.output} of ({', '.join(self.inputs)}): {shown}"
                f"{len(self.tape)} nodes, {len(self.data.columns)} steps>")



def _frame_format(fmt: object) -> str:
    if fmt not in FRAME_FORMATS:
        raise OptionError(f"unknown format {fmt!r:.40} (must be one of {list(FRAME_FORMATS)})")
    return str(fmt)


def _check_limits(limits: object) -> None:
    if not isinstance(limits, Limits):
        raise OptionError(f"limits must be a backprop_trace.Limits, got {type(limits).__name__} "
                          f"(e.g. limits=bt.Limits(max_nodes=100_000))")
