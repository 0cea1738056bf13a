"""Hidden tests: k-fold cross-validation, against scikit-learn."""

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_score

from scidl.course import assert_close, assert_equal, points


@points(2)
def test_uneven_folds_match_sklearn(sub):
    """Eleven samples in four folds, as KFold splits them."""
    folds = sub.kfold_indices(11, 4)
    ref = list(KFold(4).split(np.zeros(11)))
    assert_equal(len(folds), 4, what="number of folds")
    for k, ((train, test), (rtrain, rtest)) in enumerate(zip(folds, ref)):
        assert_close(test, rtest, what=f"test indices of fold {k}")
        assert_close(train, rtrain, what=f"train indices of fold {k}")


@points(3)
def test_cv_error_matches_sklearn(sub):
    """The CV error of a cubic equals scikit-learn's cross_val_score on the same features."""
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(-1, 1, 30))
    y = np.cos(3 * x) + 0.2 * rng.normal(size=30)
    Phi = x[:, None] ** np.arange(1, 4)
    ref = -cross_val_score(
        LinearRegression(), Phi, y, cv=KFold(5), scoring="neg_mean_squared_error"
    )
    assert_close(
        sub.cross_val_mse(x, y, 3, 5), ref.mean(), rtol=1e-6, what="cross_val_mse(x, y, 3, 5)"
    )
