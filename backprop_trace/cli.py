"""Command line: ``python -m backprop_trace "f = (x + y)*z" --at x=-2,y=5,z=-4``.

The bare form traces and writes the frames; ``limit``, ``tangent`` and ``check`` cover the rest
of the calculus chapter. Exit status 0 on success, 2 on a user error (one message on stderr,
no traceback), 1 only for a bug.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
import time
import warnings
import webbrowser
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from .drawing.style import (
    ASPECTS,
    CONSTANT_STYLES,
    GRANULARITIES,
    RANKDIR_CHOICES,
    READABLE_NODES,
    THEMES,
)
from .errors import TraceError
from .names import VERSION_STYLES

__all__ = ["main", "parse_at", "UsageError"]

DEFAULT_OUT: Final = "trace-out"
SUBCOMMANDS: Final = ("limit", "tangent", "check")
EXAMPLES: Final = """\
examples:
  backprop-trace "u = f(x, y, z)" "x = x(a, b)" "y = y(a, b)" "z = z(a, b)"
  backprop-trace "f = (x + y) * z" --at x=-2,y=5,z=-4 --format svg,png --open
  backprop-trace "f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))" --at w0=2,w1=-3,w2=-3,x0=-1,x1=-2
  backprop-trace "f = sqrt(x1^2 + x2^2 + x3^2)" --at x1=1,x2=2,x3=2 --theme dark
  backprop-trace limit "u = 3x² − 4x" --at x=1
  backprop-trace tangent "u = 3x² − 4x" --at x=1 -o plots
  backprop-trace check "f = (x + y) * z" --at x=-2,y=5,z=-4

subcommands (the first argument):
  limit     the difference quotient (f(x+h) − f(x))/h for shrinking h, next to f′(x)
  tangent   plot the function and its tangent line at the point (needs matplotlib)
  check     backprop gradient vs central differences vs sympy.diff
