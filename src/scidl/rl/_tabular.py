"""Tabular temporal-difference control: Q-learning (off-policy) and SARSA (on-policy)."""

from __future__ import annotations

import numbers

import numpy as np

from scidl.rl._base import Agent, exploration_schedule
from scidl.utils import Interval, Options, make_seed

__all__ = ["QLearning", "SARSA"]


class _TabularAgent(Agent):
    _parameter_constraints = {
        "lr": [Interval(numbers.Real, 0, 1, closed="right")],
        "epsilon_start": [Interval(numbers.Real, 0, 1, closed="both")],
        "epsilon_end": [Interval(numbers.Real, 0, 1, closed="both")],
        "exploration_fraction": [Interval(numbers.Real, 0, 1, closed="both")],
        "epsilon_schedule": [Options("linear", "exponential", "constant")],
    }
    _observation_kinds = ("discrete",)
    _on_policy = False

    def __init__(
        self,
        *,
        gamma=0.99,
        lr=0.1,
        epsilon_start=1.0,
        epsilon_end=0.05,
        exploration_fraction=0.5,
        epsilon_schedule="linear",
        random_state=None,
        verbose=0,
    ):
        self.gamma = gamma
        self.lr = lr
        self.epsilon_start = epsilon_start
        self.epsilon_end = epsilon_end
        self.exploration_fraction = exploration_fraction
        self.epsilon_schedule = epsilon_schedule
        self.random_state = random_state
        self.verbose = verbose

    def _learn(self, env, total_timesteps):
        rng = np.random.default_rng(make_seed(self.random_state))
        Q = np.zeros((self.observation_size_, self.n_actions_))
        eps = exploration_schedule(
            total_timesteps,
            start=self.epsilon_start,
            end=self.epsilon_end,
            fraction=self.exploration_fraction,
            kind=self.epsilon_schedule,
        )
        explore = rng.random(total_timesteps) < eps
        random_actions = rng.integers(self.n_actions_, size=total_timesteps + 1)
        gamma, lr, sarsa = float(self.gamma), float(self.lr), self._on_policy
        returns, lengths = [], []
        obs, _ = env.reset(seed=int(rng.integers(2**31)))
        episode_return, episode_length = 0.0, 0
        # SARSA chooses its next action before the update, so it carries it over
        action = int(random_actions[0]) if explore[0] else int(Q[obs].argmax())
        try:
            for t in range(total_timesteps):
                next_obs, reward, terminated, truncated, _ = env.step(action)
                episode_return += reward
                episode_length += 1
                u = t + 1
                explore_next = explore[u] if u < total_timesteps else False
                next_action = int(random_actions[u]) if explore_next else int(Q[next_obs].argmax())
                if terminated:
                    target = reward
                elif sarsa:
                    target = reward + gamma * Q[next_obs, next_action]
                else:
                    target = reward + gamma * Q[next_obs].max()
                Q[obs, action] += lr * (target - Q[obs, action])
                if terminated or truncated:
                    returns.append(episode_return)
                    lengths.append(episode_length)
                    episode_return, episode_length = 0.0, 0
                    next_obs, _ = env.reset()
                    next_action = (
                        int(random_actions[u]) if explore_next else int(Q[next_obs].argmax())
                    )
                obs, action = next_obs, next_action
        except KeyboardInterrupt:  # keep what was learned
            import warnings

            warnings.warn(
                f"Learning interrupted after {t} steps; keeping the Q-table.",
                RuntimeWarning,
                stacklevel=3,
            )
        self.q_table_ = Q
        self.episode_returns_ = np.asarray(returns, dtype=float)
        self.episode_lengths_ = np.asarray(lengths, dtype=np.int64)
        self.n_timesteps_ = total_timesteps

    def _greedy_actions(self, obs):
        return self.q_table_[obs].argmax(axis=1)

    def _greedy_fn(self):
        policy = self.q_table_.argmax(axis=1)
        return lambda obs: int(policy[obs])

    @property
    def values_(self):
        """``max_a Q(s, a)``, the learned state values."""
        return self.q_table_.max(axis=1)

    @property
    def policy_(self):
        """The greedy action per state."""
        return self.q_table_.argmax(axis=1)


_DOC_PARAMS = """
    Parameters
    ----------
    gamma : float in [0, 1], default 0.99
        Discount factor.
    lr : float in (0, 1], default 0.1
        Step size alpha of the temporal-difference update.
    epsilon_start, epsilon_end : float in [0, 1], default 1.0 and 0.05
        Exploration rate at the first step and after the decay.
    exploration_fraction : float in [0, 1], default 0.5
        Part of the steps over which epsilon decays.
    epsilon_schedule : {"linear", "exponential", "constant"}, default "linear"
        How epsilon decays (:func:`exploration_schedule`).
    random_state : int or None, default None
        Seeds exploration and the environment's resets.
    verbose : int, default 0
        Unused; kept for the common vocabulary.

    Attributes
    ----------
    q_table_ : ndarray of shape (n_states, n_actions)
        The learned action values.
    values_, policy_ : ndarray of shape (n_states,)
        ``max_a Q`` and ``argmax_a Q``.
    episode_returns_, episode_lengths_ : ndarray
        Return and length of every completed training episode.
    n_timesteps_ : int
        Steps learned from.
    n_actions_, observation_kind_, observation_size_
        The spaces of the environment (see :class:`Agent`).
"""


class QLearning(_TabularAgent):
    __doc__ = (
        """Tabular Q-learning (Watkins): off-policy TD control with epsilon-greedy exploration.

    After each step ``Q(s, a) += lr * (r + gamma * max_a' Q(s', a') - Q(s, a))``
    (no bootstrap from terminal states; truncated episodes do bootstrap).
    """
        + _DOC_PARAMS
        + """
    Examples
    --------
    >>> from scidl.rl import GridWorld, QLearning, value_iteration
    >>> agent = QLearning(random_state=0).learn(GridWorld(), total_timesteps=3000)
    >>> agent.evaluate(GridWorld(), n_episodes=1).round(2)  # the shortest path: 1 - 8 * 0.04
    array([0.68])
    >>> agent.predict(0)  # right (2) and down (1) both start a shortest path
    2
    """
    )


class SARSA(_TabularAgent):
    __doc__ = (
        """Tabular SARSA: on-policy TD control with epsilon-greedy exploration.

    After each step ``Q(s, a) += lr * (r + gamma * Q(s', a') - Q(s, a))`` with
    ``a'`` the action the epsilon-greedy policy actually takes next, so the
    values are those of the exploring policy (safer paths near pits).
    """
        + _DOC_PARAMS
        + """
    Examples
    --------
    >>> from scidl.rl import GridWorld, SARSA
    >>> agent = SARSA(random_state=0).learn(GridWorld(), total_timesteps=3000)
    >>> agent.evaluate(GridWorld(), n_episodes=1).round(2)
    array([0.68])
    """
    )
    _on_policy = True
