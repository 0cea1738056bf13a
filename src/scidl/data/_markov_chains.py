"""Discrete Markov chains: sampling, birth-death chains and hidden-state toy models.

Everything here is NumPy only; the functions are re-exported by :mod:`scidl.data`.

- :func:`sample_markov_chain` draws one or many trajectories from a transition matrix.
- :class:`BirthDeathChain` is a nearest-neighbour chain with closed-form stationary
  distribution, committor and mean first-passage times (the known answers of the
  MSM tests).
- :func:`sqrt_model` and :func:`swissroll_model` hide a metastable chain behind a
  non-linear emission, so that the slow process is not linearly separable (the toys of
  the time-lagged-autoencoder literature, with the same definitions as deeptime's).
"""

from __future__ import annotations

import numbers
from bisect import bisect_right

import numpy as np

__all__ = [
    "SQRT_TRANSITION_MATRIX",
    "SWISSROLL_TRANSITION_MATRIX",
    "BirthDeathChain",
    "check_transition_matrix",
    "sample_markov_chain",
    "sqrt_model",
    "swissroll_model",
]


# The hidden chains of sqrt_model and swissroll_model (read-only: the models use them).
SQRT_TRANSITION_MATRIX = np.array([[0.95, 0.05], [0.05, 0.95]])
SWISSROLL_TRANSITION_MATRIX = np.array(
    [
        [0.95, 0.05, 0.00, 0.00],
        [0.05, 0.90, 0.05, 0.00],
        [0.00, 0.05, 0.90, 0.05],
        [0.00, 0.00, 0.05, 0.95],
    ]
)
SQRT_TRANSITION_MATRIX.setflags(write=False)
SWISSROLL_TRANSITION_MATRIX.setflags(write=False)


