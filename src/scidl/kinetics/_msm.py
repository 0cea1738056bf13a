"""Markov state models: maximum-likelihood estimation and analysis."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse
from sklearn.base import BaseEstimator, TransformerMixin

from scidl.base import PersistenceMixin
from scidl.data import sample_markov_chain
from scidl.kinetics._counts import (
    NO_FIXED_FEATURES,
    check_labels_below,
    check_lag_fits,
    connected_sets,
    discrete_trajectory_tags,
    index_in,
    lagged_pairs,
    observed_counts,
)
from scidl.kinetics._data import as_dtrajs, check_count_matrix, check_int, dtrajs_and_kind
from scidl.kinetics._estimation import check_counts, stationary_distribution, transition_matrix_mle
from scidl.kinetics._linalg import schatten_sum
from scidl.kinetics._pcca import pcca
from scidl.numerics import inv_sqrt
from scidl.utils import InstanceOf, Interval, Options, check_fitted, make_seed, validate_params

__all__ = ["MarkovStateModel"]


class MarkovStateModel(PersistenceMixin, TransformerMixin, BaseEstimator):
    """A Markov state model estimated by maximum likelihood from discrete trajectories.

    Parameters
    ----------
    lagtime : int
        Lag in steps.
    reversible : bool
        Enforce detailed balance (the reversible MLE); otherwise the row-normalised
        counts (the non-reversible MLE).
    stationary_distribution_constraint : array-like of shape (n_labels,), optional
        Fixed stationary distribution indexed by state label, with ``n_labels`` the
        ``n_states`` parameter or else the largest label + 1 (restricted to the active
        set and renormalised); implies a reversible estimate.
    count_mode : {"sliding", "sample", "effective"}
        How transitions are counted (:class:`TransitionCounts`).
    connectivity : {"largest", "all"}
        ``"largest"`` restricts the model to the largest strongly connected set of
        visited states (the default, as in deeptime); ``"all"`` keeps every state and
        raises ``ValueError`` if the data are not strongly connected or a label in
        ``[0, n_labels)`` is never visited.
    n_states : int, optional
        Size of the state space: labels must lie in ``[0, n_states)`` (default: any
        label ``>= 0``; labels need not be contiguous).
    tol : float
        Convergence tolerance of the reversible iteration.
    max_iter : int
        Maximum sweeps of the reversible iteration.

    Attributes
    ----------
    states_ : ndarray of int64 of shape (n_observed,)
        The observed state labels, ascending: row ``i`` of ``count_matrix_`` is state
        ``states_[i]``.
    count_matrix_ : ndarray of shape (n_observed, n_observed)
        Counts between the observed states (memory grows with the number of observed
        states, not with the largest label; more than 32768 observed states raise
        ``ValueError`` before the matrix is allocated).
    active_set_ : ndarray of int64 of shape (n_states_,)
        Labels of the states in the model, ascending: row ``i`` of
        ``transition_matrix_`` is state ``active_set_[i]``.
    transition_matrix_ : ndarray of shape (n_states_, n_states_)
        The estimated transition matrix at ``lagtime``.
    stationary_distribution_ : ndarray of shape (n_states_,)
        Its stationary distribution.
    n_states_ : int
        Number of states in the model (the active set).
    active_count_fraction_ : float
        Fraction of the counts inside the active set.
    n_iter_ : int
        Sweeps of the reversible iteration (0 for the non-reversible MLE).

    Notes
    -----
    The non-reversible MLE ``T_ij = C_ij / sum_k C_ik`` is also the least-squares
    solution for propagating the state indicators ``chi_i(x) = 1[x in S_i]``:
    regressing ``chi(x_{t+tau})`` on ``chi(x_t)`` gives
    ``argmin_T sum_t |chi(x_{t+tau}) - chi(x_t) T|^2 = (X^T X)^(-1) X^T Y``, and for
    one-hot rows ``X^T X = diag(row sums of C)`` and ``X^T Y = C``, so the solution is
    the row-normalised count matrix. An MSM is thus a linear Koopman model (VAMP) on
    indicator features.

    Discrete trajectories come as a 1D array of labels, an ``(n_frames, 1)`` column
    (one trajectory, as a scikit-learn pipeline passes one feature), an
    ``(n_trajectories, n_frames)`` array or a list of 1D arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import sample_markov_chain
    >>> from scidl.kinetics import MarkovStateModel
    >>> P = np.array([[0.9, 0.1], [0.05, 0.95]])
    >>> dtraj = sample_markov_chain(P, 20000, random_state=0)
    >>> msm = MarkovStateModel(lagtime=1).fit(dtraj)
    >>> np.round(msm.transition_matrix_, 2)
    array([[0.9 , 0.1 ],
           [0.05, 0.95]])
    >>> np.round(msm.timescales(), 1)  # -1 / log(0.85)
    array([6.2])

    Labels need not be contiguous; the model speaks them:

    >>> sparse = MarkovStateModel().fit(np.array([10**9, 7, 7, 10**9, 7, 10**9, 10**9]))
    >>> sparse.active_set_
    array([         7, 1000000000])
    >>> sparse.transform([7, 10**9, 3])
    array([ 0,  1, -1])
    """

    _parameter_constraints = {
        "lagtime": [Interval(numbers.Integral, 1, None)],
        "reversible": [InstanceOf(bool)],
        "stationary_distribution_constraint": [InstanceOf(np.ndarray, list, tuple), None],
        "count_mode": [Options("sliding", "sample", "effective")],
        "connectivity": [Options("largest", "all")],
        "n_states": [Interval(numbers.Integral, 1, None), None],
        "tol": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None)],
    }

    _expected_failed_checks = {
        "check_n_features_in_after_fitting": NO_FIXED_FEATURES,
        "check_n_features_in": NO_FIXED_FEATURES,
        "check_transformer_general": (
            "transform takes trajectories of any length, not the number of frames seen in fit"
        ),
        "check_transformer_data_not_an_array": (
            "a list of lists is a list of trajectories and is transformed into a list"
        ),
        "check_fit2d_predict1d": "a 1D array is one discrete trajectory, a valid input",
    }

    def __init__(
        self,
        lagtime=1,
        *,
        reversible=True,
        stationary_distribution_constraint=None,
        count_mode="sliding",
        connectivity="largest",
        n_states=None,
        tol=1e-12,
        max_iter=1_000_000,
    ):
        self.lagtime = lagtime
        self.reversible = reversible
        self.stationary_distribution_constraint = stationary_distribution_constraint
        self.count_mode = count_mode
        self.connectivity = connectivity
        self.n_states = n_states
        self.tol = tol
        self.max_iter = max_iter

    def __sklearn_tags__(self):
        tags = discrete_trajectory_tags(super().__sklearn_tags__())
        tags.transformer_tags.preserves_dtype = []  # transform returns int64 state indices
        return tags

    # ------------------------------------------------------------------ estimation
    def fit(self, dtrajs, y=None):
        """Estimate the model from one discrete trajectory or several.

        Parameters
        ----------
        dtrajs : array-like of int, or a list of them
            State labels ``>= 0``: a 1D array, an ``(n_frames, 1)`` column, an
            ``(n_trajectories, n_frames)`` array or a list of 1D arrays.
        y : None
            Ignored.

        Returns
        -------
        self
        """
        validate_params(self)
        states, _, C = observed_counts(as_dtrajs(dtrajs), self.lagtime, mode=self.count_mode)
        check_labels_below(states, self.n_states)
        n_labels = self.n_states if self.n_states is not None else int(states[-1]) + 1
        return self._fit_counts(C, states, n_labels)

    def fit_from_counts(self, count_matrix):
        """Estimate the model from a count matrix indexed by state label.

        ``lagtime`` is then only used for timescales and to count the test data of
        :meth:`score`.

        Parameters
        ----------
        count_matrix : array-like of shape (n_labels, n_labels)
            Non-negative counts ``C[i, j]`` of transitions ``i -> j``; states without
            any count are left out of ``states_``.

        Returns
        -------
        self
        """
        validate_params(self)
        C = check_count_matrix(count_matrix)
        if self.n_states is not None and C.shape[0] != self.n_states:
            raise ValueError(
                f"count_matrix must be {self.n_states} x {self.n_states} (n_states); got shape "
                f"{C.shape}."
            )
        states = np.flatnonzero((C.sum(axis=0) + C.sum(axis=1)) > 0)
        if states.size == 0:
            raise ValueError("count_matrix has no counts; there is nothing to estimate.")
        return self._fit_counts(C[np.ix_(states, states)], states, C.shape[0])

    def _fit_counts(self, C, states, n_labels):
        """Estimate on the counts ``C`` between the observed ``states`` (labels)."""
        all_sets = connected_sets(C)
        sets = [s for s in all_sets if C[np.ix_(s, s)].sum() > 0]
        if not sets:
            raise ValueError(
                f"no transitions within any connected set of states at lagtime={self.lagtime}; "
                "the data are too short for this lagtime."
            )
        if self.connectivity == "all" and (len(all_sets) > 1 or states.size != n_labels):
            raise ValueError(
                f"the data are not strongly connected ({len(all_sets)} connected sets, "
                f"{n_labels - states.size} states never visited); use connectivity='largest'."
            )
        active = sets[0]
        Ca = check_counts(C[np.ix_(active, active)])
        pi_fixed = None
        if self.stationary_distribution_constraint is not None:
            pi_all = np.asarray(self.stationary_distribution_constraint, dtype=np.float64).ravel()
            if pi_all.shape != (n_labels,):
                raise ValueError(
                    f"stationary_distribution_constraint must have {n_labels} entries (one per "
                    f"state label); got {pi_all.shape[0]}."
                )
            pi_fixed = pi_all[states[active]]
            if (pi_fixed <= 0).any() or not np.isfinite(pi_fixed).all():
                raise ValueError(
                    "stationary_distribution_constraint must be positive on the active set."
                )
            pi_fixed = pi_fixed / pi_fixed.sum()
        T, it = transition_matrix_mle(
            Ca,
            reversible=self.reversible,
            stationary_distribution=pi_fixed,
            tol=self.tol,
            max_iter=self.max_iter,
            return_iterations=True,
        )
        self.states_ = states
        self.count_matrix_ = C
        self.active_set_ = states[active]
        self.transition_matrix_ = T
        self.stationary_distribution_ = stationary_distribution(T) if pi_fixed is None else pi_fixed
        self.n_states_ = int(active.size)
        self.active_count_fraction_ = float(Ca.sum() / C.sum())
        self.n_iter_ = int(it)
        return self

    @property
    def is_reversible(self):
        """Whether the model is in detailed balance (``reversible`` or a fixed ``pi``)."""
        return bool(self.reversible or self.stationary_distribution_constraint is not None)

    # ------------------------------------------------------------------ spectral analysis
    def _spectrum(self):
        check_fitted(self, "transition_matrix_")
        key = id(self.transition_matrix_)
        if getattr(self, "_spectrum_cache", (None,))[0] == key:
            return self._spectrum_cache[1:]
        T, pi = self.transition_matrix_, self.stationary_distribution_
        if self.is_reversible:
            s = np.sqrt(pi)
            S = s[:, None] * T / s[None, :]
            w, U = np.linalg.eigh(0.5 * (S + S.T))
            order = np.argsort(-np.abs(w), kind="stable")
            w, U = w[order], U[:, order]
            R = U / s[:, None]  # right eigenvectors, pi-orthonormal
            L = U * s[:, None]  # left eigenvectors
        else:
            w, L, R = _eig_general(T)
        self._spectrum_cache = (key, w, R, L)
        return w, R, L

    def _check_k(self, k, name="k", offset=0):
        k = check_int(k, name, 1, allow_none=True)
        return None if k is None else k + offset

    def eigenvalues(self, k=None):
        """The ``k`` largest-magnitude eigenvalues of the transition matrix.

        Parameters
        ----------
        k : int, optional
            How many (default: all ``n_states_``; larger values give all).

        Returns
        -------
        ndarray of shape (min(k, n_states_),)
            Real for a reversible model, complex where a non-reversible one has complex
            pairs.
        """
        k = self._check_k(k)
        return self._spectrum()[0][:k]

    def right_eigenvectors(self, k=None):
        """Right eigenvectors ``T r_i = lambda_i r_i`` as columns, ordered as :meth:`eigenvalues`.

        Parameters
        ----------
        k : int, optional
            How many (default: all).

        Returns
        -------
        ndarray of shape (n_states_, min(k, n_states_))
            Normalised so that ``left_eigenvectors().T @ right_eigenvectors() = I``.
        """
        k = self._check_k(k)
        return self._spectrum()[1][:, :k]

    def left_eigenvectors(self, k=None):
        """Left eigenvectors ``l_i^T T = lambda_i l_i^T`` as columns (the first is ``pi``).

        Parameters
        ----------
        k : int, optional
            How many (default: all).

        Returns
        -------
        ndarray of shape (n_states_, min(k, n_states_))
        """
        k = self._check_k(k)
        return self._spectrum()[2][:, :k]

    def timescales(self, k=None):
        """Implied timescales ``-lagtime / log|lambda_i|`` (in trajectory steps), ``i >= 1``.

        Parameters
        ----------
        k : int, optional
            How many (default: all ``n_states_ - 1``; a model with fewer states gives
            fewer).

        Returns
        -------
        ndarray of shape (min(k, n_states_ - 1),)
            Slowest first; ``inf`` for an eigenvalue of modulus 1 (a disconnected
            or periodic chain).
        """
        k = self._check_k(k, offset=1)
        w = np.abs(self._spectrum()[0][:k][1:])
        with np.errstate(divide="ignore"):
            return -self.lagtime / np.log(np.clip(np.real(w), 1e-300, 1.0))

    def propagate(self, p0, n_steps=1):
        """Distribution after ``n_steps`` model steps (``n_steps * lagtime`` frames).

        Parameters
        ----------
        p0 : array-like of shape (n_states_,) or (n_distributions, n_states_)
            Initial distribution(s) over the active set (order of ``active_set_``).
        n_steps : int
            Number of model steps, ``>= 0``.

        Returns
        -------
        ndarray of the shape of ``p0``
            ``p0 @ transition_matrix_ ** n_steps``.
        """
        check_fitted(self, "transition_matrix_")
        p = np.asarray(p0, dtype=np.float64)
        if p.ndim not in (1, 2) or p.shape[-1] != self.n_states_:
            raise ValueError(
                f"p0 must have shape ({self.n_states_},) or (n, {self.n_states_}): one "
                f"probability per state of the active set; got shape {p.shape}."
            )
        if not np.isfinite(p).all() or (p < 0).any():
            raise ValueError("p0 must hold finite, non-negative probabilities.")
        for _ in range(check_int(n_steps, "n_steps", 0)):
            p = p @ self.transition_matrix_
        return p

    # ------------------------------------------------------------------ sets and paths
    def _as_set(self, states, name):
        s = np.atleast_1d(np.asarray(states))
        within = f"indices into the active set [0, {self.n_states_})"
        if s.size and s.dtype.kind not in "iu":  # an empty list comes as float64
            raise TypeError(f"{name} must be int {within}; got {states!r} of dtype {s.dtype}.")
        if s.ndim != 1 or s.size == 0 or (s < 0).any() or (s >= self.n_states_).any():
            raise ValueError(f"{name} must be non-empty {within}; got {states!r}.")
        return np.unique(s.astype(np.int64))

    def mfpt(self, A, B):
        """Mean first-passage time (in trajectory steps) from set ``A`` to set ``B``.

        Solves ``m_i = lagtime + sum_j T_ij m_j`` outside ``B`` with ``m = 0`` on ``B``
        and averages over ``A`` weighted by the stationary distribution.

        Parameters
        ----------
        A, B : int or array-like of int
            Indices into the active set (rows of ``transition_matrix_``).

        Returns
        -------
        float
        """
        check_fitted(self, "transition_matrix_")
        A, B = self._as_set(A, "A"), self._as_set(B, "B")
        n = self.n_states_
        rest = np.setdiff1d(np.arange(n), B)
        m = np.zeros(n)
        if rest.size:
            T = self.transition_matrix_
            M = np.eye(rest.size) - T[np.ix_(rest, rest)]
            m[rest] = np.linalg.solve(M, np.full(rest.size, float(self.lagtime)))
        w = self.stationary_distribution_[A]
        return float(w @ m[A] / w.sum())

    def committor(self, A, B, *, forward=True):
        """Forward (or backward) committor between two disjoint sets of states.

        Parameters
        ----------
        A, B : int or array-like of int
            Disjoint indices into the active set.
        forward : bool
            The probability to reach ``B`` before ``A``; with ``False``, the backward
            committor: the probability to have come from ``A`` rather than ``B``.

        Returns
        -------
        ndarray of shape (n_states_,)
        """
        check_fitted(self, "transition_matrix_")
        A, B = self._as_set(A, "A"), self._as_set(B, "B")
        if np.intersect1d(A, B).size:
            raise ValueError(
                f"A and B must be disjoint; both contain {np.intersect1d(A, B).tolist()}."
            )
        T = self.transition_matrix_
        if not forward:
            pi = self.stationary_distribution_
            T = (T * pi[:, None]).T / pi[:, None]  # time-reversed chain
        n = self.n_states_
        rest = np.setdiff1d(np.arange(n), np.union1d(A, B))
        q = np.zeros(n)
        target = A if not forward else B
        q[target] = 1.0
        if rest.size:
            M = np.eye(rest.size) - T[np.ix_(rest, rest)]
            q[rest] = np.linalg.solve(M, T[np.ix_(rest, target)].sum(axis=1))
        return q

    def pcca(self, n_metastable):
        """PCCA+ metastable sets and memberships (see :func:`scidl.kinetics.pcca`).

        Parameters
        ----------
        n_metastable : int
            Number of metastable sets, in ``[1, n_states_]``.

        Returns
        -------
        PCCA
            Memberships and sets over the active set.
        """
        check_fitted(self, "transition_matrix_")
        return pcca(
            self.transition_matrix_,
            self.stationary_distribution_,
            n_metastable,
            reversible=self.is_reversible,
        )

    # ------------------------------------------------------------------ data
    def _active_index(self, d, outside):
        """Positions of the labels ``d`` in ``active_set_``; ``outside`` for the others."""
        return index_in(self.active_set_, d, outside)

    def transform(self, dtrajs):
        """Map state labels to active-set indices (``-1`` outside the active set).

        Parameters
        ----------
        dtrajs : array-like of int, or a list of them
            Discrete trajectories in the user's labels (any label ``>= 0``, seen in
            ``fit`` or not).

        Returns
        -------
        ndarray of int64, or a list of them
            In the layout of ``dtrajs``: a list for a list, an array of the same shape
            for an array.
        """
        check_fitted(self, "transition_matrix_")
        trajs, kind = dtrajs_and_kind(dtrajs)
        out = [self._active_index(d, -1) for d in trajs]
        if kind == "list":
            return out
        if kind == "2d":
            return np.stack(out)
        return out[0][:, None] if kind == "column" else out[0]

    def simulate(self, n_steps, *, start=None, random_state=None):
        """Sample a trajectory of the model (one frame per ``lagtime``), in the user's labels.

        Parameters
        ----------
        n_steps : int
            Number of frames (the start included).
        start : int, optional
            Start state (a label of the active set); default: drawn from the stationary
            distribution.
        random_state : None, int or numpy.random.Generator
            Seed.

        Returns
        -------
        ndarray of int64 of shape (n_steps,)
        """
        check_fitted(self, "transition_matrix_")
        if start is None:
            rng = np.random.default_rng(make_seed(random_state))
            start_i = int(rng.choice(self.n_states_, p=self.stationary_distribution_))
            seed = rng
        else:
            where = np.flatnonzero(self.active_set_ == start)
            if where.size == 0:
                raise ValueError(
                    f"start must be a state label of the active set; got {start!r}, which is "
                    "not in active_set_."
                )
            start_i = int(where[0])
            seed = make_seed(random_state)
        traj = sample_markov_chain(
            self.transition_matrix_, n_steps, start=start_i, random_state=seed
        )
        return self.active_set_[traj]

    # ------------------------------------------------------------------ VAMP scores
    def score(self, dtrajs, y=None, score_method="VAMP2", score_k=None):
        """VAMP score of the model on (held-out) discrete trajectories, as in deeptime.

        The default score of the estimator, so scikit-learn's ``cross_val_score`` and
        ``GridSearchCV`` need no ``scoring=``. The definition is deeptime's
        ``MarkovStateModel.score(dtrajs, r, dim)`` (Noé and Nüske 2013; Wu and Noé 2020).

        Parameters
        ----------
        dtrajs : array-like of int or list of them
            Test trajectories in original state labels. Transitions at ``lagtime`` are
            counted with sliding windows (whatever ``count_mode`` the model was fit
            with), and only transitions between states of the active set are kept:
            states outside the active set, including labels beyond the training range,
            are ignored (as in deeptime). Negative labels raise ``ValueError``.
        y : None
            Ignored; present for the scikit-learn API.
        score_method : {"VAMP1", "VAMP2", "VAMPE"}
            Sum of the singular values, of their squares, or the VAMP-E score.
            Case-insensitive; ``"VAMP-2"`` is also accepted.
        score_k : int, optional
            Score only the ``score_k`` largest singular values (the constant function,
            singular value 1, is the first). Default: all ``n_states_``; larger values
            are clipped to ``n_states_`` as in deeptime.

        Returns
        -------
        float
            The score.

        Notes
        -----
        The model is the SVD of the symmetrised Koopman matrix in the empirical
        distribution of the training counts ``C`` (restricted to the active set):
        ``K = C00^(-1/2) C00 T Ctt^(-1/2) = U' S V'^T`` with ``C00 = diag(C 1)``,
        ``Ctt = diag(1^T C)``, and the singular functions ``U = C00^(-1/2) U'``,
        ``V = Ctt^(-1/2) V'``, truncated to the first ``k`` columns. On test counts
        ``D`` (with ``D00 = diag(D 1)``, ``Dtt = diag(1^T D)``), and
        ``A = U^T D00 U``, ``B = U^T D V``, ``E = V^T Dtt V``:

        * VAMP-r (r = 1, 2): ``sum_i s_i(A^(-1/2) B E^(-1/2))^r``, with pseudo-inverse
          square roots that drop eigenvalues below ``1e-10`` times the largest (zero
          counts make ``A``, ``E`` singular; deeptime's cutoff is an absolute ``1e-10``,
          the same unless a direction has ~1e-10 of the test weight of the largest).
          Scoring the training data itself with a non-reversible model gives
          ``sum_{i<=k} S_i^r``.
        * VAMP-E: ``trace(2 S B - S A S E)``.

        The indicator functions contain the constant, so nothing is added for a removed
        mean and a VAMP-r score lies in ``(0, k]``. As in deeptime, the covariances are
        the raw counts, not averages: VAMP-1/2 do not depend on the amount of test data,
        but VAMP-E compares the test counts with the training counts as they are, so it
        changes with the length of the test data (it is most meaningful for test data
        about as long as the training data).

        Examples
        --------
        >>> import numpy as np
        >>> from scidl.data import sample_markov_chain
        >>> from scidl.kinetics import MarkovStateModel
        >>> P = np.array([[0.9, 0.1], [0.05, 0.95]])
        >>> train, test = sample_markov_chain(P, 20000, n_chains=2, random_state=0)
        >>> msm = MarkovStateModel(lagtime=1).fit(train)
        >>> round(msm.score(test), 2)  # 1 + 0.85**2
        1.72
        """
        check_fitted(self, "transition_matrix_")
        method = _check_score_method(score_method)
        k = _check_score_k(score_k, self.n_states_)
        U, s, V = self._koopman_svd()
        U, s, V = U[:, :k], s[:k], V[:, :k]
        D = self._active_test_counts(dtrajs)
        d0 = np.asarray(D.sum(axis=1)).ravel()  # D is sparse: no n x n array of zeros
        dt = np.asarray(D.sum(axis=0)).ravel()
        A = (U * d0[:, None]).T @ U
        B = U.T @ (D @ V)
        E = (V * dt[:, None]).T @ V
        if method == "VAMPE":
            return float(np.trace(2.0 * s[:, None] * B - (s[:, None] * A * s[None, :]) @ E))
        La = inv_sqrt(A, 1e-10, name="the projected test C00")
        Le = inv_sqrt(E, 1e-10, name="the projected test Ctt")
        return schatten_sum(La.T @ B @ Le, 1 if method == "VAMP1" else 2)

    def _koopman_svd(self):
        """``U, S, V`` of the empirical symmetrised Koopman matrix (see :meth:`score`)."""
        active = np.searchsorted(self.states_, self.active_set_)
        C = self.count_matrix_[np.ix_(active, active)]
        r0, rt = np.sqrt(C.sum(axis=1)), np.sqrt(C.sum(axis=0))
        # C00^(-1/2) (C00 T) Ctt^(-1/2) with diagonal C00, Ctt
        K = r0[:, None] * self.transition_matrix_ / rt[None, :]
        Us, s, Vt = np.linalg.svd(K)
        return Us / r0[:, None], s, Vt.T / rt[:, None]

    def _active_test_counts(self, dtrajs):
        """Sliding-window counts of ``dtrajs`` between active states, in active-set order.

        A sparse ``(n_states_, n_states_)`` matrix: memory in the number of test frames,
        whatever the number of states of the model or of labels in the data.
        """
        n = self.n_states_
        dtrajs = as_dtrajs(dtrajs)
        lagtime = check_lag_fits(dtrajs, self.lagtime)
        # -1 stands for every state outside the active set
        a, b = lagged_pairs([self._active_index(d, -1) for d in dtrajs], lagtime)
        inside = (a >= 0) & (b >= 0)
        a, b = a[inside], b[inside]
        D = scipy.sparse.csr_matrix((np.ones(a.size), (a, b)), shape=(n, n))  # sums duplicates
        if D.sum() <= 0:
            raise ValueError(
                f"the test trajectories have no transitions at lagtime={self.lagtime} between "
                f"states of the model's active set {self.active_set_.tolist()[:10]}; there is "
                "nothing to score."
            )
        return D


def _check_score_method(score_method):
    if not isinstance(score_method, str):
        raise TypeError(
            f"score_method must be one of 'VAMP1', 'VAMP2', 'VAMPE' (a str); got "
            f"{score_method!r} of type {type(score_method).__name__}."
        )
    method = score_method.upper().replace("-", "")
    if method not in ("VAMP1", "VAMP2", "VAMPE"):
        raise ValueError(
            f"score_method must be one of 'VAMP1', 'VAMP2', 'VAMPE'; got {score_method!r}."
        )
    return method


def _check_score_k(score_k, n_states):
    score_k = check_int(score_k, "score_k", 1, allow_none=True)
    return n_states if score_k is None else min(score_k, n_states)


def _eig_general(T):
    import scipy.linalg

    w, L, R = scipy.linalg.eig(T, left=True, right=True)
    L = L.conj()  # scipy's vl satisfies vl^H T = w vl^H; we want l^T T = w l^T
    order = np.argsort(-np.abs(w), kind="stable")
    w, L, R = w[order], L[:, order], R[:, order]
    if np.allclose(w.imag, 0):
        w, L, R = w.real, L.real, R.real
    # normalise so that L^T R = I
    scale = np.einsum("ij,ij->j", L, R)
    R = R / scale
    return w, R, L
