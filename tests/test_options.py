"""Options and library arguments: one typed Options value, validated once; every bad argument
is a TraceError naming it."""

import pytest

import backprop_trace as bt


def test_library_options_raise_trace_errors():
    t = bt.trace("f = x*y", at={"x": 1, "y": 2})
    for bad in (lambda: t.frame(10**6), lambda: t.limit_table("x", steps=[0]),
                lambda: bt.Limits(max_depth=float("nan")), lambda: bt.trace("y = x", wrt=5),
                lambda: t.frames("gif"), lambda: t.render("/tmp/x", theme="neon"),
                lambda: t.frames(rankdir="XY"), lambda: t.frames(granularity="bit"),
                lambda: bt.trace(123)):
        with pytest.raises(bt.TraceError):
            bad()
    with pytest.raises(IndexError):  # still an IndexError too, as sequences raise
        t.frame(99)


def test_options_are_one_validated_value():
    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    dark = bt.Options(theme="dark", rankdir="TB")
    assert t.frames(options=dark) == t.frames(theme="dark", rankdir="TB")
    assert t.frames(options=dark, rankdir="LR") == t.frames(theme="dark", rankdir="LR")
    with pytest.raises(bt.OptionError, match="rankdir"):
        bt.Options(rankdir="diagonal")
    with pytest.raises(bt.OptionError, match="unknown option 'colour'"):
        t.frames(colour="red")
    with pytest.raises(bt.OptionError, match="format"):
        bt.Options(formats=("svg", "gif2"))
    assert bt.Options(formats="png,svg").formats == ("png", "svg")
    with pytest.raises(bt.OptionError, match="Theme.font"):
        bt.Theme(**{**vars(bt.Options().resolved_theme), "font": 'X" onload="alert(1)'})


def test_the_language_comes_from_the_environment_when_not_given(monkeypatch):
    monkeypatch.setenv("BACKPROP_TRACE_LANG", "")
    assert bt.Options().lang == "en"
    monkeypatch.setenv("BACKPROP_TRACE_LANG", "xx")
    with pytest.raises(bt.OptionError, match="BACKPROP_TRACE_LANG"):
        bt.Options()
