"""Deep Q-network (Mnih et al. 2015) with replay buffer, target network and double-DQN option."""

from __future__ import annotations

import numbers

import numpy as np
import torch

from scidl.nn import MLP
from scidl.rl._base import exploration_schedule
from scidl.rl._deep import DeepAgent, _Collector, _NumpyMLP
from scidl.training import Step
from scidl.utils import InstanceOf, Interval

__all__ = ["DQN", "DQNStep"]


class _ReplayCollector(_Collector):
    """Epsilon-greedy rollouts into a replay buffer; yields ``gradient_steps`` replay minibatches
    after every ``train_freq`` environment steps (all sampled at once, one gather)."""

    def __init__(self, agent, env, total, steps_per_epoch, rng, q_fn):
        super().__init__(agent, env, total, steps_per_epoch, rng)
        a = agent
        n = min(a.buffer_size, total)
        d = agent.observation_size_
        self.obs_buf = np.zeros((n, d), np.float32)
        self.next_buf = np.zeros((n, d), np.float32)
        self.act_buf = np.zeros(n, np.int64)
        self.rew_buf = np.zeros(n, np.float32)
        self.done_buf = np.zeros(n, np.float32)
        self.size, self.pos = 0, 0
        self.q_fn = q_fn
        self.eps = exploration_schedule(
            total,
            start=a.epsilon_start,
            end=a.epsilon_end,
            fraction=a.exploration_fraction,
        )
        self.explore = rng.random(total) < self.eps
        self.random_actions = rng.integers(agent.n_actions_, size=total)
        self.encode = agent._encode_batch
        self.cur = self.encode(self.obs)

    def collect(self, n_steps, *, random=False):
        q_fn, n = self.q_fn, len(self.obs_buf)
        for _ in range(min(n_steps, self.total - self.t)):
            t = self.t
            if random or self.explore[t]:
                action = int(self.random_actions[t])
            else:
                action = int(q_fn(self.cur).argmax())
            obs, reward, terminated, _, final = self.env_step(action)
            p = self.pos
            self.obs_buf[p] = self.cur
            self.next_buf[p] = self.encode(final)
            self.act_buf[p] = action
            self.rew_buf[p] = reward
            self.done_buf[p] = terminated  # truncation bootstraps
            self.pos = (p + 1) % n
            self.size = min(self.size + 1, n)
            self.cur = self.encode(obs)

    def round(self):
        a = self.agent
        self.q_fn.refresh()
        self.collect(a.train_freq)
        idx = self.rng.integers(self.size, size=(a.gradient_steps, a.batch_size))
        obs, nxt = torch.from_numpy(self.obs_buf[idx]), torch.from_numpy(self.next_buf[idx])
        act, rew = torch.from_numpy(self.act_buf[idx]), torch.from_numpy(self.rew_buf[idx])
        done = torch.from_numpy(self.done_buf[idx])
        for g in range(a.gradient_steps):
            yield obs[g], act[g], rew[g], nxt[g], done[g]


