"""The command line: outputs, exit status 0/2, one-line errors and no traceback."""

import os
import subprocess
import sys

import pytest

from backprop_trace import cli
from backprop_trace.cli import main, parse_at

D2L = ["u = f(x, y, z)", "x = x(a, b)", "y = y(a, b)", "z = z(a, b)"]
CLI = [sys.executable, "-m", "backprop_trace"]


def run(*args, cwd=None, env=None):
    proc = subprocess.run([sys.executable, "-m", "backprop_trace", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=env)
    return proc.returncode, proc.stdout, proc.stderr


def test_d2l_chain_rule_example_writes_frames(tmp_path):
    code, out, err = run(*D2L, "-o", str(tmp_path / "d2l"))
    assert code == 0, err
    assert "∂u/∂a = ∂u/∂x·∂x/∂a + ∂u/∂y·∂y/∂a + ∂u/∂z·∂z/∂a" in out
    assert f"to {tmp_path / 'd2l'}/" in out
    out_dir = tmp_path / "d2l"
    assert (out_dir / "step-10.svg").exists() and (out_dir / "index.html").exists()


def test_one_string_equals_separate_arguments(tmp_path):
    _, separate, _ = run(*D2L, "-o", str(tmp_path / "a"))
    _, joined, _ = run("; ".join(D2L), "-o", str(tmp_path / "b"))
    assert separate.replace(str(tmp_path / "a"), "") == joined.replace(str(tmp_path / "b"), "")
    frame = "step-05.svg"
    assert (tmp_path / "a" / frame).read_bytes() == (tmp_path / "b" / frame).read_bytes()


def test_default_output_directory_is_printed(tmp_path):
    code, out, _ = run("f = x*y", "--at", "x=2,y=3", cwd=tmp_path)
    assert code == 0 and "to trace-out/" in out and (tmp_path / "trace-out" / "index.html").exists()


def test_values_options_and_check(tmp_path):
    code, out, err = run("f = (x + y) * z", "--at", "x=-2,y=5,z=-4", "--check", "-o",
                         str(tmp_path), "--format", "svg,png", "--theme", "dark", "--rankdir", "TB",
                         "--wrt", "x,z")
    assert code == 0, err
    assert "f = −12" in out and "∂f/∂x = ∂f/∂u₁·∂u₁/∂x = z = −4" in out and "OK" in out
    assert "∂f/∂y" not in out
    assert (tmp_path / "step-03.png").exists()
    assert "#1e1e1e" in (tmp_path / "step-00.svg").read_text()


def test_arrays_and_quiet(tmp_path):
    code, out, err = run("f = sqrt(x^2 + y^2)", "--at", "x=[3,0.6]", "--at", "y=[4,0.8]", "-q",
                         "-o", str(tmp_path))
    assert (code, out, err) == (0, "", "")


def test_limit_tangent_check_subcommands(tmp_path):
    code, out, _ = run("limit", "u = 3x² − 4x", "--at", "x=1")
    assert code == 0 and "2.3000000000" in out and "2.0300000000" in out and ": 2" in out
    code, out, err = run("tangent", "u = 3x² − 4x", "--at", "x=1", "-o", str(tmp_path))
    assert code == 0, err
    assert "y = 2x − 3" in out and (tmp_path / "tangent.svg").exists()
    code, out, _ = run("check", "f = (x + y) * z", "--at", "x=-2,y=5,z=-4")
    assert code == 0 and "central diff" in out and "OK" in out


def test_version_and_help():
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("backprop-trace ")
    code, out, _ = run("--help")
    assert code == 0 and "examples:" in out and "limit" in out


def test_open_opens_the_player(tmp_path, monkeypatch, capsys):
    opened = []
    monkeypatch.setattr(cli.webbrowser, "open", opened.append)
    assert main(["f = x*y", "--at", "x=1,y=2", "-o", str(tmp_path), "--open"]) == 0
    assert opened == [(tmp_path / "index.html").resolve().as_uri()]


@pytest.mark.parametrize("args,fragment", [
    (["f = (x +"], "never closed"),
    (["f = x +"], "line 1, column 8"),
    (["f = x", "--bogus"], "unrecognized arguments: --bogus"),
    (["f = log(x)", "--at", "x=-1"], "f = ln(x) is undefined at x = −1"),
    (["f = x", "--at", "x=abc"], "must be a number"),
    (["f = x", "--at", "x="], "must be a number"),
    (["f = x", "--at", "q=1"], "'q', which is not an input"),
    (["f = x + y", "--at", "x=[1,2],y=[1,2,3]"], "do not broadcast"),
    (["f = x", "--at", "x=[1,2"], "a list must be written"),
    (["f = x", "--format", "tiff"], "--format 'tiff'"),
    (["f = __import__('os')"], "may not start with '_'"),
    (["limit", "f = x*y", "--at", "x=1,y=2"], "several inputs"),
    (["tangent", "u = f(x)"], "needs values"),
    (["check", "f = x"], "needs values"),
])
def test_user_errors_exit_2_with_a_message(args, fragment, tmp_path):
    code, out, err = run(*args, "-o", str(tmp_path)) if args[0] not in ("limit", "check") \
        else run(*args)
    assert code == 2 and out == ""
    assert err.startswith("backprop-trace: error: ") and fragment in err, err
    assert "Traceback" not in err


def test_unwritable_output_directory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run("f = x", "--at", "x=1", "-o", str(blocker / "out"))
    assert code == 2 and "cannot create the output directory" in err and "Traceback" not in err


def test_no_system_program_needed(tmp_path):
    env = {**os.environ, "PATH": "/nonexistent"}
    code, out, err = run("f = x*y", "--at", "x=1,y=2", "-o", str(tmp_path / "o"), "--format",
                         "svg,png,pdf", env=env)
    assert code == 0 and err == ""
    assert {p.suffix for p in (tmp_path / "o").iterdir()} >= {".svg", ".png", ".pdf"}


def test_missing_system_graphviz_when_asked_for_prints_the_gradients_and_writes_nothing(
        tmp_path):
    env = {**os.environ, "PATH": "/nonexistent", "BACKPROP_TRACE_LAYOUT": "system"}
    code, out, err = run("f = x*y", "--at", "x=1,y=2", "-o", str(tmp_path / "o"), env=env)
    assert code == 2 and "install Graphviz" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "∂f/∂x" in out and "= 2" in out  # the gradients computed so far
    assert not (tmp_path / "o").exists()  # no empty or half-written output folder


def test_parse_at_lists():
    values = parse_at(["x=-2,y=5", "v=[1, 2,2]", "w=−1"])
    assert values["x"] == -2.0 and values["y"] == 5.0 and list(values["v"]) == [1, 2, 2]
    assert values["w"] == -1.0


def test_escape_bytes_are_not_echoed_to_the_terminal():
    done = subprocess.run([sys.executable, "-m", "backprop_trace", "y = x", "--at", "x=\x1bc"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "\x1b" not in done.stderr and "\\x1b" in done.stderr


def test_the_command_line_prints_one_line_and_no_warnings_on_numeric_faults(tmp_path):
    done = subprocess.run([sys.executable, "-m", "backprop_trace", "y = 1e308 * x^1000",
                           "--at", "x=1", "-o", str(tmp_path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "Warning" not in done.stderr


def test_closed_stdin_dash_out_quiet_and_pipes(tmp_path):
    done = subprocess.run(["bash", "-c", f"{sys.executable} -m backprop_trace -f - <&-"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "standard input is closed" in done.stderr
    done = subprocess.run([*CLI, "y = x", "--at", "x=1", "-o", "-"], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2 and "-o -" in done.stderr and not (tmp_path / "-").exists()
    lines = ["v0 = x"] + [f"v{i} = sin(v{i - 1})" for i in range(1, 60)]
    (tmp_path / "chain.txt").write_text("\n".join(lines))
    done = subprocess.run([*CLI, "-q", "--file", str(tmp_path / "chain.txt"), "--at", "x=0.5",
                           "-o", str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    done = subprocess.run([*CLI, "tangent", "-q", "y = 1/x", "--at", "x=0.1", "-o",
                           str(tmp_path / "plots")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = subprocess.run([*CLI, "--file", str(fifo)], capture_output=True, text=True,
                          timeout=60)  # no writer: it must not wait forever
    assert done.returncode == 2 and "no equation" in done.stderr


@pytest.mark.parametrize("text", ["u = f(x)", "u = f(x, y)", "u = f(x, x)"])
def test_an_abstract_function_as_the_output_prints_its_chain_rule(text, tmp_path):
    code, out, err = run(text, "-o", str(tmp_path), "--format", "svg")
    assert code == 0 and "Traceback" not in err, err
    assert out.startswith("∂u/∂x = ")


def test_worker_processes_end_without_a_word(tmp_path):
    """The frames are converted by forked workers; ending them (SIGTERM, which the CLI
    turns into KeyboardInterrupt for itself) printed their tracebacks in half the runs."""
    for k in range(3):
        code, _, err = run("f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))", "--at",
                           "w0=2,w1=-3,w2=-3,x0=-1,x1=-2", "--format", "png,pdf", "-q", "-o",
                           str(tmp_path / str(k)))
        assert code == 0 and err == "", err


def test_typed_integers_and_short_decimals_are_shown_as_typed(tmp_path):
    code, out, _ = run("f = x*y", "--at", "x=2,y=123456", "-o", str(tmp_path / "a"))
    assert code == 0 and "f = 246912" in out and "= 123456" in out
    code, out, _ = run("f = x*y", "--at", "x=2.5,y=123456.7", "-o", str(tmp_path / "b"))
    assert code == 0 and "f = 308641.75" in out and "= 123456.7" in out
    assert "1234567/10" not in out
