"""What pip-only set-up and Python's conventions promise: no system programs, the same frames
everywhere, results that display themselves, and a command line that behaves like Unix tools."""

import os
import subprocess
import sys

import pytest

import backprop_trace as bt

GATE = ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4})
CLI = [sys.executable, "-m", "backprop_trace"]


def test_svg_png_and_pdf_frames_with_an_empty_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    t = bt.trace(GATE[0], at=GATE[1])
    paths = t.render(tmp_path, formats=("svg", "png", "pdf"))
    pngs = [p for p in paths if p.suffix == ".png"]
    pdfs = [p for p in paths if p.suffix == ".pdf"]
    assert len(pngs) == len(pdfs) == 6
    assert pngs[0].read_bytes().startswith(b"\x89PNG") and pdfs[0].read_bytes().startswith(b"%PDF")
    assert b"DejaVuSans" in pdfs[0].read_bytes()  # the bundled font, embedded


def test_one_format_as_a_string_and_stale_slides_removed(tmp_path):
    t = bt.trace(GATE[0], at=GATE[1])
    t.render(tmp_path, formats="pdf")
    assert (tmp_path / "slides.tex").exists()
    t.render(tmp_path, formats="svg")
    assert not (tmp_path / "slides.tex").exists()  # it referred to the PDFs of the last run


def test_frames_are_drawn_the_same_by_a_fresh_process():
    code = ("import backprop_trace as bt, hashlib; t = bt.trace('f = (x + y) * z', "
            "at={'x': -2, 'y': 5, 'z': -4}); "
            "print(hashlib.sha256(''.join(t.frames()).encode()).hexdigest())")
    here = bt.trace(GATE[0], at=GATE[1]).frames()
    import hashlib

    expected = hashlib.sha256("".join(here).encode()).hexdigest()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PATH": ""})
    assert done.stdout.strip() == expected and done.stderr == ""


def test_a_frame_as_a_graphviz_source(tmp_path):
    import graphviz

    g = bt.trace(GATE[0], at=GATE[1]).to_graphviz()
    assert isinstance(g, graphviz.Source) and g.source.startswith("digraph")
    assert g.pipe().startswith(b"<?xml") and g.pipe("png").startswith(b"\x89PNG")
    assert "image/svg+xml" in g._repr_mimebundle_()
    out = g.render(tmp_path / "frame", format="pdf")
    assert open(out, "rb").read().startswith(b"%PDF")


def test_results_display_themselves():
    t = bt.trace(GATE[0], at=GATE[1])
    frame = t.frame(2)
    assert len(repr(frame)) < 200 and frame._repr_svg_().startswith("<?xml")
    assert "| x |" in t.check()._repr_markdown_() and "**OK:" in t.check()._repr_markdown_()
    assert t.chain_rule("x")._repr_latex_().startswith("$")
    assert all(type(s.total) is float for s in t.steps)
    t.grad["x"] = 99.0  # a copy: editing it changes nothing
    assert t.grad["x"] == -4.0 and t.check().ok
    assert type(t.values) is dict
    assert callable(bt.trace) and not hasattr(bt, "render") and not hasattr(bt, "check")


def run(*args, **kw):
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, **kw)
    return done.returncode, done.stdout, done.stderr


def test_subcommands_anywhere_before_the_equation_and_in_the_usage():
    code, out, err = run("-q", "check", "f = x*y", "--at", "x=1,y=2")
    assert code == 0 and err == ""
    code, out, err = run("--at", "x=1,y=2", "check", "f = x*y")
    assert code == 0 and "OK" in out
    code, out, err = run("--help")
    assert "[limit|tangent|check]" in out


def test_check_without_values_speaks_the_command_lines_words():
    code, out, err = run("check", "f = x*y")
    assert code == 2 and "--at" in err and "at={" not in err


def test_a_closed_pipe_ends_quietly():
    for _ in range(3):
        done = subprocess.run(" ".join([f"'{c}'" for c in CLI]) +
                              " limit 'u = 3x^2 - 4x' --at x=1 | head -1",
                              shell=True, capture_output=True, text=True, timeout=120)
        assert done.stderr == "" and done.stdout.strip().startswith("h")


