"""Feature detectors of an MLP: weights as images, top-activating inputs, activation maximum."""

import numpy as np
import pytest
import torch

from scidl.nn._feature_detectors import (
    activation_maximization,
    first_layer_weights,
    hidden_activations,
    top_activating,
)
from scidl.nn._modules import MLP


@pytest.fixture(autouse=True)
def _one_thread():
    """A shared machine: multi-threaded BLAS/torch on tiny problems spins and slows them 10-100x."""
    from threadpoolctl import threadpool_limits

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(n)


@pytest.fixture
def net():
    torch.manual_seed(0)
    return MLP(16, 3, (5, 4), dropout=0.3).double()


def test_first_layer_weights_are_the_weight_rows(net):
    W = net.linear_layers[0].weight.detach().numpy()
    np.testing.assert_array_equal(first_layer_weights(net), W)
    np.testing.assert_array_equal(first_layer_weights(net, [4, 1]), W[[4, 1]])
    with pytest.raises(ValueError, match="units"):
        first_layer_weights(net, [5])


def test_hidden_activations_and_top_activating_by_hand(net):
    X = np.random.default_rng(0).normal(size=(30, 16))
    lin = net.linear_layers[0]
    A = np.maximum(X @ lin.weight.detach().numpy().T + lin.bias.detach().numpy(), 0)
    np.testing.assert_allclose(hidden_activations(net, X), A)  # dropout is off
    top = top_activating(net, X, [0, 2], n_top=3)
    assert top.shape == (2, 3)
    for row, u in zip(top, [0, 2]):
        assert A[row[0], u] == A[:, u].max()
        assert np.all(np.diff(A[row, u]) <= 0)
    assert hidden_activations(net, X, layer=1).shape == (30, 4)
    assert net.training  # mode restored


def test_activation_maximization_first_layer_is_normalised_weight(net):
    x = activation_maximization(net, [0, 3], norm=5.0, steps=300)
    W = first_layer_weights(net, [0, 3])
    expected = 5.0 * W / np.linalg.norm(W, axis=1, keepdims=True)
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 5.0)
    cos = np.sum(x * expected, axis=1) / 25.0
    assert np.all(cos > 0.999)


def test_activation_maximization_deeper_layer_increases_activation(net):
    x = activation_maximization(net, [1], layer=1, norm=3.0, steps=100)
    rng = np.random.default_rng(1)
    random = rng.normal(size=(200, 16))
    random = 3.0 * random / np.linalg.norm(random, axis=1, keepdims=True)

    def z(inp):
        return (
            torch.relu(net.linear_layers[0](torch.tensor(inp))) @ net.linear_layers[1].weight.T
            + net.linear_layers[1].bias
        )[:, 1]  # noqa: E731

    with torch.no_grad():
        assert z(x).item() >= z(random).max().item()


def test_rejects_non_mlp():
    with pytest.raises(TypeError, match="scidl MLP"):
        first_layer_weights(torch.nn.Linear(2, 2))
