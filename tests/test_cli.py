"""The command line: output, exit status 0/2, one-line errors and no traceback."""

import subprocess
import sys

import pytest

from backprop_trace.cli import main, parse_at


def run(*args):
    proc = subprocess.run([sys.executable, "-m", "backprop_trace", *args], capture_output=True,
                          text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def test_d2l_chain_rule_example():
    code, out, err = run("u = f(x, y, z)", "x = x(a, b)", "y = y(a, b)", "z = z(a, b)")
    assert code == 0, err
    assert "∂u/∂a = ∂u/∂x·∂x/∂a + ∂u/∂y·∂y/∂a + ∂u/∂z·∂z/∂a" in out


def test_values_and_check():
    code, out, _ = run("f = (x + y) * z", "--at", "x=-2,y=5,z=-4", "--check")
    assert code == 0
    assert "f = −12" in out and "∂f/∂x = ∂f/∂u₁·∂u₁/∂x = z = −4" in out and "OK" in out


@pytest.mark.parametrize("args,fragment", [
    (["f = (x +"], "never closed"),
    (["f = log(x)", "--at", "x=-1"], "undefined"),
    (["f = x", "--at", "x=abc"], "must be a number"),
    (["f = x", "--at", "x="], "must be a number"),
    (["f = x", "--at", "q=1"], "not an input"),
    (["f = __import__('os')"], "may not start with '_'"),
])
def test_user_errors_exit_2_with_a_message(args, fragment):
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith("backprop-trace: error: ") and fragment in err
    assert "Traceback" not in err


def test_unknown_option_exits_2(capsys):
    assert main(["f = x", "--bogus"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_parse_at_lists():
    values = parse_at(["x=-2,y=5", "v=[1, 2,2]"])
    assert values["x"] == -2.0 and values["y"] == 5.0 and list(values["v"]) == [1, 2, 2]
