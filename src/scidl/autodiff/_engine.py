"""A small reverse-mode automatic differentiation engine on NumPy arrays.

This is micrograd (Karpathy) grown from scalars to arrays. Every :class:`Value`
holds

- ``data``: a NumPy array (float64 by default),
- ``grad``: the derivative of the final output with respect to ``data``
  (same shape), filled in by :meth:`Value.backward`,
- ``_parents``: the values it was computed from,
- ``_op``: the name of the operation that made it (for :func:`draw_graph`),
- ``_backward``: a small closure that takes ``out.grad`` and adds each
  parent's share to ``parent.grad`` (the chain rule for one operation).

Backpropagation is a topological sort of the graph followed by one loop over
it in reverse, calling each node's ``_backward``.

Broadcasting: NumPy lets ``(n, k) + (k,)`` broadcast. The gradient flowing
back to the ``(k,)`` operand then has shape ``(n, k)``; it is *un-broadcast*
by summing over the axes that broadcasting added or stretched
(:func:`unbroadcast`). This is the only extra idea compared to scalars.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Value", "as_value", "unbroadcast", "softmax_cross_entropy", "mse_loss"]


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: undo NumPy broadcasting in the backward pass.

    Parameters
    ----------
    grad : array-like
        A gradient of the broadcast shape.
    shape : tuple of int
        The shape of the operand before broadcasting.

    Returns
    -------
    ndarray of shape ``shape``
        ``grad`` summed over the axes broadcasting added or stretched.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.autodiff import unbroadcast
    >>> unbroadcast(np.ones((4, 3)), (3,)).tolist()
    [4.0, 4.0, 4.0]
    >>> unbroadcast(np.ones((4, 3)), (4, 1)).tolist()
    [[3.0], [3.0], [3.0], [3.0]]
    """
    grad = np.asarray(grad)
    while grad.ndim > len(shape):  # axes added in front
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):  # axes stretched from length 1
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad.reshape(shape)


def _leaf_backward():
    """A leaf has no parents: nothing to pass on (module-level, so values pickle)."""


def as_value(x):
    """``x`` itself if it is a :class:`Value`, else a constant Value wrapping it.

    Parameters
    ----------
    x : Value or array-like
        A node or the data of a constant.

    Returns
    -------
    Value
        ``x``, or a new node with ``requires_grad=False``.

    Examples
    --------
    >>> from scidl.autodiff import as_value
    >>> c = as_value([1, 2])
    >>> c.data.dtype, c.requires_grad
    (dtype('float64'), False)
    >>> as_value(c) is c
    True
    """
    return x if isinstance(x, Value) else Value(x, requires_grad=False)


