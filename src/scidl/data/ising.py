"""Monte Carlo samples of the 2D Ising model, and Onsager's exact solution (NumPy only).

The model: spins ``s_i = ±1`` on an ``L x L`` square lattice with periodic
boundaries, energy ``E = -J sum_<ij> s_i s_j`` over nearest-neighbour pairs,
with ``J = k_B = 1``. Below Onsager's critical temperature
``T_c = 2 / ln(1 + sqrt 2) ≈ 2.269`` the spins order (a net magnetisation);
above it they do not. Mehta et al. (Physics Reports 810, 1, 2019, section
VI) use 40x40 configurations to teach phase classification.

sample_ising             decorrelated configurations at given temperatures
metropolis_sweep         one vectorised checkerboard Metropolis sweep of many lattices
wolff_update             one Wolff cluster flip in each of many lattices
energy_per_spin          ``E / L^2`` of configurations
magnetization            ``sum_i s_i / L^2`` of configurations
onsager_magnetization    exact spontaneous magnetisation (Yang, 1952)
onsager_energy           exact energy per spin (Onsager, 1944)
CRITICAL_TEMPERATURE     ``2 / ln(1 + sqrt 2)``

The sampler runs many independent chains at once: the lattices form one
array ``(chains, L, L)`` and every update is a whole-array operation, so there
is no Python loop over spins. Metropolis updates the two sublattices of the
checkerboard in turn (spins of one colour do not interact, so they can flip
together). Near ``T_c`` local updates decorrelate slowly (critical slowing
down); Wolff's cluster algorithm (Wolff, PRL 62, 361, 1989) flips whole
correlated clusters and removes it; its clusters are found here as connected
components of the random bond graph, for all lattices at once.

Examples
--------
>>> from scidl.data.ising import sample_ising, onsager_magnetization
>>> X, T, m = sample_ising(16, [1.5, 3.5], n_samples=20, random_state=0)
>>> X.shape, X.dtype, sorted(set(T.tolist()))
((40, 16, 16), dtype('int8'), [1.5, 3.5])
>>> bool(abs(abs(m[T == 1.5]).mean() - onsager_magnetization(1.5)) < 0.02)
True
"""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.special import ellipk

from ._rng import check_random_state

__all__ = [
    "CRITICAL_TEMPERATURE",
    "energy_per_spin",
    "magnetization",
    "metropolis_sweep",
    "onsager_energy",
    "onsager_magnetization",
    "sample_ising",
    "wolff_update",
]

CRITICAL_TEMPERATURE = 2.0 / math.log(1.0 + math.sqrt(2.0))

# Wolff updates are added for chains in this temperature window (sampler's "auto"
# mode): below it Metropolis from an ordered start is already fast, above it
# clusters are tiny and do nothing Metropolis does not.
_WOLFF_WINDOW = (1.8, 3.0)


