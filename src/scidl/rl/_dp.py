"""Dynamic programming on an environment's exact model: value and policy iteration."""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from scidl.rl._env import transition_table

__all__ = ["DPResult", "policy_evaluation", "policy_iteration", "value_iteration"]


class DPResult(NamedTuple):
    """What :func:`value_iteration` and :func:`policy_iteration` return.

    Attributes
    ----------
    values : ndarray of shape (n_states,)
        The optimal state values ``V*(s)``.
    q_values : ndarray of shape (n_states, n_actions)
        ``Q*(s, a) = R(s, a) + gamma * sum_s' P(s'|s, a) V*(s')``.
    policy : ndarray of int, shape (n_states,)
        A greedy (optimal) action per state (the lowest index among ties).
    n_iter : int
        Sweeps (value iteration) or improvement steps (policy iteration).

    Examples
    --------
    >>> from scidl.rl import value_iteration
    >>> result = value_iteration("FrozenLake-v1", gamma=1.0)
    >>> type(result).__name__, result.policy.shape
    ('DPResult', (16,))
    """

    values: np.ndarray
    q_values: np.ndarray
    policy: np.ndarray
    n_iter: int


def _check(gamma, name, *, closed):
    ok = isinstance(gamma, numbers.Real) and not isinstance(gamma, bool)
    if not ok or not (0 <= gamma <= 1 if closed else 0 <= gamma < 1):
        raise ValueError(
            f"{name} must be a number in [0, 1{']' if closed else ')'}; got {gamma!r}."
        )


def _greedy(Q, tol=1e-12):
    # Lowest index among actions within tol of the best: stable under round-off.
    return np.argmax(Q >= Q.max(axis=1, keepdims=True) - tol, axis=1)


def value_iteration(env, *, gamma=1.0, horizon=None, tol=1e-12, max_iter=100_000):
    """Optimal values and a greedy policy by value iteration on the exact model.

    Repeats the Bellman optimality update ``V <- max_a [R + gamma P V]`` until
    the largest change is below ``tol``. With ``gamma = 1`` the values are
    probabilities of success when the only reward is reaching a goal (as in
    FrozenLake); this converges when every state can end the episode.

    With ``horizon=H`` it makes exactly ``H`` sweeps from ``V = 0`` (backward
    induction): ``values`` is then the optimal expected return of an episode
    cut after ``H`` steps (gymnasium's ``TimeLimit``), and ``policy`` the
    optimal first action; the optimal finite-horizon policy depends on the
    steps left, ``value_iteration(env, horizon=k).policy`` with ``k`` left.

    Parameters
    ----------
    env : str or gymnasium.Env
        An environment with a toy-text model (see :func:`transition_table`).
    gamma : float in [0, 1], default 1.0
        Discount factor.
    horizon : int or None, default None
        None: iterate to convergence (infinite horizon). An int: that many sweeps.
    tol : float, default 1e-12
        Stop when ``max |V_new - V| < tol``.
    max_iter : int, default 100000
        Most sweeps; a ``RuntimeError`` if not converged by then.

    Returns
    -------
    DPResult
        ``values``, ``q_values``, ``policy``, ``n_iter``.

    Examples
    --------
    >>> from scidl.rl import value_iteration
    >>> result = value_iteration("FrozenLake-v1", gamma=1.0)  # slippery 4 x 4
    >>> round(float(result.values[0]), 4)  # optimal success probability, no step limit
    0.8235
    >>> cut = value_iteration("FrozenLake-v1", gamma=1.0, horizon=100)  # gymnasium's 100 steps
    >>> round(float(cut.values[0]), 4)
    0.7442
    """
    _check(gamma, "gamma", closed=True)
    if not isinstance(tol, numbers.Real) or not tol > 0:
        raise ValueError(f"tol must be a positive number; got {tol!r}.")
    if not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive int; got {max_iter!r}.")
    P, R = transition_table(env)
    V = np.zeros(P.shape[0])
    if horizon is not None:
        if not isinstance(horizon, numbers.Integral) or isinstance(horizon, bool) or horizon < 1:
            raise ValueError(f"horizon must be None or a positive int; got {horizon!r}.")
        for _ in range(int(horizon) - 1):
            V = (R + gamma * P @ V).max(axis=1)
        Q = R + gamma * P @ V
        return DPResult(Q.max(axis=1), Q, _greedy(Q), int(horizon))
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        Q = R + gamma * P @ V
        V_new = Q.max(axis=1)
        delta = np.abs(V_new - V).max()
        V = V_new
        if delta < tol:
            break
    else:
        raise RuntimeError(
            f"value iteration did not converge in {max_iter} sweeps (last change {delta:.3g}); "
            "with gamma=1 some state may never end the episode."
        )
    Q = R + gamma * P @ V
    return DPResult(V, Q, _greedy(Q), n_iter)


