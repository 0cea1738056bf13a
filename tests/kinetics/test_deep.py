"""Time-lagged autoencoder and VAMPnet on the one training loop."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.utils.estimator_checks import check_transformer_preserve_dtypes

from scidl import base as scidl_base
from scidl.data import sqrt_model
from scidl.kinetics import TICA, VAMP, TimeLaggedAutoencoder, VAMPNet, vamp2_score_torch
from scidl.utils import parameter_constraints

TINY = {"hidden_sizes": (4,), "max_epochs": 1, "random_state": 0}


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


def test_vamp2_score_torch_limits():
    # identical features: every singular value of the whitened C0t is 1 -> 1 + k;
    # independent features: about 1 (the constant function alone)
    g = torch.Generator().manual_seed(0)
    a = torch.randn(2000, 3, generator=g, dtype=torch.float64)
    assert float(vamp2_score_torch(a, a)) == pytest.approx(4.0, rel=1e-10)
    b = torch.randn(2000, 3, generator=g, dtype=torch.float64)
    assert float(vamp2_score_torch(a, b)) == pytest.approx(1.0, abs=0.01)


def test_linear_time_lagged_autoencoder_finds_the_tica_direction():
    X = ar1(4000, 1)
    tae = TimeLaggedAutoencoder(
        lagtime=1,
        n_components=1,
        hidden_sizes=(),
        activation="identity",
        max_epochs=30,
        lr=1e-2,
        random_state=0,
    ).fit(X)
    z = tae.transform(X)[:, 0]
    ic = TICA(1, 1).fit(X).transform(X)[:, 0]  # lagtime 1, one component
    assert abs(np.corrcoef(z, ic)[0, 1]) > 0.95
    assert tae.history_[-1]["train_loss"] < tae.history_[0]["train_loss"]
    assert isinstance(tae.module_.encoder, torch.nn.Module)


def test_vampnet_recovers_hidden_states_of_sqrt_model(tmp_path):
    states, X = sqrt_model(3000, random_state=0)
    net = VAMPNet(lagtime=1, n_components=2, max_epochs=15, lr=5e-3, random_state=0).fit(X)
    chi = net.transform(X)
    np.testing.assert_allclose(chi.sum(axis=1), 1.0, rtol=1e-5)
    corr = abs(np.corrcoef(chi[:, 0], states)[0, 1])
    tica = TICA(1, 1).fit(X).transform(X)[:, 0]
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
    with pytest.raises(ValueError, match="n_components"):
        VAMPNet(lagtime=1, n_components=1, max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="lagtime"):
        VAMPNet(lagtime=0).fit(X)


@pytest.mark.parametrize("cls", [TimeLaggedAutoencoder, VAMPNet])
@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_components": 0}, "n_components"),
        ({"hidden_sizes": (8, -1)}, "hidden_sizes"),
        ({"activation": "rectifier"}, "activation"),
        ({"lr": 0.0}, "lr"),
    ],
)
def test_bad_hyperparameters_name_the_argument(cls, params, match):
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match=match):
        cls(**{**TINY, **params}).fit(X)


def test_constraints_are_declared_once_and_merged_along_the_mro():
    # shared lagged-model constraints on the base, VAMPNet's own on VAMPNet, the common
    # ones from NeuralEstimator
    tae, vn = parameter_constraints(TimeLaggedAutoencoder), parameter_constraints(VAMPNet)
    assert {"lagtime", "n_components", "hidden_sizes", "activation", "lr"} <= set(tae)
    assert "epsilon" in vn and "epsilon" not in tae
    assert "_parameter_constraints" not in vars(TimeLaggedAutoencoder)
    assert set(tae) | {"epsilon"} == set(vn)
    assert set(TimeLaggedAutoencoder().get_params()) == set(tae)
    assert set(VAMPNet().get_params()) == set(vn)


def test_n_components_replaces_dim_and_device_defaults_to_auto():
    for cls in (TimeLaggedAutoencoder, VAMPNet):
        params = cls().get_params()
        assert "n_components" in params and "dim" not in params
        assert params["device"] == "auto"


# -- dtypes (bug: float64 in gave float32 out although the tags promised float64) ------------
@pytest.mark.parametrize("cls", [TimeLaggedAutoencoder, VAMPNet])
@pytest.mark.parametrize("net_dtype", ["float32", "float64"])
@pytest.mark.parametrize("in_dtype", [np.float32, np.float64])
def test_transform_returns_the_input_float_dtype(cls, net_dtype, in_dtype):
    X = np.random.default_rng(0).normal(size=(60, 2)).cumsum(axis=0).astype(in_dtype)
    est = cls(**TINY, dtype=net_dtype).fit(X)
    assert est.transform(X).dtype == in_dtype
    assert est.fit_transform(X).dtype == in_dtype
    assert all(z.dtype == in_dtype for z in est.transform([X[:30], X[30:]]))
    assert est.transform(np.stack([X[:30], X[30:]])).dtype == in_dtype
    # ints are read as float64
    assert est.transform(np.rint(X).astype(np.int64)).dtype == np.float64


@pytest.mark.parametrize("cls", [TimeLaggedAutoencoder, VAMPNet])
def test_sklearn_preserve_dtypes_check(cls):
    est = cls(**TINY)
    assert est.__sklearn_tags__().transformer_tags.preserves_dtype == ["float64", "float32"]
    check_transformer_preserve_dtypes(cls.__name__, est)


# -- the one chunked inference loop ------------------------------------------------------
def _standardised(est, x):
    return torch.as_tensor((x - est.mean_) / est.scale_, dtype=torch.float32)


def test_transform_and_score_across_chunks_match_one_pass():
    # 9000 frames: more than one inference chunk (8192 rows); a second short trajectory
    rng = np.random.default_rng(3)
    X = [rng.normal(size=(9000, 2)).cumsum(axis=0), rng.normal(size=(40, 2)).cumsum(axis=0)]
    tae = TimeLaggedAutoencoder(lagtime=3, n_components=1, **TINY).fit(X)
    with torch.no_grad():
        z = [tae.module_.encoder(_standardised(tae, x)).numpy() for x in X]
        pred = [tae.module_(_standardised(tae, x[:-3])) for x in X]
        target = [_standardised(tae, x[3:]) for x in X]
    Z = tae.transform(X)
    for a, b in zip(Z, z):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    se = sum(float(((p - t) ** 2).sum()) for p, t in zip(pred, target))
    expected = -se / (sum(len(x) - 3 for x in X) * 2)  # pairs never cross trajectories
    assert tae.score(X) == pytest.approx(expected, rel=1e-5)


def test_read_only_input_is_not_copied_whole_and_gives_the_same_result(tmp_path):
    X = np.random.default_rng(4).normal(size=(300, 2)).cumsum(axis=0)
    path = tmp_path / "traj.npy"
    np.save(path, X)
    mm = np.load(path, mmap_mode="r")
    assert not mm.flags.writeable
    for est in (TimeLaggedAutoencoder(**TINY).fit(mm), VAMPNet(**TINY).fit(mm)):
        np.testing.assert_array_equal(est.transform(mm), est.transform(X))
        assert est.score(mm) == est.score(X)


# -- the torch modules -------------------------------------------------------------------
def test_modules_take_sizes_then_architecture_and_reset_their_parameters():
    X = np.random.default_rng(5).normal(size=(80, 3)).cumsum(axis=0)
    tae = TimeLaggedAutoencoder(n_components=2, **TINY)
    vn = VAMPNet(n_components=3, **TINY)
    for est, k in ((tae.fit(X), 2), (vn.fit(X), 3)):
        net = est.module_
        Module = type(net)
        fresh = Module(3, k, (5,), activation="relu")
        text = repr(fresh)
        assert "in_features=3" in text and f"n_components={k}" in text and "'relu'" in text
        with pytest.raises(TypeError):
            Module(3, k, (5,), "relu")  # the activation is keyword-only
        torch.manual_seed(0)
        fresh.reset_parameters()
        first = [p.detach().clone() for p in fresh.parameters()]
        torch.manual_seed(0)
        fresh.reset_parameters()
        again = [p.detach().clone() for p in fresh.parameters()]
        torch.manual_seed(1)
        fresh.reset_parameters()
        assert all(torch.equal(a, b) for a, b in zip(first, again))
        assert not all(torch.equal(a, b) for a, b in zip(first, fresh.parameters()))
    assert tae.module_.encode(torch.zeros(4, 3)).shape == (4, 2)
    assert tae.module_.decode(torch.zeros(4, 2)).shape == (4, 3)
    assert vn.module_(torch.zeros(4, 6)).shape == (4, 6)
