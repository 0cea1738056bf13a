"""What every agent shares: hyperparameters, environment checks, prediction, evaluation, saving.

Agents are not scikit-learn estimators (they learn from an environment, not from
``(X, y)``), but they follow the same contract: ``__init__`` stores keyword-only
hyperparameters unchanged, ``_parameter_constraints`` is checked when
:meth:`Agent.learn` starts, fitted attributes end in ``_``, and ``save`` /
:func:`scidl.load` use the estimators' persistence (:class:`scidl.base.PersistenceMixin`).
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np
from gymnasium import spaces

from scidl.base import PersistenceMixin
from scidl.rl._env import make_env
from scidl.utils import Interval, check_fitted, validate_params

__all__ = ["Agent", "exploration_schedule", "record_episode"]


def exploration_schedule(total_timesteps, *, start=1.0, end=0.05, fraction=0.5, kind="linear"):
    """The exploration rate epsilon at each environment step.

    Parameters
    ----------
    total_timesteps : int
        Number of steps.
    start, end : float in [0, 1], default 1.0 and 0.05
        Epsilon at step 0 and after the decay.
    fraction : float in [0, 1], default 0.5
        Part of ``total_timesteps`` over which epsilon decays, then stays at ``end``.
    kind : {"linear", "exponential", "constant"}, default "linear"
        Linear or geometric decay from ``start`` to ``end``; ``"constant"``
        keeps ``end`` throughout.

    Returns
    -------
    ndarray of shape (total_timesteps,)
        Epsilon per step.

    Examples
    --------
    >>> from scidl.rl import exploration_schedule
    >>> exploration_schedule(6, start=1.0, end=0.0, fraction=0.5).round(3).tolist()
    [1.0, 0.667, 0.333, 0.0, 0.0, 0.0]
    """
    if not isinstance(total_timesteps, numbers.Integral) or total_timesteps < 1:
        raise ValueError(f"total_timesteps must be a positive int; got {total_timesteps!r}.")
    for name, v in (("start", start), ("end", end), ("fraction", fraction)):
        if not isinstance(v, numbers.Real) or not 0 <= v <= 1:
            raise ValueError(f"{name} must be a number in [0, 1]; got {v!r}.")
    if kind not in ("linear", "exponential", "constant"):
        raise ValueError(f"kind must be 'linear', 'exponential' or 'constant'; got {kind!r}.")
    t = np.arange(int(total_timesteps), dtype=float)
    n_decay = max(fraction * total_timesteps, 1.0)
    progress = np.minimum(t / n_decay, 1.0)
    if kind == "constant":
        return np.full(int(total_timesteps), float(end))
    if kind == "linear":
        return start + (end - start) * progress
    floor = max(end, 1e-3)
    return np.maximum(max(start, floor) * (floor / max(start, floor)) ** progress, end)


class Agent(PersistenceMixin):
    """Base class of scidl's agents: hyperparameters, validation, evaluation, persistence.

    Subclasses define ``__init__`` (keyword-only hyperparameters, stored
    unchanged), ``_parameter_constraints``, ``_learn(env, total_timesteps)``
    and ``_greedy_actions(obs)`` (a batch of encoded observations to actions);
    neural agents also ``_build_module()``.

    Attributes
    ----------
    n_actions_ : int
        Number of discrete actions of the environment learned on.
    observation_kind_ : str
        ``"discrete"`` (states ``0..n-1``) or ``"box"`` (real vectors).
    observation_size_ : int
        Number of states (discrete) or of coordinates (box).

    Examples
    --------
    >>> from scidl.rl import Agent, QLearning
    >>> issubclass(QLearning, Agent)
    True
    """

    _parameter_constraints: dict = {
        "gamma": [Interval(numbers.Real, 0, 1, closed="both")],
        "random_state": [None, Interval(numbers.Integral, 0, None)],
        "verbose": [Interval(numbers.Integral, 0, None)],
    }
    # Observation kinds the agent accepts ("discrete", "box").
    _observation_kinds: tuple = ("discrete", "box")

    def __sklearn_tags__(self):
        # scikit-learn's fitted check (scidl.utils.check_fitted) reads tags; an agent needs no
        # target and is fitted once learn has set the spaces.
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False))

    def __sklearn_is_fitted__(self):
        return hasattr(self, "n_actions_")

    # --- hyperparameters (scikit-learn's protocol, so persistence and validation apply) ---

    @classmethod
    def _param_names(cls):
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values() if p.name != "self")

    def get_params(self, deep=True):
        """The hyperparameters as a dict (scikit-learn's protocol).

        Parameters
        ----------
        deep : bool, default True
            Unused (agents hold no sub-estimators); kept for the protocol.

        Returns
        -------
        dict
            ``{name: value}`` of every ``__init__`` argument.
        """
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Set hyperparameters by name; returns the agent.

        Parameters
        ----------
        **params
            New hyperparameter values.

        Returns
        -------
        Agent
            ``self``.
        """
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}; valid are {valid}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        sig = inspect.signature(type(self).__init__)
        changed = [
            f"{k}={v!r}"
            for k, v in self.get_params().items()
            if sig.parameters[k].default is inspect.Parameter.empty
            or not _same(v, sig.parameters[k].default)
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    # --- environments ---

    def _check_env(self, env, name="env"):
        env = make_env(env, name=name)
        obs, act = env.observation_space, env.action_space
        if not isinstance(act, spaces.Discrete):
            raise ValueError(
                f"{type(self).__name__} needs a discrete action space; {name} has {act}."
            )
        if isinstance(obs, spaces.Discrete):
            kind, size = "discrete", int(obs.n)
        elif isinstance(obs, spaces.Box) and len(obs.shape) == 1:
            kind, size = "box", int(obs.shape[0])
        else:
            raise ValueError(
                f"{type(self).__name__} needs a Discrete or one-dimensional Box observation "
                f"space; {name} has {obs}."
            )
        if kind not in self._observation_kinds:
            raise ValueError(
                f"{type(self).__name__} needs a {' or '.join(self._observation_kinds)} "
                f"observation space; {name} has {obs}."
            )
        return env, kind, size, int(act.n)

    def _check_same_spaces(self, env, name="env"):
        env, kind, size, n_actions = self._check_env(env, name)
        seen = (self.observation_kind_, self.observation_size_, self.n_actions_)
        if (kind, size, n_actions) != seen:
            raise ValueError(
                f"{name} does not match the environment the agent learned on: observations "
                f"{kind}({size}) with {n_actions} actions, expected {seen[0]}({seen[1]}) with "
                f"{seen[2]} actions."
            )
        return env

    def _check_obs(self, obs, name="obs"):
        """A batch of observations as an array and whether ``obs`` was a single one."""
        if self.observation_kind_ == "discrete":
            arr = np.asarray(obs)
            if arr.dtype.kind not in "iu" or arr.ndim > 1:
                raise ValueError(
                    f"{name} must be a state index or a 1D array of them (integers); got "
                    f"{arr.dtype} array of shape {arr.shape}."
                )
            if arr.size and (arr.min() < 0 or arr.max() >= self.observation_size_):
                raise ValueError(
                    f"{name} must hold states in [0, {self.observation_size_}); got "
                    f"{arr.min()}..{arr.max()}."
                )
            return arr.reshape(-1), arr.ndim == 0
        arr = np.asarray(obs)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold numbers; got dtype {arr.dtype}.")
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.observation_size_:
            raise ValueError(
                f"{name} must have shape ({self.observation_size_},) or (n, "
                f"{self.observation_size_}); got {arr.shape}."
            )
        arr = arr.astype(np.float32)
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite; it holds NaN or inf.")
        return arr.reshape(-1, self.observation_size_), arr.ndim == 1

    # --- public API ---

    def learn(self, env, total_timesteps):
        """Learn from ``total_timesteps`` steps of interaction with ``env``; returns the agent.

        Parameters
        ----------
        env : str or gymnasium.Env
            A gymnasium id or an environment instance.
        total_timesteps : int
            Environment steps to learn from (every call starts afresh).

        Returns
        -------
        Agent
            ``self``, fitted.
        """
        validate_params(self)
        if (
            not isinstance(total_timesteps, numbers.Integral)
            or isinstance(total_timesteps, bool)
            or total_timesteps < 1
        ):
            raise ValueError(f"total_timesteps must be a positive int; got {total_timesteps!r}.")
        env, kind, size, n_actions = self._check_env(env)
        self.observation_kind_, self.observation_size_, self.n_actions_ = kind, size, n_actions
        self._learn(env, int(total_timesteps))
        return self

    def fit(self, env, total_timesteps):
        """The same as :meth:`learn` (scikit-learn's name).

        Parameters
        ----------
        env : str or gymnasium.Env
            A gymnasium id or an environment instance.
        total_timesteps : int
            Environment steps to learn from.

        Returns
        -------
        Agent
            ``self``, fitted.
        """
        return self.learn(env, total_timesteps)

    def predict(self, obs):
        """The greedy action for one observation, or for each of a batch.

        Parameters
        ----------
        obs : int, array-like of shape (n_features,), or a batch of them
            A state index (discrete observations) or a real vector (box).

        Returns
        -------
        int or ndarray of int
            One action, or one per observation of a batch.
        """
        check_fitted(self)
        batch, single = self._check_obs(obs)
        actions = self._greedy_actions(batch)
        return int(actions[0]) if single else actions

    def evaluate(self, env, n_episodes=10, *, random_state=0):
        """Returns of ``n_episodes`` episodes acting greedily (no exploration, no learning).

        Parameters
        ----------
        env : str or gymnasium.Env
            An environment with the spaces the agent learned on.
        n_episodes : int, default 10
            Number of episodes.
        random_state : int, default 0
            Seeds the first ``env.reset``; later episodes continue its random stream.

        Returns
        -------
        ndarray of shape (n_episodes,)
            The undiscounted return of each episode (FrozenLake: 1 success, 0 failure).
        """
        check_fitted(self)
        env = self._check_same_spaces(env)
        if not isinstance(n_episodes, numbers.Integral) or n_episodes < 1:
            raise ValueError(f"n_episodes must be a positive int; got {n_episodes!r}.")
        if not isinstance(random_state, numbers.Integral):
            raise TypeError(f"random_state must be an int; got {random_state!r}.")
        act = self._greedy_fn()
        returns = np.zeros(int(n_episodes))
        obs, _ = env.reset(seed=int(random_state))
        for i in range(int(n_episodes)):
            if i:
                obs, _ = env.reset()
            total, done = 0.0, False
            while not done:
                obs, reward, terminated, truncated, _ = env.step(act(obs))
                total += reward
                done = terminated or truncated
            returns[i] = total
        return returns

    def _greedy_fn(self):
        """``obs -> action`` for one raw observation (subclasses make it fast)."""
        return lambda obs: int(self._greedy_actions(self._check_obs(obs)[0])[0])


def _same(a, b):
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:
        return a is b


def record_episode(agent, env, *, max_steps=100, random_state=0):
    """The rendered frames of one greedy episode of a fitted agent.

    Parameters
    ----------
    agent : Agent
        A fitted agent.
    env : gymnasium.Env
        An environment made with ``render_mode="rgb_array"`` (e.g.
        :class:`GridWorld`), with the spaces the agent learned on.
    max_steps : int, default 100
        Most steps recorded.
    random_state : int, default 0
        Seeds ``env.reset``.

    Returns
    -------
    list of ndarray
        ``env.render()`` of the first state and after every step.

    Examples
    --------
    >>> from scidl.rl import GridWorld, QLearning, record_episode
    >>> agent = QLearning(random_state=0).learn(GridWorld(), 3000)
    >>> frames = record_episode(agent, GridWorld(render_mode="rgb_array"))
    >>> len(frames), frames[0].ndim  # start + 8 moves, RGB images
    (9, 3)
    """
    check_fitted(agent)
    env = agent._check_same_spaces(env)
    if env.render_mode != "rgb_array":
        raise ValueError(f"env must be made with render_mode='rgb_array'; got {env.render_mode!r}.")
    if not isinstance(max_steps, numbers.Integral) or max_steps < 1:
        raise ValueError(f"max_steps must be a positive int; got {max_steps!r}.")
    obs, _ = env.reset(seed=random_state)
    frames = [env.render()]
    act = agent._greedy_fn()
    for _ in range(max_steps):
        obs, _, terminated, truncated, _ = env.step(act(obs))
        frames.append(env.render())
        if terminated or truncated:
            break
    return frames
