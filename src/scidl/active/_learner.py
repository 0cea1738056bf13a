"""The pool-based active learner: a meta-estimator that fits, queries the pool and is taught."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if

from scidl.active._strategies import (
    committee_variance,
    consensus_kl,
    entropy,
    expected_model_change,
    least_confidence,
    margin,
    select_batch,
    vote_entropy,
)
from scidl.base import PersistenceMixin
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_fitted,
    validate_data,
    validate_params,
)

__all__ = ["ActiveLearner", "STRATEGIES"]

# Strategy name -> (task it applies to, needs a committee, needs predict_proba).
STRATEGIES = {
    "random": ("any", False, False),
    "least_confident": ("classifier", False, True),
    "margin": ("classifier", False, True),
    "entropy": ("classifier", False, True),
    "vote_entropy": ("classifier", True, False),
    "consensus_kl": ("classifier", True, True),
    "variance": ("regressor", True, False),
    "expected_model_change": ("regressor", True, False),
}


def _default_estimator():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression()


def _base_has(method):
    def check(self):
        base = self.estimator if self.estimator is not None else _default_estimator()
        return hasattr(base, method)

    return check


class ActiveLearner(PersistenceMixin, BaseEstimator):
    """Pool-based active learning around any scikit-learn-compatible estimator.

    The learner is fitted on a small labelled set, asks for the labels of the pool
    samples its ``strategy`` finds most informative (:meth:`query`), and is refitted
    on the grown set when they arrive (:meth:`teach`). It is itself an estimator:
    ``predict``, ``predict_proba`` and ``score`` use the single fitted model, or the
    committee's consensus (mean probability, or mean prediction for regression) when a
    ``committee`` is used.

    Parameters
    ----------
    estimator : estimator or None, default=None
        Any scikit-learn-compatible classifier or regressor (scidl's or
        scikit-learn's); it is cloned, never changed. None uses scikit-learn's
        ``LogisticRegression()``. If it has a ``random_state`` hyperparameter, each fitted
        copy gets a seed drawn from ``random_state`` (as ``BaggingClassifier`` does).
    strategy : str, default="least_confident"
        How pool samples are ranked (the scores are the functions of
        :mod:`scidl.active`):

        - ``"random"``: uniformly at random (the baseline);
        - ``"least_confident"``, ``"margin"``, ``"entropy"``: uncertainty sampling of a
          classifier with ``predict_proba``;
        - ``"vote_entropy"``, ``"consensus_kl"``: query by committee (classifiers);
        - ``"variance"``: query by committee (regressors), the members' variance;
        - ``"expected_model_change"``: regressors, Cai et al. (2013)'s EMCM with the
          committee as the label sampler.
    batch_size : int, default=1
        Samples per query.
    diversity : float in [0, 1], default=0.0
        Weight of the distance-to-labelled term in batch selection
        (:func:`select_batch`); 0 takes the most informative samples.
    committee : int or None, default=None
        Number of committee members (at least 2); required by the committee strategies.
    committee_mode : {"bootstrap", "seed"}, default="bootstrap"
        ``"bootstrap"``: each member is fitted on a bootstrap resample of the labelled set
        (stratified by class for classifiers, so every member sees every class);
        ``"seed"``: on all of it, with its own ``random_state`` (a seed ensemble; the
        estimator must have a ``random_state`` hyperparameter).
    random_state : int, numpy.random.Generator, RandomState or None, default=None
        Seeds the members, the bootstrap resamples, random queries and tie breaks.

    Attributes
    ----------
    estimator_ : estimator
        The model fitted on all labels (without a committee).
    committee_ : list of estimators
        The fitted members (with a committee).
    X_training_ : numpy.ndarray of shape (n_labeled, n_features)
        The labelled inputs, in the order they were taught.
    y_training_ : numpy.ndarray of shape (n_labeled,) or (n_labeled, n_outputs)
        Their labels.
    classes_ : numpy.ndarray
        The class labels (classifiers).
    n_features_in_ : int
        Number of input features.

    Notes
    -----
    ``save(path)`` and :func:`scidl.load` keep a learner (the labels are the expensive
    part of active learning): the file holds the hyperparameters (the estimator as its
    class, scidl's or scikit-learn's, and its hyperparameters), the labelled set, the
    members' seeds and the random generator's state; the model or committee is refitted
    from them on load, so a deterministic estimator (fixed ``random_state``) predicts and
    queries exactly as before. Bootstrap resamples are drawn from each member's seed and
    the number of labels, so a refit is reproducible.

    Settles (2009), "Active learning literature survey", describes every strategy here.
    The scores of the committee strategies are 0 where the members agree, so a committee
    of deterministic identical models (e.g. k-NN with ``committee_mode="seed"``) would
    never disagree: ``"seed"`` is refused for an estimator without ``random_state``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from scidl.active import ActiveLearner
    >>> X = np.linspace(-1, 1, 41)[:, None]
    >>> y = (X[:, 0] > 0.3).astype(int)
    >>> learner = ActiveLearner(LogisticRegression(), strategy="margin", random_state=0)
    >>> learner = learner.fit(X[[0, 40]], y[[0, 40]])
    >>> i = learner.query(X)  # the sample on the model's boundary, x = 0
    >>> i, X[i, 0]
    (array([20]), array([0.]))
    >>> learner = learner.teach(X[i], y[i])
    >>> len(learner.X_training_)
    3
    """

    _parameter_constraints = {
        "strategy": [Options(*STRATEGIES)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "diversity": [Interval(numbers.Real, 0, 1)],
        "committee": [Interval(numbers.Integral, 2, None), None],
        "committee_mode": [Options("bootstrap", "seed")],
        "random_state": [
            Interval(numbers.Integral, 0, None),
            InstanceOf(np.random.RandomState, np.random.Generator),
            None,
        ],
    }

    def __init__(
        self,
        estimator=None,
        *,
        strategy="least_confident",
        batch_size=1,
        diversity=0.0,
        committee=None,
        committee_mode="bootstrap",
        random_state=None,
    ):
        self.estimator = estimator
        self.strategy = strategy
        self.batch_size = batch_size
        self.diversity = diversity
        self.committee = committee
        self.committee_mode = committee_mode
        self.random_state = random_state

    # --- configuration ---------------------------------------------------------------------

    def _base(self):
        return self.estimator if self.estimator is not None else _default_estimator()

    def _is_classifier(self):
        return get_tags(self._base()).estimator_type == "classifier"

    def _validate_setup(self):
        base = self.estimator
        if base is not None and not (
            hasattr(base, "fit") and hasattr(base, "predict") and hasattr(base, "get_params")
        ):
            raise TypeError(
                "The 'estimator' parameter of ActiveLearner must be a scikit-learn-compatible "
                f"estimator (fit, predict, get_params) or None; got {base!r}."
            )
        validate_params(self)
        base = self._base()
        kind = get_tags(base).estimator_type
        task, needs_committee, needs_proba = STRATEGIES[self.strategy]
        if task != "any" and kind != task:
            raise ValueError(
                f"The 'strategy' parameter of ActiveLearner: {self.strategy!r} needs a {task}; "
                f"got estimator {type(base).__name__} of type {kind!r}."
            )
        if needs_committee and self.committee is None:
            raise ValueError(
                f"The 'strategy' parameter of ActiveLearner: {self.strategy!r} is a committee "
                "strategy; set committee to the number of members (an int >= 2), got None."
            )
        if needs_proba and not hasattr(base, "predict_proba"):
            raise ValueError(
                f"The 'strategy' parameter of ActiveLearner: {self.strategy!r} needs "
                f"predict_proba, which {type(base).__name__} does not have."
            )
        if self.committee is not None and self.committee_mode == "seed":
            if "random_state" not in base.get_params(deep=False):
                raise ValueError(
                    "The 'committee_mode' parameter of ActiveLearner: 'seed' needs an estimator "
                    f"with a random_state; {type(base).__name__} has none (use 'bootstrap')."
                )

    # --- fitting -------------------------------------------------------------------------

    def _validate_xy(self, X, y, reset):
        if self._is_classifier():
            X, y = validate_data(self, X, y, reset=reset)
        else:
            X, y = validate_data(self, X, y, reset=reset, y_numeric=True, multi_output=True)
        return X, y

    def _seeded_clone(self, seed):
        est = clone(self._base())
        if "random_state" in est.get_params(deep=False):
            est.set_params(random_state=int(seed))
        return est

    def _bootstrap(self, y, rng):
        n = len(y)
        if not self._is_classifier():
            return rng.integers(0, n, size=n)
        parts = []
        for c in np.unique(y):  # stratified: every class keeps its count
            members = np.flatnonzero(y == c)
            parts.append(rng.choice(members, size=len(members), replace=True))
        return np.sort(np.concatenate(parts))

    _refitted_on_load = ("estimator_", "committee_")

    def _restore_fitted(self):
        self._refit()

    def _refit(self):
        X, y = self.X_training_, self.y_training_
        if self._is_classifier():
            self.classes_ = np.unique(y)
        if self.committee is None:
            self.estimator_ = self._seeded_clone(self.member_seeds_[0]).fit(X, y)
            return
        members = []
        for seed in self.member_seeds_:
            member = self._seeded_clone(seed)
            if self.committee_mode == "bootstrap":
                idx = self._bootstrap(y, np.random.default_rng([int(seed), len(y)]))
                member.fit(X[idx], y[idx])
            else:
                member.fit(X, y)
            members.append(member)
        self.committee_ = members

    def fit(self, X, y):
        """Fit on an initial labelled set (replacing any labels taught before).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The labelled inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Their labels.

        Returns
        -------
        self : ActiveLearner
        """
        self._validate_setup()
        X, y = self._validate_xy(X, y, reset=True)
        for name in ("estimator_", "committee_", "classes_"):
            self.__dict__.pop(name, None)
        self.rng_ = np.random.default_rng(
            self.random_state.integers(2**32)
            if isinstance(self.random_state, np.random.Generator)
            else self.random_state.randint(2**31)
            if isinstance(self.random_state, np.random.RandomState)
            else self.random_state
        )
        n_members = 1 if self.committee is None else self.committee
        self.member_seeds_ = self.rng_.integers(0, 2**31 - 1, size=n_members)
        self.X_training_ = np.array(X, copy=True)
        self.y_training_ = np.array(y, copy=True)
        self._refit()
        return self

    def teach(self, X, y):
        """Add newly labelled samples and refit (the committee on fresh resamples).

        Parameters
        ----------
        X : array-like of shape (n_new, n_features)
            The queried inputs.
        y : array-like of shape (n_new,) or (n_new, n_outputs)
            The labels the oracle gave them.

        Returns
        -------
        self : ActiveLearner
        """
        check_fitted(self, "X_training_")
        X, y = self._validate_xy(X, y, reset=False)
        if y.ndim != self.y_training_.ndim or y.shape[1:] != self.y_training_.shape[1:]:
            raise ValueError(
                f"y must have the shape of the labels taught before, {self.y_training_.shape[1:]} "
                f"per sample; got {y.shape[1:]}."
            )
        self.X_training_ = np.concatenate([self.X_training_, X])
        self.y_training_ = np.concatenate([self.y_training_, y])
        self._refit()
        return self

    # --- the committee's outputs ---------------------------------------------------------------

    def _models(self):
        return self.committee_ if self.committee is not None else [self.estimator_]

    def _member_proba(self, member, X):
        """A member's probabilities in the columns of ``classes_`` (it may miss a class)."""
        p = member.predict_proba(X)
        out = np.zeros((len(X), len(self.classes_)))
        cols = np.searchsorted(self.classes_, member.classes_)
        out[:, cols] = p
        return out

    def _committee_proba(self, X):
        return np.stack([self._member_proba(m, X) for m in self._models()])

    def _committee_predictions(self, X):
        return np.stack([np.asarray(m.predict(X)) for m in self._models()])

    def _check_X(self, X):
        check_fitted(self, "X_training_")
        return validate_data(self, X, reset=False)

    # --- queries ---------------------------------------------------------------------------

    def utility(self, X_pool):
        """The informativeness of each pool sample under ``strategy`` (larger is queried first).

        ``margin`` is negated (the smallest margin is the most informative); ``random``
        gives zeros (ties, broken at random by :meth:`query`).

        Parameters
        ----------
        X_pool : array-like of shape (n_pool, n_features)
            The unlabelled pool.

        Returns
        -------
        numpy.ndarray of shape (n_pool,)
        """
        X = self._check_X(X_pool)
        s = self.strategy
        if s == "random":
            return np.zeros(len(X))
        if s in ("least_confident", "margin", "entropy"):
            proba = self._committee_proba(X).mean(axis=0)
            if s == "least_confident":
                return least_confidence(proba)
            return -margin(proba) if s == "margin" else entropy(proba)
        if s == "vote_entropy":
            return vote_entropy(self._committee_predictions(X))
        if s == "consensus_kl":
            return consensus_kl(self._committee_proba(X))
        predictions = self._committee_predictions(X)
        if s == "variance":
            return committee_variance(predictions)
        return expected_model_change(predictions, X)

    def query(self, X_pool):
        """The indices (into ``X_pool``) of the next ``batch_size`` samples to label.

        Parameters
        ----------
        X_pool : array-like of shape (n_pool, n_features)
            The unlabelled pool (leave out the samples already labelled).

        Returns
        -------
        numpy.ndarray of int, shape (min(batch_size, n_pool),)
            Most informative first; ``diversity`` spreads the batch out.
        """
        u = self.utility(X_pool)
        X = validate_data(self, X_pool, reset=False) if self.diversity > 0 else None
        return select_batch(
            u,
            self.batch_size,
            X=X,
            X_labeled=self.X_training_ if self.diversity > 0 else None,
            diversity=self.diversity,
            random_state=self.rng_,
        )

    # --- prediction ------------------------------------------------------------------------

    def predict(self, X):
        """Predictions of the model, or of the committee's consensus.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        numpy.ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Classes (the most probable under the mean probability, or the majority vote
            without ``predict_proba``) or the mean regression prediction.
        """
        X = self._check_X(X)
        if self.committee is None:
            return self.estimator_.predict(X)
        if not self._is_classifier():
            return self._committee_predictions(X).mean(axis=0)
        if hasattr(self.committee_[0], "predict_proba"):
            return self.classes_[np.argmax(self._committee_proba(X).mean(axis=0), axis=1)]
        votes = self._committee_predictions(X)
        codes = np.searchsorted(self.classes_, votes)
        counts = np.stack([(codes == k).sum(axis=0) for k in range(len(self.classes_))], 1)
        return self.classes_[np.argmax(counts, axis=1)]

    @available_if(_base_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the model, or the committee's mean.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        X = self._check_X(X)
        return self._committee_proba(X).mean(axis=0)

    def score(self, X, y):
        """Accuracy (classifiers) or the coefficient of determination R^2 (regressors).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels.

        Returns
        -------
        float
        """
        check_fitted(self, "X_training_")
        X, y = self._validate_xy(X, y, reset=False)
        pred = self.predict(X)
        if self._is_classifier():
            return float(accuracy_score(y, pred))
        return float(r2_score(y, pred))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        base = get_tags(self._base())
        tags.estimator_type = base.estimator_type
        tags.target_tags = base.target_tags
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        if base.classifier_tags is not None:
            tags.classifier_tags = base.classifier_tags
        if base.regressor_tags is not None:
            tags.regressor_tags = base.regressor_tags
        return tags
