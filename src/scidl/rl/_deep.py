"""Deep agents on the one training loop: rollout collectors as "datasets", updates as Steps.

:func:`scidl.training.train` iterates over minibatches and hands each to a
:class:`~scidl.training.Step`. A deep agent fits that shape as follows:

- the *data* is a ``torch.utils.data.DataLoader`` over a rollout collector (an
  ``IterableDataset``): iterating it steps the environment with the current
  network and yields training batches (DQN: replay minibatches after every
  ``train_freq`` environment steps; A2C: an ``n_steps`` rollout; REINFORCE: a
  batch of complete episodes). One *epoch* is a fixed number of environment
  steps (``eval_freq``), after which the agent is evaluated;
- the *update* is a Step subclass (``DQNStep`` does the TD update with its own
  target network; the policy-gradient steps the actor-critic loss);
- a callback writes the timesteps, training and evaluation returns into the
  history row of each epoch and stops training at ``total_timesteps`` (or when
  the evaluation return reaches ``target_return``).

So callbacks, history, the divergence guard (a NaN loss stops training with
the last finite weights) and ``KeyboardInterrupt`` handling come from the loop;
there is no second training loop.
"""

from __future__ import annotations

import copy
import math
import numbers

import gymnasium
import numpy as np
import torch

from scidl.rl._base import Agent
from scidl.training import Callback
from scidl.utils import InstanceOf, Interval, check_int_sequence, make_seed, resolve_device

__all__ = ["DeepAgent"]


class _NumpyMLP:
    """A CPU NumPy copy of an MLP's forward pass: acting costs microseconds, not a torch call."""

    def __init__(self, mlp, activation):
        self.mlp = mlp
        self.activation = activation
        self.refresh()

    def refresh(self):
        # On CPU ``detach().numpy()`` shares memory with the parameters, so this stays current.
        self.layers = [
            (lin.weight.detach().cpu().numpy().T, lin.bias.detach().cpu().numpy())
            for lin in self.mlp.linear_layers
        ]

    def __call__(self, x):
        *hidden, (w, b) = self.layers
        for wi, bi in hidden:
            x = x @ wi + bi
            x = np.maximum(x, 0.0) if self.activation == "relu" else np.tanh(x)
        return x @ w + b


class _Collector(torch.utils.data.IterableDataset):
    """Steps the environment(s); one pass over it is one epoch of ``steps_per_epoch`` steps."""

    def __init__(self, agent, env, total_timesteps, steps_per_epoch, rng, envs=None):
        super().__init__()
        self.agent, self.rng = agent, rng
        self.envs = [env] if envs is None else list(envs)
        self.env = self.envs[0]
        self.total, self.steps_per_epoch = total_timesteps, steps_per_epoch
        self.t = 0  # environment steps so far (all environments)
        self.episode_returns, self.episode_ends = [], []
        self._returns = [0.0] * len(self.envs)
        self.observations = [e.reset(seed=int(rng.integers(2**31)))[0] for e in self.envs]
        self.obs = self.observations[0]

    def env_step(self, action, i=0):
        """One step of environment ``i`` with bookkeeping; returns ``(next_obs, reward,
        terminated, truncated, final_obs)``, ``next_obs`` already reset after an episode."""
        env = self.envs[i]
        obs, reward, terminated, truncated, _ = env.step(action)
        self.t += 1
        self._returns[i] += reward
        final = obs
        if terminated or truncated:
            self.episode_returns.append(self._returns[i])
            self.episode_ends.append(self.t)
            self._returns[i] = 0.0
            obs, _ = env.reset()
        self.observations[i] = obs
        return obs, reward, terminated, truncated, final

    def __iter__(self):
        start = self.t
        while self.t < self.total and self.t - start < self.steps_per_epoch:
            yield from self.round()

    def round(self):
        raise NotImplementedError


class _Progress(Callback):
    """Writes timesteps and returns into each epoch's history row; stops at the budget."""

    def __init__(self, agent, collector, eval_env):
        self.agent, self.collector, self.eval_env = agent, collector, eval_env
        self._seen = 0

    def on_epoch_end(self, state):
        c, agent = self.collector, self.agent
        row = state.history[-1]
        row["timesteps"] = c.t
        new = c.episode_returns[self._seen :]
        self._seen = len(c.episode_returns)
        row["episode_return"] = float(np.mean(new)) if new else float("nan")
        if self.eval_env is not None:
            returns = agent.evaluate(
                self.eval_env, agent.n_eval_episodes, random_state=agent._eval_seed
            )
            row["eval_return"] = float(returns.mean())
            if agent.target_return is not None and returns.mean() >= agent.target_return:
                agent.solved_at_ = c.t
                state.stop = True
        if c.t >= c.total:
            state.stop = True


