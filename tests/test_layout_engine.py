"""The bundled layout engine: a cached module is loaded only when its keyed hash checks (a
damaged or foreign file is recompiled, never run), the cache folder follows the XDG spec,
pictures come out under a limited address space, and every failure of the engine is a
RenderError."""

import os
import subprocess
import sys

import pytest

import backprop_trace as bt

GATE = ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4})
DRAW = ("import backprop_trace as bt; t = bt.trace('f = (x + y) * z', "
        "at={'x': -2, 'y': 5, 'z': -4}); print(len(t.frames()))")


def draw(env, cwd=None, prefix=""):
    return subprocess.run(["bash", "-c", f"{prefix}{sys.executable} -c \"{DRAW}\""],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


@pytest.fixture
def cache(tmp_path):
    """A fresh cache folder for a child process (the engine compiled into it once)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = draw(env)
    assert done.returncode == 0 and done.stdout.strip() == "6", done.stderr
    (module,) = (tmp_path / "cache" / "backprop_trace").glob("graphviz-*.cwasm")
    return env, module


@pytest.mark.parametrize("filler", [0xCC, 0x00])
def test_a_damaged_cached_module_is_recompiled_not_run(cache, filler):
    env, module = cache
    data = bytearray(module.read_bytes())
    data[1000:200_000] = bytes([filler]) * (200_000 - 1000)  # the code section, overwritten
    module.write_bytes(bytes(data))
    done = draw(env)  # SIGTRAP / SIGSEGV before: wasmtime trusts what it deserialises
    assert done.returncode == 0 and done.stdout.strip() == "6", done.stderr
    assert module.read_bytes() != bytes(data)  # compiled again and cached again


def test_a_foreign_module_is_refused(cache, tmp_path):
    env, module = cache
    other = tmp_path / "other-key"
    other.mkdir()
    (module.parent / "key").write_bytes(b"k" * 32)  # cached under another user's key
    done = draw(env)
    assert done.returncode == 0 and done.stdout.strip() == "6", done.stderr


@pytest.mark.parametrize("value", [".cache", ""])
def test_a_relative_or_empty_xdg_cache_home_is_ignored(tmp_path, value):
    env = {**os.environ, "XDG_CACHE_HOME": value, "HOME": str(tmp_path / "home")}
    done = draw(env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / ".cache").exists() and not (tmp_path / "backprop_trace").exists()
    assert (tmp_path / "home" / ".cache" / "backprop_trace").is_dir()


@pytest.mark.skipif(sys.platform != "linux", reason="ulimit -v is a Linux limit here")
@pytest.mark.parametrize("kilobytes", [4_000_000, 1_500_000])
def test_pictures_under_a_limited_address_space(kilobytes):
    done = draw(dict(os.environ), prefix=f"ulimit -v {kilobytes}; ")
    assert done.returncode == 0 and done.stdout.strip() == "6", done.stderr


def test_engine_failures_are_render_errors():
    t = bt.trace(GATE[0], at=GATE[1], limits=bt.Limits(max_layout_work=1000))
    with pytest.raises(bt.RenderError, match="limits.max_layout_work"):
        t.frames()
    assert len(bt.trace(GATE[0], at=GATE[1]).frames()) == 6  # the engine starts anew


def test_too_many_nodes_to_draw_is_said_early():
    text = ("f0(x) = x*x + x\n" + "\n".join(f"f{i}(x) = f{i - 1}(x) + f{i - 1}(x)*2"
                                          for i in range(1, 12)) + "\ny = f11(a)")
    assert len(text) < 300
    t = bt.trace(text)
    with pytest.raises(bt.RenderError, match="limits.max_drawn_nodes"):
        t.frames(expand="all")  # 10,238 nodes drawn as they are
    # as composite gates: the calls of f₅ (a body of 190 nodes written out; f₆ and above are
    # over limits.max_expression_size) drawn as 64 gates
    assert len(t.renderer().desc.data.tape) < 400
