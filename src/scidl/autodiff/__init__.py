"""Backpropagation on computing graphs: a small reverse-mode autodiff engine.

Reads like micrograd, works on NumPy arrays with broadcasting.

- :class:`Value`: a node (array, gradient, parents, op, backward closure).
- :func:`softmax_cross_entropy`, :func:`mse_loss`: losses.
- :class:`MLP`, :class:`SGD`, :class:`MLPClassifier`: a network trained from scratch.
- :func:`draw_graph`: the computing graph (of a Value or a torch tensor) as Graphviz DOT.
- :func:`numerical_gradient`, :func:`gradcheck`: finite-difference checks.
"""

from scidl.autodiff._engine import Value, as_value, mse_loss, softmax_cross_entropy, unbroadcast
from scidl.autodiff._gradcheck import gradcheck, numerical_gradient
from scidl.autodiff._graph import draw_graph, graphviz_available, render_dot
from scidl.autodiff._mlp import MLP, SGD, MLPClassifier

__all__ = [
    "MLP",
    "SGD",
    "MLPClassifier",
    "Value",
    "as_value",
    "draw_graph",
    "gradcheck",
    "graphviz_available",
    "mse_loss",
    "numerical_gradient",
    "render_dot",
    "softmax_cross_entropy",
    "unbroadcast",
]
