"""Covariance: deeptime side by side, the block paths against the definitions, devices, messages."""

import numpy as np
import pytest
import torch

import scidl
from scidl.kinetics import Covariance


def _walk(n=500, d=3, seed=0):
    """A drifting trajectory with a large mean (hard for the block updates)."""
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(size=(n, d)), axis=0) * 0.1 + 1e3


def _use_torch_engine(monkeypatch):
    """Make Covariance compute with torch (its GPU engine), here on the CPU."""
    monkeypatch.setattr(
        "scidl.kinetics._covariance.accelerator_device", lambda device: torch.device("cpu")
    )


def _pairs_reference(trajs, lagtime, weights=None, bessel=True):
    """C00, C0t, Ctt and the two means of the lagged pairs, from the definitions."""
    x = np.vstack([t[: len(t) - lagtime] for t in trajs])
    y = np.vstack([t[lagtime:] for t in trajs])
    if weights is None:
        w = np.ones(len(x))
    else:
        w = np.concatenate([wt[: len(wt) - lagtime] for wt in weights])
    mx, my = w @ x / w.sum(), w @ y / w.sum()
    xc, yc = x - mx, y - my
    denom = w.sum() - (1 if bessel else 0)
    return {
        "mean_0_": mx,
        "mean_t_": my,
        "cov_00_": (xc * w[:, None]).T @ xc / denom,
        "cov_0t_": (xc * w[:, None]).T @ yc / denom,
        "cov_tt_": (yc * w[:, None]).T @ yc / denom,
    }


