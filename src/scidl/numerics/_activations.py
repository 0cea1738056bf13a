"""Activation functions by name.

Every network in scidl takes ``activation="relu"`` (or any name below, or a
``torch.nn.Module`` class) so that the course's table of activation functions
can be tried on any model.
"""

from __future__ import annotations

import inspect
import math

import torch
from torch import nn

__all__ = [
    "ACTIVATIONS",
    "DERIVATIVES",
    "activation_function",
    "derivative",
    "get_activation",
    "gain_factor",
]


class Gaussian(nn.Module):
    """The Gaussian activation exp(-x^2)."""

    def forward(self, x):
        return torch.exp(-x * x)


class BinaryStep(nn.Module):
    """The Heaviside step (x >= 0); its derivative is zero almost everywhere."""

    def forward(self, x):
        return (x >= 0).to(x.dtype)


ACTIVATIONS = {
    "identity": nn.Identity,
    "binary_step": BinaryStep,
    "sigmoid": nn.Sigmoid,
    "logistic": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "prelu": nn.PReLU,
    "elu": nn.ELU,
    "selu": nn.SELU,
    "gelu": nn.GELU,
    "softplus": nn.Softplus,
    "softsign": nn.Softsign,
    "silu": nn.SiLU,
    "swish": nn.SiLU,
    "gaussian": Gaussian,
}


def get_activation(activation) -> nn.Module:
    """A fresh activation module from a name or a module class.

    Parameters
    ----------
    activation : str or torch.nn.Module class
        A key of :data:`ACTIVATIONS`, or a module class called without arguments.

    Returns
    -------
    torch.nn.Module
        A new instance (so that modules with parameters, e.g. PReLU, are not shared).

    Examples
    --------
    >>> from scidl.numerics import get_activation
    >>> get_activation("tanh")
    Tanh()
    """
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {', '.join(map(repr, sorted(ACTIVATIONS)))}; "
                f"got {activation!r}."
            )
        return ACTIVATIONS[activation]()
    if inspect.isclass(activation) and issubclass(activation, nn.Module):
        return activation()
    raise TypeError(f"activation must be a name or a torch.nn.Module class; got {activation!r}.")


def gain_factor(activation) -> float:
    """Numerator of the Glorot-uniform bound sqrt(factor / (fan_in + fan_out)).

    6 is Glorot & Bengio's (2010) value; for the logistic sigmoid, whose slope at
    zero is 1/4, scikit-learn uses 2. We follow both so that the default MLP
    starts where scikit-learn's does.

    Parameters
    ----------
    activation : str or torch.nn.Module class
        The hidden activation of the layer.

    Returns
    -------
    float
        2.0 for ``"sigmoid"``/``"logistic"``, 6.0 otherwise.

    Examples
    --------
    >>> import math
    >>> from scidl.numerics import gain_factor
    >>> gain_factor("relu"), gain_factor("sigmoid")
    (6.0, 2.0)
    >>> fan_in, fan_out = 784, 256  # the Glorot bound of a 784 -> 256 ReLU layer
    >>> round(math.sqrt(gain_factor("relu") / (fan_in + fan_out)), 4)
    0.076
    """
    return 2.0 if activation in ("sigmoid", "logistic") else 6.0


# ---------------------------------------------------------------------------
# Each activation's derivative in closed form, at the default parameters of the
# modules above (leaky ReLU slope 0.01, PReLU's initial slope 0.25, ELU alpha 1,
# SELU's constants of Klambauer et al. 2017, exact erf GELU, softplus beta 1).
# At kinks we take the value torch's autograd uses:
# ReLU'(0) = 0, leaky/PReLU'(0) = slope, ELU'(0) = 1; the step's derivative is 0.
# ---------------------------------------------------------------------------
_SELU_ALPHA = 1.6732632423543772  # Klambauer et al. (2017), self-normalising fixed point
_SELU_SCALE = 1.0507009873554805
_LEAKY_SLOPE = 0.01  # torch.nn.LeakyReLU default
_PRELU_SLOPE = 0.25  # torch.nn.PReLU initial slope


def _sigmoid_prime(x):
    s = torch.sigmoid(x)
    return s * (1 - s)


def _gelu_prime(x):
    cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
    pdf = torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return cdf + x * pdf


def _silu_prime(x):
    s = torch.sigmoid(x)
    return s * (1 + x * (1 - s))


DERIVATIVES = {
    "identity": lambda x: torch.ones_like(x),
    "binary_step": lambda x: torch.zeros_like(x),
    "sigmoid": _sigmoid_prime,
    "logistic": _sigmoid_prime,
    "tanh": lambda x: 1 - torch.tanh(x) ** 2,
    "relu": lambda x: (x > 0).to(x.dtype),
    "leaky_relu": lambda x: torch.where(
        x >= 0, torch.ones_like(x), torch.full_like(x, _LEAKY_SLOPE)
    ),
    "prelu": lambda x: torch.where(x >= 0, torch.ones_like(x), torch.full_like(x, _PRELU_SLOPE)),
    "elu": lambda x: torch.where(x > 0, torch.ones_like(x), torch.exp(torch.clamp(x, max=0))),
    "selu": lambda x: (
        _SELU_SCALE
        * torch.where(x > 0, torch.ones_like(x), _SELU_ALPHA * torch.exp(torch.clamp(x, max=0)))
    ),
    "gelu": _gelu_prime,
    "softplus": torch.sigmoid,
    "softsign": lambda x: 1 / (1 + x.abs()) ** 2,
    "silu": _silu_prime,
    "swish": _silu_prime,
    "gaussian": lambda x: -2 * x * torch.exp(-x * x),
}
"""Name -> ``f'(x)`` on tensors, in closed form (tested against autograd)."""


def activation_function(name):
    """The activation ``name`` as a function of a tensor (a fresh module, called).

    Parameters
    ----------
    name : str or torch.nn.Module class
        A key of :data:`ACTIVATIONS` (or a module class).

    Returns
    -------
    callable
        ``f(tensor) -> tensor``.

    Examples
    --------
    >>> import torch
    >>> from scidl.numerics import activation_function
    >>> f = activation_function("relu")
    >>> f(torch.tensor([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """
    module = get_activation(name)
    return module


def derivative(name, x):
    """The closed-form derivative of activation ``name`` at ``x``.

    Parameters
    ----------
    name : str
        Any key of :data:`ACTIVATIONS`.
    x : array-like or torch.Tensor
        Where to evaluate the derivative.

    Returns
    -------
    torch.Tensor or ndarray
        ``f'(x)``: a tensor for a tensor ``x``, else a float64 array.

    Examples
    --------
    >>> from scidl.numerics import derivative
    >>> derivative("tanh", [0.0]).tolist()
    [1.0]
    >>> derivative("softplus", [0.0]).tolist()
    [0.5]
    """
    if name not in DERIVATIVES:
        raise ValueError(
            f"activation must be one of {', '.join(map(repr, sorted(DERIVATIVES)))}; "
            f"got name={name!r}."
        )
    if isinstance(x, torch.Tensor):
        return DERIVATIVES[name](x)
    import numpy as np

    t = torch.as_tensor(np.asarray(x, dtype=np.float64))
    return DERIVATIVES[name](t).numpy()
