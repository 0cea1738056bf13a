"""Activation functions: closed-form derivatives against autograd, use by name."""

import numpy as np
import pytest
import torch

from scidl.nn._modules import MLP
from scidl.nn.activations import activation_function
from scidl.numerics import ACTIVATIONS, DERIVATIVES, derivative, gain_factor, get_activation

REQUIRED = [
    "identity",
    "binary_step",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "selu",
    "gelu",
    "softplus",
    "softsign",
    "silu",
    "swish",
    "gaussian",
]


def test_every_course_activation_is_there_with_a_derivative():
    assert set(REQUIRED) <= set(ACTIVATIONS)
    assert set(ACTIVATIONS) == set(DERIVATIVES)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_equals_autograd(name):
    # avoid the kink at 0 of the piecewise functions
    x = torch.linspace(-4, 4, 401, dtype=torch.float64)
    x = x[x.abs() > 1e-6].clone().requires_grad_(True)
    module = get_activation(name).double()
    y = module(x)
    # the step function has no grad_fn: its derivative is zero wherever it exists
    grad = torch.autograd.grad(y.sum(), x)[0] if y.requires_grad else torch.zeros_like(x)
    torch.testing.assert_close(derivative(name, x.detach()), grad, atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize(
    "name", ["sigmoid", "tanh", "gelu", "softplus", "silu", "gaussian", "elu", "selu", "softsign"]
)
def test_derivative_equals_finite_differences(name):
    x = np.linspace(-3, 3, 61) + 1e-3
    f = activation_function(name).double()
    h = 1e-6
    numeric = (f(torch.tensor(x + h)) - f(torch.tensor(x - h))).numpy() / (2 * h)
    np.testing.assert_allclose(derivative(name, x), numeric, atol=1e-7)


def test_known_values():
    assert derivative("sigmoid", [0.0])[0] == 0.25
    assert derivative("relu", [-1.0, 2.0]).tolist() == [0.0, 1.0]
    assert derivative("binary_step", [3.0]).tolist() == [0.0]
    assert derivative("gaussian", [0.0]).tolist() == [0.0]


@pytest.mark.parametrize("name", REQUIRED)
def test_usable_by_name_in_a_network(name):
    net = MLP(3, 2, (4,), activation=name)
    assert net(torch.zeros(5, 3)).shape == (5, 2)


def test_unknown_names():
    with pytest.raises(ValueError, match="activation must be one of"):
        derivative("nope", [0.0])
    with pytest.raises(ValueError):
        get_activation("nope")
    assert gain_factor("sigmoid") == 2.0 and gain_factor("relu") == 6.0
