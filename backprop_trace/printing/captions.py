"""What each frame says, in unicode: node lines, wire labels and step captions — the step
descriptions printed, with the catalogue's words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

import numpy as np

from ..describe import Description, StepDescription, exercise_blanks
from ..describe.maths import Equation, Number, Partial, Space
from ..describe.modes import ModeDescription, own_partial
from ..names import pretty_name, shape_text
from .messages import message
from .unicode import to_unicode

__all__ = ["header_line", "value_line", "gradient_line", "local_label", "contribution_label",
           "step_caption", "group_caption", "forward_caption", "mode_captions", "BLANK",
           "exercise_lines", "exercise_caption", "exercise_wire_labels", "exercise_partials"]


MATRIX_ROWS: Final = 3
MATRIX_COLUMNS: Final = 4
VECTOR_ELEMENTS: Final = 6
"""Vectors and matrices up to these sizes are written out in a node; larger ones by norm."""
WIRE_ELEMENTS: Final = 4
"""A gradient passed back along a wire is written out up to this many elements (a vector)."""


def header_line(desc: Description, node: str) -> tuple[str, str]:
    """(name, "= local expression") for a node; inputs have no expression; a vector or matrix
    says where it lives (``W₁ ∈ ℝ³ˣ⁴``)."""
    own = desc.operation(node)
    shape = desc.data.shape(node)
    space = f" ∈ {shape_text(shape)}" if shape else ""
    return pretty_name(node), ("" if own is None else f" = {to_unicode(own)}") + space


def value_line(desc: Description, node: str) -> str | None:
    """``= 3``; a small matrix as a block (rows on lines, cells split by tabs, for the frame
    to align); a large vector or matrix by its norm."""
    value = desc.value(node)
    if value is None:
        return None
    return _tensor(f"‖{pretty_name(node)}‖", "=", value) or f"= {to_unicode(value)}"


def gradient_line(desc: Description, node: str, step: StepDescription | None) -> str:
    """∂y/∂node as known after ``step``, or ``∂y/∂node = ?`` before any."""
    line = desc.gradient_line(node, step)
    if isinstance(line, Equation) and len(line.sides) == 2 and isinstance(line.sides[1], Number):
        head = to_unicode(line.sides[0])
        block = _tensor(f"‖{head}‖", f"{head} =", line.sides[1])
        if block is not None:
            return block
    return to_unicode(line)


def _tensor(norm: str, head: str, value: Number) -> str | None:
    """A vector or matrix value as a node shows it, or None for a scalar or a short vector
    (one line, as printed)."""
    array = value.value
    ndim = getattr(array, "ndim", 0)
    if ndim == 0 or (ndim == 1 and array.size <= VECTOR_ELEMENTS):
        return None
    if ndim > 2 or array.shape[0] > MATRIX_ROWS or array.shape[1] > MATRIX_COLUMNS:
        size = Number(float(np.linalg.norm(array)), value.digits)
        return f"{norm} = {to_unicode(size)}"
    cells = [[to_unicode(Number(v, value.digits, value.fraction)) for v in row] for row in array]
    rows = len(cells)
    brackets = [("[", "]")] if rows == 1 else \
        [("⎡", "⎤"), *[("⎢", "⎥")] * (rows - 2), ("⎣", "⎦")]
    return "\n".join("\t".join([head if k == 0 else "", left, *row, right])
                     for k, (row, (left, right)) in enumerate(zip(cells, brackets)))


def local_label(step: StepDescription) -> str:
    """The edge's local partial, symbolic and (with values) numeric: ``∂f/∂u₁ = z = −4``."""
    assert step.local_label is not None
    return to_unicode(step.local_label)


def contribution_label(step: StepDescription) -> str:
    """What the wire passes back: the contribution, ``−4`` (symbolically ``∂f/∂u₁·z``); a
    vector or matrix too large for a wire by where it lives (``ℝ³ˣ⁴``)."""
    value = step.contribution
    if isinstance(value, Number) and np.ndim(value.value) and (
            np.ndim(value.value) > 1 or np.size(value.value) > WIRE_ELEMENTS):
        return to_unicode(Space(value.value.shape))
    return to_unicode(value)


def step_caption(desc: Description, step: StepDescription, lang: str = "en") -> str:
    """The step in the textbook's notation, one line, e.g.
    ``step 2/5: ∂f/∂u₁ = ∂f/∂f · ∂(u₁·z)/∂u₁ = 1 · z = 1 · (−4) = −4``."""
    text = to_unicode(step.equation)
    if step.term_of_terms:
        text += message("caption.term", lang, term=step.term, terms=step.terms)
    return message("caption.step", lang, step=step.index + 1, steps=len(desc.steps),
                   formula=text)


def group_caption(desc: Description, steps: Sequence[StepDescription], lang: str = "en") -> str:
    """One frame for an operation's whole backward pass (granularity "node")."""
    first = steps[0]
    assert first.via is not None
    received = ", ".join(gradient_line(desc, s.node, s) for s in steps)
    term = next(t for t in first.sum_terms if t.step == first.index)
    own = desc.operation(first.via)
    assert own is not None
    value = to_unicode(term.upstream_value) if term.upstream_value is not None else "…"
    return message("caption.group", lang, first=first.index + 1, last=steps[-1].index + 1,
                   steps=len(desc.steps), via=pretty_name(first.via), expression=to_unicode(own),
                   upstream=to_unicode(Partial(desc.output, first.via)), value=value,
                   received=received)


BLANK: Final = "____"
"""What an exercise sheet leaves to fill in."""