class DQNStep(Step):
    """The temporal-difference update of DQN on one replay minibatch, with a target network.

    Loss: Huber (smooth L1) between ``Q(s, a)`` and
    ``r + gamma * (1 - terminated) * Q_target(s', a*)`` with
    ``a* = argmax_a Q_target(s', a)`` (DQN) or ``argmax_a Q(s', a)`` (double
    DQN, van Hasselt et al. 2016). The target network is copied from the
    online one (or moved towards it by Polyak averaging with ``tau < 1``)
    every ``target_update_interval`` environment steps, read from ``clock``.

    Parameters
    ----------
    target : torch.nn.Module
        The target network (same architecture as the trained module).
    gamma : float
        Discount factor.
    double : bool
        Double DQN targets.
    target_update_interval : int
        Environment steps between target updates.
    tau : float in (0, 1]
        1 copies the weights, smaller values average them.
    clock : callable
        Returns the number of environment steps taken so far.

    Attributes
    ----------
    target, gamma, double, target_update_interval, tau, clock
        As given.
    n_target_updates : int
        Target updates so far.

    Examples
    --------
    >>> import torch
    >>> from scidl.rl import DQNStep
    >>> from scidl.training import train
    >>> q = torch.nn.Linear(2, 2)
    >>> step = DQNStep(torch.nn.Linear(2, 2), gamma=0.9, double=True, target_update_interval=1,
    ...                tau=1.0, clock=lambda: 1)
    >>> batch = (torch.zeros(4, 2), torch.zeros(4, dtype=torch.long), torch.ones(4),
    ...          torch.zeros(4, 2), torch.ones(4))  # terminal transitions: target = reward
    >>> history = train(q, batch, step=step, batch_size=4, max_epochs=200, lr=0.05, verbose=0)
    >>> round(q(torch.zeros(1, 2))[0, 0].item(), 2)
    1.0
    """

    def __init__(self, target, *, gamma, double, target_update_interval, tau, clock):
        self.target = target
        self.gamma = float(gamma)
        self.double = bool(double)
        self.target_update_interval = int(target_update_interval)
        self.tau = float(tau)
        self.clock = clock
        self.n_target_updates = 0
        self._last_update = None

    def _update_target(self, module):
        with torch.no_grad():
            if self.tau >= 1.0:
                for t, p in zip(self.target.parameters(), module.parameters()):
                    t.copy_(p)
            else:
                for t, p in zip(self.target.parameters(), module.parameters()):
                    t.lerp_(p, self.tau)
        self.n_target_updates += 1

    def train_step(self, module, batch, optimizers, ctx):
        now = self.clock()
        if self._last_update is None:
            self._last_update = now
            self._update_target(module)
        elif now - self._last_update >= self.target_update_interval:
            self._last_update = now - (now - self._last_update) % self.target_update_interval
            self._update_target(module)
        obs, act, rew, nxt, done = batch
        opt = optimizers["main"]
        with torch.no_grad():
            q_next = self.target(nxt)
            if self.double:
                best = module(nxt).argmax(dim=1, keepdim=True)
                q_next = q_next.gather(1, best).squeeze(1)
            else:
                q_next = q_next.max(dim=1).values
            y = rew + self.gamma * (1.0 - done) * q_next
        q = module(obs).gather(1, act[:, None]).squeeze(1)
        loss = torch.nn.functional.smooth_l1_loss(q, y)
        ctx.check_finite(loss)
        opt.zero_grad(set_to_none=True)
        ctx.backward(loss)
        ctx.clip_gradients(module)
        opt.step()
        return {"loss": loss.detach()}


