"""The active-learning loop over seeds and the learning-curve record it returns."""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.metrics import get_scorer

from scidl.active._learner import ActiveLearner
from scidl.utils import check_array

__all__ = ["LearningCurve", "run_active_learning"]


@dataclass
class LearningCurve:
    """Score versus number of labels of one strategy, one row per seed.

    Attributes
    ----------
    n_labels : numpy.ndarray of int, shape (n_points,)
        Labels used at each evaluation (the initial set, then after every query).
    scores : numpy.ndarray of shape (n_seeds, n_points)
        Test score of each seed at each point; NaN after a seed stopped at its
        ``target_score``.
    strategy : str
        The query strategy.
    scoring : str
        What ``scores`` measures (``"score"`` is the estimator's own ``score``).
    labeled : list of numpy.ndarray
        Per seed, the pool indices labelled, in order (the initial set first).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.active import LearningCurve
    >>> curve = LearningCurve(np.array([5, 10]), np.array([[0.5, 0.9], [0.6, np.nan]]),
    ...                       "margin", "accuracy")
    >>> curve.mean()
    array([0.55, 0.9 ])
    >>> curve.labels_to_reach(0.6)
    array([10.,  5.])
    """

    n_labels: np.ndarray
    scores: np.ndarray
    strategy: str
    scoring: str
    labeled: list = field(default_factory=list)

    @property
    def n_seeds(self) -> int:
        """Number of seeds (rows of ``scores``)."""
        return int(self.scores.shape[0])

    def mean(self):
        """Mean score over the seeds still running at each point (NaN-aware).

        Returns
        -------
        numpy.ndarray of shape (n_points,)
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a column where every seed stopped
            return np.nanmean(self.scores, axis=0)

    def std(self):
        """Standard deviation over the seeds still running at each point (NaN-aware).

        Returns
        -------
        numpy.ndarray of shape (n_points,)
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanstd(self.scores, axis=0)

    def final_scores(self):
        """Each seed's last recorded score.

        Returns
        -------
        numpy.ndarray of shape (n_seeds,)
        """
        out = np.full(self.n_seeds, np.nan)
        for s, row in enumerate(self.scores):
            ok = np.flatnonzero(~np.isnan(row))
            if len(ok):
                out[s] = row[ok[-1]]
        return out

    def labels_to_reach(self, score):
        """Per seed, the fewest labels at which the score reached ``score`` (NaN: never).

        Parameters
        ----------
        score : float or array-like of shape (n_seeds,)
            The target, one for all seeds or one per seed.

        Returns
        -------
        numpy.ndarray of shape (n_seeds,)
        """
        target = np.broadcast_to(np.asarray(score, dtype=float), (self.n_seeds,))
        out = np.full(self.n_seeds, np.nan)
        for s, row in enumerate(self.scores):
            hit = np.flatnonzero(row >= target[s])
            if len(hit):
                out[s] = self.n_labels[hit[0]]
        return out


