"""A multilayer perceptron written from scratch on :mod:`scidl.autodiff`.

Everything the torch version does, in plain sight: affine layers ``X @ W + b``,
an activation, softmax cross-entropy, backpropagation through the computing
graph, and minibatch stochastic gradient descent with momentum.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets

from scidl.autodiff._engine import Value, softmax_cross_entropy
from scidl.numerics import ACTIVATIONS, gain_factor
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_fitted,
    check_int_sequence,
    validate_data,
    validate_params,
)

__all__ = ["MLP", "SGD", "MLPClassifier"]


def _activation(name):
    """``Value -> Value`` for an activation name: the engine's own rules for relu, tanh and
    sigmoid, every other name of :data:`scidl.nn.ACTIVATIONS` through :meth:`Value.activation`."""
    own = {
        "relu": Value.relu,
        "tanh": Value.tanh,
        "sigmoid": Value.sigmoid,
        "identity": lambda v: v,
    }
    return own.get(name) or (lambda v: v.activation(name))


def _activation_names():
    return sorted(set(ACTIVATIONS) - {"prelu"})


class MLP:
    """Affine layers and activations on :class:`~scidl.autodiff.Value` arrays.

    Parameters
    ----------
    sizes : sequence of int
        ``(n_inputs, hidden_1, ..., n_outputs)``.
    activation : str
        Any name of :data:`scidl.nn.ACTIVATIONS` except ``"prelu"`` (its slope is a
        weight); relu, tanh and sigmoid use the engine's own rules, the others
        :meth:`Value.activation`.
    random_state : int or None
        Seed of the Glorot-uniform initialisation (the one :class:`scidl.nn.MLP` uses).

    Attributes
    ----------
    sizes : tuple of int
        Layer widths, input first.
    activation : str
        The hidden activation.
    weights : list of Value
        ``W1, W2, ...``, each of shape ``(fan_in, fan_out)``.
    biases : list of Value
        ``b1, b2, ...``.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.autodiff import MLP
    >>> net = MLP((2, 8, 3), random_state=0)
    >>> net(np.zeros((5, 2))).shape
    (5, 3)
    >>> len(net.parameters())
    4
    """

    def __init__(self, sizes, *, activation="relu", random_state=None):
        if activation not in _activation_names():
            raise ValueError(
                f"activation must be one of {_activation_names()}; got {activation!r}."
            )
        self.sizes = tuple(int(s) for s in sizes)
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"sizes must hold at least two positive ints; got {sizes!r}.")
        self.activation = activation
        rng = np.random.default_rng(random_state)
        factor = gain_factor(activation)  # Glorot & Bengio (2010), as scidl.nn.MLP
        self.weights, self.biases = [], []
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            bound = np.sqrt(factor / (fan_in + fan_out))
            self.weights.append(Value(rng.uniform(-bound, bound, (fan_in, fan_out)), name=f"W{i}"))
            self.biases.append(Value(rng.uniform(-bound, bound, fan_out), name=f"b{i}"))

    @classmethod
    def from_torch(cls, module):
        """Copy the weights of a :class:`scidl.nn.MLP`.

        Any activation but PReLU; the torch network must have no dropout or batch norm.
        """
        layers = module.linear_layers
        sizes = [layers[0].in_features] + [layer.out_features for layer in layers]
        net = cls(sizes, activation=getattr(module, "activation", "relu"))
        for i, layer in enumerate(layers):
            net.weights[i].data = layer.weight.detach().double().numpy().T.copy()
            net.biases[i].data = layer.bias.detach().double().numpy().copy()
        return net

    def parameters(self):
        """The weights and biases, layer by layer: ``[W1, b1, W2, b2, ...]``."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def __call__(self, X):
        """Forward pass: logits (or regression outputs) as a :class:`Value`."""
        h = (
            X
            if isinstance(X, Value)
            else Value(np.asarray(X, dtype=np.float64), requires_grad=False, name="X")
        )
        act = _activation(self.activation)
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ W + b
            if i < len(self.weights) - 1:
                h = act(h)
        return h