def _rng(random_state) -> np.random.Generator:
    """A NumPy ``Generator`` from None, an int, a Generator or a RandomState."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1, size=4))
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative int; got {random_state}.")
        return np.random.default_rng(int(random_state))
    raise TypeError(
        f"random_state must be None, an int or a NumPy generator; got {random_state!r}."
    )


def _check_count(value, name, minimum=1) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    return int(value)


def check_transition_matrix(transition_matrix, *, name="transition_matrix", atol=1e-8):
    """Validate a row-stochastic matrix and return it as float64.

    Parameters
    ----------
    transition_matrix : array-like of shape (n_states, n_states)
        The matrix to check.
    name : str
        The argument's name in error messages.
    atol : float
        Tolerance of the row sums.

    Returns
    -------
    ndarray of float64 of shape (n_states, n_states)

    Raises
    ------
    ValueError
        For a non-square or empty matrix, negative or non-finite entries, or rows that
        do not sum to one (within ``atol``).

    Examples
    --------
    >>> from scidl.data import check_transition_matrix
    >>> check_transition_matrix([[0.9, 0.1], [0.5, 0.5]])
    array([[0.9, 0.1],
           [0.5, 0.5]])
    >>> check_transition_matrix([[0.9, 0.2], [0.5, 0.5]], name="P")
    Traceback (most recent call last):
    ...
    ValueError: P must be row-stochastic; row 0 sums to 1.1.
    """
    P = np.asarray(transition_matrix, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] != P.shape[1] or P.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix; got shape {P.shape}.")
    if not np.isfinite(P).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    if (P < 0).any():
        raise ValueError(f"{name} has negative entries; expected probabilities.")
    sums = P.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=atol, rtol=0):
        bad = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(f"{name} must be row-stochastic; row {bad} sums to {float(sums[bad])!r}.")
    return P


def sample_markov_chain(
    transition_matrix, n_steps, *, start=None, n_chains=None, random_state=None
):
    """Sample trajectories of a discrete-time Markov chain.

    Parameters
    ----------
    transition_matrix : array-like of shape (n_states, n_states)
        Row-stochastic matrix, ``P[i, j] = Prob(x_{t+1} = j | x_t = i)``.
    n_steps : int
        Length of each trajectory (the start state included).
    start : int or array-like of int, optional
        Start state (one per chain when ``n_chains`` is given). By default the start is
        drawn from the uniform distribution.
    n_chains : int, optional
        Number of independent chains. ``None`` returns one trajectory of shape
        ``(n_steps,)``; an int returns shape ``(n_chains, n_steps)``.
    random_state : None, int or numpy.random.Generator
        Seed.

    Returns
    -------
    numpy.ndarray of int64

    Notes
    -----
    Each step draws a uniform number ``u`` and takes the first state whose cumulative
    row probability exceeds ``u`` (inverse-CDF sampling). One chain is advanced by a
    tight loop over precomputed uniforms; many chains are advanced together, one
    vectorised step for all of them at a time.

    Examples
    --------
    >>> from scidl.data import sample_markov_chain
    >>> P = [[0.9, 0.1], [0.2, 0.8]]
    >>> sample_markov_chain(P, 8, start=0, random_state=0).shape
    (8,)
    >>> sample_markov_chain([[0.0, 1.0], [1.0, 0.0]], 5, start=0)  # a deterministic flip
    array([0, 1, 0, 1, 0])
    >>> sample_markov_chain(P, 100, n_chains=3, random_state=0).shape
    (3, 100)
    """
    P = check_transition_matrix(transition_matrix)
    n_states = P.shape[0]
    n_steps = _check_count(n_steps, "n_steps")
    rng = _rng(random_state)
    single = n_chains is None
    n = 1 if single else _check_count(n_chains, "n_chains")
    if start is None:
        x0 = rng.integers(0, n_states, size=n)
    else:
        x0 = np.broadcast_to(np.asarray(start), (n,)).astype(np.int64)
        if (x0 < 0).any() or (x0 >= n_states).any():
            raise ValueError(f"start must be in [0, {n_states}); got {start!r}.")
    cdf = np.cumsum(P, axis=1)
    cdf[:, -1] = np.inf  # guard against rounding: the last state catches u close to 1
    out = np.empty((n, n_steps), dtype=np.int64)
    out[:, 0] = x0
    u = rng.random((n_steps - 1, n)) if n_steps > 1 else np.empty((0, n))
    if single:
        rows = [list(r) for r in cdf]  # Python lists make bisect fast
        s = int(x0[0])
        traj = out[0]
        for t, ut in enumerate(u[:, 0].tolist(), start=1):
            s = bisect_right(rows[s], ut)
            traj[t] = s
        return out[0]
    state = x0.copy()
    for t in range(1, n_steps):
        state = (cdf[state] <= u[t - 1][:, None]).sum(axis=1)
        out[:, t] = state
    return out


class BirthDeathChain:
    """A birth-death chain on states ``0..n-1`` with closed-form analysis.

    From state ``k`` the chain moves up with probability ``b[k]``, down with
    probability ``d[k]`` and stays with probability ``1 - b[k] - d[k]``.

    Parameters
    ----------
    birth : array-like of shape (n,)
        Up-probabilities; ``birth[-1]`` must be 0.
    death : array-like of shape (n,)
        Down-probabilities; ``death[0]`` must be 0.

    Attributes
    ----------
    birth, death : ndarray of shape (n,)
        The up- and down-probabilities.
    n_states : int
        Number of states ``n``.
    transition_matrix : ndarray of shape (n, n)
        The tridiagonal transition matrix.
    stationary_distribution : ndarray of shape (n,)
        Its stationary distribution (closed form).

    Notes
    -----
    Detailed balance gives ``pi[k+1] / pi[k] = b[k] / d[k+1]``. The expected time to
    go from ``k`` to ``k+1`` obeys ``h[k] = (1 + d[k] h[k-1]) / b[k]`` with ``h[0] = 1/b[0]``,
    so the mean first-passage time from ``i`` up to ``j > i`` is ``h[i] + ... + h[j-1]``
    (and symmetrically downwards). The committor from ``a`` to ``b`` is a normalised sum
    of products of ``d/b`` ratios (a discrete harmonic function).

    Examples
    --------
    >>> from scidl.data import BirthDeathChain
    >>> chain = BirthDeathChain([0.2, 0.2, 0.0], [0.0, 0.1, 0.1])
    >>> chain.stationary_distribution.round(4)
    array([0.1429, 0.2857, 0.5714])
    """

    def __init__(self, birth, death):
        b = np.asarray(birth, dtype=np.float64)
        d = np.asarray(death, dtype=np.float64)
        if b.ndim != 1 or b.shape != d.shape or b.size < 2:
            raise ValueError(
                f"birth and death must be 1D of the same length >= 2; got {b.shape} and {d.shape}."
            )
        if (b < 0).any() or (d < 0).any() or (b + d > 1 + 1e-12).any():
            raise ValueError("birth and death must be probabilities with birth + death <= 1.")
        if b[-1] != 0 or d[0] != 0:
            raise ValueError("birth[-1] and death[0] must be 0 (no moves out of the ends).")
        if (b[:-1] <= 0).any() or (d[1:] <= 0).any():
            raise ValueError("inner birth and death probabilities must be positive.")
        self.birth = b
        self.death = d

    @property
    def n_states(self) -> int:
        return self.birth.size

    @property
    def transition_matrix(self) -> np.ndarray:
        n = self.n_states
        P = np.zeros((n, n))
        k = np.arange(n)
        P[k[:-1], k[1:]] = self.birth[:-1]
        P[k[1:], k[:-1]] = self.death[1:]
        P[k, k] = 1.0 - self.birth - self.death
        return P

    @property
    def stationary_distribution(self) -> np.ndarray:
        ratios = self.birth[:-1] / self.death[1:]
        logpi = np.concatenate([[0.0], np.cumsum(np.log(ratios))])
        pi = np.exp(logpi - logpi.max())
        return pi / pi.sum()

    def mfpt(self, i: int, j: int) -> float:
        """Mean first-passage time (in steps) from state ``i`` to state ``j``."""
        if i == j:
            return 0.0
        b, d = self.birth, self.death
        n = self.n_states
        if i < j:
            h = np.empty(n - 1)  # h[k]: expected time from k to k+1
            h[0] = 1.0 / b[0]
            for k in range(1, n - 1):
                h[k] = (1.0 + d[k] * h[k - 1]) / b[k]
            return float(h[i:j].sum())
        g = np.empty(n)  # g[k]: expected time from k to k-1
        g[n - 1] = 1.0 / d[n - 1]
        for k in range(n - 2, 0, -1):
            g[k] = (1.0 + b[k] * g[k + 1]) / d[k]
        return float(g[j + 1 : i + 1].sum())

    def committor(self, a: int, b: int) -> np.ndarray:
        """Probability to reach ``b`` before ``a``, for ``a < b``.

        Zero below ``a``, one above ``b``.
        """
        if not 0 <= a < b < self.n_states:
            raise ValueError(f"need 0 <= a < b < n_states; got a={a}, b={b}.")
        n = self.n_states
        q = np.zeros(n)
        # increments of the committor are proportional to prod_{m=a+1}^{k} d[m]/b[m]
        steps = np.ones(b - a)
        for k in range(1, b - a):
            m = a + k
            steps[k] = steps[k - 1] * self.death[m] / self.birth[m]
        q[a + 1 : b + 1] = np.cumsum(steps) / steps.sum()
        q[b:] = 1.0
        return q


def _hidden_chain_emissions(P, means, cov, n_samples, rng):
    states = sample_markov_chain(P, n_samples, start=0, random_state=rng)
    chol = np.linalg.cholesky(cov)
    noise = rng.standard_normal((n_samples, len(means[0]))) @ chol.T
    return states, np.asarray(means, dtype=np.float64)[states] + noise


def sqrt_model(n_samples, *, random_state=None):
    """Two hidden states seen through the map ``(x, y) -> (x, y + sqrt|x|)``.

    The hidden chain has ``P = [[0.95, 0.05], [0.05, 0.95]]``; emissions are Gaussian
    with means ``(0, 1)`` and ``(0, -1)`` and covariance ``diag(30, 0.015)``, then bent
    by the square root so that no straight line separates the two states.

    Parameters
    ----------
    n_samples : int
        Length of the trajectory.
    random_state : None, int or numpy.random.Generator
        Seed.

    Returns
    -------
    states : ndarray of shape (n_samples,)
        The hidden states (the chain starts in state 0).
    X : ndarray of shape (n_samples, 2)
        The observations.

    Examples
    --------
    >>> from scidl.data import SQRT_TRANSITION_MATRIX, sqrt_model
    >>> states, X = sqrt_model(1000, random_state=0)
    >>> X.shape, states[:5]
    ((1000, 2), array([0, 0, 0, 0, 0]))
    >>> SQRT_TRANSITION_MATRIX  # the hidden chain
    array([[0.95, 0.05],
           [0.05, 0.95]])
    """
    n_samples = _check_count(n_samples, "n_samples")
    rng = _rng(random_state)
    P = SQRT_TRANSITION_MATRIX
    states, X = _hidden_chain_emissions(
        P, [[0.0, 1.0], [0.0, -1.0]], np.diag([30.0, 0.015]), n_samples, rng
    )
    X[:, 1] += np.sqrt(np.abs(X[:, 0]))
    return states, X


def swissroll_model(n_samples, *, random_state=None):
    """Four hidden states in 2D rolled into 3D by ``(x, y) -> (x cos x, y, x sin x)``.

    The hidden chain is a birth-death chain with stay probabilities
    ``0.95, 0.90, 0.90, 0.95``; emissions are unit Gaussians around ``(7.5, 7.5)``,
    ``(7.5, 15)``, ``(15, 15)`` and ``(15, 7.5)``.

    Parameters
    ----------
    n_samples : int
        Length of the trajectory.
    random_state : None, int or numpy.random.Generator
        Seed.

    Returns
    -------
    states : ndarray of shape (n_samples,)
        The hidden states (the chain starts in state 0).
    X : ndarray of shape (n_samples, 3)
        The observations.

    Examples
    --------
    >>> from scidl.data import SWISSROLL_TRANSITION_MATRIX, swissroll_model
    >>> states, X = swissroll_model(1000, random_state=0)
    >>> X.shape, sorted(set(states.tolist())) == [0, 1, 2, 3]
    ((1000, 3), True)
    >>> SWISSROLL_TRANSITION_MATRIX.diagonal()  # the probabilities to stay
    array([0.95, 0.9 , 0.9 , 0.95])
    """
    n_samples = _check_count(n_samples, "n_samples")
    rng = _rng(random_state)
    P = SWISSROLL_TRANSITION_MATRIX
    means = [[7.5, 7.5], [7.5, 15.0], [15.0, 15.0], [15.0, 7.5]]
    states, Z = _hidden_chain_emissions(P, means, np.eye(2), n_samples, rng)
    x, y = Z[:, 0], Z[:, 1]
    return states, np.column_stack([x * np.cos(x), y, x * np.sin(x)])
