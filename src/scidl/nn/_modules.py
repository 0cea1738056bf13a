"""Plain torch modules used by the estimators (usable on their own)."""

from __future__ import annotations

import math

from torch import nn

from scidl.numerics import gain_factor, get_activation

__all__ = ["MLP"]


class MLP(nn.Module):
    """A multilayer perceptron: (Linear -> [BatchNorm] -> activation -> [Dropout]) x k -> Linear.

    Parameters
    ----------
    in_features : int
        Number of inputs.
    out_features : int
        Number of outputs.
    hidden_sizes : sequence of int, default (100,)
        Widths of the hidden layers.
    activation : str or nn.Module class, default "relu"
        Any name in :data:`scidl.nn.ACTIVATIONS`.
    dropout : float, default 0.0
        Dropout probability after each hidden activation (0 disables it).
    batch_norm : bool, default False
        Batch normalisation before each hidden activation.

    Attributes
    ----------
    in_features, out_features : int
        Numbers of inputs and outputs.
    hidden_sizes : tuple of int
        Widths of the hidden layers.
    activation : str or nn.Module class
        The hidden activation.
    dropout : float
        Dropout probability.
    batch_norm : bool
        Whether hidden layers are batch-normalised.
    layers : torch.nn.Sequential
        All layers, input first.
    linear_layers : list of torch.nn.Linear
        The affine layers, input first.

    Notes
    -----
    Weights and biases are drawn uniformly from +-sqrt(f / (fan_in + fan_out))
    with f = 6 (f = 2 for the logistic sigmoid), the Glorot-Bengio (2010)
    initialisation as scikit-learn uses it; PyTorch's default bound
    1/sqrt(fan_in) starts deep ReLU networks noticeably slower.

    Examples
    --------
    >>> import torch
    >>> from scidl.nn import MLP
    >>> net = MLP(4, 3, hidden_sizes=(8,))
    >>> net(torch.zeros(2, 4)).shape
    torch.Size([2, 3])
    >>> net
    MLP(
      in_features=4, out_features=3, hidden_sizes=(8,), activation='relu'
      (layers): Sequential(...)
    )
    """

    def __init__(
        self,
        in_features,
        out_features,
        hidden_sizes=(100,),
        *,
        activation="relu",
        dropout=0.0,
        batch_norm=False,
    ):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.hidden_sizes = tuple(hidden_sizes)
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        layers = []
        sizes = (in_features, *self.hidden_sizes)
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers.append(nn.Linear(fan_in, fan_out))
            if batch_norm:
                layers.append(nn.BatchNorm1d(fan_out))
            layers.append(get_activation(activation))
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(sizes[-1], out_features))
        self.layers = nn.Sequential(*layers)
        self.reset_parameters()

    def reset_parameters(self):
        """Glorot-uniform weights and biases (see Notes); other layers their own default."""
        factor = gain_factor(self.activation)
        for layer in self.layers:
            if isinstance(layer, nn.Linear):
                bound = math.sqrt(factor / (layer.in_features + layer.out_features))
                nn.init.uniform_(layer.weight, -bound, bound)
                nn.init.uniform_(layer.bias, -bound, bound)
            elif hasattr(layer, "reset_parameters"):
                layer.reset_parameters()

    @property
    def linear_layers(self) -> list[nn.Linear]:
        """The affine layers, input first (e.g. to plot first-layer weights)."""
        return [m for m in self.layers if isinstance(m, nn.Linear)]

    def forward(self, x):
        """Outputs (logits for a classifier) of a batch ``x`` of shape ``(n, in_features)``."""
        return self.layers(x)

    def extra_repr(self) -> str:
        activation = getattr(self.activation, "__name__", self.activation)
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"hidden_sizes={self.hidden_sizes}, activation={activation!r}"
        )
