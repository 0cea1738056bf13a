"""Tests for train_test_split_stratified."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scidl.data import train_test_split_stratified


def sorted_dataset(n_per_class=50, n_classes=10):
    """Images sorted by class, like the MNIST sample; pixel 0 holds the row index."""
    y = np.repeat(np.arange(n_classes), n_per_class)
    X = np.zeros((len(y), 4, 4))
    X[:, 0, 0] = np.arange(len(y))
    return X, y


def test_count_keeps_class_proportions():
    X, y = sorted_dataset()
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=100, random_state=0
    )
    assert X_train.shape == (400, 4, 4) and X_test.shape == (100, 4, 4)
    assert np.bincount(y_test).tolist() == [10] * 10
    assert np.bincount(y_train).tolist() == [40] * 10


def test_fraction_keeps_class_proportions():
    y = np.array([0] * 80 + [1] * 20)
    X = np.arange(100.0)[:, None]
    _, _, y_train, y_test = train_test_split_stratified(X, y, test_size=0.25, random_state=0)
    assert np.bincount(y_test).tolist() == [20, 5]
    assert np.bincount(y_train).tolist() == [60, 15]


def test_split_is_a_partition_and_rows_stay_paired():
    X, y = sorted_dataset()
    X_train, X_test, y_train, y_test = train_test_split_stratified(X, y, random_state=1)
    index = np.concatenate([X_train[:, 0, 0], X_test[:, 0, 0]]).astype(int)
    assert sorted(index) == list(range(len(y)))
    np.testing.assert_array_equal(y_train, y[X_train[:, 0, 0].astype(int)])
    np.testing.assert_array_equal(y_test, y[X_test[:, 0, 0].astype(int)])
    # Shuffled, not in the original sorted order.
    assert not np.all(np.diff(y_test) >= 0)


def test_deterministic_and_seed_dependent():
    X, y = sorted_dataset()
    first = train_test_split_stratified(X, y, random_state=5)
    second = train_test_split_stratified(X, y, random_state=5)
    other = train_test_split_stratified(X, y, random_state=6)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], other[1])


def test_generator_random_state():
    X, y = sorted_dataset()
    a = train_test_split_stratified(X, y, random_state=np.random.default_rng(3))
    b = train_test_split_stratified(X, y, random_state=np.random.default_rng(3))
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            {"test_size": 0},
            ValueError,
            r"test_size must be a float in \(0, 1\) or an int >= 1; got 0",
        ),
        ({"test_size": 1.0}, ValueError, r"test_size must be .*; got 1\.0"),
        ({"test_size": float("nan")}, ValueError, "test_size must be"),
        ({"test_size": True}, TypeError, r"test_size must be .*; got True \(bool\)"),
        ({"test_size": "10"}, TypeError, "test_size must be"),
        ({"random_state": "seed"}, TypeError, "random_state must be"),
    ],
)
def test_bad_arguments(kwargs, error, pattern):
    X, y = sorted_dataset()
    with pytest.raises(error, match=pattern):
        train_test_split_stratified(X, y, **kwargs)


def test_bad_shapes_and_impossible_splits():
    X, y = sorted_dataset()
    with pytest.raises(ValueError, match="same number of samples"):
        train_test_split_stratified(X[:-1], y)
    with pytest.raises(ValueError, match=r"y must be a 1D array of labels; got shape \(500, 1\)"):
        train_test_split_stratified(X, y[:, None])
    with pytest.raises(ValueError, match="least populated class"):
        train_test_split_stratified(X[:11], np.array([0] * 10 + [1]), test_size=2)
    with pytest.raises(ValueError, match="number of classes"):
        train_test_split_stratified(X, y, test_size=5)


@settings(max_examples=25, deadline=None)
@given(
    counts=st.lists(st.integers(5, 40), min_size=2, max_size=6),
    fraction=st.floats(0.2, 0.8),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_each_class_split_in_proportion(counts, fraction, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    X = np.arange(len(y))
    _, _, _, y_test = train_test_split_stratified(X, y, test_size=fraction, random_state=seed)
    got = np.bincount(y_test, minlength=len(counts))
    # Each class is within one sample of its exact share, up to sklearn's rounding.
    assert np.all(np.abs(got - fraction * np.array(counts)) <= 1.0 + 1e-9)