"""


class UsageError(TraceError):
    """A command-line argument is malformed."""


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every user error takes one path."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see --help)")


def parse_at(items: Sequence[str]) -> dict[str, Any]:
    """``["x=-2,y=5", "v=[1,2,2]", "A=[[1,2],[3,4]]"]`` → numbers and numpy arrays (nested
    lists read by a small scanner, never evaluated)."""
    values: dict[str, Any] = {}
    for item in items:
        pos = 0
        while pos < len(item):
            m = _AT_NAME.match(item, pos)
            if m is None:
                raise UsageError(f"--at {item!r}: expected name=value pairs separated by commas, "
                                 f"e.g. --at x=-2,y=5 or --at x=[1,2,2] or --at A=[[1,2],[3,4]]")
            name, pos = m.group(1), m.end()
            value, pos = _value(item, pos, name)
            if name in values:
                raise UsageError(f"--at gives {name} twice")
            values[name] = value
            rest = _AT_SEPARATOR.match(item, pos)
            if rest is None:
                raise UsageError(f"--at {item!r}: expected ',' after the value of {name}")
            pos = rest.end()
    return values


_AT_NAME: Final = re.compile(r"\s*([^=,\s\[\]]+)\s*=\s*")
_AT_SEPARATOR: Final = re.compile(r"\s*(?:,|$)")
_AT_NUMBER: Final = re.compile(r"\s*([^,\[\]\s]+)\s*")
_MAX_NESTING: Final = 2


def _value(text: str, pos: int, name: str, depth: int = 0) -> tuple[Any, int]:
    """A number, or a list of values in brackets (vectors, matrices), from ``text[pos:]``."""
    if text.startswith("[", pos):
        if depth == _MAX_NESTING:
            raise UsageError(f"--at {name}: at most vectors and matrices ([[1,2],[3,4]])")
        items, pos = [], pos + 1
        while True:
            item, pos = _value(text, pos, name, depth + 1)
            items.append(item)
            while pos < len(text) and text[pos] == " ":
                pos += 1
            if text.startswith(",", pos):
                pos += 1
            elif text.startswith("]", pos):
                pos += 1
                break
            else:
                raise UsageError(f"--at {name}: a list must be written [1,2,2] or "
                                 f"[[1,2],[3,4]]")
        if depth == 0:
            return _array(name, items), pos
        return items, pos
    m = _AT_NUMBER.match(text, pos)
    if m is None:
        raise UsageError(f"--at {name}: the value must be a number or a list like [1,2,2]")
    try:
        return float(m.group(1).replace("−", "-")), m.end()
    except ValueError:
        raise UsageError(f"--at {name}={m.group(1)}: the value must be a number or a list like "
                         f"[1,2,2]") from None


def _array(name: str, items: list[Any]) -> Any:
    import numpy as np  # not at start-up: --help and --version need none of it

    rows = [len(row) if isinstance(row, list) else None for row in items]
    if len(set(rows)) != 1:
        raise UsageError(f"--at {name}: the rows of a matrix must all be lists of one length")
    return np.array(items, dtype=float)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("equations", nargs="*", metavar="EQUATION",
                        help="equations or an expression; several may be given, or one string "
                             "separated by ';'")
    parser.add_argument("-f", "--file", metavar="PATH",
                        help="read the equations from a file (- for standard input), one per "
                             "line; # starts a comment")
    parser.add_argument("--at", action="append", default=[], metavar="NAME=VALUE,…",
                        help="input values, e.g. x=-2,y=5 or x=[1,2,2] (repeatable)")
    parser.add_argument("--wrt", metavar="NAMES", help="differentiate only with respect to "
                                                       "these inputs (comma-separated)")
    parser.add_argument("--data", metavar="NAMES", help="inputs that are data (targets, "
                        "labels), drawn greyed and not differentiated (comma-separated)")
    parser.add_argument("--versions", default="superscript", choices=VERSION_STYLES,
                        help="how a rebound name's versions read: h⁽¹⁾, h⁽²⁾ (superscript) "
                             "or h, h′ (primes)")
    parser.add_argument("--output", metavar="NAME", help="the output equation when several "
                                                         "could be")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    prog = "backprop-trace" + (f" {command}" if command else "")
    descriptions = {
        None: "Trace the chain rule through an expression, one backward step at a time: writes "
              "SVG frames, an HTML player, a narrative and more to an output directory.",
        "limit": "The derivative as a limit: (f(x+h) − f(x))/h for shrinking h, next to f′(x).",
        "tangent": "Plot the function and its tangent line at the given point (needs "
                   "matplotlib).",
        "check": "Compare the backprop gradient with central differences and sympy.diff.",
    }
    usage = None if command else (f"%(prog)s [{'|'.join(SUBCOMMANDS)}] EQUATION [EQUATION ...] "
                                  f"[options]")
    parser = _ArgumentParser(prog=prog, usage=usage, description=descriptions[command],
                             epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(parser)
    if command in (None, "tangent"):
        parser.add_argument("-o", "--out", metavar="DIR", default=DEFAULT_OUT,
                            help=f"output directory (default: ./{DEFAULT_OUT})")
        parser.add_argument("--format", default="svg", metavar="FORMATS",
                            help="comma-separated: svg, png, pdf (frames), pptx, gif, mp4 "
                                 "(default: svg)")
        parser.add_argument("--theme", default="default", choices=tuple(THEMES),
                            help="default: colour-blind safe; classic: green/red; dark")
    if command is None:
        parser.add_argument("--rankdir", default="auto", choices=RANKDIR_CHOICES,
                            help="graph direction: left to right, top to bottom, or auto "
                                 "(default): whichever shows the text larger on a slide")
        parser.add_argument("--aspect", default="16:9", choices=tuple(ASPECTS),
                            help="the slide the frames are padded to (default 16:9; fit: "
                                 "no padding)")
        parser.add_argument("--constants", default="gate", choices=CONSTANT_STYLES,
                            help="constants inside their gates (x3, +1, x², the default) or "
                                 "drawn as nodes")
        parser.add_argument("--granularity", default="auto", choices=("auto", *GRANULARITIES),
                            help="a frame per backward step (edge) or per operation (node); "
                                 f"auto: edge up to {READABLE_NODES} nodes")
        parser.add_argument("--expand", default="", metavar="NAMES",
                            help="user functions drawn as their operations, not as one "
                                 "composite gate (names, comma-separated, or all)")
        parser.add_argument("--collapse", default="", metavar="NAMES",
                            help="named equations drawn as one composite gate (names, "
                                 "comma-separated, or all)")
        parser.add_argument("--mode", default="reverse", choices=("reverse", "forward", "paths"),
                            help="the backward pass (reverse, the default), forward mode from "
                                 "one input, or the paths from it to the output one per frame "
                                 "(the input: the first of --wrt, else the first input)")
        # the languages are checked by Options (--help imports no catalogue)
        parser.add_argument("--lang", default=None, metavar="LANG",
                            help="the language of captions, narrative, player and listing: en "
                                 "(English), zh (简体中文), ko (한국어); default: "
                                 "$BACKPROP_TRACE_LANG, else en")
        parser.add_argument("--exercise", action="store_true",
                            help="also write an exercise sheet, every gradient a numbered blank "
                                 "(exercise.pdf, exercise.md), and its answers (answers.pdf, "
                                 "answers.md)")
        parser.add_argument("--frame-seconds", type=float, default=1.5, metavar="S",
                            help="each frame's time in the animated GIF and the video "
                                 "(--format gif, mp4; the last frame is held three times as "
                                 "long)")
        parser.add_argument("--png-size", default="1920x1080", metavar="WxH",
                            help="PNG frames' pixels (default 1920x1080, a 16:9 slide; "
                                 "3840x2160 for 4K)")
        parser.add_argument("--open", action="store_true", help="open index.html in a browser")
        parser.add_argument("--check", action="store_true",
                            help="also print the gradient check table")
    if command == "limit":
        parser.add_argument("--steps", type=int, default=5, metavar="N",
                            help="how many h values: 0.1, 0.01, … (default 5)")
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="show the version and exit")
    return parser


class _Version(argparse.Action):
    """--version, the version read from the package's metadata only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from . import __version__

        print(f"backprop-trace {__version__}")
        parser.exit()


