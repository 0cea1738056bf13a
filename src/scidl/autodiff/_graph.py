"""Computing graphs as Graphviz DOT text, for scidl-autodiff values and torch tensors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

__all__ = ["draw_graph", "graphviz_available"]


def graphviz_available() -> bool:
    """Whether Graphviz's ``dot`` program is on the PATH (needed only to render).

    Returns
    -------
    bool
        True if :func:`render_dot` can draw pictures.

    Examples
    --------
    >>> from scidl.autodiff import graphviz_available
    >>> isinstance(graphviz_available(), bool)
    True
    """
    return shutil.which("dot") is not None


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shape(shape):
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


def _grad_text(grad):
    g = np.asarray(grad)
    if g.size == 1:
        return f"grad {float(g.reshape(-1)[0]):.4g}"
    return f"|grad| {float(np.linalg.norm(g)):.4g}"


def _value_nodes(output, show_grad):
    """(nodes, edges) of a :class:`~scidl.autodiff.Value` graph; nodes: id -> (label, kind)."""
    nodes, edges, stack, seen = {}, [], [output], set()
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        title = v._op if v._op else (v.name or ("param" if v.requires_grad else "const"))
        if v._op and v.name:
            title = f"{v.name} = {v._op}"
        label = f"{title}\\n{_shape(v.shape)}"
        if show_grad and v.requires_grad:
            label += "\\n" + _grad_text(v.grad)
        nodes[id(v)] = (label, "op" if v._op else ("param" if v.requires_grad else "const"))
        for p in v._parents:
            edges.append((id(p), id(v)))
            stack.append(p)
    return nodes, edges


def _output_shapes(fn):
    """Shape(s) of the forward result of an autograd node, or "" if torch does not say.

    A backward node receives one gradient per output of its forward operation,
    and ``_input_metadata`` describes those gradients, so their shapes are the
    outputs' shapes. The attribute is not public API: without it (older or
    future torch) the label is just the operation's name.
    """
    try:
        shapes = [_shape(m.shape) for m in fn._input_metadata]
    except (AttributeError, RuntimeError, TypeError):
        return ""
    return ", ".join(shapes)


def _torch_nodes(tensor, show_grad):
    """(nodes, edges) of a torch tensor's autograd graph, walking ``grad_fn.next_functions``."""
    nodes, edges = {}, []
    root = tensor.grad_fn
    out_id = ("tensor", id(tensor))
    nodes[out_id] = (f"output\\n{_shape(tensor.shape)}", "output")
    if root is None:
        return nodes, edges
    edges.append((id(root), out_id))
    stack, seen = [root], set()
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        variable = getattr(fn, "variable", None)  # AccumulateGrad holds a leaf tensor
        if variable is not None:
            label = f"leaf\\n{_shape(variable.shape)}"
            if show_grad and variable.grad is not None:
                label += "\\n" + _grad_text(variable.grad.detach().cpu().numpy())
            nodes[id(fn)] = (label, "param")
        else:
            name = type(fn).__name__.replace("Backward0", "").replace("Backward1", "")
            shapes = _output_shapes(fn)
            nodes[id(fn)] = (f"{name}\\n{shapes}" if shapes else name, "op")
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                edges.append((id(nxt), id(fn)))
                stack.append(nxt)
    return nodes, edges


_STYLE = {
    "op": 'shape=ellipse, style=filled, fillcolor="#E69F0033"',
    "param": 'shape=box, style=filled, fillcolor="#56B4E955"',
    "const": "shape=box, style=dashed",
    "output": 'shape=box, style=filled, fillcolor="#009E7355"',
}


def draw_graph(output, *, show_grad=False, path=None, format=None, rankdir="LR"):
    """The computing graph behind ``output`` as Graphviz DOT text.

    Parameters
    ----------
    output : scidl.autodiff.Value or torch.Tensor
        The final node. For a torch tensor the graph is read from
        ``grad_fn.next_functions`` (leaves are ``AccumulateGrad`` nodes); each
        operation is labelled with the shape of its result.
    show_grad : bool, default False
        Add each node's gradient (its value for scalars, its norm otherwise);
        call ``backward()`` first.
    path : str or Path, optional
        Also render to this file with Graphviz's ``dot`` (if installed; otherwise
        nothing is written and ``None`` is returned in place of the path).
    format : {"svg", "png"}, optional
        Output format of the rendering; by default from the suffix of ``path``.
    rankdir : {"LR", "TB"}
        Layout direction.

    Returns
    -------
    dot : str
        The graph in the DOT language (always, Graphviz or not).

    Examples
    --------
    >>> from scidl.autodiff import Value, draw_graph
    >>> x = Value([1.0, 2.0], name="x")
    >>> dot = draw_graph((x * x).sum())
    >>> dot.startswith("digraph") and "sum" in dot and "(2)" in dot
    True
    """
    try:
        import torch

        is_torch = isinstance(output, torch.Tensor)
    except ImportError:  # pragma: no cover
        is_torch = False
    if is_torch:
        nodes, edges = _torch_nodes(output, show_grad)
    elif hasattr(output, "_parents"):
        nodes, edges = _value_nodes(output, show_grad)
    else:
        raise TypeError(
            f"output must be a scidl.autodiff.Value or a torch.Tensor; got {type(output).__name__}."
        )
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB'; got {rankdir!r}.")
    names = {key: f"n{i}" for i, key in enumerate(nodes)}
    lines = [
        "digraph computing_graph {",
        f"  rankdir={rankdir};",
        '  node [fontname="Helvetica", fontsize=10];',
    ]
    for key, (label, kind) in nodes.items():
        text = _quote(label).replace(chr(92) * 2 + "n", chr(92) + "n")  # keep DOT line breaks
        lines.append(f"  {names[key]} [label={text}, {_STYLE[kind]}];")
    for a, b in dict.fromkeys(edges):
        lines.append(f"  {names[a]} -> {names[b]};")
    lines.append("}")
    dot = "\n".join(lines) + "\n"
    if path is not None:
        render_dot(dot, path, format=format)
    return dot


def render_dot(dot, path, *, format=None):
    """Render DOT text to ``path`` (SVG or PNG) with Graphviz, if it is installed.

    Parameters
    ----------
    dot : str
        A graph in the DOT language, e.g. from :func:`draw_graph`.
    path : str or Path
        Where to write the picture.
    format : {"svg", "png"}, optional
        By default from the suffix of ``path`` (``"svg"`` without one).

    Returns
    -------
    Path or None
        ``path``, or None when Graphviz's ``dot`` is not installed (nothing written).

    Examples
    --------
    The DOT text never needs Graphviz; only the rendering does:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from scidl.autodiff import Value, draw_graph, graphviz_available, render_dot
    >>> x = Value([1.0, 2.0], name="x")
    >>> dot = draw_graph((x * x).sum())
    >>> dot.startswith("digraph")
    True
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = render_dot(dot, Path(tmp) / "graph.svg")
    ...     ok = "<svg" in out.read_text() if graphviz_available() else out is None
    >>> ok
    True
    """
    path = Path(path)
    fmt = format or path.suffix.lstrip(".") or "svg"
    if fmt not in ("svg", "png"):
        raise ValueError(f"format must be 'svg' or 'png'; got {fmt!r}.")
    if not graphviz_available():
        return None
    subprocess.run(["dot", f"-T{fmt}", "-o", str(path)], input=dot.encode(), check=True)
    return path