class SGD:
    """Stochastic gradient descent with optional momentum, as ``torch.optim.SGD``.

    ``v <- mu v + g``; ``p <- p - lr v`` (with ``v = g`` on the first step).

    Parameters
    ----------
    params : iterable of Value
        Updated in place (their ``.data``) from their ``.grad`` by :meth:`step`.
    lr : float, default 0.1
        Learning rate.
    momentum : float, default 0.0
        Momentum coefficient ``mu``.

    Attributes
    ----------
    params : list of Value
        The parameters.
    lr, momentum : float
        As given.

    Examples
    --------
    >>> from scidl.autodiff import SGD, Value
    >>> p = Value([1.0, -2.0])
    >>> opt = SGD([p], lr=0.25)
    >>> (p * p).sum().backward()          # gradient 2 p
    >>> opt.step()
    >>> p.data.tolist()                   # p - 0.25 * 2 p
    [0.5, -1.0]
    """

    def __init__(self, params, lr=0.1, momentum=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self._velocity = [None] * len(self.params)

    def step(self):
        for i, p in enumerate(self.params):
            g = p.grad
            if self.momentum:
                v = g.copy() if self._velocity[i] is None else self.momentum * self._velocity[i] + g
                self._velocity[i] = v
                g = v
            p.data = p.data - self.lr * g


class MLPClassifier(ClassifierMixin, BaseEstimator):
    """Softmax classifier on the from-scratch :class:`MLP`, trained by minibatch SGD.

    Parameters
    ----------
    hidden_sizes : sequence of int, default (128,)
        Widths of the hidden layers.
    activation : str, default "relu"
        Any name of :data:`scidl.nn.ACTIVATIONS` except ``"prelu"``.
    lr : float, default 0.1
        Learning rate of :class:`SGD`.
    momentum : float, default 0.9
        Momentum of :class:`SGD`.
    batch_size : int, default 64
        Minibatch size.
    max_epochs : int, default 10
        Passes over the training data.
    random_state : int or None
        Seeds the initialisation and the shuffling.

    Attributes
    ----------
    classes_ : ndarray
        The class labels.
    n_features_in_ : int
        Number of input features.
    net_ : MLP
        The trained network.
    loss_curve_ : list of float
        The loss after each minibatch step.

    Examples
    --------
    >>> from scidl.autodiff import MLPClassifier
    >>> from scidl.data import make_moons
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = MLPClassifier((32,), max_epochs=60, random_state=0).fit(X, y)
    >>> bool(clf.score(X, y) > 0.95)
    True
    """

    _parameter_constraints = {
        "hidden_sizes": [
            InstanceOf(tuple, list, numbers.Integral, description="an int or a sequence of ints")
        ],
        "activation": [Options(*_activation_names())],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "momentum": [Interval(numbers.Real, 0, 1, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "max_epochs": [Interval(numbers.Integral, 1, None)],
        "random_state": [
            Interval(numbers.Integral, 0, 2**32 - 1),
            InstanceOf(np.random.Generator),
            None,
        ],
    }

    def __init__(
        self,
        hidden_sizes=(128,),
        *,
        activation="relu",
        lr=0.1,
        momentum=0.9,
        batch_size=64,
        max_epochs=10,
        random_state=None,
    ):
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.lr = lr
        self.momentum = momentum
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.random_state = random_state

    def fit(self, X, y):
        validate_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, target = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                "MLPClassifier needs samples of at least 2 classes; "
                f"got 1 class: {self.classes_[0]!r}."
            )
        rng = np.random.default_rng(self.random_state)
        seed = int(rng.integers(2**31))
        hidden = check_int_sequence(self.hidden_sizes, "hidden_sizes", allow_empty=False)
        self.net_ = MLP(
            (X.shape[1], *hidden, len(self.classes_)), activation=self.activation, random_state=seed
        )
        opt = SGD(self.net_.parameters(), lr=self.lr, momentum=self.momentum)
        self.loss_curve_ = []
        for _ in range(self.max_epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(X), self.batch_size):
                idx = order[start : start + self.batch_size]
                loss = softmax_cross_entropy(self.net_(X[idx]), target[idx])
                loss.backward()
                opt.step()
                self.loss_curve_.append(float(loss.data))
        self.n_iter_ = self.max_epochs
        return self

    def decision_function(self, X):
        check_fitted(self, "net_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        z = self.net_(X).data
        return z[:, 1] - z[:, 0] if z.shape[1] == 2 else z

    def predict_proba(self, X):
        check_fitted(self, "net_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        z = self.net_(X).data
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X):
        winners = self.predict_proba(X).argmax(axis=1)
        return self.classes_[winners]
