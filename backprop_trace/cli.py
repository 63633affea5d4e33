"""Command line: ``python -m backprop_trace "f = (x + y)*z" --at x=-2,y=5,z=-4``.

Exit status 0 on success, 2 on a user error (one message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from . import __version__
from .check import format_check
from .errors import TraceError
from .printing import fmt_number, pretty_name, to_unicode
from .trace import Trace, trace

__all__ = ["main", "parse_at"]

EXAMPLES: Final = """\
examples:
  python -m backprop_trace "u = f(x, y, z)" "x = x(a, b)" "y = y(a, b)" "z = z(a, b)"
  python -m backprop_trace "f = (x + y) * z" --at x=-2,y=5,z=-4
  python -m backprop_trace "u = 3x² − 4x" --at x=1 --check
  python -m backprop_trace "f = sqrt(x1^2 + x2^2 + x3^2)" --at x1=1,x2=2,x3=2
"""
_AT_ITEM: Final = re.compile(r"\s*([^=,\s]+)\s*=\s*(\[[^\]]*\]|[^,\[\]]*)\s*(?:,|$)")


class UsageError(TraceError):
    """A command-line argument is malformed."""


def parse_at(items: Sequence[str]) -> dict[str, Any]:
    """``["x=-2,y=5", "v=[1,2,2]"]`` → ``{"x": -2.0, "y": 5.0, "v": array([1., 2., 2.])}``."""
    values: dict[str, Any] = {}
    for item in items:
        pos = 0
        while pos < len(item):
            m = _AT_ITEM.match(item, pos)
            if m is None or m.end() == pos:
                raise UsageError(f"--at {item!r}: expected name=value pairs separated by commas, "
                                 f"e.g. --at x=-2,y=5 or --at x=[1,2,2]")
            name, text = m.group(1), m.group(2).strip()
            values[name] = _number_or_list(name, text)
            pos = m.end()
    return values


def _number_or_list(name: str, text: str) -> Any:
    try:
        if text.startswith("["):
            parts = [p for p in text[1:-1].split(",") if p.strip()]
            if not parts:
                raise ValueError
            return np.array([float(p.replace("−", "-")) for p in parts])
        return float(text.replace("−", "-"))
    except ValueError:
        raise UsageError(f"--at {name}={text}: the value must be a number or a list like "
                         f"[1,2,2]") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backprop-trace",
        description="Trace the chain rule through an expression, one backward step at a time.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("equations", nargs="+", metavar="EQUATION",
                        help="equations or an expression; several may be given, or one "
                             "string separated by ';'")
    parser.add_argument("--at", action="append", default=[], metavar="NAME=VALUE,…",
                        help="input values, e.g. x=-2,y=5 or x=[1,2,2] (repeatable)")
    parser.add_argument("--wrt", help="differentiate only with respect to these inputs "
                                      "(comma-separated)")
    parser.add_argument("--output", help="the output equation when several could be")
    parser.add_argument("--check", action="store_true",
                        help="also compare with central differences and sympy.diff")
    parser.add_argument("--version", action="version", version=f"backprop-trace {__version__}")
    return parser




def run(args: argparse.Namespace) -> str:
    at = parse_at(args.at) if args.at else None
    wrt = [w.strip() for w in args.wrt.split(",") if w.strip()] if args.wrt else None
    t = trace(args.equations, at=at, wrt=wrt, output=args.output)
    lines = [summary(t)]
    if args.check:
        lines += ["", format_check(t.check())]
    return "\n".join(lines)


def summary(t: Trace) -> str:
    """The chain rule and gradient of every input, as plain text."""
    lines = []
    if t.value is not None:
        lines.append(f"{pretty_name(t.output)} = {fmt_number(t.value)}")
    for x in t.wrt:
        rule = t.chain_rule(x)
        line = f"{rule}"
        expr = t.grad_expr[x]
        shown = to_unicode(expr)
        if shown not in rule.split(" = ", 1)[1]:
            line += f" = {shown}"
        if x in t.grad:
            line += f" = {fmt_number(t.grad[x])}"
        lines.append(line)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return int(exc.code or 0) and 2
    try:
        print(run(args))
    except TraceError as exc:
        print(f"backprop-trace: error: {exc}", file=sys.stderr)
        return 2
    return 0