def exercise_lines(desc: Description, answers: bool) -> dict[str, str]:
    """Each node's line on an exercise sheet: ``(3) ∂f/∂x = ____``, or with its answer
    ``(3) ∂f/∂x = −4``; the seed ``∂f/∂f = 1`` as given."""
    lines = {}
    for k, step in enumerate(exercise_blanks(desc), 1):
        head = to_unicode(Partial(desc.output, step.node))
        shown = gradient_line(desc, step.node, step) if answers else f"{head} = {BLANK}"
        if answers and (shown == head or head in shown.partition(" = ")[2]):
            # an abstract function's ∂u/∂x (the frames' own shorthand) would answer the blank
            # with itself: the answer says how it is found, in the wires' ∂f/∂x
            shown = to_unicode(step.equation)
        lines[step.node] = f"({k}) {shown}"
    return lines


def exercise_partials(desc: Description) -> dict[int, Equation]:
    """Each wire's local partial as the partial of its node's own expression,
    ``∂(u₁·z)/∂u₁ = z = −4`` (of an abstract function or a gate, ``∂f/∂x``), by step index:
    never the total ∂f/∂u₁ a blank asks for."""
    index = {name: i for i, name in enumerate(desc.data.tape.names)}
    return {s.index: Equation((own_partial(desc, index[s.via], s.position, by_function=True),
                               *s.local_label.sides[1:]))
            for s in desc.steps
            if s.local_label is not None and s.via is not None and s.position is not None}


def exercise_wire_labels(desc: Description) -> dict[int, str]:
    """The wires' texts of an exercise sheet (``exercise_partials``)."""
    return {k: to_unicode(partial) for k, partial in exercise_partials(desc).items()}


def exercise_caption(desc: Description, answers: bool, lang: str = "en") -> str:
    n = len(exercise_blanks(desc))
    if answers:
        return message("exercise.answers", lang, blanks="(1)" if n == 1 else f"(1)–({n})")
    if n == 1:
        return message("exercise.caption_one", lang)
    return message("exercise.caption", lang, blanks=f"(1)–({n})")


def forward_caption(desc: Description, lang: str = "en") -> str:
    n = len(desc.steps)
    output = pretty_name(desc.output)
    value = desc.value(desc.output)
    if value is not None:
        return message("caption.forward", lang, output=output, value=to_unicode(value), steps=n)
    return message("caption.graph", lang, output=output, steps=n)



def mode_captions(desc: Description, mode: ModeDescription, lang: str = "en",
                  fits: Callable[[str], bool] | None = None) -> list[str]:
    """The captions of forward mode's or the paths' frames, frame 0 first. A path's caption
    that does not ``fit`` (the frames' caption space, sized for the reverse pass) drops its
    route, then its symbols, then its factors: the frame lights the path itself."""
    wrt = pretty_name(mode.wrt)
    steps = sum(1 for s in mode.steps if s.kind != "work")  # the closing frame is no step
    if mode.mode == "forward":
        out = [message("caption.forward_mode" if steps != 1 else "caption.forward_mode_one",
                       lang, wrt=wrt, steps=steps)]
        for k, step in enumerate(mode.steps, 1):
            formula = to_unicode(step.equation)
            texts = [message("caption.step", lang, step=k, steps=steps, formula=formula)]
            if step.kind == "seed":
                zeros = [n for n in step.lines if n != mode.wrt]
                texts = [message("caption.seed", lang, step=k, steps=steps, formula=formula)]
                if zeros:  # ∂a/∂b = ∂d/∂b = 0, said once
                    zero = step.lines[zeros[0]]
                    assert isinstance(zero, Equation)
                    sides = (*(Partial(n, mode.wrt) for n in zeros), zero.sides[-1])
                    texts.insert(0, message("caption.seed_zeros" if len(zeros) > 1 else
                                            "caption.seed_zero", lang, step=k, steps=steps,
                                            formula=formula, wrt=wrt,
                                            zeros=to_unicode(Equation(sides))))
            elif step.kind == "work" and mode.work is not None:
                work = mode.work
                texts = [message(key, lang, formula=formula, visits=mode.visits,
                                 passes=work.passes, total=work.forward_total,
                                 reverse=work.reverse)
                         for key in ("caption.work", "caption.work_short",
                                     "caption.work_shortest")]
            out.append(next((t for t in texts if fits is None or fits(t)), texts[-1]))
        return out
    n = len(mode.paths)
    key = "caption.paths" if n > 1 else "caption.paths_one" if n else "caption.paths_none"
    out = [message(key, lang, paths=n, wrt=wrt,
                   output=pretty_name(desc.output),
                   gradient=to_unicode(Partial(desc.output, mode.wrt)))]
    for step in mode.steps:
        sides = step.equation.sides
        if step.kind == "sum":  # ∂y/∂x = Σ products = total, or ∂y/∂x = total
            forms = [sides, (sides[0], sides[-1])]
            texts = [message("caption.path_sum", lang, paths=n, formula=to_unicode(Equation(f)))
                     for f in forms]
        else:  # symbols = numbers = product, with and without the route; then fewer sides
            route = " → ".join(pretty_name(node) for node in step.nodes)
            texts = [message("caption.path", lang, path=step.path, paths=n, route=route,
                             formula=to_unicode(step.equation))]
            texts += [message("caption.path_short", lang, path=step.path, paths=n,
                              edges=len(step.edges), formula=to_unicode(Equation(sides[k:])))
                      for k in range(len(sides))]
        out.append(next((t for t in texts if fits is None or fits(t)), texts[-1]))
    return out