def _copy_env(env):
    """A fresh instance of ``env`` (from its registered spec, else a deep copy)."""
    if env.spec is not None:
        try:
            return gymnasium.make(env.spec)
        except Exception:  # an unregistered entry point: fall back to a copy
            pass
    return copy.deepcopy(env)


def _encode(kind, size):
    if kind == "discrete":
        eye = np.eye(size, dtype=np.float32)
        return lambda obs: eye[np.asarray(obs)]
    return lambda obs: np.asarray(obs, dtype=np.float32)


class DeepAgent(Agent):
    """Base class of the neural agents (:class:`DQN`, :class:`REINFORCE`, :class:`A2C`).

    Builds the torch module, wraps the environment in a rollout collector,
    and trains through :func:`scidl.training.train` with the agent's Step; see
    the module docstring of ``scidl.rl._deep`` for how an environment loop is
    a dataset and a Step of the one loop.

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network.
    history_ : scidl.training.History
        One row per epoch (``eval_freq`` environment steps): ``timesteps``,
        ``episode_return`` (mean of the training episodes that ended in the
        epoch), ``eval_return`` (with ``eval_freq``), ``train_loss``, ``time``.
    episode_returns_ : ndarray
        Return of every completed training episode.
    episode_ends_ : ndarray of int
        The timestep at which each training episode ended.
    n_timesteps_ : int
        Environment steps taken.
    solved_at_ : int or None
        Timesteps when the evaluation return first reached ``target_return``.
    device_ : str
        Where the module lives.

    Examples
    --------
    >>> from scidl.rl import DQN, DeepAgent
    >>> issubclass(DQN, DeepAgent)
    True
    """

    _parameter_constraints = {
        "hidden_sizes": [InstanceOf(tuple, list, description="a sequence of positive ints")],
        "activation": [InstanceOf(str)],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "eval_freq": [None, Interval(numbers.Integral, 1, None)],
        "n_eval_episodes": [Interval(numbers.Integral, 1, None)],
        "target_return": [None, Interval(numbers.Real, None, None)],
        "max_grad_norm": [None, Interval(numbers.Real, 0, None, closed="neither")],
        "device": [InstanceOf(str, torch.device)],
    }

    def _build_module(self):
        raise NotImplementedError

    def _validate_extra(self):
        check_int_sequence(self.hidden_sizes, "hidden_sizes", min_value=1)
        if self.activation not in ("relu", "tanh"):
            raise ValueError(f"activation must be 'relu' or 'tanh'; got {self.activation!r}.")

    def _make_eval_env(self, env):
        if self.eval_freq is None:
            return None
        return _copy_env(env)

    def _learn(self, env, total_timesteps):
        from scidl.training import History, train
        from scidl.utils import seeded

        self._validate_extra()
        seed = make_seed(self.random_state)
        rng = np.random.default_rng(seed)
        self._eval_seed = int(rng.integers(2**31))
        device = resolve_device(self.device)
        self._encode = _encode(self.observation_kind_, self.observation_size_)
        with seeded(seed):
            self.module_ = self._build_module().to(device)
        self.device_ = str(device)
        self.history_ = History()
        self.solved_at_ = None
        eval_env = self._make_eval_env(env)
        steps_per_epoch = self.eval_freq or max(total_timesteps // 20, 1)
        collector, step = self._make_collector_and_step(env, total_timesteps, steps_per_epoch, rng)
        loader = torch.utils.data.DataLoader(collector, batch_size=None)
        try:
            if collector.t >= collector.total:  # the budget went into warm-up (DQN): no update
                return
            train(
                self.module_,
                loader,
                step=step,
                optimizer="adam",
                lr=self.lr,
                max_epochs=math.ceil(total_timesteps / steps_per_epoch) + 2,
                clip_grad_norm=self.max_grad_norm,
                callbacks=[_Progress(self, collector, eval_env)],
                history=self.history_,
                random_state=seed,
                verbose=self.verbose,
                device=device,
            )
        finally:  # also on a divergence: keep what was learned and the statistics
            self.module_.eval()
            self.episode_returns_ = np.asarray(collector.episode_returns, dtype=float)
            self.episode_ends_ = np.asarray(collector.episode_ends, dtype=np.int64)
            self.n_timesteps_ = collector.t

    def _encode_batch(self, obs):
        if not hasattr(self, "_encode"):
            self._encode = _encode(self.observation_kind_, self.observation_size_)
        return self._encode(obs)