def _trace(args: argparse.Namespace) -> Any:
    from .errors import ParseError
    from .tracing import trace

    at = parse_at(args.at) if args.at else None
    wrt = [w.strip() for w in args.wrt.split(",") if w.strip()] if args.wrt else None
    data = [w.strip() for w in args.data.split(",") if w.strip()] if args.data else None
    given = {"at": at, "wrt": wrt, "output": args.output, "data": data,
             "versions": args.versions}
    equations = list(args.equations)
    if args.file is not None:
        text = _read_file(args.file)
        try:  # errors point at the file's line
            return trace([text, *equations], **given)
        except ParseError as exc:
            where = "standard input" if args.file == "-" else args.file
            raise ParseError(f"{where}: {exc}") from None
    if not equations:
        raise UsageError("give the equations as arguments or with --file (see --help)")
    return trace(equations, **given)


def _read_file(path: str) -> str:
    """A file's text (or standard input's), bounded by the input limit, as UTF-8."""
    from .limits import DEFAULT_LIMITS

    limit = 4 * DEFAULT_LIMITS.max_chars + 1
    try:
        if path == "-":
            if sys.stdin is None or sys.stdin.closed:
                raise UsageError("--file -: standard input is closed: give the equations in a "
                                 "file or as arguments")
            raw = sys.stdin.buffer.read(limit)
        else:
            raw = _read_bounded(path, limit)
    except OSError as exc:
        raise UsageError(f"--file {path!r}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"--file {path!r} is not UTF-8 text (byte {exc.start}): save it as "
                         f"UTF-8") from None
    return text.replace("\r\n", "\n")


_FIFO_WAIT_S: Final = 30.0
_NO_WRITER_S: Final = 2.0


