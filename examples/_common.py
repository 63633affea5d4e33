"""Shared by the example scripts: where to write, and what to print."""

from __future__ import annotations

import sys
from pathlib import Path

import backprop_trace as bt


def out_dir(name: str) -> Path:
    """<folder>/<name>, the folder given on the command line or else examples/out."""
    base = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "out"
    return base / name


def report(t: bt.Trace, name: str, **render_options: object) -> None:
    paths = t.render(out_dir(name), **render_options)  # type: ignore[arg-type]
    if t.value is not None:
        print(f"{t.output} = {t.value:g}")
    for x in t.wrt:
        value = f" = {t.grad[x]:.8g}" if x in t.grad else ""
        print(f"{t.chain_rule(x)}{value}")
    print(f"wrote {len(paths)} files to {paths[0].parent}")
