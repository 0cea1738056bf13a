"""Lagged minibatches of the neural kinetics estimators.

Gathered and standardised per batch, with no copies.
"""

import numpy as np
import torch

from scidl.kinetics import TimeLaggedAutoencoder, VAMPNet
from scidl.training import lagged_pairs


def test_float64_trajectory_is_used_in_place_and_batches_are_standardised():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3)) * [1.0, 10.0, 0.1] + 1e4  # a large offset: standardise in float64
    est = TimeLaggedAutoencoder(lagtime=4, n_components=1)
    frames, starts = est._lagged_pairs(X)
    assert frames is X  # one trajectory: not concatenated, not standardised
    (data,) = est._make_datasets(frames, starts, [slice(None)], torch.float32, "cpu")
    assert data.tensors[0].data_ptr() == X.ctypes.data  # the stored frames are the caller's array
    idx = torch.tensor([0, 7, 495])
    x0, xt = data.batch(idx)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    assert x0.dtype == torch.float32
    np.testing.assert_allclose(x0.numpy(), Z[[0, 7, 495]], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(xt.numpy(), Z[[4, 11, 499]], rtol=1e-6, atol=1e-6)


def test_stacked_pairs_and_lists_of_trajectories():
    rng = np.random.default_rng(1)
    trajs = [rng.normal(size=(50, 2)), rng.normal(size=(30, 2))]
    est = VAMPNet(lagtime=3, n_components=2)
    frames, starts = est._lagged_pairs(trajs)
    assert (
        len(starts) == 47 + 27 and not np.isin(np.arange(47, 50), starts).any()
    )  # no pair crosses trajectories
    (data,) = est._make_datasets(frames, starts, [slice(None)], torch.float64, "cpu")
    (both,) = data.batch(torch.arange(len(starts)))
    allx = np.concatenate(trajs)
    Z = (allx - allx.mean(axis=0)) / allx.std(axis=0)
    np.testing.assert_allclose(both.numpy(), np.hstack([Z[starts], Z[starts + 3]]), rtol=1e-12)


def test_lagged_pairs_needs_mean_and_scale_together():
    import pytest

    with pytest.raises(ValueError, match="together"):
        lagged_pairs(torch.zeros(10, 2), torch.arange(5), 2, mean=np.zeros(2))


def test_time_lagged_autoencoder_score_is_minus_the_held_out_prediction_error():
    # An AR(1) process x_{t+1} = a x_t + noise: the best prediction of the
    # standardised x_{t+1} is a x_t, with mean squared error 1 - a^2.
    rng = np.random.default_rng(2)
    a, n = 0.9, 6000
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = a * x[t - 1] + np.sqrt(1 - a * a) * rng.normal()
    X = np.column_stack([x, 0.5 * x])  # rank one: a one-number code suffices
    tae = TimeLaggedAutoencoder(
        lagtime=1, n_components=1, hidden_sizes=(16,), max_epochs=30, lr=3e-3, random_state=0
    ).fit(X[:4000])
    held_out = tae.score(X[4000:])
    assert -1.0 + a * a - 0.05 < held_out < -1.0 + a * a + 0.05
    untrained = TimeLaggedAutoencoder(
        lagtime=1, n_components=1, hidden_sizes=(16,), max_epochs=1, lr=1e-6, random_state=0
    ).fit(X[:4000])
    assert untrained.score(X[4000:]) < held_out - 0.1