# --------------------------------------------------------------------------- exact results
def onsager_magnetization(T):
    """Spontaneous magnetisation per spin of the infinite lattice (Yang, 1952).

    ``m = (1 - sinh(2/T)^-4)^(1/8)`` below ``T_c`` and 0 above.

    Parameters
    ----------
    T : float or array-like
        Temperature(s) in units of ``J / k_B``.

    Returns
    -------
    float or ndarray
        ``m(T)``, with the shape of ``T``.

    Examples
    --------
    >>> from scidl.data.ising import onsager_magnetization
    >>> onsager_magnetization([1.0, 2.0, 3.0]).round(4)
    array([0.9993, 0.9113, 0.    ])
    """
    T = np.asarray(T, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        m = np.clip(1.0 - np.sinh(2.0 / T) ** -4.0, 0.0, None) ** 0.125
    return np.where(T < CRITICAL_TEMPERATURE, m, 0.0)[()]


def onsager_energy(T):
    """Energy per spin of the infinite lattice (Onsager, 1944).

    ``u = -coth(2b) [1 + (2/pi) (2 tanh^2(2b) - 1) K(k^2)]`` with ``b = 1/T``,
    ``k = 2 sinh(2b) / cosh^2(2b)`` and ``K`` the complete elliptic integral
    of the first kind.

    Parameters
    ----------
    T : float or array-like
        Temperature(s) in units of ``J / k_B``.

    Returns
    -------
    float or ndarray
        ``u(T)``, with the shape of ``T``.

    Examples
    --------
    >>> from scidl.data.ising import CRITICAL_TEMPERATURE, onsager_energy
    >>> round(float(onsager_energy(CRITICAL_TEMPERATURE)), 4)  # -sqrt(2) at T_c
    -1.4142
    >>> onsager_energy([1.0, 5.0]).round(4)
    array([-1.9972, -0.4282])
    """
    T = np.asarray(T, dtype=np.float64)
    b2 = 2.0 / T
    k = 2.0 * np.sinh(b2) / np.cosh(b2) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        K = ellipk(np.minimum(k**2, 1.0 - 1e-16))  # K diverges at T_c, where its prefactor is 0
    return (-1.0 / np.tanh(b2) * (1.0 + 2.0 / np.pi * (2.0 * np.tanh(b2) ** 2 - 1.0) * K))[()]


# --------------------------------------------------------------------------- observables
def _check_configs(spins):
    s = np.asarray(spins)
    if s.ndim not in (2, 3) or s.shape[-1] != s.shape[-2]:
        raise ValueError(f"spins must have shape (L, L) or (n, L, L); got shape {s.shape}.")
    return s


def energy_per_spin(spins):
    """Energy per spin ``-sum_<ij> s_i s_j / L^2`` (periodic boundaries), per configuration.

    Parameters
    ----------
    spins : array-like of shape (L, L) or (n, L, L)
        ``±1`` configurations.

    Returns
    -------
    float or ndarray of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data.ising import energy_per_spin
    >>> ordered = np.ones((4, 4))
    >>> checkerboard = np.where(np.add.outer(range(4), range(4)) % 2 == 0, 1, -1)
    >>> energy_per_spin(np.stack([ordered, checkerboard]))  # ground state and its opposite
    array([-2.,  2.])
    """
    s = _check_configs(spins).astype(np.float64)
    bonds = s * np.roll(s, 1, axis=-1) + s * np.roll(s, 1, axis=-2)  # each bond once
    return -bonds.mean(axis=(-2, -1))


def magnetization(spins):
    """Mean spin ``sum_i s_i / L^2`` per configuration (signed).

    Parameters
    ----------
    spins : array-like of shape (L, L) or (n, L, L)
        ``±1`` configurations.

    Returns
    -------
    float or ndarray of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data.ising import magnetization
    >>> spins = np.ones((2, 4, 4))
    >>> spins[1, :, :1] = -1  # one column of four flipped
    >>> magnetization(spins)
    array([1. , 0.5])
    """
    return _check_configs(spins).astype(np.float64).mean(axis=(-2, -1))


# --------------------------------------------------------------------------- updates
def _neighbour_sum(s):
    return (
        np.roll(s, 1, axis=1)
        + np.roll(s, -1, axis=1)
        + np.roll(s, 1, axis=2)
        + np.roll(s, -1, axis=2)
    )


@functools.lru_cache(maxsize=16)
def _checkerboard(L):
    """The two sublattice masks of an L x L lattice (cached: sweeps are called many times)."""
    parity = np.add.outer(np.arange(L), np.arange(L)) % 2
    masks = tuple(parity == c for c in (0, 1))
    for m in masks:
        m.setflags(write=False)
    return masks


def metropolis_sweep(spins, beta, rng):
    """One checkerboard Metropolis sweep of every lattice in ``spins``, in place.

    Parameters
    ----------
    spins : int8 array of shape (n, L, L), L even
        ``±1`` configurations, updated in place.
    beta : array of shape (n,)
        Inverse temperature of each lattice.
    rng : numpy.random.Generator
        Source of the acceptance draws.

    Returns
    -------
    None
        ``spins`` is updated in place.

    Notes
    -----
    Flipping ``s_i`` costs ``dE = 2 s_i h_i`` with ``h_i`` the sum of its four
    neighbours; the flip is accepted with probability ``min(1, exp(-beta dE))``.
    ``dE`` takes only the values -8, -4, 0, 4, 8, so the two acceptance
    probabilities ``exp(-4 beta)`` and ``exp(-8 beta)`` are computed once per
    lattice instead of ``exp`` per spin.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data.ising import magnetization, metropolis_sweep
    >>> spins = np.ones((2, 8, 8), dtype=np.int8)
    >>> metropolis_sweep(spins, np.array([10.0, 0.01]), np.random.default_rng(0))
    >>> magnetization(spins)  # frozen when cold; most spins flip when hot
    array([ 1.    , -0.8125])
    """
    n, L, _ = spins.shape
    beta = np.asarray(beta, dtype=np.float64).reshape(n, 1, 1)
    p4, p8 = np.exp(-4.0 * beta), np.exp(-8.0 * beta)
    for colour_mask in _checkerboard(L):
        dE = 2 * spins * _neighbour_sum(spins)  # int8: |dE| <= 8
        r = rng.random((n, L, L))
        # r < p8 implies r < p4, so the last term accepts dE = 8 with probability p8
        accept = (dE <= 0) | ((dE == 4) & (r < p4)) | (r < p8)
        accept &= colour_mask
        spins[accept] *= -1


def wolff_update(spins, beta, rng):
    """One Wolff cluster flip in every lattice of ``spins``, in place.

    Wolff's cluster is the set of spins connected to a random seed spin by
    "frozen" bonds: a bond between equal neighbours is frozen with
    probability ``1 - exp(-2 beta)``, each bond independently (the
    Fortuin-Kasteleyn representation). Wolff grows it from the seed, trying
    each bond once; here all bonds of all lattices are drawn at once and the
    seed's cluster is read off the connected components of the frozen-bond
    graph (``scipy.sparse.csgraph``, in C), which gives the same cluster
    distribution without a Python loop over growth shells.

    Parameters
    ----------
    spins : int8 array of shape (n, L, L)
        ``±1`` configurations, updated in place.
    beta : array of shape (n,)
        Inverse temperature of each lattice.
    rng : numpy.random.Generator
        Source of the seeds and bond draws.

    Returns
    -------
    ndarray of int of shape (n,)
        The size of the cluster flipped in each lattice.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data.ising import magnetization, wolff_update
    >>> spins = np.ones((2, 8, 8), dtype=np.int8)
    >>> wolff_update(spins, np.array([5.0, 5.0]), np.random.default_rng(0))  # cold: all
    array([64, 64])
    >>> magnetization(spins)
    array([-1., -1.])
    """
    n, L, _ = spins.shape
    N = L * L
    p_freeze = (1.0 - np.exp(-2.0 * np.asarray(beta, dtype=np.float64).reshape(n)))[:, None, None]
    index = np.arange(n * N).reshape(n, L, L)
    rows, cols = [], []
    for axis in (1, 2):  # bonds to the neighbour below and to the right (periodic)
        neighbour = np.roll(spins, -1, axis=axis)
        frozen = (spins == neighbour) & (rng.random((n, L, L)) < p_freeze)
        rows.append(index[frozen])
        cols.append(np.roll(index, -1, axis=axis)[frozen])
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n * N, n * N))
    n_components, labels = connected_components(graph, directed=True, connection="weak")
    seeds = np.arange(n) * N + rng.integers(0, N, size=n)
    chosen = np.zeros(n_components, dtype=bool)
    chosen[labels[seeds]] = True  # components never span two lattices
    flip = chosen[labels].reshape(n, L, L)
    spins[flip] *= -1
    return flip.sum(axis=(1, 2))