def policy_evaluation(env, policy, *, gamma=1.0, horizon=None):
    """Exact values of a deterministic policy (a linear solve, or finite-horizon recursion).

    Parameters
    ----------
    env : str or gymnasium.Env
        An environment with a toy-text model.
    policy : array-like of int, shape (n_states,)
        The action taken in each state.
    gamma : float in [0, 1], default 1.0
        Discount factor.
    horizon : int or None, default None
        None: the infinite-horizon values, from ``(I - gamma P_pi) V = R_pi``.
        An int: the expected return of episodes cut after ``horizon`` steps
        (a ``TimeLimit``, e.g. FrozenLake's 100).

    Returns
    -------
    ndarray of shape (n_states,)
        The value of each state under ``policy``.

    Examples
    --------
    >>> from scidl.rl import policy_evaluation, value_iteration
    >>> best = value_iteration("FrozenLake-v1").policy
    >>> v = policy_evaluation("FrozenLake-v1", best, horizon=100)  # gymnasium's step limit
    >>> round(float(v[0]), 4)  # the stationary optimum; the 100-step optimum is 0.7442
    0.7402
    """
    _check(gamma, "gamma", closed=True)
    P, R = transition_table(env)
    n_s, n_a = R.shape
    policy = np.asarray(policy)
    if policy.shape != (n_s,) or policy.dtype.kind not in "iu":
        raise ValueError(
            f"policy must be {n_s} integer actions; got shape {policy.shape}, dtype {policy.dtype}."
        )
    if policy.min() < 0 or policy.max() >= n_a:
        raise ValueError(
            f"policy actions must be in [0, {n_a}); got {policy.min()}..{policy.max()}."
        )
    rows = np.arange(n_s)
    P_pi, R_pi = P[rows, policy], R[rows, policy]
    if horizon is None:
        A = np.eye(n_s) - gamma * P_pi
        if np.linalg.matrix_rank(A) < n_s:
            raise ValueError(
                "The policy never ends the episode from some state, so its undiscounted value "
                "is undefined; use gamma < 1 or a horizon."
            )
        return np.linalg.solve(A, R_pi)
    if not isinstance(horizon, numbers.Integral) or horizon < 1:
        raise ValueError(f"horizon must be None or a positive int; got {horizon!r}.")
    V = np.zeros(n_s)
    for _ in range(int(horizon)):
        V = R_pi + gamma * P_pi @ V
    return V


def policy_iteration(env, *, gamma=0.99, max_iter=1000):
    """Optimal values and policy by policy iteration (exact evaluation, greedy improvement).

    Starting from the policy "always action 0", each step evaluates the
    policy exactly (:func:`policy_evaluation`) and makes it greedy with
    respect to its values, until the policy is stable (a finite number of
    steps for a finite MDP).

    Parameters
    ----------
    env : str or gymnasium.Env
        An environment with a toy-text model.
    gamma : float in [0, 1), default 0.99
        Discount factor (below 1, so every policy has finite values).
    max_iter : int, default 1000
        Most improvement steps.

    Returns
    -------
    DPResult
        ``values``, ``q_values``, ``policy``, ``n_iter`` (improvement steps).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.rl import policy_iteration, value_iteration
    >>> pi = policy_iteration("FrozenLake-v1", gamma=0.99)
    >>> vi = value_iteration("FrozenLake-v1", gamma=0.99)
    >>> bool(np.allclose(pi.values, vi.values)), pi.n_iter < 10
    (True, True)
    """
    _check(gamma, "gamma", closed=False)
    if not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive int; got {max_iter!r}.")
    P, R = transition_table(env)
    n_s = R.shape[0]
    rows = np.arange(n_s)
    policy = np.zeros(n_s, dtype=int)
    for it in range(1, int(max_iter) + 1):
        V = np.linalg.solve(np.eye(n_s) - gamma * P[rows, policy], R[rows, policy])
        Q = R + gamma * P @ V
        # keep the current action unless another is strictly better (no cycling between ties)
        best = Q.max(axis=1)
        keep = Q[rows, policy] >= best - 1e-12
        new = np.where(keep, policy, _greedy(Q))
        if np.array_equal(new, policy):
            return DPResult(V, Q, policy, it)
        policy = new
    raise RuntimeError(f"policy iteration did not converge in {max_iter} steps.")