def _check_count(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {minimum}; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def run_active_learning(
    estimator,
    X_pool,
    y_pool,
    X_test=None,
    y_test=None,
    *,
    strategy="least_confident",
    n_initial=10,
    budget=100,
    batch_size=1,
    diversity=0.0,
    committee=None,
    committee_mode="bootstrap",
    scoring=None,
    target_score=None,
    n_seeds=1,
    random_state=None,
):
    """Run pool-based active learning with ``y_pool`` as the oracle and record the curve.

    For each seed: label ``n_initial`` pool samples drawn at random, fit an
    :class:`ActiveLearner`, then repeatedly query ``batch_size`` samples from the rest of
    the pool, reveal their labels from ``y_pool`` and refit, scoring on the test set
    after every round, until ``budget`` queried labels are spent or the score reaches
    ``target_score``.

    Parameters
    ----------
    estimator : estimator
        Any scikit-learn-compatible classifier or regressor (cloned for each seed).
    X_pool : array-like of shape (n_pool, n_features)
        The unlabelled pool.
    y_pool : array-like of shape (n_pool,) or (n_pool, n_outputs)
        Its labels, revealed only when queried (the oracle).
    X_test, y_test : array-like, default=None
        The held-out test set; None scores on the whole pool (as modAL's iris example).
    strategy, batch_size, diversity, committee, committee_mode : see :class:`ActiveLearner`
        The query settings.
    n_initial : int, default=10
        Labels drawn at random before the first query.
    budget : int, default=100
        Labels to query after the initial set.
    scoring : str, callable or None, default=None
        A scikit-learn scorer name (``"accuracy"``, ``"neg_root_mean_squared_error"``)
        or ``scorer(estimator, X, y)``; None is the estimator's ``score`` (accuracy or
        R^2). Larger must be better.
    target_score : float or None, default=None
        Stop a seed once its score is at least this.
    n_seeds : int, default=1
        Independent repetitions (initial set, model seeds, tie breaks).
    random_state : int or None, default=None
        Seeds everything; the same value gives the same curve.

    Returns
    -------
    LearningCurve
        Scores at ``n_initial, n_initial + batch_size, ..., n_initial + budget`` labels.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from scidl.active import run_active_learning
    >>> X, y = load_iris(return_X_y=True)
    >>> curve = run_active_learning(KNeighborsClassifier(3), X, y, strategy="margin",
    ...                             n_initial=3, budget=5, n_seeds=2, random_state=0)
    >>> curve.n_labels
    array([3, 4, 5, 6, 7, 8])
    >>> curve.scores.shape
    (2, 6)
    """
    X = check_array(X_pool, name="X_pool")
    y = np.asarray(y_pool)
    if y.ndim not in (1, 2) or len(y) != len(X):
        raise ValueError(
            f"y_pool must have one label per row of X_pool ({len(X)}); got shape {y.shape}."
        )
    if (X_test is None) != (y_test is None):
        raise ValueError("X_test and y_test must be given together (or both None).")
    if X_test is None:
        X_te, y_te = X, y
    else:
        X_te = check_array(X_test, name="X_test")
        y_te = np.asarray(y_test)
        if len(y_te) != len(X_te):
            raise ValueError(
                f"y_test must have one label per row of X_test ({len(X_te)}); got {len(y_te)}."
            )
        if X_te.shape[1] != X.shape[1]:
            raise ValueError(
                f"X_test must have {X.shape[1]} features like X_pool; got {X_te.shape[1]}."
            )
    n_initial = _check_count(n_initial, "n_initial", 1)
    budget = _check_count(budget, "budget", 0)
    n_seeds = _check_count(n_seeds, "n_seeds", 1)
    batch_size = _check_count(batch_size, "batch_size", 1)
    if n_initial + budget > len(X):
        raise ValueError(
            f"n_initial + budget must not exceed the pool size {len(X)}; got "
            f"{n_initial} + {budget}."
        )
    if target_score is not None and (
        isinstance(target_score, bool)
        or not isinstance(target_score, numbers.Real)
        or not np.isfinite(target_score)
    ):
        raise ValueError(f"target_score must be a finite float or None; got {target_score!r}.")
    if scoring is None:
        scorer, scoring_name = (lambda est, Xs, ys: est.score(Xs, ys)), "score"
    elif isinstance(scoring, str):
        scorer, scoring_name = get_scorer(scoring), scoring
    elif callable(scoring):
        scorer, scoring_name = scoring, getattr(scoring, "__name__", "custom")
    else:
        raise TypeError(f"scoring must be a scorer name, a callable or None; got {scoring!r}.")
    steps = np.arange(0, budget + 1, batch_size)
    if steps[-1] != budget:
        steps = np.append(steps, budget)
    n_labels = n_initial + steps
    seeds = np.random.SeedSequence(random_state).generate_state(n_seeds)
    scores = np.full((n_seeds, len(n_labels)), np.nan)
    labeled = []
    for s, seed in enumerate(seeds):
        rng = np.random.default_rng(int(seed))
        order = list(rng.choice(len(X), size=n_initial, replace=False))
        learner = ActiveLearner(
            clone(estimator),
            strategy=strategy,
            batch_size=batch_size,
            diversity=diversity,
            committee=committee,
            committee_mode=committee_mode,
            random_state=int(rng.integers(2**31 - 1)),
        ).fit(X[order], y[order])
        unlabeled = np.ones(len(X), dtype=bool)
        unlabeled[order] = False
        scores[s, 0] = scorer(learner, X_te, y_te)
        for j in range(1, len(n_labels)):
            if target_score is not None and scores[s, j - 1] >= target_score:
                break
            rest = np.flatnonzero(unlabeled)
            learner.batch_size = int(n_labels[j] - n_labels[j - 1])
            picked = rest[learner.query(X[rest])]
            unlabeled[picked] = False
            order.extend(picked.tolist())
            learner.teach(X[picked], y[picked])
            scores[s, j] = scorer(learner, X_te, y_te)
        labeled.append(np.asarray(order, dtype=np.intp))
    return LearningCurve(n_labels, scores, strategy, scoring_name, labeled)
