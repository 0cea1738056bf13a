"""Tests for the 2D toy classification sets in scidl.data._toy."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scidl.data import make_blobs, make_circles, make_moons, make_spirals, make_xor

GENERATORS = {
    "moons": (make_moons, 2),
    "circles": (make_circles, 2),
    "spirals": (make_spirals, 2),
    "xor": (make_xor, 2),
    "blobs": (make_blobs, 3),
}
NOISY = ["moons", "circles", "spirals", "xor"]


@pytest.fixture(params=list(GENERATORS))
def generator(request):
    return GENERATORS[request.param]


# --- shapes, dtypes, balance, shuffling --------------------------------------


@pytest.mark.parametrize("n_samples", [1, 2, 7, 101])
def test_shapes_dtypes_and_balance(generator, n_samples):
    make, n_classes = generator
    X, y = make(n_samples, random_state=0)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and y.dtype == np.int64
    assert X.flags.c_contiguous
    counts = np.bincount(y, minlength=n_classes)
    assert len(counts) == n_classes
    assert counts.max() - counts.min() <= 1
    assert counts.sum() == n_samples


def test_rows_are_shuffled(generator):
    make, _ = generator
    _, y = make(200, random_state=0)
    assert not np.all(np.diff(y) >= 0), "labels come out sorted"


def test_spirals_classes_are_arms():
    _, y = make_spirals(301, n_arms=4, random_state=0)
    assert sorted(np.unique(y)) == [0, 1, 2, 3]
    assert np.bincount(y).tolist() == [76, 75, 75, 75]


# --- reproducibility ----------------------------------------------------------


def test_same_seed_same_data(generator):
    make, _ = generator
    X1, y1 = make(50, random_state=3)
    X2, y2 = make(50, random_state=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


def test_different_seeds_differ(generator):
    make, _ = generator
    X1, _ = make(50, random_state=3)
    X2, _ = make(50, random_state=4)
    assert not np.allclose(X1, X2)


def test_generator_and_randomstate_are_accepted(generator):
    make, _ = generator
    X1, _ = make(20, random_state=np.random.default_rng(5))
    X2, _ = make(20, random_state=np.random.default_rng(5))
    np.testing.assert_array_equal(X1, X2)
    X3, _ = make(20, random_state=np.random.RandomState(5))
    X4, _ = make(20, random_state=np.random.RandomState(5))
    np.testing.assert_array_equal(X3, X4)


def test_generator_is_advanced(generator):
    make, _ = generator
    rng = np.random.default_rng(0)
    X1, _ = make(20, random_state=rng)
    X2, _ = make(20, random_state=rng)
    assert not np.allclose(X1, X2)


# --- known answers ------------------------------------------------------------


def test_moons_lie_on_their_half_circles():
    X, y = make_moons(400, noise=0.0, random_state=1)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-12)
    assert np.all(upper[:, 1] >= 0.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, atol=1e-12)
    assert np.all(lower[:, 1] <= 0.5)


def test_moons_noise_has_requested_scale():
    # Residual distance to the clean curve has scale ~noise.
    X, y = make_moons(4000, noise=0.05, random_state=1)
    upper = X[y == 0]
    radial = np.hypot(upper[:, 0], upper[:, 1]) - 1.0
    assert 0.04 < radial.std() < 0.06


@pytest.mark.parametrize("factor", [0.2, 0.5, 0.9])
def test_circles_lie_on_their_radii(factor):
    X, y = make_circles(300, noise=0.0, factor=factor, random_state=2)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(radius[y == 1], factor, atol=1e-12)


@pytest.mark.parametrize(("n_arms", "n_turns"), [(2, 1.0), (3, 1.5), (5, 0.5)])
def test_spirals_follow_archimedean_arms(n_arms, n_turns):
    X, y = make_spirals(500, n_arms=n_arms, n_turns=n_turns, noise=0.0, random_state=3)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.all(radius < 1.0)
    expected_angle = 2 * np.pi * (n_turns * radius + y / n_arms)
    # Compare angles on the unit circle to avoid 2*pi wrapping.
    np.testing.assert_allclose(
        X,
        radius[:, None] * np.column_stack([np.cos(expected_angle), np.sin(expected_angle)]),
        atol=1e-12,
    )


def test_xor_labels_match_quadrants():
    X, y = make_xor(400, noise=0.0, random_state=4)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))
    assert np.all(np.abs(X) <= 1.0)
    quadrant = 2 * (X[:, 0] > 0) + (X[:, 1] > 0)
    assert np.bincount(quadrant).tolist() == [100, 100, 100, 100]


def test_blobs_with_zero_std_sit_on_centres():
    centers = np.array([[0.0, 1.0], [2.0, -3.0]])
    X, y = make_blobs(10, centers=centers, cluster_std=0.0, random_state=0)
    np.testing.assert_array_equal(X, centers[y])


def test_blobs_means_and_per_blob_std():
    centers = [[-4.0, 0.0], [4.0, 0.0]]
    X, y = make_blobs(4000, centers=centers, cluster_std=[0.5, 2.0], random_state=0)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), centers[0], atol=0.05)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), centers[1], atol=0.15)
    np.testing.assert_allclose(X[y == 0].std(axis=0), 0.5, rtol=0.1)
    np.testing.assert_allclose(X[y == 1].std(axis=0), 2.0, rtol=0.1)


def test_random_centres_in_box_and_independent_of_n_samples():
    X1, y1 = make_blobs(6, centers=4, cluster_std=0.0, center_box=(2.0, 3.0), random_state=9)
    X2, y2 = make_blobs(60, centers=4, cluster_std=0.0, center_box=(2.0, 3.0), random_state=9)
    assert np.all((X1 >= 2.0) & (X1 <= 3.0))
    centres1 = {k: tuple(X1[y1 == k][0]) for k in np.unique(y1)}
    centres2 = {k: tuple(X2[y2 == k][0]) for k in np.unique(y2)}
    assert centres1 == {k: centres2[k] for k in centres1}


def test_bad_call_leaves_generator_untouched():
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    with pytest.raises(ValueError):
        make_blobs(10, centers=3, cluster_std=[1.0, 1.0], random_state=rng)
    assert rng.bit_generator.state == state


def test_blobs_accept_numpy_int_centres():
    X, y = make_blobs(30, centers=np.int64(5), random_state=0)
    assert len(np.unique(y)) == 5


# --- argument validation ------------------------------------------------------


@pytest.mark.parametrize("bad", [0, -5])
def test_n_samples_too_small(generator, bad):
    make, _ = generator
    with pytest.raises(ValueError, match=rf"n_samples must be an int >= 1; got {bad}"):
        make(bad)


@pytest.mark.parametrize("bad", [2.5, 10.0, "10", None, True])
def test_n_samples_wrong_type(generator, bad):
    make, _ = generator
    with pytest.raises(TypeError, match=r"n_samples must be an int >= 1; got .*\("):
        make(bad)


@pytest.mark.parametrize("name", NOISY)
@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_bad_noise(name, bad):
    make, _ = GENERATORS[name]
    with pytest.raises(ValueError, match=r"noise must be a finite real number >= 0\.0; got"):
        make(10, noise=bad)


@pytest.mark.parametrize("name", NOISY)
def test_noise_wrong_type(name):
    make, _ = GENERATORS[name]
    with pytest.raises(TypeError, match="noise"):
        make(10, noise="0.1")


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.5, 2.0])
def test_circles_bad_factor(bad):
    with pytest.raises(ValueError, match=r"factor must be .*> 0\.0 and < 1\.0; got"):
        make_circles(10, factor=bad)


def test_spirals_bad_arguments():
    with pytest.raises(ValueError, match="n_arms must be an int >= 2; got 1"):
        make_spirals(10, n_arms=1)
    with pytest.raises(TypeError, match="n_arms"):
        make_spirals(10, n_arms=2.0)
    with pytest.raises(ValueError, match="n_turns"):
        make_spirals(10, n_turns=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"centers": 0}, ValueError, "centers must be an int >= 1; got 0"),
        ({"centers": 2.0}, TypeError, "centers must be an int >= 1 or an array"),
        ({"centers": True}, TypeError, "centers must be an int"),
        ({"centers": [[0, 0, 0]]}, ValueError, r"centers must be an array of shape \(n, 2\)"),
        ({"centers": np.zeros((0, 2))}, ValueError, "at least one centre"),
        ({"centers": [[0, np.nan]]}, ValueError, "centers must contain only finite"),
        ({"cluster_std": -1.0}, ValueError, "cluster_std must be"),
        ({"cluster_std": [1.0, 1.0]}, ValueError, r"cluster_std must be an array of shape \(3,\)"),
        ({"cluster_std": [1.0, -1.0, 1.0]}, ValueError, "cluster_std must be >= 0"),
        ({"center_box": (1.0, 1.0)}, ValueError, "center_box must be a pair"),
        ({"center_box": 3.0}, TypeError, "center_box must be a pair"),
    ],
)
def test_blobs_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        make_blobs(10, **kwargs)


@pytest.mark.parametrize(
    ("bad", "error"),
    [(-1, ValueError), (1.5, TypeError), ("seed", TypeError), (True, TypeError)],
)
def test_bad_random_state(generator, bad, error):
    make, _ = generator
    with pytest.raises(error, match=re.escape("random_state must be None, an int >= 0")):
        make(10, random_state=bad)


# --- properties -----------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(list(GENERATORS)),
    n_samples=st.integers(1, 300),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_shape_balance_finite(name, n_samples, seed):
    make, n_classes = GENERATORS[name]
    X, y = make(n_samples, random_state=seed)
    assert X.shape == (n_samples, 2)
    assert np.all(np.isfinite(X))
    counts = np.bincount(y, minlength=n_classes)
    assert counts.max() - counts.min() <= 1


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(list(GENERATORS)), bad=st.integers(max_value=0))
def test_property_nonpositive_n_samples_rejected(name, bad):
    make, _ = GENERATORS[name]
    with pytest.raises(ValueError) as info:
        make(bad)
    assert "n_samples" in str(info.value) and str(bad) in str(info.value)


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(NOISY),
    bad=st.floats(max_value=-1e-300) | st.just(float("nan")),
)
def test_property_negative_noise_rejected(name, bad):
    make, _ = GENERATORS[name]
    with pytest.raises(ValueError, match="noise"):
        make(10, noise=bad)