# --------------------------------------------------------------------------- sampler
def sample_ising(
    L=40,
    temperatures=(1.0, 2.269, 3.5),
    n_samples=100,
    *,
    n_chains=None,
    n_equilibration=200,
    n_between=10,
    wolff="auto",
    random_state=None,
):
    """Sample configurations of the 2D Ising model at each temperature.

    ``n_chains`` independent chains per temperature run side by side in one
    array. Chains below ``T_c`` start ordered (all spins up), the others at
    random; after ``n_equilibration`` sweeps every chain records a sample
    every ``n_between`` sweeps until ``n_samples`` per temperature are
    collected. A sweep is one checkerboard Metropolis sweep plus, for chains
    in the critical window ``1.8 <= T <= 3.0`` (``wolff="auto"``), or for all
    chains (``wolff=True``), one Wolff cluster flip. Each recorded sample is
    multiplied by a random global sign (the model's exact ``s -> -s``
    symmetry), so ordered samples are magnetised up or down equally often.

    Parameters
    ----------
    L : int
        Even lattice side (the checkerboard needs an even ``L``).
    temperatures : float or sequence of float
        Temperatures in units of ``J / k_B``.
    n_samples : int
        Samples per temperature.
    n_chains : int, optional
        Chains per temperature; default ``min(n_samples, 32)``.
    n_equilibration, n_between : int
        Sweeps before the first sample and between samples of a chain.
    wolff : {"auto", True, False}
        Add a Wolff cluster flip to the sweeps of chains in the critical window
        (``"auto"``), of all chains (``True``) or of none (``False``).
    random_state : None, int or Generator
        Seed.

    Returns
    -------
    X : int8 array of shape (n_temperatures * n_samples, L, L)
        ``±1`` configurations, grouped by temperature in the given order.
    T : float64 array of shape (n,)
        Temperature of each configuration.
    m : float64 array of shape (n,)
        Magnetisation per spin of each configuration.

    Examples
    --------
    >>> from scidl.data.ising import sample_ising
    >>> X, T, m = sample_ising(8, [1.0, 5.0], n_samples=4, random_state=0)
    >>> X.shape, T.tolist()
    ((8, 8, 8), [1.0, 1.0, 1.0, 1.0, 5.0, 5.0, 5.0, 5.0])
    >>> bool((abs(m[:4]) > 0.9).all())  # ordered when cold
    True
    """
    if not isinstance(L, numbers.Integral) or isinstance(L, bool) or L < 2 or L % 2:
        raise ValueError(f"L must be an even int >= 2; got {L!r}.")
    temps = np.atleast_1d(np.asarray(temperatures, dtype=np.float64))
    if temps.ndim != 1 or temps.size == 0 or not np.all(np.isfinite(temps)) or np.any(temps <= 0):
        raise ValueError(f"temperatures must be positive finite numbers; got {temperatures!r}.")
    for name, value, low in (
        ("n_samples", n_samples, 1),
        ("n_equilibration", n_equilibration, 0),
        ("n_between", n_between, 1),
    ):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name} must be an int >= {low}; got {value!r}.")
    n_chains = min(int(n_samples), 32) if n_chains is None else n_chains
    if not isinstance(n_chains, numbers.Integral) or isinstance(n_chains, bool) or n_chains < 1:
        raise ValueError(f"n_chains must be a positive int; got {n_chains!r}.")
    if wolff not in ("auto", True, False):
        raise ValueError(f"wolff must be 'auto', True or False; got {wolff!r}.")
    rng = check_random_state(random_state)

    L, n_chains = int(L), int(min(n_chains, n_samples))
    chain_T = np.repeat(temps, n_chains)
    beta = 1.0 / chain_T
    spins = np.ones((chain_T.size, L, L), dtype=np.int8)
    hot = chain_T >= CRITICAL_TEMPERATURE
    spins[hot] = rng.choice(np.array([-1, 1], dtype=np.int8), size=(int(hot.sum()), L, L))
    if wolff == "auto":
        cluster_chains = np.flatnonzero(
            (chain_T >= _WOLFF_WINDOW[0]) & (chain_T <= _WOLFF_WINDOW[1])
        )
    else:
        cluster_chains = np.arange(chain_T.size) if wolff else np.array([], dtype=int)

    def sweep():
        metropolis_sweep(spins, beta, rng)
        if cluster_chains.size:
            sub = spins[cluster_chains]
            wolff_update(sub, beta[cluster_chains], rng)
            spins[cluster_chains] = sub

    for _ in range(n_equilibration):
        sweep()
    per_chain = math.ceil(n_samples / n_chains)
    records = []
    for k in range(per_chain):
        if k:
            for _ in range(n_between):
                sweep()
        records.append(spins.copy())
    # (per_chain, n_T * n_chains, L, L) -> per temperature, chains first then time, first n_samples
    stacked = np.stack(records, axis=1).reshape(temps.size, n_chains * per_chain, L, L)[
        :, :n_samples
    ]
    X = stacked.reshape(-1, L, L)
    X *= rng.choice(np.array([-1, 1], dtype=np.int8), size=(len(X), 1, 1))
    T = np.repeat(temps, n_samples)
    return X, T, magnetization(X)
