"""Time-lagged autoencoder and VAMPnet on the one training loop."""

import numpy as np
import pytest
import torch
from sklearn.base import clone

from scidl import base as scidl_base
from scidl.data import sqrt_model
from scidl.kinetics import TICA, VAMP, TimeLaggedAutoencoder, VAMPNet, vamp2_score_torch


def ar1(n, seed):
    rng = np.random.default_rng(seed)
    X = np.zeros((n, 3))
    A = np.diag([0.97, 0.6, 0.2])
    M = rng.normal(size=(3, 3)) + 2 * np.eye(3)
    for t in range(1, n):
        X[t] = A @ X[t - 1] + rng.normal(size=3)
    return X @ M.T


def test_vamp2_score_torch_matches_linear_vamp_and_is_differentiable():
    X = ar1(3000, 0)
    a, b = torch.as_tensor(X[:-2]), torch.as_tensor(X[2:])
    ours = float(vamp2_score_torch(a, b))
    ref = VAMP(lagtime=2).fit(X).score(X)
    assert ours == pytest.approx(ref, rel=1e-10)
    a = a[:50].clone().requires_grad_(True)
    assert torch.autograd.gradcheck(
        lambda z: vamp2_score_torch(z, b[:50]), (a,), eps=1e-6, atol=1e-5
    )


def test_linear_time_lagged_autoencoder_finds_the_tica_direction():
    X = ar1(4000, 1)
    tae = TimeLaggedAutoencoder(
        lagtime=1,
        dim=1,
        hidden_sizes=(),
        activation="identity",
        max_epochs=30,
        lr=1e-2,
        random_state=0,
    ).fit(X)
    z = tae.transform(X)[:, 0]
    ic = TICA(lagtime=1, dim=1).fit(X).transform(X)[:, 0]
    assert abs(np.corrcoef(z, ic)[0, 1]) > 0.95
    assert tae.history_[-1]["train_loss"] < tae.history_[0]["train_loss"]
    assert isinstance(tae.module_.encoder, torch.nn.Module)


def test_vampnet_recovers_hidden_states_of_sqrt_model(tmp_path):
    states, X = sqrt_model(3000, random_state=0)
    net = VAMPNet(lagtime=1, dim=2, max_epochs=15, lr=5e-3, random_state=0).fit(X)
    chi = net.transform(X)
    np.testing.assert_allclose(chi.sum(axis=1), 1.0, rtol=1e-5)
    corr = abs(np.corrcoef(chi[:, 0], states)[0, 1])
    tica = TICA(lagtime=1, dim=1).fit(X).transform(X)[:, 0]
    assert corr > 0.95 and corr > abs(np.corrcoef(tica, states)[0, 1])
    # exact VAMP-2 of the hidden chain: 1 + 0.9^2; the learned states come close
    assert net.score(X) == pytest.approx(1.81, abs=0.06)
    again = scidl_base.load(net.save(tmp_path / "vampnet.pt"))
    np.testing.assert_allclose(again.transform(X), chi, rtol=1e-5, atol=1e-6)
    assert clone(net).get_params() == net.get_params()


def test_bad_input():
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="lagtime"):
        TimeLaggedAutoencoder(lagtime=30, max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="dim >= 2"):
        VAMPNet(lagtime=1, dim=1, max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="lagtime"):
        VAMPNet(lagtime=0).fit(X)
