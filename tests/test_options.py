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
