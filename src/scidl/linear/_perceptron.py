"""Rosenblatt's perceptron (1957): the first learning machine."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets

from scidl.base import PersistenceMixin
from scidl.utils import (
    InstanceOf,
    Interval,
    check_array,
    check_fitted,
    validate_data,
    validate_params,
)

__all__ = ["Perceptron", "novikoff_bound"]


class Perceptron(PersistenceMixin, ClassifierMixin, BaseEstimator):
    """Linear classifier trained by Rosenblatt's learning rule.

    Labels are mapped to ``t = -1`` (``classes_[0]``) and ``t = +1``
    (``classes_[1]``). The samples are visited in turn; whenever one is
    misclassified, ``t (w . x + b) <= 0``, the weights move towards it::

        w <- w + lr * t * x,    b <- b + lr * t

    With more than two classes the multiclass perceptron keeps one weight
    vector per class and predicts the highest score; on a mistake the true
    class's vector moves towards ``x`` and the winner's away from it.

    Training stops after the first epoch without a mistake (then every training
    point is classified correctly) or after ``max_epochs``.

    Parameters
    ----------
    max_epochs : int, default 1000
        Passes over the data before giving up.
    lr : float, default 1.0
        Step size. Starting from zero weights it only rescales ``w`` and ``b``,
        so it does not change the predictions or the number of updates.
    fit_intercept : bool, default True
        Whether to learn the bias ``b`` (else ``b = 0``).
    shuffle : bool, default False
        Visit the samples in a new random order each epoch.
    random_state : int or None
        Seed of the shuffling.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_classes, n_features)
        The weights ``w``; one row per class for more than two classes.
    intercept_ : float or ndarray of shape (n_classes,)
        The bias ``b``; one per class for more than two classes.
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    n_updates_ : int
        Number of weight updates (mistakes) made in total.
    n_epochs_ : int
        Epochs run.
    mistakes_per_epoch_ : list of int
        Mistakes (updates) made in each epoch.
    converged_ : bool
        True when the last epoch made no mistake.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    Novikoff (1962): if some unit vector ``u`` separates the data with margin
    ``gamma = min_i t_i u . x_i > 0`` and ``R = max_i |x_i|``, the rule makes
    at most ``(R / gamma)**2`` updates (with an intercept, ``x`` is extended by
    a constant 1). On data that are not linearly separable it never settles:
    ``fit`` then warns with a :class:`~sklearn.exceptions.ConvergenceWarning`
    and sets ``converged_ = False``. The perceptron finds *a* separating
    hyperplane; the support vector machine finds the one of maximum margin.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.linear import Perceptron
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> y = np.array([0, 0, 0, 1])          # logical AND: linearly separable
    >>> clf = Perceptron().fit(X, y)
    >>> clf.predict(X).tolist(), clf.converged_
    ([0, 0, 0, 1], True)
    """

    _parameter_constraints = {
        "max_epochs": [Interval(numbers.Integral, 1, None)],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "fit_intercept": [InstanceOf(bool)],
        "shuffle": [InstanceOf(bool)],
        "random_state": [Interval(numbers.Integral, 0, None), None],
    }

    def __init__(
        self, *, max_epochs=1000, lr=1.0, fit_intercept=True, shuffle=False, random_state=None
    ):
        self.max_epochs = max_epochs
        self.lr = lr
        self.fit_intercept = fit_intercept
        self.shuffle = shuffle
        self.random_state = random_state

    def fit(self, X, y):
        """Run the learning rule until an epoch makes no mistake (or ``max_epochs``).

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,)
            Class labels (at least two classes).

        Returns
        -------
        self : Perceptron
        """
        validate_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                "Perceptron needs samples of at least 2 classes; "
                f"got 1 class: {self.classes_[0]!r}."
            )
        rng = np.random.default_rng(self.random_state)
        if len(self.classes_) > 2:
            return self._fit_multiclass(X, encoded, rng)
        t = 2.0 * encoded - 1.0
        w, b = np.zeros(X.shape[1]), 0.0
        self.n_updates_ = 0
        self.converged_ = False
        self.mistakes_per_epoch_ = []
        for epoch in range(1, self.max_epochs + 1):
            mistakes = 0
            order = rng.permutation(len(X)) if self.shuffle else range(len(X))
            for i in order:
                if t[i] * (X[i] @ w + b) <= 0:  # misclassified (or on the boundary)
                    w = w + self.lr * t[i] * X[i]
                    if self.fit_intercept:
                        b = b + self.lr * t[i]
                    mistakes += 1
            self.n_updates_ += mistakes
            self.mistakes_per_epoch_.append(mistakes)
            self.n_epochs_ = epoch
            if mistakes == 0:
                self.converged_ = True
                break
        self.coef_, self.intercept_ = w, float(b)
        if not self.converged_:
            warnings.warn(
                f"Perceptron did not converge: {self.mistakes_per_epoch_[-1]} of {len(X)} "
                f"training samples were still misclassified in epoch {self.max_epochs} "
                "(max_epochs). Either the data are "
                "not linearly separable (then no hyperplane classifies them all and the rule never "
                "settles) or more epochs are needed.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _fit_multiclass(self, X, encoded, rng):
        """The multiclass perceptron: one weight vector per class.

        On a mistake the true class's vector moves towards x and the wrongly
        winning one away from it.
        """
        k = len(self.classes_)
        W, b = np.zeros((k, X.shape[1])), np.zeros(k)
        self.n_updates_, self.converged_, self.mistakes_per_epoch_ = 0, False, []
        for epoch in range(1, self.max_epochs + 1):
            mistakes = 0
            order = rng.permutation(len(X)) if self.shuffle else range(len(X))
            for i in order:
                scores = W @ X[i] + b
                scores[encoded[i]] -= 1e-12  # ties count as mistakes, as t (w . x) <= 0 does
                winner = int(np.argmax(scores))
                if winner != encoded[i]:
                    W[encoded[i]] += self.lr * X[i]
                    W[winner] -= self.lr * X[i]
                    if self.fit_intercept:
                        b[encoded[i]] += self.lr
                        b[winner] -= self.lr
                    mistakes += 1
            self.n_updates_ += mistakes
            self.mistakes_per_epoch_.append(mistakes)
            self.n_epochs_ = epoch
            if mistakes == 0:
                self.converged_ = True
                break
        self.coef_, self.intercept_ = W, b
        if not self.converged_:
            warnings.warn(
                f"Perceptron did not converge: {self.mistakes_per_epoch_[-1]} of {len(X)} "
                f"training samples were still misclassified in epoch {self.max_epochs} "
                "(max_epochs). Either the classes are not linearly "
                "separable or more epochs are needed.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return self

    def decision_function(self, X):
        """Signed score ``w . x + b`` (positive means ``classes_[1]``).

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
            One column per class for more than two classes.
        """
        check_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        if self.coef_.ndim == 2:
            return X @ self.coef_.T + self.intercept_
        return X @ self.coef_ + self.intercept_

    def predict(self, X):
        """Predicted class of each sample.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        if scores.ndim == 2:
            return self.classes_[np.argmax(scores, axis=1)]
        return self.classes_[(scores > 0).astype(int)]