class DQN(DeepAgent):
    """Deep Q-learning: an MLP ``Q(s, .)``, epsilon-greedy rollouts, replay, a target network.

    Every ``train_freq`` environment steps the agent makes ``gradient_steps``
    TD updates (:class:`DQNStep`) on minibatches drawn uniformly from the
    replay buffer; the first ``learning_starts`` steps act at random. The
    defaults are the tuned CartPole-v1 hyperparameters of the
    stable-baselines3 zoo (rl-baselines3-zoo, ``hyperparams/dqn.yml``).
    Acting uses a NumPy copy of the network's forward pass, so the only
    per-step Python work is the environment step itself.

    Parameters
    ----------
    hidden_sizes : sequence of int, default (256, 256)
        Hidden layers of the Q-network.
    activation : {"relu", "tanh"}, default "relu"
        Hidden activation.
    lr : float, default 2.3e-3
        Adam learning rate.
    batch_size : int, default 64
        Replay minibatch size.
    buffer_size : int, default 100000
        Replay capacity (transitions).
    learning_starts : int, default 1000
        Random steps before learning.
    gamma : float in [0, 1], default 0.99
        Discount factor.
    train_freq : int, default 256
        Environment steps between training phases.
    gradient_steps : int, default 128
        TD updates per training phase.
    target_update_interval : int, default 10
        Environment steps between target-network updates.
    tau : float in (0, 1], default 1.0
        Target update: 1 copies, smaller values average (Polyak).
    double_dqn : bool, default False
        Double-DQN targets.
    epsilon_start, epsilon_end : float in [0, 1], default 1.0 and 0.04
        Exploration rate at the start and after the linear decay.
    exploration_fraction : float in [0, 1], default 0.16
        Part of ``total_timesteps`` over which epsilon decays.
    max_grad_norm : float or None, default 10.0
        Gradient-norm clipping.
    eval_freq : int or None, default None
        Evaluate the greedy policy every this many environment steps (one
        epoch of the training loop); None: no evaluation (epochs of 5% of
        the steps).
    n_eval_episodes : int, default 10
        Episodes per evaluation.
    target_return : float or None, default None
        Stop when the mean evaluation return reaches it (e.g. 500 on CartPole-v1).
    device : str or torch.device, default "auto"
        Where the network is trained.
    random_state : int or None, default None
        Seeds the network, exploration, replay sampling and the environment.
    verbose : int, default 0
        ``> 0`` shows the loop's progress bar.

    Attributes
    ----------
    module_ : scidl.nn.MLP
        The Q-network.
    history_, episode_returns_, episode_ends_, n_timesteps_, solved_at_, device_
        See :class:`DeepAgent`.
    n_actions_, observation_kind_, observation_size_
        The spaces learned on (see :class:`Agent`).

    Examples
    --------
    >>> from scidl.rl import DQN, GridWorld
    >>> agent = DQN(hidden_sizes=(32,), lr=1e-3, learning_starts=200, train_freq=16,
    ...             gradient_steps=8, target_update_interval=200, exploration_fraction=0.5,
    ...             random_state=0)
    >>> agent = agent.learn(GridWorld(), total_timesteps=4000)
    >>> agent.evaluate(GridWorld(), n_episodes=1).round(2)  # the shortest path
    array([0.68])
    """

    _parameter_constraints = {
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "buffer_size": [Interval(numbers.Integral, 1, None)],
        "learning_starts": [Interval(numbers.Integral, 0, None)],
        "train_freq": [Interval(numbers.Integral, 1, None)],
        "gradient_steps": [Interval(numbers.Integral, 1, None)],
        "target_update_interval": [Interval(numbers.Integral, 1, None)],
        "tau": [Interval(numbers.Real, 0, 1, closed="right")],
        "double_dqn": [InstanceOf(bool)],
        "epsilon_start": [Interval(numbers.Real, 0, 1, closed="both")],
        "epsilon_end": [Interval(numbers.Real, 0, 1, closed="both")],
        "exploration_fraction": [Interval(numbers.Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        *,
        hidden_sizes=(256, 256),
        activation="relu",
        lr=2.3e-3,
        batch_size=64,
        buffer_size=100_000,
        learning_starts=1000,
        gamma=0.99,
        train_freq=256,
        gradient_steps=128,
        target_update_interval=10,
        tau=1.0,
        double_dqn=False,
        epsilon_start=1.0,
        epsilon_end=0.04,
        exploration_fraction=0.16,
        max_grad_norm=10.0,
        eval_freq=None,
        n_eval_episodes=10,
        target_return=None,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.lr = lr
        self.batch_size = batch_size
        self.buffer_size = buffer_size
        self.learning_starts = learning_starts
        self.gamma = gamma
        self.train_freq = train_freq
        self.gradient_steps = gradient_steps
        self.target_update_interval = target_update_interval
        self.tau = tau
        self.double_dqn = double_dqn
        self.epsilon_start = epsilon_start
        self.epsilon_end = epsilon_end
        self.exploration_fraction = exploration_fraction
        self.max_grad_norm = max_grad_norm
        self.eval_freq = eval_freq
        self.n_eval_episodes = n_eval_episodes
        self.target_return = target_return
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _build_module(self):
        size = self.observation_size_
        return MLP(size, self.n_actions_, tuple(self.hidden_sizes), activation=self.activation)

    def _make_collector_and_step(self, env, total, steps_per_epoch, rng):
        import copy

        q_fn = _NumpyMLP(self.module_, self.activation)
        collector = _ReplayCollector(self, env, total, steps_per_epoch, rng, q_fn)
        collector.collect(min(self.learning_starts, total), random=True)
        target = copy.deepcopy(self.module_).requires_grad_(False)
        step = DQNStep(
            target,
            gamma=self.gamma,
            double=self.double_dqn,
            target_update_interval=self.target_update_interval,
            tau=self.tau,
            clock=lambda: collector.t,
        )
        return collector, step

    def _greedy_actions(self, obs):
        x = torch.as_tensor(self._encode_batch(obs), device=self.device_)
        with torch.no_grad():
            return self.module_(x).argmax(dim=1).cpu().numpy()

    def _greedy_fn(self):
        q_fn = _NumpyMLP(self.module_, self.activation)
        encode = self._encode_batch
        return lambda obs: int(q_fn(encode(obs)).argmax())

    def q_values(self, obs):
        """The Q-values of each action for a batch of observations.

        Parameters
        ----------
        obs : array-like
            One observation or a batch (as for :meth:`predict`).

        Returns
        -------
        ndarray of shape (n, n_actions)
            ``Q(s, a)``.
        """
        from scidl.utils import check_fitted

        check_fitted(self)
        batch, _ = self._check_obs(obs)
        x = torch.as_tensor(self._encode_batch(batch), device=self.device_)
        with torch.no_grad():
            return self.module_(x).cpu().numpy()
