"""Tests for make_regression_1d and harmonic_energy."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils import Bunch

from scidl.data import harmonic_energy, make_regression_1d

FUNCTIONS = ["sin", "polynomial", "harmonic"]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_shapes_dtypes_and_default_split(function):
    data = make_regression_1d(function, random_state=0)
    assert isinstance(data, Bunch)
    assert data.X.shape == (50, 1) and data.y.shape == (50,)
    # 25% of 50 rounded up is 13 test samples.
    assert data.X_train.shape == (37, 1) and data.y_train.shape == (37,)
    assert data.X_test.shape == (13, 1) and data.y_test.shape == (13,)
    for name in ["X", "y", "X_train", "y_train", "X_test", "y_test"]:
        assert data[name].dtype == np.float64
    np.testing.assert_array_equal(np.vstack([data.X_train, data.X_test]), data.X)
    np.testing.assert_array_equal(np.concatenate([data.y_train, data.y_test]), data.y)
    assert callable(data.function)
    assert data.noise == 0.1
    assert "37 train, 13 test" in data.description


def test_test_size_none_and_int():
    data = make_regression_1d(n_samples=20, test_size=None, random_state=0)
    assert data.X_train.shape == (20, 1)
    assert data.X_test.shape == (0, 1) and data.y_test.shape == (0,)
    data = make_regression_1d(n_samples=20, test_size=5, random_state=0)
    assert data.X_test.shape == (5, 1)
    data = make_regression_1d(n_samples=1, test_size=None, random_state=0)
    assert data.X.shape == (1, 1)


def test_x_inside_range():
    data = make_regression_1d(n_samples=500, x_range=(2.0, 3.5), random_state=0)
    assert np.all((data.X >= 2.0) & (data.X < 3.5))
    assert data.X.min() < 2.1 and data.X.max() > 3.4


def test_harmonic_known_answer():
    data = make_regression_1d("harmonic", 100, k=3.0, noise=0.0, random_state=1)
    x = data.X[:, 0]
    np.testing.assert_allclose(data.y, 1.5 * x**2, rtol=1e-15)
    np.testing.assert_allclose(data.function(x), harmonic_energy(x, k=3.0))


def test_sin_known_answer():
    data = make_regression_1d("sin", 100, noise=0.0, random_state=1)
    np.testing.assert_allclose(data.y, np.sin(np.pi * data.X[:, 0]), atol=1e-15)


def test_polynomial_default_and_coef():
    data = make_regression_1d("polynomial", 100, noise=0.0, random_state=1)
    x = data.X[:, 0]
    np.testing.assert_allclose(data.y, x**3 - x, atol=1e-15)
    coef = [1.0, -2.0, 0.5]
    data = make_regression_1d("polynomial", 100, coef=coef, noise=0.0, random_state=1)
    x = data.X[:, 0]
    np.testing.assert_allclose(data.y, 1.0 - 2.0 * x + 0.5 * x**2, atol=1e-14)
    np.testing.assert_allclose(data.function(np.array([0.0, 2.0])), [1.0, -1.0])
    assert "polynomial 1 - 2 x + 0.5 x^2 + N(0, 0^2)" in data.description
    default = make_regression_1d("polynomial", random_state=0)
    assert "polynomial -x + x^3 " in default.description


def test_callable_function():
    def line(x):
        return 2.0 * x + 1.0

    data = make_regression_1d(line, 30, noise=0.0, random_state=0)
    np.testing.assert_allclose(data.y, 2.0 * data.X[:, 0] + 1.0)
    assert data.function is line
    assert "line" in data.description


def test_noise_has_requested_standard_deviation():
    data = make_regression_1d("sin", 20000, noise=0.3, test_size=None, random_state=0)
    residual = data.y - data.function(data.X[:, 0])
    assert abs(residual.mean()) < 0.01
    assert abs(residual.std() - 0.3) < 0.01


def test_determinism_and_seed_dependence():
    a = make_regression_1d(random_state=7)
    b = make_regression_1d(random_state=7)
    c = make_regression_1d(random_state=8)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.allclose(a.X, c.X)


def test_harmonic_energy_scalar_and_array():
    assert harmonic_energy(2.0) == 2.0
    assert harmonic_energy(3.0, k=2.0) == 9.0
    out = harmonic_energy([[1.0, -1.0], [0.0, 2.0]], k=0.5)
    assert out.shape == (2, 2)
    np.testing.assert_array_equal(out, [[0.25, 0.25], [0.0, 1.0]])


@settings(max_examples=30, deadline=None)
@given(
    x=st.floats(-1e3, 1e3, allow_nan=False),
    k=st.floats(-1e3, 1e3, allow_nan=False),
)
def test_property_harmonic_energy_is_half_k_x_squared(x, k):
    assert math.isclose(harmonic_energy(x, k=k), k * x * x / 2, rel_tol=1e-12, abs_tol=1e-300)


# --- argument validation ------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            {"function": "cos"},
            ValueError,
            r"function must be one of 'sin', 'polynomial', 'harmonic' or a callable; got 'cos'",
        ),
        ({"function": 3}, TypeError, r"function must be one of .*; got 3 \(int\)"),
        ({"n_samples": 0}, ValueError, "n_samples must be an int >= 1; got 0"),
        ({"n_samples": 5.0}, TypeError, r"n_samples must be an int >= 1; got 5\.0 \(float\)"),
        ({"noise": -1.0}, ValueError, "noise must be a finite real number >= 0.0; got -1.0"),
        ({"x_range": (1.0, -1.0)}, ValueError, r"x_range must be a pair \(low, high\)"),
        ({"x_range": (0.0, np.inf)}, ValueError, r"x_range\[1\] must be a finite"),
        ({"x_range": 1.0}, TypeError, "x_range must be a pair"),
        ({"coef": [1.0, 2.0]}, ValueError, "coef is only used with function='polynomial'"),
        ({"function": "polynomial", "coef": []}, ValueError, "at least one coefficient"),
        ({"function": "polynomial", "coef": [[1.0]]}, ValueError, "coef must be an array of 1 dim"),
        ({"function": "harmonic", "k": float("nan")}, ValueError, "k must be a finite"),
        (
            {"test_size": 1.0},
            ValueError,
            r"test_size must be None, a float in \(0, 1\) or an int >= 1; got 1\.0",
        ),
        ({"test_size": 0}, ValueError, "test_size must be .*; got 0"),
        ({"test_size": 50}, ValueError, "leaves no training data"),
        ({"test_size": "0.2"}, TypeError, "test_size must be"),
        ({"test_size": True}, TypeError, "test_size must be"),
        ({"random_state": -3}, ValueError, "random_state must be"),
    ],
)
def test_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        make_regression_1d(**kwargs)


def test_callable_returning_wrong_shape_or_values():
    with pytest.raises(ValueError, match=r"function must map an array of shape \(50,\)"):
        make_regression_1d(lambda x: x[:, None])
    with pytest.raises(ValueError, match="function must return finite values"):
        make_regression_1d(lambda x: np.full_like(x, np.inf))


@settings(max_examples=30, deadline=None)
@given(bad=st.text(min_size=1, max_size=10).filter(lambda s: s not in FUNCTIONS))
def test_property_unknown_function_names_rejected(bad):
    with pytest.raises(ValueError) as info:
        make_regression_1d(bad)
    message = str(info.value)
    assert message.startswith("function must be one of") and repr(bad) in message


@settings(max_examples=30, deadline=None)
@given(n_samples=st.integers(2, 200), test_size=st.floats(0.01, 0.99))
def test_property_split_sizes(n_samples, test_size):
    n_test = math.ceil(test_size * n_samples)
    if n_test >= n_samples:
        with pytest.raises(ValueError, match="test_size"):
            make_regression_1d(n_samples=n_samples, test_size=test_size, random_state=0)
        return
    data = make_regression_1d(n_samples=n_samples, test_size=test_size, random_state=0)
    assert len(data.y_test) == n_test and len(data.y_train) == n_samples - n_test
