"""Public tests: k-fold cross-validation."""

import numpy as np

from scidl.course import assert_close, assert_equal, points


@points(2)
def test_folds_of_six_in_three(sub):
    """Six samples in three folds: test blocks [0,1], [2,3], [4,5]."""
    folds = sub.kfold_indices(6, 3)
    assert_equal(len(folds), 3, what="number of folds")
    for k, (train, test) in enumerate(folds):
        assert_close(test, [2 * k, 2 * k + 1], what=f"test indices of fold {k}")
        assert_close(train, [i for i in range(6) if i // 2 != k], what=f"train indices of fold {k}")


@points(1)
def test_exact_model_has_zero_error(sub):
    """A noise-free line is predicted exactly by degree 1 on every fold."""
    x = np.linspace(0, 1, 10)
    assert_close(sub.cross_val_mse(x, 3 * x - 1, 1, 5), 0.0, atol=1e-12, what="cross_val_mse")
