"""Reports a person reads: the gradient check (a table for a terminal, Markdown in a notebook,
one short line as its repr) and the derivative-as-a-limit table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import numpy as np

from ..autodiff.calculus import LimitRow
from ..autodiff.check import CheckResult, GradientCheck
from ..names import fmt_number, pretty_name

__all__ = ["CheckReport", "LimitTable", "format_check"]


@dataclass(frozen=True, repr=False)
class CheckReport(CheckResult):
    """The gradient check: per input, backprop against central differences and sympy.diff."""

    @classmethod
    def of(cls, result: CheckResult) -> CheckReport:
        return cls(result.rows, result.tolerance, result.symbolic_skipped, result.inputs_checked)

    def __str__(self) -> str:
        return format_check(self)

    def __repr__(self) -> str:
        inputs = ", ".join(pretty_name(r.name) for r in self.rows)
        return (f"<CheckReport {self.verdict}: {len(self.rows)} input"
                f"{'s' * (len(self.rows) != 1)} ({inputs}), largest relative error "
                f"{self.max_error:.1e}>")

    def _repr_markdown_(self) -> str:
        """In a notebook: the table, not the dataclass."""
        head = ["| input | backprop | central diff | rel err | sympy.diff | rel err |",
                "|---|---|---|---|---|---|"]
        rows = [f"| {_md(pretty_name(r.name))} | {fmt_number(r.backprop)} | "
                f"{fmt_number(r.central)} | {r.error_central:.1e} | {_symbolic_text(r)} | "
                f"{_symbolic_error(r)} |" for r in self.rows]
        notes = _notes(self, lambda name: _md(pretty_name(name)))
        notes[-1] = f"**{notes[-1]}**"
        return "\n".join([*head, *rows, "", *notes])


def _md(text: str) -> str:
    """Text in a Markdown table or paragraph: markup characters shown, not interpreted."""
    return "".join(f"\\{c}" if c in "\\`*_{}[]<>()#+-.!|$" else c for c in text)


def _symbolic_text(r: GradientCheck) -> str:
    return "—" if r.symbolic is None else fmt_number(r.symbolic)


def _symbolic_error(r: GradientCheck) -> str:
    return "—" if r.symbolic is None else f"{r.error_symbolic:.1e}"


def _notes(report: CheckResult, shown: Callable[[str], str] = pretty_name) -> list[str]:
    lines = []
    for r in report.rows:
        if r.kink:
            lines.append(f"{shown(r.name)}: not differentiable here (the one-sided "
                         f"differences disagree); backprop uses the convention of PyTorch "
                         f"(relu′(0) = 0, |x|′(0) = 0, a tie in max/min splits evenly)")
        if r.unsettled:
            lines.append(f"{shown(r.name)}: the central difference did not settle as h "
                         f"shrank; it is unreliable here")
        if not r.kink and report.confirmed(r) and (r.unsettled or
                                                   not r.error_central <= report.tolerance):
            lines.append(f"{shown(r.name)}: sympy.diff confirms the gradient; the central "
                         f"difference is off by {r.error_central:.1e} (rounding in f(x ± h))")
        if r.one_sided:
            lines.append(f"{shown(r.name)}: x ± h leaves the function's domain here: a "
                         f"one-sided difference was taken")
        if r.elements:
            lines.append(f"{shown(r.name)}: {r.elements} elements checked, evenly spaced")
    if any(np.isnan(r.error_central) for r in report.rows):
        lines.append("nan: x ± h crosses a point where the function is undefined")
    if report.inputs_checked:
        lines.append(f"{report.inputs_checked} inputs checked, evenly spaced")
    if report.symbolic_skipped:
        lines.append(f"sympy.diff skipped — {report.symbolic_skipped}")
    if not report.rows:
        lines.append(f"{report.verdict}: no gradient to check (no input is differentiated)")
        return lines
    lines.append(f"{report.verdict}: largest relative error {report.max_error:.1e} "
                 f"(tolerance {report.tolerance:.0e})")
    return lines


def format_check(report: CheckResult) -> str:
    """The report as a table for a terminal."""
    lines = [f"{'input':<8} {'backprop':>12} {'central diff':>12} {'rel err':>9} "
             f"{'sympy.diff':>12} {'rel err':>9}"]
    for r in report.rows:
        lines.append(f"{pretty_name(r.name):<8} {fmt_number(r.backprop):>12} "
                     f"{fmt_number(r.central):>12} {r.error_central:>9.1e} "
                     f"{_symbolic_text(r):>12} {_symbolic_error(r):>9}")
    return "\n".join(lines + _notes(report))


class LimitTable(tuple[LimitRow, ...]):
    """The derivative as a limit: (f(x+h) − f(x))/h for shrinking h, next to f′(x); rows are
    ``LimitRow``s (h, quotient, error). Displays as a table in a notebook."""

    def _rows(self) -> list[tuple[str, str, str]]:
        return [(f"{r.h:.0e}", f"{r.quotient:.10f}", f"{r.error:+.2e}") for r in self]

    def __str__(self) -> str:
        lines = [f"{'h':>8}  {'(f(x+h) − f(x))/h':>22}   error"]
        lines += [f"{h:>8}  {q:>22}   {e}" for h, q, e in self._rows()]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        rows = [f"| {h} | {q} | {e} |" for h, q, e in self._rows()]
        return "\n".join(["| h | (f(x+h) − f(x))/h | error |", "|---|---|---|", *rows])

    def _repr_html_(self) -> str:
        cells = "".join(f"<tr><td>{escape(h)}</td><td>{escape(q)}</td><td>{escape(e)}</td></tr>"
                        for h, q, e in self._rows())
        return (f"<table><thead><tr><th>h</th><th>(f(x+h) − f(x))/h</th><th>error</th></tr>"
                f"</thead><tbody>{cells}</tbody></table>")
