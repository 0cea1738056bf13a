"""DBSCAN wrapper, the k-distance helper, and the clustering metrics."""

import numpy as np
import pytest
from sklearn.cluster import DBSCAN as SkDBSCAN
from sklearn.datasets import make_moons

import scidl
from scidl.unsupervised import (
    DBSCAN,
    KMeans,
    clustering_accuracy,
    clustering_scores,
    k_distance_knee,
    k_distances,
    suggest_eps,
)


def test_dbscan_equals_sklearn_and_separates_moons():
    X, y = make_moons(400, noise=0.05, random_state=0)
    ours = DBSCAN(eps=0.2, min_samples=5).fit(X)
    ref = SkDBSCAN(eps=0.2, min_samples=5).fit(X)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert clustering_accuracy(y, ours.labels_) > 0.99
    # k-means cannot follow the moons' shape.
    assert clustering_accuracy(y, KMeans(2, random_state=0).fit_predict(X)) < 0.9


def test_suggest_eps_separates_blobs_from_background_noise():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [5.0, 5.0], [0.0, 6.0]])
    blobs = np.vstack([c + 0.3 * rng.normal(size=(200, 2)) for c in centres])
    noise = rng.uniform(-4, 9, (60, 2))
    X = np.vstack([blobs, noise])
    eps = suggest_eps(X, min_samples=5)
    labels = DBSCAN(eps=eps, min_samples=5).fit_predict(X)
    y = np.repeat([0, 1, 2], 200)
    assert clustering_accuracy(y, labels[:600]) > 0.95
    assert np.mean(labels[600:] == -1) > 0.6  # most background points are noise


def test_twice_suggested_eps_separates_clean_moons():
    X, y = make_moons(400, noise=0.05, random_state=0)
    eps = suggest_eps(X, min_samples=5)
    assert 0.03 < eps < 0.5
    labels = DBSCAN(eps=2 * eps, min_samples=5).fit_predict(X)
    assert clustering_accuracy(y, labels) > 0.99


def test_k_distances_sorted_and_checks():
    X = np.arange(10.0)[:, None]
    d = k_distances(X, min_samples=2)
    np.testing.assert_allclose(d, np.ones(10))
    with pytest.raises(ValueError, match="min_samples"):
        k_distances(X, min_samples=1)
    with pytest.raises(ValueError, match="min_samples=20"):
        k_distances(X, min_samples=20)
    with pytest.raises(ValueError, match="NaN"):
        suggest_eps([[0.0, np.nan], [1.0, 1.0]], min_samples=2)


def test_dbscan_validation_and_save_load(tmp_path):
    with pytest.raises(ValueError, match="NaN"):
        DBSCAN().fit([[0.0, np.nan]])
    with pytest.raises(ValueError):
        DBSCAN(eps=-1.0).fit([[0.0, 1.0]])
    X, _ = make_moons(100, noise=0.05, random_state=0)
    est = DBSCAN(eps=0.2).fit(X)
    loaded = scidl.load(est.save(tmp_path / "db.pt"))
    np.testing.assert_array_equal(loaded.labels_, est.labels_)
    np.testing.assert_array_equal(loaded.core_sample_indices_, est.core_sample_indices_)


def test_clustering_accuracy_permutation_invariant():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 5, 200)
    perm = rng.permutation(5)
    assert clustering_accuracy(y, perm[y]) == 1.0
    assert clustering_accuracy(y, np.array(["abcde"[i] for i in perm[y]])) == 1.0
    scores = clustering_scores(y, perm[y] + 10)
    assert scores == {"accuracy": 1.0, "nmi": pytest.approx(1.0), "ari": pytest.approx(1.0)}


def test_clustering_accuracy_known_values():
    # More clusters than classes: extra clusters count as wrong.
    assert clustering_accuracy([0, 0, 1, 1], [0, 1, 2, 3]) == 0.5
    # Fewer clusters than classes.
    assert clustering_accuracy([0, 1, 2, 2], [0, 0, 1, 1]) == 0.75
    # Brute force over all matchings on a random case.
    import itertools

    rng = np.random.default_rng(1)
    y, p = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    best = max(np.mean(np.array(perm)[p] == y) for perm in itertools.permutations(range(4)))
    assert clustering_accuracy(y, p) == pytest.approx(best)


def test_clustering_accuracy_bad_input():
    with pytest.raises(ValueError, match="same length"):
        clustering_accuracy([0, 1], [0])
    with pytest.raises(ValueError, match="1D"):
        clustering_accuracy([[0, 1]], [[0, 1]])
    with pytest.raises(ValueError):
        clustering_accuracy([], [])


def test_k_distance_knee_known_answers_and_suggest_eps_uses_it():
    # The knee is the point farthest below the chord of the normalised curve.
    assert k_distance_knee([0.0, 0.1, 0.2, 1.0]) == 2
    assert k_distance_knee([1.0, 1.0, 1.0, 1.0]) == 3  # flat: no knee, the last point
    assert k_distance_knee([0.0, 1.0]) == 1  # too short
    X = np.random.default_rng(0).normal(size=(80, 2))
    d = k_distances(X, 4)
    assert suggest_eps(X, 4) == d[k_distance_knee(d)]


@pytest.mark.parametrize(("values", "match"), [(np.ones((3, 2)), "values"), ([], "values")])
def test_k_distance_knee_bad_input(values, match):
    with pytest.raises(ValueError, match=match):
        k_distance_knee(values)
