"""The examples folder: every script runs and writes its frames; the D2L notebook executes."""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py")
                 if not p.name.startswith("_") and p.stem != "gallery")


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_example_script_runs(script, tmp_path):
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    frames = list(tmp_path.glob("*/step-*.svg"))
    assert frames and all((f.parent / "index.html").exists() for f in frames)


def test_d2l_notebook_executes(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(EXAMPLES / "d2l_calculus.ipynb", as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on any error or failed assert
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert any("text/html" in o.get("data", {}) for o in outputs)  # a trace displayed itself
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs)  # a single frame
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_the_gallery_is_regenerated_as_committed(tmp_path):
    """README's pictures are the tool's own frames, byte for byte (regenerate: python
    examples/gallery.py)."""
    done = subprocess.run([sys.executable, str(EXAMPLES / "gallery.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    made = sorted(tmp_path.glob("*.png"))
    assert made
    for png in made:  # digests: a failing comparison of whole images takes pytest minutes
        committed = EXAMPLES.parent / "docs" / png.name
        assert hashlib.sha256(png.read_bytes()).hexdigest() == \
            hashlib.sha256(committed.read_bytes()).hexdigest(), png.name