def _read_bounded(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a file; a pipe (``--file <(…)``) is read as its writer
    writes, and one with no writer does not wait forever."""
    import stat

    if not hasattr(os, "O_NONBLOCK"):  # Windows: no named pipes to wait on
        with open(path, "rb") as f:
            return f.read(limit)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.set_blocking(fd, True)
            with os.fdopen(os.dup(fd), "rb") as f:
                return f.read(limit)
        import select

        chunks: list[bytes] = []
        size, start = 0, time.monotonic()
        writer_seen = False
        while size < limit:
            if time.monotonic() - start > _FIFO_WAIT_S:
                raise UsageError(f"--file {path!r}: nothing more arrived from the pipe in "
                                 f"{_FIFO_WAIT_S:.0f} s")
            try:
                chunk = os.read(fd, min(65536, limit - size))
            except BlockingIOError:  # a writer, nothing written yet
                writer_seen = True
                select.select([fd], [], [], 0.5)
                continue
            if chunk:
                writer_seen = True
                chunks.append(chunk)
                size += len(chunk)
            elif writer_seen or time.monotonic() - start > _NO_WRITER_S:
                break  # the writer is done, or there is none
            else:
                time.sleep(0.05)  # a writer may be about to open it
        return b"".join(chunks)
    finally:
        os.close(fd)


def _formats(text: str, allowed: Sequence[str]) -> tuple[str, ...]:
    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    bad = [f for f in formats if f not in allowed]
    if bad or not formats:
        raise UsageError(f"--format {text!r}: choose from {', '.join(allowed)}")
    return formats


def run_trace(args: argparse.Namespace) -> list[str]:
    from .drawing.options import FORMATS, FRAME_FORMATS, Options
    from .drawing.renderer import LargeGraphWarning
    from .printing.messages import message
    from .printing.reports import format_check

    t = _trace(args)
    formats = _formats(args.format, FORMATS)
    options = Options(theme=args.theme, rankdir=args.rankdir, granularity=args.granularity,
                      constants=args.constants, aspect=args.aspect, formats=formats,
                      png_size=args.png_size, expand=args.expand, collapse=args.collapse,
                      frame_seconds=args.frame_seconds, mode=args.mode,
                      exercise=args.exercise,
                      **({} if args.lang is None else {"lang": args.lang}),
                      wrt=t.wrt[0] if args.mode != "reverse" and t.wrt else None)
    t.composite_gates(options.expand, options.collapse)  # a wrong name fails before any output
    if options.exercise:
        t.exercise(options)  # as does a sheet that cannot be drawn (vectors, forward mode)
    lines = summary(t)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LargeGraphWarning)
        try:
            paths = t.render(_out(args.out), options=options,
                             progress=False if args.quiet else None)
        except TraceError:
            if not args.quiet:  # what was computed is still worth seeing
                print("\n".join(lines), flush=True)
            raise
    for w in caught:
        print(f"backprop-trace: warning: {w.message}", file=sys.stderr)
    shown = next((f for f in formats if f in FRAME_FORMATS), "svg")  # frames are always written
    frames = sum(1 for p in paths if p.name.startswith("step-") and p.suffix == f".{shown}")
    others = ", ".join(p.name for p in paths if not p.name.startswith("step-"))
    out = Path(args.out)
    size = sum(p.stat().st_size for p in paths)
    lang = options.lang
    lines += ["", message("cli.wrote", lang, frames=frames,
                          formats=", ".join(f for f in formats if f in FRAME_FORMATS) or "svg",
                          others=others, out=out, size=_size(size)),
              message("cli.open", lang, index=out / "index.html")]
    if args.check:
        lines += ["", format_check(t.check())]
    if args.open and not webbrowser.open((out / "index.html").resolve().as_uri()):
        lines.append(f"no browser could be opened: open {out / 'index.html'} yourself")
    return lines


def _out(folder: str) -> str:
    if folder.strip() == "-":
        raise UsageError("-o -: frames go to a folder, not to standard output: give a folder "
                         "name")
    return folder


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def run_limit(args: argparse.Namespace) -> list[str]:
    from .autodiff.calculus import scalar_input
    from .names import pretty_name

    if not 1 <= args.steps <= 15:
        raise UsageError("--steps must be between 1 and 15")
    t = _trace(args)
    var = scalar_input(t.data, None)
    rows = t.limit_table(var, [10.0 ** -k for k in range(1, args.steps + 1)])
    name, y = pretty_name(var), pretty_name(t.output)
    lines = [f"{'h':>8}  ({y}({name}+h) − {y}({name}))/h   error"]
    lines += [f"{r.h:>8.0e}  {r.quotient:>22.10f}   {r.error:+.2e}" for r in rows]
    lines.append(f"exact derivative d{y}/d{name} at {name} = {t.values[var]:g}: "
                 f"{t.grad[var]:.10g}")
    return lines


def run_tangent(args: argparse.Namespace) -> list[str]:
    from .drawing.plotting import tangent_figure, tangent_label
    from .outputs.plots import PLOT_FORMATS, save_figures

    t = _trace(args)
    formats = _formats(args.format, PLOT_FORMATS)
    with warnings.catch_warnings():  # a plot's own warnings are not the user's business
        warnings.simplefilter("ignore")
        figure = tangent_figure(t.data, theme=args.theme)
        paths = save_figures(figure, _out(args.out), formats)
    return [f"tangent at the point: {tangent_label(t.data)}",
            "wrote " + ", ".join(str(p) for p in paths)]


def run_check(args: argparse.Namespace) -> list[str]:
    from .printing.reports import format_check

    t = _trace(args)
    if t.value is None:
        raise UsageError("check needs values: give the point with --at, e.g. --at x=1,y=2")
    report = t.check()
    return [format_check(report)]


def summary(t: Any) -> list[str]:
    """The value, and for every input the chain rule with its symbolic and numeric value."""
    from .names import pretty_name
    from .printing.unicode import to_unicode

    lines, desc = [], t.description
    value = desc.value(t.output)
    if value is not None:
        lines.append(f"{pretty_name(t.output)} = {to_unicode(value)}")
    for x in t.wrt:
        rule = str(t.chain_rule(x))
        try:
            shown = to_unicode(t.grad_expr[x] if t.expandable else t.adjoint_expr(x))
        except TraceError:  # no symbolic form (matrix calculus short of an operation)
            shown = rule.split(" = ", 1)[1]
        if shown != rule.split(" = ", 1)[1]:
            rule += f" = {shown}"
        gradient = desc.gradient(x)
        if gradient is not None:
            rule += f" = {to_unicode(gradient)}"
        lines.append(rule)
    return lines


_RUNNERS: Final = {None: run_trace, "limit": run_limit, "tangent": run_tangent,
                   "check": run_check}


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # clean up like Ctrl-C: no temp files left
    command, argv = _split_command(argv)
    try:
        args = build_parser(command).parse_args(argv)
        lines = _RUNNERS[command](args)
    except TraceError as exc:
        print(f"backprop-trace: error: {_printable(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("backprop-trace: interrupted", file=sys.stderr)
        return 130
    if not args.quiet:
        try:
            print("\n".join(lines), flush=True)
        except BrokenPipeError:  # the reader stopped (| head -1): end quietly, as Unix tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _printable(text: str) -> str:
    """A message as it may reach a terminal: control characters (ESC, …) shown escaped."""
    return "".join(c if c == "\n" or c.isprintable() else repr(c)[1:-1] for c in text)


_VALUE_OPTIONS: Final = frozenset({"--at", "--wrt", "--data", "--versions", "--output", "-o",
                                   "--out", "--format", "--theme", "--rankdir", "--granularity",
                                   "--steps", "-f",
                                   "--file", "--aspect", "--constants", "--png-size",
                                   "--expand", "--collapse", "--mode", "--frame-seconds",
                                   "--lang"})


def _split_command(argv: list[str]) -> tuple[str | None, list[str]]:
    """The subcommand wherever it stands before the first equation (``-q check …`` too), and
    the other arguments."""
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-") or arg == "-":
            if arg in SUBCOMMANDS:
                return arg, argv[:i] + argv[i + 1:]
            return None, argv
    return None, argv
