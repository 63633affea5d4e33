"""Random expressions shared by the property tests: well-formed ones with an independent
sympy oracle, and plain-ASCII texts for the parser's differential tests."""

import sympy as sp
from hypothesis import strategies as st

X, Y = sp.symbols("x y", real=True)
SAFE_UNARY = ["sin", "cos", "tanh", "exp", "atan", "sigmoid", "softplus", "sinh"]
_ORACLE = {"sin": sp.sin, "cos": sp.cos, "tanh": sp.tanh, "exp": sp.exp, "atan": sp.atan,
           "sigmoid": lambda a: 1 / (1 + sp.exp(-a)), "softplus": lambda a: sp.log(1 + sp.exp(a)),
           "sinh": sp.sinh}


def well_formed():
    """(text, sympy expression built independently of the tool) over x and y."""
    leaf = st.sampled_from([("x", X), ("y", Y), ("3", sp.Integer(3)), ("0.5", sp.Rational(1, 2))])

    def extend(children):
        unary = st.tuples(st.sampled_from(SAFE_UNARY), children).map(
            lambda t: (f"{t[0]}({t[1][0]})", _ORACLE[t[0]](t[1][1])))
        binary = st.tuples(st.sampled_from(["+", "-", "*", "/"]), children, children).map(
            lambda t: (f"({t[1][0]}) {t[0]} ({t[2][0]})",
                       {"+": sp.Add, "-": lambda a, b: a - b, "*": sp.Mul,
                        "/": lambda a, b: a / b}[t[0]](t[1][1], t[2][1])))
        power = children.map(lambda c: (f"({c[0]})^2", c[1] ** 2))
        return unary | binary | power

    return st.recursive(leaf, extend, max_leaves=7)


def ascii_expressions():
    """Plain-ASCII equation systems (one to three equations, ; or new lines)."""
    space = st.sampled_from(["", " ", "  "])
    atom = st.sampled_from(["x", "y", "z1", "w_2", "e", "pi", "2", "0.5", "3.25", "1e-3", ".5",
                            "10", "7."])

    def extend(children):
        binary = st.tuples(children, space, st.sampled_from(["+", "-", "*", "/", "^", "**"]),
                           space, children).map("".join)
        unary = st.tuples(st.sampled_from(["-", "+", "- "]), children).map("".join)
        paren = children.map(lambda c: f"({c})")
        call = st.tuples(st.sampled_from(["sin", "exp", "relu", "f", "g2"]), children).map(
            lambda t: f"{t[0]}({t[1]})")
        call2 = st.tuples(st.sampled_from(["max", "h"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})")
        return binary | unary | paren | call | call2

    expr = st.recursive(atom, extend, max_leaves=10)
    equation = st.tuples(st.sampled_from(["", "u = ", "v=", "q1 ="]), expr).map("".join)
    return st.lists(equation, min_size=1, max_size=3).flatmap(
        lambda eqs: st.sampled_from(["; ", "\n", ";"]).map(lambda sep: sep.join(eqs)))