def test_open_says_so_when_no_browser_can_be_opened(tmp_path):
    env = {**os.environ, "BROWSER": "false", "DISPLAY": "", "PATH": "/nonexistent"}
    code, out, err = run("f = x*y", "--at", "x=1,y=2", "-o", str(tmp_path), "--open", env=env)
    assert code == 0 and "no browser could be opened" in out


@pytest.mark.parametrize("bad", ["LR2", "neato"])
def test_a_bad_layout_engine_choice_is_a_clear_error(bad, tmp_path):
    env = {**os.environ, "BACKPROP_TRACE_LAYOUT": bad}
    code, out, err = run("f = x*y", "-o", str(tmp_path), env=env)
    assert code == 2 and "BACKPROP_TRACE_LAYOUT" in err and "Traceback" not in err


def test_one_name_for_the_input_of_the_calculus_helpers(tmp_path):
    t = bt.trace("u = x^2 * y", at={"x": 1.0, "y": 3.0})
    assert t.tangent(wrt="x").slope == 6.0
    assert t.limit_table(wrt="y")[0].error == pytest.approx(0, abs=1e-9)
    with pytest.raises(bt.TraceError, match="wrt="):
        t.tangent()


def test_graphviz_style_render_with_an_outfile(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = bt.trace(GATE[0], at=GATE[1]).to_graphviz(2).render(outfile="x.png")
    assert path == "x.png" and (tmp_path / "x.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "x.gv").read_text().startswith("digraph")


def test_small_results_have_short_reprs_and_tables_in_notebooks():
    t = bt.trace("u = 3x² − 4x", at={"x": 1})
    report = t.check()
    assert repr(report).startswith("<CheckReport OK: 1 input (x)") and len(repr(report)) < 100
    assert "sympy.diff" in str(report)  # the table, for print()
    table = t.limit_table()
    assert isinstance(table, tuple) and table[0].h == 0.1 and len(table) == 5
    assert "| h |" in table._repr_markdown_() and "<table>" in table._repr_html_()
    assert bt.__version__ == __import__("importlib.metadata").metadata.version("backprop-trace")


def test_a_tangent_plot_leaves_matplotlib_as_it_was(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    backend = matplotlib.get_backend()
    params = dict(matplotlib.rcParams)
    t = bt.trace("u = 3x² − 4x", at={"x": 1})
    figure = t.plot_tangent()
    assert isinstance(figure, Figure) and figure._repr_png_().startswith(b"\x89PNG")
    saved = t.plot_tangent(tmp_path / "tangent.svg")
    assert (tmp_path / "tangent.svg").read_text().startswith("<?xml")
    again = (tmp_path / "tangent.svg").read_bytes()
    t.plot_tangent(tmp_path / "tangent.svg")
    assert (tmp_path / "tangent.svg").read_bytes() == again  # deterministic
    assert isinstance(saved, Figure)
    assert matplotlib.get_backend() == backend and dict(matplotlib.rcParams) == params
    fig = Figure()
    ax = fig.add_subplot()
    assert t.plot_tangent(ax=ax) is fig and len(ax.lines) == 3  # drawn on the caller's axes
    with pytest.raises(bt.OptionError, match="format"):
        t.plot_tangent(tmp_path / "tangent.gif")


def test_a_user_script_type_checks_strictly(tmp_path):
    """``mypy --strict`` on a user's script sees the types (frames() is a list of str)."""
    pytest.importorskip("mypy")
    script = tmp_path / "lecture.py"
    script.write_text(
        "import backprop_trace as bt\n"
        "t = bt.trace('f = (x + y) * z', at={'x': -2, 'y': 5, 'z': -4})\n"
        "frames = t.frames(options=bt.Options(theme='dark'))\n"
        "reveal_type(frames)\n"
        "pngs = t.frames('png')\n"
        "reveal_type(pngs)\n"
        "first: str = frames[0]\n")
    # the package as an installed one is seen: its types used, its own code not reported on
    root = os.path.dirname(os.path.dirname(bt.__file__))
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                           "--cache-dir", str(tmp_path / ".mypy"), str(script)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "MYPYPATH": root})
    assert 'Revealed type is "builtins.list[builtins.str]"' in done.stdout \
        or 'Revealed type is "list[str]"' in done.stdout, done.stdout
    assert 'Revealed type is "builtins.list[builtins.bytes]"' in done.stdout \
        or 'Revealed type is "list[bytes]"' in done.stdout, done.stdout
    assert "error:" not in done.stdout, done.stdout
