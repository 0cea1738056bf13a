"""KMeans: exact recovery of separated blobs, inertia against scikit-learn."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs

import scidl
from scidl.unsupervised import KMeans, clustering_accuracy


def _blobs(n=600, k=4, std=0.3, seed=0):
    return make_blobs(
        n, centers=k, n_features=2, cluster_std=std, center_box=(-20, 20), random_state=seed
    )


@pytest.mark.parametrize("algorithm", ["hamerly", "lloyd", "minibatch"])
def test_recovers_separated_blobs_exactly(algorithm):
    X, y = _blobs()
    km = KMeans(4, algorithm=algorithm, batch_size=64, n_init=3, random_state=0).fit(X)
    assert clustering_accuracy(y, km.labels_) == 1.0
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    assert km.cluster_centers_.shape == (4, 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_inertia_within_one_percent_of_sklearn(seed):
    X, _ = make_blobs(1000, centers=8, n_features=5, cluster_std=2.0, random_state=seed)
    # With 10 seedings both find the best local minimum; with fewer, either may
    # stop in a worse one (different random streams), so compare at n_init=10.
    ours = KMeans(8, n_init=10, random_state=seed).fit(X)
    ref = SkKMeans(8, n_init=10, random_state=seed).fit(X)
    assert abs(ours.inertia_ - ref.inertia_) <= 0.01 * ref.inertia_


@pytest.mark.parametrize("algorithm", ["hamerly", "lloyd"])
def test_same_iterations_as_sklearn_from_the_same_centres(algorithm):
    rng = np.random.default_rng(0)
    X = rng.uniform(-10, 10, (3000, 2))
    init = X[:20].copy()
    ours = KMeans(20, init=init, max_iter=50, algorithm=algorithm).fit(X)
    ref = SkKMeans(20, init=init, n_init=1, max_iter=50).fit(X)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-12)


@pytest.mark.parametrize(
    ("n", "d", "k", "dtype", "seed"),
    [
        (2000, 2, 30, "float64", 0),
        (1500, 20, 12, "float64", 1),
        (800, 3, 1, "float64", 2),
        (3000, 2, 25, "float32", 3),
        (600, 64, 40, "float64", 4),
    ],
)
def test_hamerly_bounds_change_the_work_not_the_result(n, d, k, dtype, seed):
    # Hamerly's bounds only skip samples that provably keep their cluster, so
    # every iteration must equal Lloyd's: same labels, centres and count.
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.5, 3, d) + rng.integers(-3, 4, (n, 1))
    init = X[rng.choice(n, k, replace=False)]
    for max_iter in (1, 3, 300):
        a = KMeans(k, init=init, max_iter=max_iter, algorithm="hamerly", dtype=dtype).fit(X)
        b = KMeans(k, init=init, max_iter=max_iter, algorithm="lloyd", dtype=dtype).fit(X)
        assert a.n_iter_ == b.n_iter_
        np.testing.assert_array_equal(a.labels_, b.labels_)
        np.testing.assert_allclose(
            a.cluster_centers_,
            b.cluster_centers_,
            rtol=1e-4 if dtype == "float32" else 1e-10,
            atol=1e-5 if dtype == "float32" else 1e-12,
        )


def test_hamerly_relocates_empty_clusters_like_lloyd():
    X = np.concatenate([np.zeros((5, 1)), np.full((5, 1), 10.0), np.linspace(20, 21, 10)[:, None]])
    init = np.array([[0.0], [10.0], [100.0], [200.0]])  # two centres start with no sample
    a = KMeans(4, init=init, algorithm="hamerly").fit(X)
    b = KMeans(4, init=init, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_)
    assert len(np.unique(a.labels_)) == 4


def test_inertia_is_sum_of_squared_distances_and_score():
    X, _ = _blobs()
    km = KMeans(4, random_state=0).fit(X)
    d2 = ((X - km.cluster_centers_[km.labels_]) ** 2).sum()
    assert km.inertia_ == pytest.approx(d2, rel=1e-12)
    assert km.score(X) == pytest.approx(-d2, rel=1e-12)
    D = km.transform(X)
    np.testing.assert_allclose(
        D.min(axis=1) ** 2, ((X - km.cluster_centers_[km.labels_]) ** 2).sum(1), atol=1e-9
    )


def test_float32_and_random_init():
    X, y = _blobs()
    km = KMeans(4, dtype="float32", init="random", random_state=0).fit(X)
    assert km.cluster_centers_.dtype == np.float32
    assert clustering_accuracy(y, km.labels_) == 1.0


def test_reproducible_and_kmeanspp_spreads_seeds():
    X, _ = _blobs()
    a = KMeans(4, max_iter=1, random_state=5).fit(X)
    b = KMeans(4, max_iter=1, random_state=5).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


def test_kmeanspp_puts_one_seed_in_each_tight_blob_and_random_seeding_does_not():
    # Eight tight, far-apart blobs: k-means++ draws each next seed with probability
    # proportional to the squared distance to the seeds so far, so a second seed in
    # an already-seeded blob is essentially impossible; uniform seeding hits all
    # eight blobs with probability 8!/8^8 = 0.24 %.
    import torch

    from scidl.unsupervised._kmeans import _kmeans_plusplus

    X, y = make_blobs(
        800, centers=8, n_features=2, cluster_std=0.05, center_box=(-50, 50), random_state=0
    )
    Xt = torch.as_tensor(X)
    x_sq = (Xt * Xt).sum(dim=1)
    for seed in range(10):
        seeds = _kmeans_plusplus(Xt, x_sq, 8, np.random.default_rng(seed)).numpy()
        blob_of_seed = [y[np.argmin(((X - c) ** 2).sum(axis=1))] for c in seeds]
        assert sorted(blob_of_seed) == list(range(8))
    hits = [
        len(set(y[np.random.default_rng(s).choice(len(X), 8, replace=False)])) for s in range(10)
    ]
    assert min(hits) < 8


def test_n_init_keeps_the_lowest_inertia():
    # The first of n_init runs is the n_init=1 run (same random stream), so more
    # runs can only lower the kept inertia; on data with many local minima they do.
    X, _ = make_blobs(600, centers=15, n_features=2, cluster_std=1.0, random_state=3)
    one = [KMeans(15, init="random", n_init=1, random_state=s).fit(X).inertia_ for s in range(6)]
    ten = [KMeans(15, init="random", n_init=10, random_state=s).fit(X).inertia_ for s in range(6)]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(one, ten))
    assert any(b < a * (1 - 1e-3) for a, b in zip(one, ten))


def test_empty_cluster_is_relocated():
    X = np.array([[0.0], [0.1], [0.2], [10.0], [10.1], [10.2]])
    init = np.array([[0.1], [10.1], [100.0]])  # the third centre gets no sample
    km = KMeans(3, init=init).fit(X)
    assert len(np.unique(km.labels_)) == 3


def test_duplicate_points_warn():
    X = np.zeros((10, 2))
    with pytest.warns(RuntimeWarning, match="distinct clusters"):
        KMeans(3, random_state=0).fit(X)


def test_save_load_round_trip(tmp_path):
    X, _ = _blobs()
    km = KMeans(4, random_state=0).fit(X)
    loaded = scidl.load(km.save(tmp_path / "km.pt"))
    np.testing.assert_array_equal(loaded.predict(X), km.predict(X))
    assert loaded.inertia_ == km.inertia_ and loaded.n_iter_ == km.n_iter_


@pytest.mark.parametrize(
    ("params", "exc", "match"),
    [
        ({"n_clusters": 0}, ValueError, "n_clusters"),
        ({"init": "kmeans"}, ValueError, "init"),
        ({"algorithm": "elkan"}, ValueError, "algorithm"),
        ({"n_init": 0}, ValueError, "n_init"),
        ({"dtype": "float16"}, ValueError, "dtype"),
        ({"init": np.zeros((3, 2))}, ValueError, "init must have shape"),
        ({"n_clusters": 1000}, ValueError, "n_samples=600 should be >= n_clusters=1000"),
    ],
)
def test_bad_hyperparameters(params, exc, match):
    X, _ = _blobs()
    with pytest.raises(exc, match=match):
        KMeans(**{"n_clusters": 4, **params}).fit(X)


def test_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        KMeans(2).fit([[0.0, 1.0], [np.inf, 0.0], [1.0, 1.0]])
    km = KMeans(2, random_state=0).fit(_blobs()[0])
    with pytest.raises(ValueError, match="features"):
        km.predict(np.ones((2, 3)))
    with pytest.raises(scidl.utils.NotFittedError):
        KMeans(2).predict(np.ones((2, 3)))


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("algorithm", ["hamerly", "lloyd", "minibatch"])
def test_gpu_equals_cpu(algorithm):
    rng = np.random.default_rng(0)
    X = rng.uniform(-10, 10, (5000, 3))
    init = X[:20].copy()
    cpu = KMeans(20, init=init, algorithm=algorithm, device="cpu", random_state=0).fit(X)
    gpu = KMeans(20, init=init, algorithm=algorithm, device="cuda", random_state=0).fit(X)
    assert gpu.inertia_ == pytest.approx(cpu.inertia_, rel=1e-9)
    if algorithm != "minibatch":
        assert gpu.n_iter_ == cpu.n_iter_
        np.testing.assert_array_equal(gpu.labels_, cpu.labels_)


@pytest.mark.parametrize("device", ["cpu", torch.device("cpu")])
def test_device_spellings_on_the_cpu_give_identical_results(device, monkeypatch):
    X = np.random.default_rng(3).normal(size=(300, 2))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # "auto" means the CPU here
    auto = KMeans(4, random_state=0).fit(X)
    assert KMeans().device == "auto"
    cpu = KMeans(4, device=device, random_state=0).fit(X)
    np.testing.assert_array_equal(cpu.cluster_centers_, auto.cluster_centers_)
    np.testing.assert_array_equal(cpu.labels_, auto.labels_)


@pytest.mark.parametrize(("device", "exc"), [("tpu", ValueError), (0, TypeError)])
def test_bad_device_names_the_argument(device, exc):
    with pytest.raises(exc, match="device"):
        KMeans(2, device=device).fit(np.ones((4, 2)))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_read_only_input_is_never_written_and_gives_the_same_result(dtype):
    # Arrays become tensors through scidl.utils.as_tensor: a read-only X (a memory map) is
    # copied, not shared writable with a warning; writable X and explicit init are shared
    # or converted. Same centres, labels and predictions either way.
    X, _ = _blobs(300, k=3)
    X = X.astype(dtype)
    init = X[[0, 100, 200]].copy()
    frozen = X.copy()
    frozen.flags.writeable = False
    init_frozen = init.copy()
    init_frozen.flags.writeable = False
    ref = KMeans(3, init=init, dtype=dtype).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        km = KMeans(3, init=init_frozen, dtype=dtype).fit(frozen)
        labels = km.predict(frozen)
        distances = km.transform(frozen)
    np.testing.assert_array_equal(km.cluster_centers_, ref.cluster_centers_)
    np.testing.assert_array_equal(labels, ref.labels_)
    np.testing.assert_allclose(distances, ref.transform(X), rtol=1e-12)
    np.testing.assert_array_equal(frozen, X)
