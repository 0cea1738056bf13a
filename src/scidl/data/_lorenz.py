"""The Lorenz-63 system: trajectories on the strange attractor and its Lyapunov exponent.

``dx/dt = sigma (y - x)``, ``dy/dt = x (rho - z) - y``, ``dz/dt = x y - beta z``
(Lorenz, "Deterministic nonperiodic flow", J. Atmos. Sci. 20, 130, 1963). With the classic
parameters ``sigma = 10``, ``rho = 28``, ``beta = 8/3`` the flow is chaotic: its largest
Lyapunov exponent is ``lambda_1 ~ 0.906`` (Sprott, "Chaos and Time-Series Analysis", 2003),
so one *Lyapunov time* ``1 / lambda_1 ~ 1.10`` time units is the time over which a small
error grows by a factor ``e``. Forecasting benchmarks count valid prediction times in it.

Integration is the classical fourth-order Runge-Kutta scheme with an internal step of at
most ``max_step`` (default 0.002), many trajectories advanced together as one array.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._rng import check_random_state

__all__ = ["lorenz63", "lorenz63_lyapunov_exponent", "make_lorenz63"]

SIGMA, RHO, BETA = 10.0, 28.0, 8.0 / 3.0


def _positive(value, name, *, integer=False):
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = "an int" if integer else "a real number"
        raise TypeError(f"{name} must be {expected}; got {value!r} ({type(value).__name__}).")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be positive and finite; got {value!r}.")
    return int(value) if integer else float(value)


def _nonnegative(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__}).")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be non-negative and finite; got {value!r}.")
    return float(value)


def _params(sigma, rho, beta):
    return tuple(_nonnegative(v, n) for v, n in ((sigma, "sigma"), (rho, "rho"), (beta, "beta")))


def lorenz63(state, *, sigma=SIGMA, rho=RHO, beta=BETA):
    """The Lorenz-63 vector field ``d(x, y, z)/dt`` at one or many states.

    Parameters
    ----------
    state : array-like of shape (..., 3)
        Points ``(x, y, z)``.
    sigma, rho, beta : float, default 10, 28, 8/3
        The parameters of the system (non-negative).

    Returns
    -------
    ndarray of shape (..., 3)
        The time derivative at each point (float64).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import lorenz63
    >>> c = np.sqrt(8 / 3 * 27)  # a fixed point: (c, c, rho - 1)
    >>> np.allclose(lorenz63([c, c, 27.0]), 0.0)
    True
    """
    sigma, rho, beta = _params(sigma, rho, beta)
    s = np.asarray(state, dtype=np.float64)
    if s.ndim == 0 or s.shape[-1] != 3:
        raise ValueError(f"state must have a last axis of length 3; got shape {s.shape}.")
    return _rhs(s, sigma, rho, beta)


def _rhs(s, sigma, rho, beta):
    x, y, z = s[..., 0], s[..., 1], s[..., 2]
    return np.stack([sigma * (y - x), x * (rho - z) - y, x * y - beta * z], axis=-1)


def _rk4(s, h, n, params):
    """``n`` classical Runge-Kutta steps of size ``h`` from the states ``s`` (..., 3)."""
    for _ in range(n):
        k1 = _rhs(s, *params)
        k2 = _rhs(s + 0.5 * h * k1, *params)
        k3 = _rhs(s + 0.5 * h * k2, *params)
        k4 = _rhs(s + h * k3, *params)
        s = s + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return s


def _substeps(dt, max_step):
    n = max(1, math.ceil(dt / max_step - 1e-9))
    return n, dt / n


def _initial_states(rng, n, params, transient, max_step):
    """States on the attractor: random points near it, run for ``transient`` time units."""
    s = rng.normal(scale=[8.0, 9.0, 8.0], size=(n, 3)) + [0.0, 0.0, 24.0]
    n_sub, h = _substeps(transient, max_step) if transient > 0 else (0, 0.0)
    return _rk4(s, h, n_sub, params)


def make_lorenz63(
    n_steps=2000,
    dt=0.01,
    *,
    n_trajectories=None,
    sigma=SIGMA,
    rho=RHO,
    beta=BETA,
    transient=20.0,
    max_step=0.002,
    initial_state=None,
    random_state=None,
):
    """Trajectories of the Lorenz-63 system, integrated accurately, on its attractor.

    Each trajectory starts from a random point that is first run for ``transient`` time
    units (so it lies on the attractor), then ``n_steps`` frames ``dt`` apart are saved.

    Parameters
    ----------
    n_steps : int, default 2000
        Frames per trajectory (the start included).
    dt : float, default 0.01
        Time between saved frames.
    n_trajectories : int or None, default None
        None returns one trajectory ``(n_steps, 3)``; an int returns an array
        ``(n_trajectories, n_steps, 3)`` of independent ones.
    sigma, rho, beta : float, default 10, 28, 8/3
        The parameters of the system.
    transient : float, default 20.0
        Time units discarded before the first frame.
    max_step : float, default 0.002
        Largest internal Runge-Kutta step; each ``dt`` is split into equal steps no
        larger (the local error of RK4 is ``O(max_step**5)``).
    initial_state : array-like of shape (3,) or (n_trajectories, 3), optional
        Start point(s), run for ``transient`` time units before the first frame (set
        ``transient=0`` to start the frames there); default random points near the
        attractor.
    random_state : None, int or numpy.random.Generator
        Seed of the initial conditions.

    Returns
    -------
    ndarray (float64)
        ``(n_steps, 3)`` or ``(n_trajectories, n_steps, 3)`` with columns ``x, y, z``.

    Notes
    -----
    The fixed points are the origin and ``(+-sqrt(beta (rho - 1)), +-sqrt(beta (rho - 1)),
    rho - 1)``; the divergence of the flow is ``-(sigma + 1 + beta)`` everywhere, so volumes
    contract as ``exp(-(sigma + 1 + beta) t)``; the largest Lyapunov exponent at the classic
    parameters is about 0.906 (:func:`lorenz63_lyapunov_exponent` measures it).

    Examples
    --------
    >>> from scidl.data import make_lorenz63
    >>> X = make_lorenz63(500, dt=0.01, random_state=0)
    >>> X.shape, bool(X[:, 2].min() > 0)
    ((500, 3), True)
    >>> make_lorenz63(100, n_trajectories=4, random_state=0).shape
    (4, 100, 3)
    """
    n_steps = _positive(n_steps, "n_steps", integer=True)
    dt = _positive(dt, "dt")
    params = _params(sigma, rho, beta)
    transient = _nonnegative(transient, "transient")
    max_step = _positive(max_step, "max_step")
    if n_trajectories is not None:
        n_trajectories = _positive(n_trajectories, "n_trajectories", integer=True)
    rng = check_random_state(random_state)
    n = 1 if n_trajectories is None else n_trajectories
    if initial_state is None:
        s = _initial_states(rng, n, params, transient, max_step)
    else:
        s = np.asarray(initial_state, dtype=np.float64)
        if s.shape not in ((3,), (n, 3)) or not np.isfinite(s).all():
            raise ValueError(
                f"initial_state must be finite, of shape (3,) or (n_trajectories, 3) = ({n}, 3); "
                f"got shape {s.shape}."
            )
        s = np.broadcast_to(s, (n, 3))
        n_sub, h = _substeps(transient, max_step) if transient > 0 else (0, 0.0)
        s = _rk4(s, h, n_sub, params)
    n_sub, h = _substeps(dt, max_step)
    out = np.empty((n, n_steps, 3))
    out[:, 0] = s
    for t in range(1, n_steps):
        s = _rk4(s, h, n_sub, params)
        out[:, t] = s
    return out[0] if n_trajectories is None else out


def lorenz63_lyapunov_exponent(
    duration=200.0,
    *,
    dt=0.01,
    n_trajectories=8,
    renormalise_every=10,
    perturbation=1e-8,
    sigma=SIGMA,
    rho=RHO,
    beta=BETA,
    max_step=0.002,
    random_state=None,
):
    """The largest Lyapunov exponent of Lorenz-63 by the two-trajectory renormalisation method.

    A reference trajectory and a neighbour ``perturbation`` away are integrated together;
    every ``renormalise_every`` steps of ``dt`` their distance ``d`` is logged and the
    neighbour is pulled back along the separation to distance ``perturbation`` (Benettin et
    al., Meccanica 15, 9, 1980). The exponent is ``sum log(d / perturbation) / duration``,
    averaged over ``n_trajectories`` independent reference trajectories.

    Parameters
    ----------
    duration : float, default 200.0
        Time units over which the growth is averaged (after a transient of 20).
    dt : float, default 0.01
        Integration interval between checks.
    n_trajectories : int, default 8
        Independent pairs averaged.
    renormalise_every : int, default 10
        Steps of ``dt`` between renormalisations.
    perturbation : float, default 1e-8
        Distance of the neighbour after each renormalisation.
    sigma, rho, beta : float, default 10, 28, 8/3
        The parameters of the system.
    max_step : float, default 0.002
        Largest internal Runge-Kutta step.
    random_state : None, int or numpy.random.Generator
        Seed of the initial conditions and the first separation direction.

    Returns
    -------
    float
        The estimate of ``lambda_1`` (per time unit).

    Examples
    --------
    >>> from scidl.data import lorenz63_lyapunov_exponent
    >>> lam = lorenz63_lyapunov_exponent(50.0, random_state=0)
    >>> 0.8 < lam < 1.0  # literature: 0.906
    True
    """
    duration = _positive(duration, "duration")
    dt = _positive(dt, "dt")
    n_trajectories = _positive(n_trajectories, "n_trajectories", integer=True)
    every = _positive(renormalise_every, "renormalise_every", integer=True)
    delta = _positive(perturbation, "perturbation")
    params = _params(sigma, rho, beta)
    max_step = _positive(max_step, "max_step")
    rng = check_random_state(random_state)
    a = _initial_states(rng, n_trajectories, params, 20.0, max_step)
    u = rng.normal(size=a.shape)
    b = a + delta * u / np.linalg.norm(u, axis=1, keepdims=True)
    n_sub, h = _substeps(dt * every, max_step)
    n_blocks = max(1, round(duration / (dt * every)))
    log_growth = np.zeros(n_trajectories)
    for _ in range(n_blocks):
        a = _rk4(a, h, n_sub, params)
        b = _rk4(b, h, n_sub, params)
        d = np.linalg.norm(b - a, axis=1)
        log_growth += np.log(d / delta)
        b = a + (b - a) * (delta / d)[:, None]
    return float(np.mean(log_growth) / (n_blocks * dt * every))
