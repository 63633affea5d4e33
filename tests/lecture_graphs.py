"""The graphs a deep-learning lecture shows after the textbook's small examples (issue 19): the
issue's own (a logistic-regression loss, also with σ as a user function drawn as one composite
gate, a 2-2-1 tanh network with squared loss, a two-step RNN unrolled as text and as a Python
function, softmax cross-entropy over two classes) and graphs like them (a three-step RNN, an
attention score, a batch-norm step, softmax over three classes, a 3-3-1 network). Shared by
tests/test_lecture_graphs.py and benchmarks/lecture_graphs.py."""

import numpy as np

import backprop_trace as bt


def rnn_function(h, w, u, x1, x2, b, y):
    """The two-step RNN as a lecturer writes it in Python: h rebound at each step."""
    h = np.tanh(w * h + u * x1 + b)
    h = np.tanh(w * h + u * x2 + b)
    return (h - y) ** 2


LECTURE = {
    "logistic-loss": (
        "z = w1*x1 + w2*x2 + b; p = 1/(1 + exp(-z)); L = -(y*log(p) + (1 - y)*log(1 - p))",
        dict(w1=0.5, w2=-0.3, x1=1, x2=2, b=0.3, y=1)),
    "logistic-sigma-gate": (
        "σ(z) = 1/(1 + exp(-z)); p = σ(w1*x1 + w2*x2 + b); L = -(y*log(p) + (1 - y)*log(1 - p))",
        dict(w1=0.5, w2=-0.3, x1=1, x2=2, b=0.3, y=1)),
    "network-2-2-1": (
        "h1 = tanh(w11*x1 + w12*x2 + b1); h2 = tanh(w21*x1 + w22*x2 + b2); "
        "o = v1*h1 + v2*h2 + c; L = (o - t)^2",
        dict(w11=0.5, w12=-0.3, b1=0.2, w21=0.2, w22=0.4, b2=-0.2, x1=1, x2=2, v1=1.5,
             v2=-0.7, c=0.3, t=1)),
    "rnn-two-steps": (
        "h1 = tanh(w*h0 + u*x1 + b); h2 = tanh(w*h1 + u*x2 + b); L = (h2 - y)^2",
        dict(w=0.5, h0=0, u=1.2, x1=1, x2=-1, b=0.1, y=0.5)),
    "rnn-function": (rnn_function, dict(h=0, w=0.5, u=1.2, x1=1, x2=-1, b=0.1, y=0.5)),
    "softmax-2": ("L = -log(exp(z1)/(exp(z1) + exp(z2)))", dict(z1=2, z2=1)),
    "softmax-3": ("L = -log(exp(z1)/(exp(z1) + exp(z2) + exp(z3)))", dict(z1=2, z2=1, z3=0.1)),
    "rnn-three-steps": (
        "h1 = tanh(w*h0 + u*x1 + b); h2 = tanh(w*h1 + u*x2 + b); "
        "h3 = tanh(w*h2 + u*x3 + b); L = (h3 - y)^2",
        dict(w=0.5, h0=0, u=1.2, x1=1, x2=-1, x3=0.5, b=0.1, y=0.5)),
    "attention-score": (
        "s1 = (q1*k1 + q2*k2)/d; s2 = (q1*j1 + q2*j2)/d; a = exp(s1)/(exp(s1) + exp(s2))",
        dict(q1=1, q2=0.5, k1=0.3, k2=-0.2, j1=0.8, j2=0.1, d=1.4142)),
    "batch-norm-step": (
        "m = (x1 + x2 + x3)/3; v = ((x1 - m)^2 + (x2 - m)^2 + (x3 - m)^2)/3; "
        "y1 = g*(x1 - m)/sqrt(v + 0.01) + b",
        dict(x1=1, x2=2, x3=4, g=1.5, b=0.1)),
    "network-3-3-1": (
        "h1 = tanh(w11*x1 + w12*x2 + w13*x3 + b1); h2 = tanh(w21*x1 + w22*x2 + w23*x3 + b2); "
        "h3 = tanh(w31*x1 + w32*x2 + w33*x3 + b3); L = (v1*h1 + v2*h2 + v3*h3 + c - t)^2",
        dict(w11=.5, w12=-.3, w13=.1, w21=.2, w22=.4, w23=-.1, w31=-.5, w32=.3, w33=.2,
             b1=.1, b2=-.2, b3=0, x1=1, x2=2, x3=-1, v1=1.5, v2=-.7, v3=.4, c=.3, t=1)),
}
DATA = {"logistic-loss": ["x1", "x2", "y"], "logistic-sigma-gate": ["x1", "x2", "y"],
        "network-2-2-1": ["x1", "x2", "t"],
        "rnn-two-steps": ["h0", "x1", "x2", "y"], "rnn-function": ["h", "x1", "x2", "y"],
        "softmax-2": [], "softmax-3": [], "rnn-three-steps": ["h0", "x1", "x2", "x3", "y"],
        "attention-score": ["d"], "batch-norm-step": [],
        "network-3-3-1": ["x1", "x2", "x3", "t"]}
"""What a lecturer marks as data (targets, labels, inputs of the network): ``data=``."""

CROSSINGS_ALLOWED = {"logistic-loss": 0, "logistic-sigma-gate": 0, "softmax-2": 0,
                     "softmax-3": 0,
                     "network-2-2-1": 2, "rnn-two-steps": 1, "rnn-function": 1}
"""The issue's bound on crossing wires where it gives one: 0 wherever a crossing-free layered
drawing exists, 1 for a two-step RNN with shared weights, 2 for a 2-2-1 network."""


def traced(name, **options):
    source, at = LECTURE[name]
    return bt.trace(source, at=at, **options)
