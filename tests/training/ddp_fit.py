"""Fit an MLPRegressor; run under ``torchrun`` by test_distributed.py (and also alone)."""

import sys

import numpy as np

from scidl.nn import MLPRegressor

PARAMS = dict(
    hidden_sizes=(16,),
    batch_size=30,
    max_epochs=4,
    validation_fraction=0.0,
    patience=None,
    dtype="float64",
    random_state=3,
)


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(101, 3))  # 101: the last global batch is uneven (11 samples over 2 ranks)
    return X, np.sin(X[:, 0]) + X[:, 1] * X[:, 2]


if __name__ == "__main__":
    X, y = data()
    MLPRegressor(**PARAMS).fit(X, y).save(sys.argv[1])
