"""Reading a frame as a reader would: where its node boxes are (test helper)."""

import re

_NODE = re.compile(r'<g id="(n\d+)" class="node">\n<rect x="([-\d.]+)" y="([-\d.]+)" '
                   r'width="([\d.]+)" height="([\d.]+)"')


_TSPAN = re.compile(r"<tspan[^>]*>([^<]*)</tspan>")


def unwrapped(svg):
    """The frame with its text spans (enlarged subscripts) unwrapped: each text element's
    characters as one run, as a reader reads them."""
    return _TSPAN.sub(r"\1", svg)


def node_centres(svg):
    """The centre of every node box of a frame, by node id (``n3``)."""
    return {m[1]: (float(m[2]) + float(m[4]) / 2, float(m[3]) + float(m[5]) / 2)
            for m in _NODE.finditer(svg)}


def node_boxes(svg):
    """Every node box of a frame as (x0, y0, x1, y1), by node id."""
    return {m[1]: (float(m[2]), float(m[3]), float(m[2]) + float(m[4]),
                   float(m[3]) + float(m[5])) for m in _NODE.finditer(svg)}


def direction(svg, output_id):
    """"LR" when the output sits right of everything else, "TB" when below."""
    centres = node_centres(svg)
    x, y = centres[output_id]
    right = all(x >= cx for cx, _ in centres.values())
    below = all(y >= cy for _, cy in centres.values())
    return "LR" if right and not below else "TB" if below and not right else "?"