class Value:
    """A node of the computing graph: an array, its gradient and how it was made.

    Parameters
    ----------
    data : array-like
        Converted to a float64 NumPy array (unless already floating point).
    requires_grad : bool, default True
        Constants (inputs, labels) need no gradient.
    name : str, optional
        A label for :func:`draw_graph` (e.g. ``"W1"``).

    Attributes
    ----------
    data : ndarray
        The value (float64 unless given in another floating type).
    grad : ndarray
        d(output)/d(data) after :meth:`backward`, same shape as ``data``.
    requires_grad : bool
        Whether this is a parameter or an intermediate result (not a constant).
    name : str
        Label in drawings.
    shape : tuple of int
        ``data.shape``.
    ndim : int
        ``data.ndim``.
    T : Value
        The transpose.

    Examples
    --------
    >>> from scidl.autodiff import Value
    >>> x = Value([1.0, 2.0, 3.0], name="x")
    >>> y = (x * x).sum()          # y = sum x_i^2
    >>> y.backward()
    >>> x.grad.tolist()            # dy/dx = 2 x
    [2.0, 4.0, 6.0]
    """

    def __init__(self, data, *, requires_grad=True, name="", _parents=(), _op=""):
        data = np.asarray(data)
        if not np.issubdtype(data.dtype, np.floating):
            data = data.astype(np.float64)
        self.data = data
        self.grad = np.zeros_like(data)
        self.requires_grad = requires_grad
        self.name = name
        self._parents = tuple(_parents)
        self._op = _op
        self._backward = _leaf_backward

    # ------------------------------------------------------------------ basics
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    def __repr__(self):
        label = f" name={self.name!r}" if self.name else ""
        return f"Value(shape={self.shape}, op={self._op or 'leaf'!r}{label})"

    def numpy(self):
        """The data as a NumPy array."""
        return self.data

    def _make(self, data, parents, op):
        return Value(
            data, requires_grad=any(p.requires_grad for p in parents), _parents=parents, _op=op
        )

    # ====================================================================
    # The local derivative rules, all on one screen.
    # Each operation computes its output and defines ``_backward``, which
    # adds d(final)/d(parent) = d(final)/d(out) * d(out)/d(parent).
    # ====================================================================
    def __add__(self, other):
        other = as_value(other)
        out = self._make(self.data + other.data, (self, other), "+")

        def _backward():  # d(a+b)/da = 1, d(a+b)/db = 1
            self.grad += unbroadcast(out.grad, self.shape)
            other.grad += unbroadcast(out.grad, other.shape)

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = as_value(other)
        out = self._make(self.data * other.data, (self, other), "*")

        def _backward():  # d(ab)/da = b, d(ab)/db = a
            self.grad += unbroadcast(out.grad * other.data, self.shape)
            other.grad += unbroadcast(out.grad * self.data, other.shape)

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError(
                "Only constant (non-Value) exponents are supported; use exp(b * log(a))."
            )
        p = float(exponent)
        out = self._make(self.data**p, (self,), f"**{p:g}")

        def _backward():  # d(a^p)/da = p a^(p-1)
            self.grad += out.grad * p * self.data ** (p - 1)

        out._backward = _backward
        return out

    def __matmul__(self, other):
        other = as_value(other)
        if self.ndim != 2 or other.ndim != 2:
            raise ValueError(
                f"matmul needs two 2-D values; got shapes {self.shape} and {other.shape}."
            )
        out = self._make(self.data @ other.data, (self, other), "@")

        def _backward():  # d(AB)/dA = G B^T, d(AB)/dB = A^T G
            self.grad += out.grad @ other.data.T
            other.grad += self.data.T @ out.grad

        out._backward = _backward
        return out

    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis`` (all axes by default)."""
        out = self._make(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum")

        def _backward():  # every summand gets the gradient of the sum
            g = out.grad
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            self.grad += np.broadcast_to(g, self.shape)

        out._backward = _backward
        return out

    def reshape(self, *shape):
        """The same numbers in a new shape."""
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple | list) else shape
        out = self._make(self.data.reshape(shape), (self,), "reshape")

        def _backward():
            self.grad += out.grad.reshape(self.shape)

        out._backward = _backward
        return out

    def transpose(self, axes=None):
        """Permute the axes (reverse them by default)."""
        out = self._make(np.transpose(self.data, axes), (self,), "transpose")

        def _backward():
            inverse = None if axes is None else np.argsort(axes)
            self.grad += np.transpose(out.grad, inverse)

        out._backward = _backward
        return out

    def exp(self):
        out = self._make(np.exp(self.data), (self,), "exp")

        def _backward():  # d exp(a) = exp(a)
            self.grad += out.grad * out.data

        out._backward = _backward
        return out

    def log(self):
        out = self._make(np.log(self.data), (self,), "log")

        def _backward():  # d log(a) = 1/a
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self):
        out = self._make(np.tanh(self.data), (self,), "tanh")

        def _backward():  # d tanh = 1 - tanh^2
            self.grad += out.grad * (1.0 - out.data**2)

        out._backward = _backward
        return out

    def sigmoid(self):
        s = 0.5 * (1.0 + np.tanh(0.5 * self.data))  # stable logistic function
        out = self._make(s, (self,), "sigmoid")

        def _backward():  # d sigma = sigma (1 - sigma)
            self.grad += out.grad * out.data * (1.0 - out.data)

        out._backward = _backward
        return out

    def relu(self):
        out = self._make(np.maximum(self.data, 0.0), (self,), "relu")

        def _backward():  # d relu = 1 where a > 0 (0 at the kink, as in torch)
            self.grad += out.grad * (self.data > 0)

        out._backward = _backward
        return out

    def activation(self, name):
        """Any activation of :data:`scidl.nn.ACTIVATIONS` by name, with its exact derivative.

        The same table as the torch networks use (values and derivatives); ``relu``,
        ``tanh`` and ``sigmoid`` also have their own methods above. ``prelu`` is not
        offered: its slope is a weight, which this engine's elementwise rule cannot learn.

        Examples
        --------
        >>> from scidl.autodiff import Value
        >>> x = Value([-1.0, 0.5])
        >>> y = x.activation("softplus").sum()
        >>> y.backward()
        >>> x.grad.round(4).tolist()  # softplus' = sigmoid
        [0.2689, 0.6225]
        """
        import torch

        from scidl.numerics import DERIVATIVES, activation_function

        if name == "prelu" or name not in DERIVATIVES:
            options = ", ".join(repr(k) for k in sorted(DERIVATIVES) if k != "prelu")
            raise ValueError(
                f"activation must be one of {options}; got {name!r} "
                "(prelu's slope is a weight: use the torch MLP)."
            )
        x = torch.as_tensor(self.data)
        with torch.no_grad():
            out = self._make(activation_function(name)(x).numpy(), (self,), name)

        def _backward():  # d f(a) = f'(a), from the table of closed-form derivatives
            self.grad += out.grad * DERIVATIVES[name](x).numpy()

        out._backward = _backward
        return out

    # ------------------------------------------- derived operations (no new rules)
    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-as_value(other))

    def __truediv__(self, other):
        return self * as_value(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return as_value(other) - self

    def __rtruediv__(self, other):
        return as_value(other) * self**-1

    def __rmatmul__(self, other):
        return as_value(other) @ self

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis`` (all axes by default): a sum divided by a count."""
        count = (
            self.data.size
            if axis is None
            else np.prod([self.shape[a] for a in np.atleast_1d(axis)])
        )
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / count)

    @property
    def T(self):
        return self.transpose()

    # ------------------------------------------------------------- backprop
    def backward(self, grad=None):
        """Backpropagate: fill ``.grad`` of every value this one depends on.

        Parameters
        ----------
        grad : array-like, optional
            d(final)/d(self); defaults to 1 (``self`` must then be a scalar).
        """
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without grad needs a scalar output; got shape {self.shape}."
                )
            grad = np.ones_like(self.data)
        # 1. topological order: every node after all of its parents
        order, visited = [], set()

        def visit(node):
            if id(node) not in visited:
                visited.add(id(node))
                for parent in node._parents:
                    visit(parent)
                order.append(node)

        visit(self)
        # 2. one reversed loop applying the chain rule node by node
        for node in order:
            node.grad = np.zeros_like(node.data)
        self.grad = np.asarray(grad, dtype=self.data.dtype).reshape(self.shape).copy()
        for node in reversed(order):
            node._backward()

    def zero_grad(self):
        """Reset ``grad`` to zeros."""
        self.grad = np.zeros_like(self.data)


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of ``softmax(logits)`` against integer ``labels``.

    One fused node: with ``p = softmax(z)``, ``d loss / d z = (p - onehot(y)) / n``.
    The log-sum-exp is shifted by the row maximum for stability.

    Parameters
    ----------
    logits : Value or array-like of shape (n, k)
        Unnormalised log-probabilities.
    labels : array-like of int, shape (n,)
        Class indices in ``[0, k)``.

    Returns
    -------
    Value
        The scalar loss.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.autodiff import Value, softmax_cross_entropy
    >>> z = Value(np.zeros((2, 3)))
    >>> loss = softmax_cross_entropy(z, np.array([0, 2]))
    >>> round(float(loss.data), 6) == round(float(np.log(3)), 6)
    True
    """
    logits = as_value(logits)
    labels = np.asarray(labels, dtype=np.int64)
    if logits.ndim != 2 or labels.shape != (logits.shape[0],):
        raise ValueError(
            f"logits must be (n, k) and labels (n,); got {logits.shape} and {labels.shape}."
        )
    z = logits.data - logits.data.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(labels)
    out = logits._make(-log_p[np.arange(n), labels].mean(), (logits,), "softmax_xent")

    def _backward():
        g = np.exp(log_p)
        g[np.arange(n), labels] -= 1.0
        logits.grad += out.grad * g / n

    out._backward = _backward
    return out


def mse_loss(prediction, target):
    """Mean squared error ``mean((prediction - target)^2)`` built from the basic ops.

    Its gradient with respect to ``prediction`` is ``2 (prediction - target) / n``.

    Parameters
    ----------
    prediction : Value or array-like
        The model output.
    target : Value or array-like
        What it should be (same shape, or broadcastable).

    Returns
    -------
    Value
        The scalar loss.

    Examples
    --------
    >>> from scidl.autodiff import Value, mse_loss
    >>> p = Value([1.0, 2.0])
    >>> loss = mse_loss(p, [0.0, 0.0])
    >>> float(loss.data)
    2.5
    >>> loss.backward()
    >>> p.grad.tolist()
    [1.0, 2.0]
    """
    diff = as_value(prediction) - as_value(target)
    return (diff * diff).mean()
