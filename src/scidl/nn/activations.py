"""Activation functions and their derivatives, by name.

identity, binary step, sigmoid (logistic), tanh, ReLU, leaky ReLU, PReLU, ELU,
SELU, GELU, softplus, softsign, SiLU (swish), Gaussian: every network in
scidl takes ``activation=<name>``.

- :data:`ACTIVATIONS`: name -> torch module class.
- :data:`DERIVATIVES`: name -> closed-form derivative on tensors.
- :func:`get_activation`, :func:`activation_function`, :func:`derivative`.
- :func:`plot_activations` (in :mod:`scidl.plot`): the table figure.

Examples
--------
>>> from scidl.nn.activations import derivative
>>> float(derivative("sigmoid", [0.0])[0])
0.25
"""

from scidl.numerics import (
    ACTIVATIONS,
    DERIVATIVES,
    activation_function,
    derivative,
    gain_factor,
    get_activation,
)

__all__ = [
    "ACTIVATIONS",
    "DERIVATIVES",
    "activation_function",
    "derivative",
    "gain_factor",
    "get_activation",
]
