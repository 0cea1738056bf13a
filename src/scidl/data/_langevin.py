"""Overdamped Langevin (Brownian) dynamics in model potentials.

NumPy only; re-exported by :mod:`scidl.data`. The dynamics is
``dx = -grad V(x) dt + sqrt(2 kT) dW`` (friction and mass set to one, so the diffusion
constant is ``D = kT``), integrated by Euler-Maruyama for many independent walkers at
once, in the potentials of :func:`scidl.data.get_potential`. The exact reference of the
same dynamics (fine-grid generator, implied timescales) is kinetics analysis:
:func:`scidl.kinetics.langevin_reference`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._markov_chains import _check_count, _rng
from ._potentials import get_potential

__all__ = ["simulate_langevin"]


def _check_positive(value, name):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}.")
    return float(value)


def _wrap(x, domain):
    lo, hi = domain[:, 0], domain[:, 1]
    return lo + np.mod(x - lo, hi - lo)


def simulate_langevin(
    potential="double_well",
    n_steps=1000,
    *,
    n_walkers=None,
    dt=None,
    kT=None,
    stride=1,
    x0=None,
    random_state=None,
):
    """Simulate overdamped Langevin dynamics ``dx = -grad V dt + sqrt(2 kT) dW``.

    Parameters
    ----------
    potential : str or Potential
        A name from :data:`scidl.data.POTENTIALS` or a :class:`scidl.data.Potential`
        instance.
    n_steps : int
        Number of saved frames per walker (the start included).
    n_walkers : int, optional
        Number of independent walkers, advanced together. ``None`` returns one
        trajectory of shape ``(n_steps, dim)``; an int returns ``(n_walkers, n_steps, dim)``.
    dt : float, optional
        Integration time step (default: the potential's ``dt``).
    kT : float, optional
        Thermal energy (default: the potential's ``kT``).
    stride : int
        Integration steps between saved frames; frames are ``stride * dt`` apart.
    x0 : array-like of shape (dim,) or (n_walkers, dim), optional
        Start point(s); default the potential's ``x0``.
    random_state : None, int or numpy.random.Generator
        Seed of the noise.

    Returns
    -------
    numpy.ndarray (float64)
        The trajectories: shape ``(n_steps, dim)``, or ``(n_walkers, n_steps, dim)``.

    Notes
    -----
    Euler-Maruyama: ``x <- x - grad V(x) dt + sqrt(2 kT dt) xi`` with standard normal
    ``xi``; its weak error in timescales is of order ``dt``. Periodic potentials wrap the
    positions back into their domain. The exact implied timescales of the same dynamics
    (same potential and ``kT``) come from :func:`scidl.kinetics.langevin_reference`.

    Examples
    --------
    >>> from scidl.data import simulate_langevin
    >>> X = simulate_langevin("double_well", 100, n_walkers=4, random_state=0)
    >>> X.shape
    (4, 100, 1)
    >>> X[:, 0, 0]  # every walker starts in the left well
    array([-1., -1., -1., -1.])
    """
    pot = get_potential(potential)
    n_steps = _check_count(n_steps, "n_steps")
    stride = _check_count(stride, "stride")
    single = n_walkers is None
    n = 1 if single else _check_count(n_walkers, "n_walkers")
    dt = pot.dt if dt is None else _check_positive(dt, "dt")
    kT = pot.kT if kT is None else _check_positive(kT, "kT")
    rng = _rng(random_state)
    start = pot.x0 if x0 is None else np.asarray(x0, dtype=np.float64)
    try:
        x = np.array(np.broadcast_to(start, (n, pot.dim)), dtype=np.float64)
    except ValueError as exc:
        raise ValueError(
            f"x0 must have shape ({pot.dim},) or ({n}, {pot.dim}); got {np.shape(start)}."
        ) from exc
    if not np.isfinite(x).all():
        raise ValueError("x0 contains NaN or infinity.")
    out = np.empty((n, n_steps, pot.dim))
    out[:, 0] = x
    sigma = np.sqrt(2.0 * kT * dt)
    chunk = max(1, min(n_steps - 1, 2**20 // max(1, n * pot.dim * stride)))
    t = 1
    while t < n_steps:
        m = min(chunk, n_steps - t)
        noise = rng.standard_normal((m, stride, n, pot.dim))
        noise *= sigma
        for i in range(m):
            for s in range(stride):
                x -= pot.gradient(x) * dt
                x += noise[i, s]
                if pot.periodic:
                    x = _wrap(x, pot.domain)
            out[:, t + i] = x
        t += m
    if not np.isfinite(out).all():
        raise FloatingPointError(f"the Langevin integration diverged; use a smaller dt than {dt}.")
    return out[0] if single else out