@pytest.mark.parametrize("reversible", [False, True])
@pytest.mark.parametrize("bessel", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_equals_deeptime(reversible, bessel, weighted):
    from deeptime.covariance import Covariance as DeeptimeCovariance

    X = _walk()
    w = np.random.default_rng(1).uniform(0.5, 2.0, size=len(X)) if weighted else None
    ref = (
        DeeptimeCovariance(
            lagtime=4,
            compute_c0t=True,
            compute_ctt=not reversible,
            reversible=reversible,
            bessels_correction=bessel,
            remove_data_mean=True,
        )
        .fit(X, weights=w)
        .fetch_model()
    )
    ours = Covariance(
        lagtime=4,
        compute_c0t=True,
        compute_ctt=not reversible,
        reversible=reversible,
        bessel=bessel,
        chunk_size=97,
    ).fit(X, weights=w)
    scale = np.abs(ref.cov_00).max()
    np.testing.assert_allclose(ours.cov_00_, ref.cov_00, atol=1e-12 * scale)
    np.testing.assert_allclose(ours.cov_0t_, ref.cov_0t, atol=1e-12 * scale)
    np.testing.assert_allclose(ours.mean_0_, ref.mean_0, rtol=1e-14)
    if not reversible:
        np.testing.assert_allclose(ours.cov_tt_, ref.cov_tt, atol=1e-12 * scale)
        np.testing.assert_allclose(ours.mean_t_, ref.mean_t, rtol=1e-14)


@pytest.mark.parametrize("chunk_size", [1, 3, 50, 100_000])
@pytest.mark.parametrize("lagtime", [1, 7])
@pytest.mark.parametrize("weighted", [False, True])
def test_every_block_path_equals_the_definitions(chunk_size, lagtime, weighted):
    # Unweighted data take the overlapping-block path, weighted data the stacked pairs;
    # blocks shorter than the lag, several trajectories and a drifting mean included.
    X = _walk(400)
    trajs = [X[:250], X[250:]]
    rng = np.random.default_rng(2)
    weights = [rng.uniform(0.5, 2.0, size=len(t)) for t in trajs] if weighted else None
    est = Covariance(lagtime=lagtime, compute_c0t=True, compute_ctt=True, chunk_size=chunk_size)
    est.fit(trajs, weights=weights)
    ref = _pairs_reference(trajs, lagtime, weights)
    for name, value in ref.items():
        np.testing.assert_allclose(
            getattr(est, name), value, rtol=1e-10, atol=1e-12 * np.abs(value).max(), err_msg=name
        )
    n_pairs = 400 - 2 * lagtime
    if weighted:
        n_pairs = sum(float(wt[: len(wt) - lagtime].sum()) for wt in weights)
    assert est.n_samples_ == pytest.approx(n_pairs, rel=1e-14)


def test_instantaneous_covariance_and_float32():
    X = _walk(300)
    est = Covariance(chunk_size=64).fit(X.astype(np.float32))
    np.testing.assert_allclose(
        est.cov_00_, np.cov(X.astype(np.float32).astype(np.float64).T), rtol=1e-10
    )
    assert est.n_samples_ == 300 and est.mean_t_ is None and est.cov_0t_ is None


def test_mean_t_is_none_without_lagged_statistics():
    # Only C00 of x_t is asked for: no statistic of the lagged frames, so no (zero) mean_t_.
    X = _walk(100)
    est = Covariance(lagtime=5).fit(X)
    np.testing.assert_allclose(est.cov_00_, np.cov(X[:-5].T), rtol=1e-10)
    assert est.mean_t_ is None and est.cov_0t_ is None and est.cov_tt_ is None


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reversible", [False, True])
def test_torch_engine_equals_numpy(weighted, reversible, monkeypatch):
    # The GPU engine (torch), run here on the CPU, against the NumPy engine; float32 input
    # is multiplied in float64 by both, so they agree to round-off.
    X32 = _walk(600, seed=3).astype(np.float32)
    w = np.random.default_rng(3).uniform(0.5, 2.0, size=600) if weighted else None
    kw = dict(lagtime=3, compute_c0t=True, compute_ctt=True, reversible=reversible, chunk_size=77)
    ref = Covariance(**kw).fit(X32, weights=w)
    _use_torch_engine(monkeypatch)
    for X in (X32, X32.astype(np.float64)):
        est = Covariance(**kw).fit(X, weights=w)
        for name in ("mean_0_", "mean_t_", "cov_00_", "cov_0t_", "cov_tt_"):
            value = getattr(ref, name)
            np.testing.assert_allclose(
                getattr(est, name), value, atol=1e-11 * np.abs(value).max(), err_msg=name
            )


@pytest.mark.parametrize("lagtime", [None, 4])
@pytest.mark.parametrize("weighted", [False, True])
def test_torch_engine_moves_one_block_at_a_time(lagtime, weighted, monkeypatch):
    # Review finding: without lagged statistics the whole trajectory went to the device at
    # once. Every copy to the device is one block (chunk_size frames, plus the lag).
    X = _walk(1000, seed=5)
    w = np.random.default_rng(5).uniform(0.5, 2.0, size=1000) if weighted else None
    ref = Covariance(lagtime=lagtime, chunk_size=128).fit(X, weights=w)
    _use_torch_engine(monkeypatch)
    shapes = []
    original = scidl.utils.as_tensor

    def spy(x, **kwargs):
        shapes.append(x.shape[0])
        return original(x, **kwargs)

    monkeypatch.setattr("scidl.kinetics._covariance.as_tensor", spy)
    est = Covariance(lagtime=lagtime, chunk_size=128).fit(X, weights=w)
    n_frames = 1000 - (lagtime or 0)
    assert max(shapes) == 128 and sum(shapes) == n_frames and len(shapes) == 8
    np.testing.assert_allclose(est.cov_00_, ref.cov_00_, atol=1e-11 * np.abs(ref.cov_00_).max())
    np.testing.assert_allclose(est.mean_0_, ref.mean_0_, rtol=1e-13)


@pytest.mark.parametrize("device", ["cpu", torch.device("cpu")])
def test_cpu_device_spellings_give_identical_results(device, monkeypatch):
    X = _walk(200)
    kw = dict(lagtime=2, compute_c0t=True, reversible=True)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # "auto" means the CPU here
    auto = Covariance(**kw).fit(X)
    assert Covariance().device == "auto"
    cpu = Covariance(**kw, device=device).fit(X)
    np.testing.assert_array_equal(cpu.cov_0t_, auto.cov_0t_)
    np.testing.assert_array_equal(cpu.cov_00_, auto.cov_00_)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("weighted", [False, True])
def test_gpu_equals_cpu(weighted):
    X = _walk(20_000, d=10, seed=4)
    w = np.random.default_rng(4).uniform(0.5, 2.0, size=len(X)) if weighted else None
    kw = dict(lagtime=5, compute_c0t=True, compute_ctt=True, chunk_size=4096)
    cpu = Covariance(**kw, device="cpu").fit(X, weights=w)
    gpu = Covariance(**kw, device="cuda").fit(X, weights=w)
    for name in ("mean_0_", "mean_t_", "cov_00_", "cov_0t_", "cov_tt_"):
        ref = getattr(cpu, name)
        np.testing.assert_allclose(getattr(gpu, name), ref, atol=1e-10 * np.abs(ref).max())


def test_one_sample_message_speaks_of_frames_without_a_lag():
    # Issue 11: with lagtime=None the message spoke of "lagged pairs".
    with pytest.raises(ValueError, match=r"Too few frames \(1\) for Bessel") as info:
        Covariance().fit(np.ones((1, 2)))
    assert "lagged" not in str(info.value)
    with pytest.raises(ValueError, match=r"Too few lagged pairs \(1\) for Bessel"):
        Covariance(lagtime=2, compute_c0t=True).fit(np.ones((3, 2)))
    one = Covariance(bessel=False).fit(np.ones((1, 2)))  # without the correction: fine
    np.testing.assert_array_equal(one.cov_00_, np.zeros((2, 2)))


@pytest.mark.parametrize(
    ("params", "exc", "match"),
    [
        ({"device": "tpu"}, ValueError, "device"),
        ({"device": None}, TypeError, "device"),
        ({"chunk_size": 0}, ValueError, "chunk_size"),
        ({"lagtime": 0}, ValueError, "lagtime"),
        ({"compute_c0t": True}, ValueError, "need a lagtime"),
    ],
)
def test_bad_hyperparameters_name_the_argument(params, exc, match):
    with pytest.raises(exc, match=match):
        Covariance(**params).fit(np.ones((5, 2)))
