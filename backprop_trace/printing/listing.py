"""The backward pass as straight-line code with named adjoints (``u1_bar = f_bar * z``), in the
spirit of a jaxpr: the forward lines, then one line per chain-rule step."""

from __future__ import annotations

from typing import Final

from ..autodiff.tangents import depends_on, edge_steps
from ..describe import Description, StepDescription
from ..describe.maths import Name, Product, is_number
from ..graph import NodeKind
from ..graph.labels import code_node
from ..names import code_name, code_names_for
from .code import to_code
from .messages import message

__all__ = ["backward_listing"]


def _suffix(names: set[str], base: str = "_bar") -> str:
    """``_bar``, unless a user's name already ends that way (then ``_bar2``, …), so the
    adjoint of x never shares a name with a variable."""
    suffix, k = base, 1
    while any(f"{n}{suffix}" in names for n in names):
        k += 1
        suffix = f"{base}{k}"
    return suffix


_TENSOR_CODE: Final = {
    # (op, position) → numpy code of its vector-Jacobian product: {g} the upstream adjoint,
    # {0}, {1} the arguments, {out} the node (as in autodiff/rules.py, spelled out)
    ("matmul", 0): "{g} @ {1}.T", ("matmul", 1): "{0}.T @ {g}",
    ("transpose", 0): "{g}.T", ("sum", 0): "{g} * np.ones_like({0})",
    ("mean", 0): "{g} * np.ones_like({0}) / np.size({0})",
    ("dot", 0): "{g} * {1}", ("dot", 1): "{g} * {0}", ("norm", 0): "{g} * {0} / {out}",
    ("outer", 0): "{g} @ {1}", ("outer", 1): "{g}.T @ {0}",
    ("softmax", 0): "{out} * ({g} - np.sum({g} * {out}, axis=-1, keepdims=True))",
    ("logsumexp", 0): "np.asarray({g})[..., None] * np.exp({0} - np.asarray({out})[..., None])",
}
_VECTOR_MATMUL: Final = {  # numpy's vectors have no orientation: xᵀ of a vector is an outer
    (0, 2, 1): "np.outer({g}, {1})", (0, 1, 2): "{1} @ {g}", (0, 1, 1): "{g} * {1}",
    (1, 1, 2): "np.outer({0}, {g})", (1, 1, 1): "{g} * {0}",
}


def _tensor_term(desc: Description, step: StepDescription, bar: str) -> str:
    """A step of a trace with vectors and matrices as numpy code."""
    data, tape = desc.data, desc.data.tape
    assert step.via is not None and step.position is not None
    via = tape.index[step.via]
    args = [tape.texts[a] if tape.kinds[a] is NodeKind.CONST else tape.names[a]
            for a in tape.args[via]]
    args = [a if a[:1].isdigit() else code_name(a) for a in args]
    fields = {"g": f"{code_name(step.via)}{bar}", "out": code_name(step.via)}
    op = tape.ops[via]
    if op == "matmul":
        left, right = (len(data.shapes[a]) for a in tape.args[via])
        dims = (step.position, left, right)
        template = _VECTOR_MATMUL.get(dims, _TENSOR_CODE[(op, step.position)])
        return template.format(*args, **fields)
    if (op, step.position) in _TENSOR_CODE:
        return _TENSOR_CODE[(op, step.position)].format(*args, **fields)
    local = step.local
    assert local is not None
    term = f"{fields['g']}" if is_number(local) and to_code(local) == "1" else \
        to_code(Product((Name(fields["g"]), local)))
    made, receiving = data.shapes[via], data.shapes[tape.index[step.node]]
    if made != receiving:  # summed back to the receiving node's shape
        axes = len(made) - len(receiving)
        term = f"np.sum({term})" if not receiving else f"({term}).sum(axis={tuple(range(axes))})"
    return term


def backward_listing(desc: Description, lang: str = "en", forward_from: str | None = None) -> str:
    """The listing; with ``forward_from``, forward mode from that input after it as tangent
    code (``c_dot = a_dot + b_dot``)."""
    with code_names_for(desc.data.tape.names):
        text = _listing(desc, lang)
        if forward_from is not None:
            text += "\n" + _tangent_code(desc, forward_from, lang)
        return text


def _tangent_code(desc: Description, wrt: str, lang: str) -> str:
    """Forward mode as code: each operation's tangent from its arguments' (only those that
    depend on ``wrt``; the local partials are the reverse steps' own)."""
    data = desc.data
    tape = data.tape
    dot = _suffix({code_name(n) for n in tape.names}, "_dot")
    flags = depends_on(data, wrt)
    steps = edge_steps(data)
    lines = [message("listing.forward_mode", lang, wrt=code_name(wrt), dot=dot)]
    for i, name in enumerate(tape.names):
        if name == wrt:
            lines.append(f"{code_name(name)}{dot} = 1")
        elif tape.kinds[i] is NodeKind.OPERATION and flags[i]:
            terms = []
            for k, a in enumerate(tape.args[i]):
                if not flags[a]:
                    continue
                tangent = Name(f"{code_name(tape.names[a])}{dot}")
                local = desc.steps[steps[(i, k)]].local
                assert local is not None
                code = to_code(local) if is_number(local) else ""
                terms.append(tangent.name if code == "1" else f"-{tangent.name}" if code == "-1"
                             else to_code(Product((local, tangent))))
            lines.append(f"{code_name(name)}{dot} = {' + '.join(terms)}".replace("+ -", "- "))
    return "\n".join(lines) + "\n"


def _listing(desc: Description, lang: str) -> str:
    data = desc.data
    tape = data.tape
    bar = _suffix({code_name(n) for n in tape.names})
    source = " ; ".join(line.strip() for line in data.source.splitlines() if line.strip())
    lines = [f"# backprop_trace: {source}",
             message("listing.meaning", lang, bar=bar, output=data.output), "",
             message("listing.forward", lang)]
    for node, kind in zip(tape.names, tape.kinds):
        if kind is NodeKind.INPUT:
            value = desc.value(node)
            lines.append(f"{code_name(node)} = input"
                         + ("" if value is None else f"  # = {to_code(value)}"))
        elif kind is NodeKind.OPERATION:
            lines.append(f"{code_name(node)} = {code_node(tape, node)}")
    lines += ["", message("listing.backward", lang)]
    for step in desc.steps:
        target = f"{code_name(step.node)}{bar}"
        if step.is_seed:
            ones = data.shapes and data.shapes[tape.output]
            lines.append(f"{target} = {f'np.ones_like({code_name(step.node)})' if ones else '1'}")
            continue
        assert step.via is not None
        upstream = Name(f"{code_name(step.via)}{bar}")
        local = step.local
        if data.shapes:
            term = _tensor_term(desc, step, bar)
        elif local is None:
            raise AssertionError("a scalar step always has its local partial")
        elif is_number(local) and to_code(local) in ("1", "-1"):
            term = ("-" if to_code(local) == "-1" else "") + upstream.name
        else:
            term = to_code(Product((upstream, local)))
        operator = "=" if step.term == 1 else "+="
        comment = message("listing.step", lang, step=step.index + 1)
        if step.terms > 1:
            comment += message("listing.term", lang, term=step.term, terms=step.terms)
        lines.append(f"{target} {operator} {term}{comment}")
    lines += ["", message("listing.gradient", lang)]
    received = data.columns.by_node
    out = code_name(data.output)
    lines += [f"d{out}_d{x} = {x}{bar}" if x in received else f"d{out}_d{x} = 0"
              for x in data.wrt]
    return "\n".join(lines) + "\n"
