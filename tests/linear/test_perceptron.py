"""Rosenblatt's perceptron: convergence, Novikoff's bound, non-separable data."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from scidl.linear import Perceptron, novikoff_bound


def _separable(n=200, margin=0.2, seed=0, d=2):
    """Points at distance >= margin from the plane u . (x, 1) = 0, labels by side."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=d + 1)
    u[-1] = 0.3 * np.tanh(u[-1])  # small offset: the plane cuts the sampled box
    u /= np.linalg.norm(u)
    X = rng.uniform(-2, 2, size=(4 * n, d))
    s = np.column_stack([X, np.ones(len(X))]) @ u
    keep = np.abs(s) >= margin
    X, s = X[keep][:n], s[keep][:n]
    return X, (s > 0).astype(int), u


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shuffle", [False, True])
def test_converges_within_novikoff_bound(seed, shuffle):
    X, y, u = _separable(seed=seed)
    clf = Perceptron(shuffle=shuffle, random_state=seed).fit(X, y)
    assert clf.converged_
    assert np.all(clf.predict(X) == y)
    bound = novikoff_bound(X, y, u)
    assert np.isfinite(bound)
    assert 1 <= clf.n_updates_ <= bound


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_updates_follow_rosenblatts_rule_by_hand():
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([1, 0])
    clf = Perceptron(max_epochs=1).fit(X, y)
    # sample 0: 0 <= 0 -> w = (1,0), b = 1; sample 1: t=-1, score = 1 > 0 wrong -> w = (1,-1), b = 0
    assert clf.coef_.tolist() == [1.0, -1.0] and clf.intercept_ == 0.0
    assert clf.n_updates_ == 2


def test_lr_only_rescales():
    X, y, _ = _separable(seed=3)
    a = Perceptron(lr=1.0).fit(X, y)
    b = Perceptron(lr=0.1).fit(X, y)
    assert a.n_updates_ == b.n_updates_
    np.testing.assert_allclose(a.coef_ * 0.1, b.coef_)


def test_non_separable_warns_and_reports():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 0, 1, 1])  # XOR
    with pytest.warns(ConvergenceWarning, match="linearly separable"):
        clf = Perceptron(max_epochs=50).fit(X, y)
    assert not clf.converged_ and clf.n_epochs_ == 50


def test_multiclass_rule_and_labels_kept():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 4.0], [4.0, -2.0], [-4.0, -2.0]])
    X = np.concatenate([c + 0.5 * rng.normal(size=(30, 2)) for c in centres])
    y = np.repeat([0, 1, 2], 30)
    clf = Perceptron().fit(X, y)
    assert clf.converged_ and np.all(clf.predict(X) == y)
    assert clf.coef_.shape == (3, 2) and clf.decision_function(X).shape == (90, 3)
    with pytest.raises(ValueError, match="1 class"):
        Perceptron().fit(np.eye(3), [0, 0, 0])
    X, y, _ = _separable(seed=4)
    labels = np.where(y == 1, "yes", "no")
    assert set(Perceptron().fit(X, labels).predict(X)) <= {"yes", "no"}


def test_sklearn_tools():
    X, y, _ = _separable(seed=5)
    assert (
        cross_val_score(make_pipeline(StandardScaler(), clone(Perceptron())), X, y, cv=3).mean()
        > 0.9
    )
    search = GridSearchCV(Perceptron(), {"lr": [0.5, 1.0]}, cv=3).fit(X, y)
    assert search.best_score_ > 0.9


def test_save_and_load(tmp_path):
    import scidl

    X, y, _ = _separable(seed=6)
    clf = Perceptron().fit(X, y)
    clf.save(tmp_path / "p.pt")
    back = scidl.load(tmp_path / "p.pt")
    np.testing.assert_array_equal(back.predict(X), clf.predict(X))
    assert back.n_updates_ == clf.n_updates_


def test_novikoff_bound_known_answer_and_without_intercept():
    X, y = [[-1.0], [1.0]], ["a", "b"]
    assert novikoff_bound(X, y, [1.0, 0.0]) == pytest.approx(2.0)  # R = sqrt(2), gamma = 1
    assert novikoff_bound(X, y, [3.0], fit_intercept=False) == pytest.approx(1.0)  # R = gamma
    assert novikoff_bound(X, y, [-1.0, 0.0]) == np.inf


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([[0.0], [1.0]], [0, 1, 1], [1.0, 0.0]), {}, "one label per sample"),
        (([[0.0], [1.0]], [0, 0], [1.0, 0.0]), {}, "exactly 2 classes"),
        (([[0.0], [1.0]], [0, 1], [1.0]), {}, r"2 entries \(n_features \+ 1"),
        (([[0.0], [1.0]], [0, 1], [1.0, 0.0]), {"fit_intercept": False}, "1 entries"),
        (([[0.0], [1.0]], [0, 1], [0.0, 0.0]), {}, "zero vector"),
        (([[0.0], [np.nan]], [0, 1], [1.0, 0.0]), {}, "NaN"),
    ],
)
def test_novikoff_bound_rejects_bad_input(args, kwargs, match):
    # It used to compute with whatever it was given (e.g. a direction of the wrong length).
    with pytest.raises(ValueError, match=match):
        novikoff_bound(*args, **kwargs)
