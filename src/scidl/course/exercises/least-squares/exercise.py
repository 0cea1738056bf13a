# ruff: noqa: F401
"""Least squares with feature maps: fill in the three functions."""

import numpy as np


def polynomial_features(x, degree):
    """Columns 1, x, ..., x**degree of a 1-D array x; shape (len(x), degree + 1)."""
    # YOUR CODE HERE
    raise NotImplementedError("polynomial_features")


def fit_least_squares(Phi, y):
    """Minimum-norm weights w minimising ||Phi w - y||^2."""
    # YOUR CODE HERE
    raise NotImplementedError("fit_least_squares")


def predict(Phi, w):
    """Predictions Phi @ w."""
    # YOUR CODE HERE
    raise NotImplementedError("predict")
