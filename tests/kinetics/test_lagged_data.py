"""Lagged minibatches of the neural kinetics estimators: gathered and standardised per batch, no copies."""

import numpy as np
import torch

from scidl.kinetics import TimeLaggedAutoencoder, VAMPNet
from scidl.training import lagged_pairs


def test_float64_trajectory_is_used_in_place_and_batches_are_standardised():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3)) * [1.0, 10.0, 0.1] + 1e4  # a large offset: standardise in float64
    est = TimeLaggedAutoencoder(lagtime=4, dim=1)
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
    est = VAMPNet(lagtime=3, dim=2)
    frames, starts = est._lagged_pairs(trajs)
    assert len(starts) == 47 + 27 and not np.isin(np.arange(47, 50), starts).any()  # no pair crosses trajectories
    (data,) = est._make_datasets(frames, starts, [slice(None)], torch.float64, "cpu")
    (both,) = data.batch(torch.arange(len(starts)))
    allx = np.concatenate(trajs)
    Z = (allx - allx.mean(axis=0)) / allx.std(axis=0)
    np.testing.assert_allclose(both.numpy(), np.hstack([Z[starts], Z[starts + 3]]), rtol=1e-12)


def test_lagged_pairs_needs_mean_and_scale_together():
    import pytest

    with pytest.raises(ValueError, match="together"):
        lagged_pairs(torch.zeros(10, 2), torch.arange(5), 2, mean=np.zeros(2))
