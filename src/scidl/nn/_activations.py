"""Activation functions by name.

Every network in scidl takes ``activation="relu"`` (or any name below, or a
``torch.nn.Module`` class) so that the course's table of activation functions
can be tried on any model.
"""

from __future__ import annotations

import inspect

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "get_activation", "gain_factor"]


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

    Examples
    --------
    >>> get_activation("tanh")
    Tanh()
    """
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(map(repr, sorted(ACTIVATIONS)))}; got {activation!r}.")
        return ACTIVATIONS[activation]()
    if inspect.isclass(activation) and issubclass(activation, nn.Module):
        return activation()
    raise TypeError(f"activation must be a name or a torch.nn.Module class; got {activation!r}.")


def gain_factor(activation) -> float:
    """Numerator of the Glorot-uniform bound sqrt(factor / (fan_in + fan_out)).

    6 is Glorot & Bengio's (2010) value; for the logistic sigmoid, whose slope at
    zero is 1/4, scikit-learn uses 2. We follow both so that the default MLP
    starts where scikit-learn's does.
    """
    return 2.0 if activation in ("sigmoid", "logistic") else 6.0