def novikoff_bound(X, y, direction, *, fit_intercept=True):
    """Novikoff's bound ``(R / gamma)**2`` on the perceptron's number of updates.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The samples.
    y : array-like of shape (n_samples,)
        Labels of two classes.
    direction : array-like
        A separating direction ``(w, b)`` (length ``n_features + 1`` with an
        intercept, else ``n_features``); it is normalised to a unit vector.
    fit_intercept : bool, default True
        Whether ``direction`` includes the bias ``b`` (then each sample is
        extended by a constant 1, as the perceptron with an intercept sees it).

    Returns
    -------
    bound : float
        ``inf`` when ``direction`` does not separate the data.

    Examples
    --------
    >>> from scidl.linear import novikoff_bound
    >>> X, y = [[-1.0], [1.0]], [0, 1]
    >>> round(novikoff_bound(X, y, [1.0, 0.0]), 6)     # R = sqrt(2), gamma = 1
    2.0
    >>> novikoff_bound(X, y, [-1.0, 0.0])              # the wrong way round
    inf
    """
    X = check_array(X, name="X", dtype=np.float64)
    y = check_array(y, name="y", ndim=1, dtype=None)
    if len(y) != len(X):
        raise ValueError(f"y must have one label per sample ({len(X)}); got {len(y)}.")
    classes, encoded = np.unique(y, return_inverse=True)
    if len(classes) != 2:
        raise ValueError(f"y must hold exactly 2 classes; got {len(classes)}.")
    t = 2.0 * encoded - 1.0
    Z = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    u = check_array(direction, name="direction", ndim=1, dtype=np.float64)
    if u.shape[0] != Z.shape[1]:
        raise ValueError(
            f"direction must have {Z.shape[1]} entries (n_features"
            f"{' + 1 for the intercept' if fit_intercept else ''}); got {u.shape[0]}."
        )
    if not np.linalg.norm(u) > 0:
        raise ValueError("direction must not be the zero vector.")
    u = u / np.linalg.norm(u)
    gamma = np.min(t * (Z @ u))
    if gamma <= 0:
        return np.inf
    R = np.max(np.linalg.norm(Z, axis=1))
    return float((R / gamma) ** 2)
