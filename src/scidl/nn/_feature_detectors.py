"""What hidden units detect: first-layer weights, top-activating inputs, activation maximisation.

The figures of these (``plot_first_layer_weights``, ``plot_top_activating``,
``plot_activation_maximization``) are in :mod:`scidl.plot`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from scidl.utils import check_array

__all__ = [
    "first_layer_weights",
    "hidden_activations",
    "top_activating",
    "activation_maximization",
]


def _module(estimator_or_module):
    module = getattr(estimator_or_module, "module_", estimator_or_module)
    if not isinstance(module, nn.Module) or not hasattr(module, "linear_layers"):
        raise TypeError(
            "expected a fitted scidl MLP estimator or a scidl.nn.MLP module; "
            f"got {type(estimator_or_module).__name__}."
        )
    return module


def _units(units, n):
    units = np.arange(n) if units is None else np.asarray(units, dtype=int).reshape(-1)
    if units.size and (units.min() < 0 or units.max() >= n):
        raise ValueError(f"units must lie in [0, {n}); got {units.tolist()}.")
    return units


def first_layer_weights(estimator_or_module, units=None):
    """The input weights of first-layer hidden units, shape ``(n_units, n_features)``.

    Row ``j`` is what unit ``j`` computes a dot product with: reshaped to 28x28
    for MNIST it shows which pixels the unit weighs strongly (positive or
    negative) and which it ignores.

    Parameters
    ----------
    estimator_or_module : MLPClassifier, MLPRegressor or MLP
        A fitted scidl MLP estimator or a :class:`~scidl.nn.MLP` module.
    units : sequence of int, optional
        The hidden units (default: all of the first layer).

    Returns
    -------
    ndarray of shape (n_units, n_features)
        One row of input weights per unit, float64.

    Examples
    --------
    >>> from scidl.nn import MLP, first_layer_weights
    >>> first_layer_weights(MLP(784, 10, (32,)), units=[0, 3]).shape
    (2, 784)
    """
    module = _module(estimator_or_module)
    W = module.linear_layers[0].weight.detach().double().cpu().numpy()
    return W[_units(units, len(W))]


def hidden_activations(estimator_or_module, X, layer=0):
    """Post-activation outputs of hidden layer ``layer`` (0 = first) for inputs ``X``.

    Dropout is off (eval mode); batch normalisation, if any, uses its running statistics.

    Parameters
    ----------
    estimator_or_module : MLPClassifier, MLPRegressor or MLP
        A fitted scidl MLP estimator or a :class:`~scidl.nn.MLP` module.
    X : array-like of shape (n_samples, n_features)
        Inputs.
    layer : int, default 0
        The hidden layer.

    Returns
    -------
    ndarray of shape (n_samples, n_units)
        The layer's activations, float64.

    Examples
    --------
    >>> import torch
    >>> from scidl.nn import MLP, hidden_activations
    >>> net = MLP(3, 2, (3,))                        # hidden unit j reads input j
    >>> with torch.no_grad():
    ...     _ = net.linear_layers[0].weight.copy_(torch.eye(3))
    ...     _ = net.linear_layers[0].bias.zero_()
    >>> hidden_activations(net, [[1.0, -2.0, 3.0]]).tolist()   # relu of the inputs
    [[1.0, 0.0, 3.0]]
    """
    module = _module(estimator_or_module)
    target = module.linear_layers[layer]
    param = next(module.parameters())
    X = check_array(X, name="X", ndim=2)
    n_in = module.linear_layers[0].in_features
    if X.shape[1] != n_in:
        raise ValueError(f"X must have {n_in} features (the network's inputs); got {X.shape[1]}.")
    x = torch.as_tensor(X, dtype=param.dtype, device=param.device)
    was_training = module.training
    module.eval()
    out, seen = x, False
    with torch.no_grad():
        for m in module.layers:
            if seen and isinstance(m, nn.Linear):
                break
            out = m(out)
            if m is target:
                seen = True
    module.train(was_training)
    return out.double().cpu().numpy()


def top_activating(estimator_or_module, X, units=None, *, n_top=8, layer=0):
    """Indices of the ``n_top`` inputs of ``X`` that excite each hidden unit most.

    Parameters
    ----------
    estimator_or_module : MLPClassifier, MLPRegressor or MLP
        A fitted scidl MLP estimator or a :class:`~scidl.nn.MLP` module.
    X : array-like of shape (n_samples, n_features)
        The candidate inputs.
    units : sequence of int, optional
        The hidden units (default: all units of ``layer``).
    n_top : int, default 8
        Inputs per unit (at most ``n_samples``).
    layer : int, default 0
        The hidden layer.

    Returns
    -------
    ndarray of shape (n_units, n_top)
        Row ``j``: indices into ``X``, the most exciting first.

    Examples
    --------
    >>> import torch
    >>> from scidl.nn import MLP, top_activating
    >>> net = MLP(3, 2, (3,))                        # hidden unit j reads input j
    >>> with torch.no_grad():
    ...     _ = net.linear_layers[0].weight.copy_(torch.eye(3))
    ...     _ = net.linear_layers[0].bias.zero_()
    >>> X = [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0], [0.0, 5.0, 0.0]]
    >>> top_activating(net, X, n_top=2).tolist()      # row j: the inputs unit j likes best
    [[0, 1], [3, 1], [2, 0]]
    """
    A = hidden_activations(estimator_or_module, X, layer)
    units = _units(units, A.shape[1])
    n_top = min(int(n_top), len(A))
    return np.argsort(-A[:, units], axis=0, kind="stable")[:n_top].T


def activation_maximization(
    estimator_or_module, units=None, *, layer=0, norm=10.0, steps=200, lr=1.0, random_state=0
):
    """Inputs that maximise each unit's pre-activation under a norm constraint.

    Projected gradient ascent on ``x`` with ``|x| = norm`` from a random start
    (Erhan et al. 2009). For a first-layer unit the answer is known:
    ``norm * w / |w|`` (the bias does not matter); deeper units give the
    lecture's "higher-level features".

    Parameters
    ----------
    estimator_or_module : MLPClassifier, MLPRegressor or MLP
        A fitted scidl MLP estimator or a :class:`~scidl.nn.MLP` module.
    units : sequence of int, optional
        The units of ``layer`` (default: all).
    layer : int, default 0
        The layer whose pre-activations are maximised.
    norm : float, default 10.0
        The Euclidean norm of the inputs.
    steps : int, default 200
        Gradient-ascent steps.
    lr : float, default 1.0
        Step size.
    random_state : int, default 0
        Seeds the random start.

    Returns
    -------
    ndarray of shape (n_units, n_features)
        One maximising input per unit, float64.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from scidl.nn import MLP, activation_maximization
    >>> net = MLP(3, 2, (3,))                        # hidden unit j reads input j
    >>> with torch.no_grad():
    ...     _ = net.linear_layers[0].weight.copy_(torch.eye(3))
    ...     _ = net.linear_layers[0].bias.zero_()
    >>> x = activation_maximization(net, units=[0, 2], norm=2.0, steps=50)
    >>> bool(np.allclose(x, [[2.0, 0.0, 0.0], [0.0, 0.0, 2.0]], atol=1e-6))   # norm * w / |w|
    True
    """
    module = _module(estimator_or_module)
    linear = module.linear_layers[layer]
    units = _units(units, linear.out_features)
    n_features = module.linear_layers[0].in_features
    gen = torch.Generator().manual_seed(int(random_state))
    x = torch.randn(len(units), n_features, generator=gen, dtype=torch.float64)
    x = norm * x / x.norm(dim=1, keepdim=True)
    x.requires_grad_(True)
    dtype = next(module.parameters()).dtype
    was_training = module.training
    module.eval()
    captured = {}
    hook = linear.register_forward_hook(lambda m, i, o: captured.__setitem__("z", o))
    opt = torch.optim.SGD([x], lr=lr)
    idx = torch.as_tensor(units)
    try:
        for _ in range(int(steps)):
            opt.zero_grad()
            module(x.to(dtype))
            z = captured["z"].double()
            (-z[torch.arange(len(units)), idx].sum()).backward()
            opt.step()
            with torch.no_grad():  # project back onto the sphere |x| = norm
                x.mul_(norm / x.norm(dim=1, keepdim=True))
    finally:
        hook.remove()
        module.train(was_training)
    return x.detach().numpy()
