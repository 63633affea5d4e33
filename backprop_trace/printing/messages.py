"""The catalogue of text shown to people — captions, narrative, listing, player and notebook
labels, command-line summaries — as templates per language. Formulas and numbers are filled
in by the printers; only the words live here, so a language is one more table.

>>> message("caption.step", step=1, steps=5, formula="∂f/∂f = 1")
'step 1/5: ∂f/∂f = 1'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["message", "LANGUAGES", "CATALOGUE"]

_ENGLISH: Final[Mapping[str, str]] = MappingProxyType({
    # frame captions
    "caption.step": "step {step}/{steps}: {formula}",
    "caption.term": "   (contribution {term} of {terms})",
    "caption.group": "steps {first}–{last}/{steps}: back through {via} = {expression}, "
                     "{upstream} = {value}:  {received}",
    "caption.forward": "forward pass: {output} = {value}; backward pass next ({steps} steps)",
    "caption.graph": "graph of {output}; backward pass next ({steps} steps)",
    "caption.forward_mode": "forward mode from {wrt}: each node's ∂/∂{wrt} in turn "
                            "({steps} steps)",
    "caption.seed": "step {step}/{steps}: the seed, {formula}",
    "caption.seed_zeros": "step {step}/{steps}: the seed, {formula}; {zeros} (they do not "
                          "depend on {wrt})",
    "caption.seed_zero": "step {step}/{steps}: the seed, {formula}; {zeros} (it does not "
                         "depend on {wrt})",
    "caption.work": "{formula} in this pass ({visits} edge visits); the whole gradient: "
                    "{passes} forward passes ({total}) or one reverse pass ({reverse})",
    "caption.work_short": "the whole gradient: {passes} forward passes ({total} edge visits) "
                          "or one reverse pass ({reverse})",
    "caption.work_shortest": "forward mode: {passes} passes, {total} edge visits; reverse: 1 "
                             "pass, {reverse}",
    "caption.forward_mode_one": "forward mode from {wrt}: each node's ∂/∂{wrt} in turn "
                                "(1 step)",
    "caption.paths_none": "no path leads from {wrt} to {output}: {gradient} = 0",
    "caption.paths": "{paths} paths from {wrt} to {output}: their products of partials add "
                     "up to {gradient}",
    "caption.paths_one": "1 path from {wrt} to {output}: its product of partials is "
                         "{gradient}",
    "caption.path": "path {path}/{paths}, {route}: {formula}",
    "caption.path_short": "path {path}/{paths} ({edges} edges): {formula}",
    "caption.path_sum": "sum over the {paths} paths: {formula}",
    "title": "backprop_trace: {source}",
    # narrative (Markdown + LaTeX)
    "narrative.title": "# Backpropagation through ${output}$",
    "narrative.forward": "## Forward pass",
    "narrative.table": "| node | expression | value |",
    "narrative.input": "input",
    "narrative.backward": "## Backward pass",
    "narrative.rule": "Each step adds one term of the chain rule {rule}.",
    "narrative.step": "**Step {step} of {steps}**",
    "narrative.term": " (contribution {term} of {terms})",
    "narrative.gradient": "## Gradient",
    "narrative.chain_rule": "## Chain rule",
    "narrative.forward_mode": "## Forward mode from ${wrt}$",
    "narrative.forward_rule": "Forward mode pushes the derivative with respect to ${wrt}$ "
                              "forward, each operation $u_j = g_j(\\ldots)$ in turn, its "
                              "arguments' derivatives each times a local partial of $g_j$: "
                              "{rule}.",
    "narrative.paths": "## The sum over paths from ${wrt}$",
    "narrative.paths_rule": "Each path from ${wrt}$ to ${output}$ multiplies the partials "
                            "along its edges; the products add up to "
                            "$\\frac{{\\partial {output}}}{{\\partial {wrt}}}$.",
    "narrative.path": "**Path {path} of {paths}**: {route}",
    "narrative.path_sum": "**Their sum**",
    "narrative.work": "## Forward mode or reverse mode?",
    "narrative.work_forward": "Forward mode gives every node's derivative with respect to one "
                              "input per pass: the gradient takes {passes} passes, visiting "
                              "{visits} = {total} edges.",
    "narrative.work_reverse": "One reverse pass gives the derivative of ${output}$ with respect "
                              "to every node: {reverse} edges, the whole gradient.",
    "narrative.work_ratio": "On this graph forward mode does {ratio}× the work of one reverse "
                            "pass. With one output and many inputs (a network's loss and its "
                            "weights), forward mode needs a pass per weight and reverse mode "
                            "one pass in all: that is why backpropagation goes backwards.",
    "narrative.work_one": "With one input, one forward-mode pass and one reverse pass each "
                          "visit the {reverse} edges; with one output and many inputs (a "
                          "network's loss and its weights) forward mode needs a pass per "
                          "input and reverse mode still one: that is why backpropagation goes "
                          "backwards.",
    # the backward pass as code
    "listing.meaning": "# x{bar} means ∂{output}/∂x",
    "listing.forward": "# forward",
    "listing.backward": "# backward",
    "listing.gradient": "# gradient",
    "listing.forward_mode": "# forward mode from {wrt}: v{dot} means ∂v/∂{wrt} for each node v "
                            "(0, and left out, where v does not depend on {wrt})",
    "listing.step": "  # step {step}",
    "listing.term": ", contribution {term} of {terms}",
    # the HTML player
    "player.first": "« first",
    "player.first_hint": "first frame (Home)",
    "player.prev": "◀ prev",
    "player.prev_hint": "previous step (←)",
    "player.play": "▶ play",
    "player.pause": "❚❚ pause",
    "player.play_hint": "play / pause (space)",
    "player.next": "next ▶",
    "player.next_hint": "next step (→)",
    "player.last": "last »",
    "player.last_hint": "last frame (End)",
    "player.frame": "frame",
    "player.counter": "frame {k} / {last}",
    "player.zoom_in": "+",
    "player.zoom_in_hint": "zoom in (+; or the mouse wheel{modifier})",
    "player.zoom_out": "−",
    "player.zoom_out_hint": "zoom out (−)",
    "player.fit": "fit",
    "player.fit_hint": "whole frame (0 or double-click); drag to pan when zoomed in",
    "player.ctrl": " with Ctrl",
    # the Beamer file
    "beamer.title": "Backpropagation, one chain-rule term at a time",
    # command-line summaries
    "cli.wrote": "wrote {frames} frames ({formats}) and {others} to {out}/ ({size})",
    "cli.open": "step through them: open {index}",
    "cli.no_picture": "(no picture: {reason})",
})

CATALOGUE: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType({"en": _ENGLISH})
LANGUAGES: Final = tuple(CATALOGUE)


def message(key: str, lang: str = "en", /, **fields: object) -> str:
    """The catalogue's text for ``key`` in ``lang`` (English where a language lacks it)."""
    if lang not in CATALOGUE:
        raise ValueError(f"unknown language {lang!r} (must be one of {list(LANGUAGES)})")
    template = CATALOGUE[lang].get(key, _ENGLISH[key])
    return template.format(**fields) if fields else template
