"""PCA: equals scikit-learn's, streaming equals batch, solvers and engines agree."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.decomposition import PCA as SkPCA

import scidl
from scidl.unsupervised import PCA


def _data(n=300, d=8, seed=0, offset=5.0):
    rng = np.random.default_rng(seed)
    scales = np.linspace(3.0, 0.2, d)
    return (
        rng.normal(size=(n, d)) @ np.diag(scales) @ np.linalg.qr(rng.normal(size=(d, d)))[0]
        + offset
    )


def _use_torch_engine(monkeypatch):
    """Make PCA compute with torch (its GPU engine), here on the CPU."""
    monkeypatch.setattr(
        "scidl.unsupervised._pca.accelerator_device", lambda device: torch.device("cpu")
    )


@pytest.fixture(params=["numpy", "torch"])
def engine(request, monkeypatch):
    """Run PCA with NumPy (its CPU engine) or with torch (its GPU engine, here on the CPU)."""
    if request.param == "torch":
        _use_torch_engine(monkeypatch)
    return request.param


def _assert_same_axes(a, b, atol):
    # Components agree up to the sign of each row.
    signs = np.sign(np.sum(a * b, axis=1))
    np.testing.assert_allclose(a * signs[:, None], b, atol=atol)


@pytest.mark.parametrize("shape", [(300, 8), (12, 30)])  # tall (covariance) and wide (SVD) paths
@pytest.mark.parametrize("n_components", [None, 3])
def test_full_solver_equals_sklearn(shape, n_components):
    X = _data(*shape)
    ours = PCA(n_components, svd_solver="full").fit(X)
    ref = SkPCA(n_components, svd_solver="full").fit(X)
    k = ref.n_components_
    # For the wide data the last eigenvalue is 0 and its axis arbitrary.
    kk = min(k, np.linalg.matrix_rank(X - X.mean(0)))
    np.testing.assert_allclose(
        ours.explained_variance_[:kk], ref.explained_variance_[:kk], rtol=1e-8
    )
    np.testing.assert_allclose(
        ours.explained_variance_ratio_[:kk], ref.explained_variance_ratio_[:kk], rtol=1e-8
    )
    np.testing.assert_allclose(ours.singular_values_[:kk], ref.singular_values_[:kk], rtol=1e-8)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-12)
    _assert_same_axes(ours.components_[:kk], ref.components_[:kk], atol=1e-8)
    assert ours.n_components_ == k
    np.testing.assert_allclose(
        np.abs(ours.transform(X)[:, :kk]), np.abs(ref.transform(X)[:, :kk]), atol=1e-8
    )


def test_whiten_and_inverse_transform_match_sklearn():
    X = _data()
    ours = PCA(4, whiten=True).fit(X)
    ref = SkPCA(4, whiten=True).fit(X)
    Z = ours.transform(X)
    np.testing.assert_allclose(Z.std(axis=0, ddof=1), 1.0, rtol=1e-10)
    np.testing.assert_allclose(np.abs(Z), np.abs(ref.transform(X)), atol=1e-8)
    np.testing.assert_allclose(
        ours.inverse_transform(Z), ref.inverse_transform(ref.transform(X)), atol=1e-8
    )
    assert ours.noise_variance_ == pytest.approx(ref.noise_variance_, rel=1e-8)


def test_full_components_give_exact_reconstruction():
    X = _data()
    pca = PCA().fit(X)
    np.testing.assert_allclose(pca.inverse_transform(pca.transform(X)), X, atol=1e-10)
    assert pca.score(X) == pytest.approx(0.0, abs=1e-20)


def test_variance_fraction_selects_components():
    X = _data()
    pca = PCA(0.9).fit(X)
    ref = SkPCA(0.9, svd_solver="full").fit(X)
    assert pca.n_components_ == ref.n_components_
    assert pca.explained_variance_ratio_.sum() > 0.9


def test_randomized_solver_on_data_with_spectral_gap(engine):
    rng = np.random.default_rng(1)
    X = (
        rng.normal(size=(2000, 3)) @ rng.normal(size=(3, 60)) * 5
        + 0.01 * rng.normal(size=(2000, 60))
        + 2.0
    )
    exact = SkPCA(3, svd_solver="full").fit(X)
    ours = PCA(3, svd_solver="randomized", random_state=0).fit(X)
    np.testing.assert_allclose(ours.explained_variance_, exact.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(
        ours.explained_variance_ratio_, exact.explained_variance_ratio_, rtol=1e-8
    )
    _assert_same_axes(ours.components_, exact.components_, atol=1e-8)


def test_randomized_is_reproducible():
    X = _data(400, 30)
    a = PCA(5, svd_solver="randomized", random_state=3).fit(X)
    b = PCA(5, svd_solver="randomized", random_state=3).fit(X)
    np.testing.assert_array_equal(a.components_, b.components_)


@pytest.mark.parametrize("shape", [(300, 8), (12, 30)])
def test_torch_engine_equals_numpy(shape, monkeypatch):
    X = _data(*shape)
    a = PCA(3).fit(X)
    _use_torch_engine(monkeypatch)
    b = PCA(3).fit(X)
    np.testing.assert_allclose(a.explained_variance_, b.explained_variance_, rtol=1e-10)
    _assert_same_axes(a.components_, b.components_, atol=1e-10)


def _spy_as_tensor(monkeypatch):
    """Record the shape of every array PCA turns into a tensor (copies it to the device)."""
    shapes = []
    original = scidl.utils.as_tensor

    def spy(x, **kwargs):
        shapes.append(tuple(x.shape))
        return original(x, **kwargs)

    monkeypatch.setattr("scidl.unsupervised._pca.as_tensor", spy)
    return shapes


def test_randomized_torch_engine_copies_x_to_the_device_once(monkeypatch):
    # Review finding: X went to the device twice (the range finder and the total variance).
    X = _data(600, 40)
    ref = PCA(4, svd_solver="randomized", random_state=0).fit(X)
    _use_torch_engine(monkeypatch)
    shapes = _spy_as_tensor(monkeypatch)
    ours = PCA(4, svd_solver="randomized", random_state=0).fit(X)
    assert shapes == [(600, 40)]
    # The same random directions: the same subspace as NumPy's engine, to round-off.
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-10)
    _assert_same_axes(ours.components_, ref.components_, atol=1e-9)


@pytest.mark.parametrize("svd_solver", ["full", "randomized"])
def test_torch_engine_float32_and_read_only_input(svd_solver, monkeypatch):
    # float32 and a read-only array (a memory map): the torch engine takes both without a
    # warning and equals NumPy's engine on the same values.
    X = _data(500, 12).astype(np.float32)
    X.flags.writeable = False
    ref = PCA(3, svd_solver=svd_solver, random_state=0).fit(X)
    _use_torch_engine(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = PCA(3, svd_solver=svd_solver, random_state=0).fit(X)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(
        ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-10
    )
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-12)


def test_streaming_equals_batch(engine):
    X = _data(1000, 10, offset=1e4)  # a large mean tests the stable (Chan) merge
    batch = PCA(4).fit(X)
    stream = PCA(4)
    for chunk in np.array_split(X, [7, 100, 101, 500, 900]):
        stream.partial_fit(chunk)
    assert stream.n_samples_ == 1000
    np.testing.assert_allclose(stream.mean_, batch.mean_, rtol=1e-12)
    np.testing.assert_allclose(stream.explained_variance_, batch.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(
        stream.explained_variance_ratio_, batch.explained_variance_ratio_, rtol=1e-9
    )
    _assert_same_axes(stream.components_, batch.components_, atol=1e-9)


def test_partial_fit_single_sample_chunks_and_fit_resets_stream():
    X = _data(50, 3)
    stream = PCA(2)
    with pytest.raises(ValueError, match="at least 2 samples"):
        stream.partial_fit(X[:1])
    stream = PCA(2)
    stream.partial_fit(X[:2])
    for x in X[2:]:
        stream.partial_fit(x[None])
    np.testing.assert_allclose(
        stream.explained_variance_, PCA(2).fit(X).explained_variance_, rtol=1e-10
    )
    stream.fit(X[:10])
    assert not hasattr(stream, "scatter_") and stream.n_samples_ == 10


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(3, 40),
    d=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    scale=st.floats(1e-3, 1e3),
)
def test_property_streaming_equals_batch(n, d, seed, scale):
    X = np.random.default_rng(seed).normal(size=(n, d)) * scale
    batch = PCA().fit(X)
    stream = PCA()
    for chunk in np.array_split(X, [2, max(2, n // 2)]):
        if len(chunk):
            stream.partial_fit(chunk)
    tol = 1e-9 * batch.explained_variance_[0] + 1e-300
    np.testing.assert_allclose(stream.explained_variance_, batch.explained_variance_, atol=tol)


def test_float32_input_gives_float64_results():
    X = _data().astype(np.float32)
    pca = PCA(2).fit(X)
    assert pca.components_.dtype == np.float64 and pca.transform(X).dtype == np.float64


def test_save_load_round_trip(tmp_path):
    X = _data()
    pca = PCA(3, whiten=True).fit(X)
    loaded = scidl.load(pca.save(tmp_path / "pca.pt"))
    np.testing.assert_array_equal(loaded.transform(X), pca.transform(X))
    stream = PCA(2).partial_fit(X[:100])
    loaded = scidl.load(stream.save(tmp_path / "stream.pt"))
    loaded.partial_fit(X[100:])
    np.testing.assert_allclose(
        loaded.explained_variance_, PCA(2).fit(X).explained_variance_, rtol=1e-10
    )


@pytest.mark.parametrize(
    ("params", "exc", "match"),
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"n_components": 1.5}, ValueError, "n_components"),
        ({"n_components": "two"}, TypeError, "n_components"),
        ({"svd_solver": "arpack"}, ValueError, "svd_solver"),
        ({"device": "tpu"}, ValueError, "device"),
        ({"device": 0}, TypeError, "device"),
        # n_oversamples=0 was accepted (issue 11): the randomized range needs extra directions
        (
            {"n_oversamples": 0, "svd_solver": "randomized", "n_components": 2},
            ValueError,
            "n_oversamples",
        ),
        ({"n_components": 0.5, "svd_solver": "randomized"}, ValueError, "randomized"),
        ({"n_components": 20}, ValueError, "n_components=20"),
    ],
)
def test_bad_hyperparameters(params, exc, match):
    with pytest.raises(exc, match=match):
        PCA(**params).fit(_data(50, 5))


def test_bad_input():
    pca = PCA(2)
    with pytest.raises(ValueError, match="NaN"):
        pca.fit(np.array([[1.0, np.nan], [2.0, 3.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="2D"):
        pca.fit(np.ones(5))
    with pytest.raises(ValueError):
        pca.fit(np.ones((1, 3)))
    pca.fit(_data(50, 5))
    with pytest.raises(ValueError, match="features"):
        pca.transform(np.ones((3, 4)))
    with pytest.raises(ValueError, match="n_components_=2"):
        pca.inverse_transform(np.ones((3, 3)))
    pca.partial_fit(_data(50, 5))
    with pytest.raises(ValueError, match="features"):
        pca.partial_fit(np.ones((3, 4)))


def test_not_fitted():
    with pytest.raises(scidl.utils.NotFittedError):
        PCA().transform(np.ones((3, 3)))


@pytest.mark.parametrize("cond_exp", [0, 6, 14])
def test_orthonormalize_spans_the_range_even_when_ill_conditioned(cond_exp):
    # CholeskyQR2 for well-conditioned tall matrices, Householder QR when the
    # Gram matrix is too ill-conditioned: both must give an orthonormal basis
    # of the same column space.
    from scidl.unsupervised._pca import _orthonormalize

    rng = np.random.default_rng(cond_exp)
    U, _ = np.linalg.qr(rng.standard_normal((2000, 8)))
    V, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    sv = np.logspace(0, -cond_exp, 8)
    M = U @ np.diag(sv) @ V.T
    Q = _orthonormalize(M)
    np.testing.assert_allclose(Q.T @ Q, np.eye(8), atol=1e-10)
    # Same subspace, up to what rounding leaves of directions with tiny singular values.
    Ub = U[:, sv >= 1e-6]
    np.testing.assert_allclose(Q @ (Q.T @ Ub), Ub, atol=1e-8)


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("solver", ["full", "randomized"])
def test_gpu_equals_cpu(solver):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(3000, 40)) @ rng.normal(size=(40, 40))
    cpu = PCA(5, svd_solver=solver, device="cpu", random_state=0).fit(X)
    gpu = PCA(5, svd_solver=solver, device="cuda", random_state=0).fit(X)
    np.testing.assert_allclose(gpu.explained_variance_, cpu.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(np.abs(gpu.components_), np.abs(cpu.components_), atol=1e-6)


@pytest.mark.parametrize("device", ["cpu", torch.device("cpu")])
def test_cpu_device_is_the_numpy_engine(device):
    # On the CPU every device spelling computes with NumPy: the same numbers, bit for bit.
    X = _data(200, 6)
    ref = PCA(3, svd_solver="full")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(torch.cuda, "is_available", lambda: False)  # "auto" means the CPU here
        ref.fit(X)
    pca = PCA(3, svd_solver="full", device=device).fit(X)
    assert PCA().device == "auto" and scidl.utils.accelerator_device(pca.device) is None
    np.testing.assert_array_equal(pca.components_, ref.components_)
    np.testing.assert_array_equal(pca.explained_variance_, ref.explained_variance_)
