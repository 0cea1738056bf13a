"""Policy-gradient agents: REINFORCE with a learned baseline, and advantage actor-critic (A2C)."""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn

from scidl.nn import MLP
from scidl.rl._deep import DeepAgent, _Collector, _copy_env, _NumpyMLP
from scidl.training import Step
from scidl.utils import InstanceOf, Interval

__all__ = ["A2C", "ActorCritic", "REINFORCE"]


class ActorCritic(nn.Module):
    """A policy network (action logits) and a value network side by side.

    Parameters
    ----------
    in_features : int
        Observation size.
    out_features : int
        Number of actions.
    hidden_sizes : sequence of int, default (64, 64)
        Hidden layers of each network.
    activation : str, default "tanh"
        Hidden activation.

    Attributes
    ----------
    policy : scidl.nn.MLP
        ``obs -> logits``.
    value : scidl.nn.MLP
        ``obs -> V(obs)`` (one output).

    Examples
    --------
    >>> import torch
    >>> from scidl.rl import ActorCritic
    >>> net = ActorCritic(4, 2, (8,))
    >>> logits, value = net(torch.zeros(3, 4))
    >>> logits.shape, value.shape
    (torch.Size([3, 2]), torch.Size([3]))
    """

    def __init__(self, in_features, out_features, hidden_sizes=(64, 64), *, activation="tanh"):
        super().__init__()
        self.policy = MLP(in_features, out_features, hidden_sizes, activation=activation)
        self.value = MLP(in_features, 1, hidden_sizes, activation=activation)

    def forward(self, x):
        return self.policy(x), self.value(x).squeeze(-1)


class _ActorCriticStep(Step):
    """``-log pi(a|s) * A + vf_coef * (V - G)^2 - ent_coef * H[pi]`` with ``A = G - V(s)``."""

    def __init__(self, *, vf_coef, ent_coef, normalize_advantage):
        self.vf_coef, self.ent_coef = float(vf_coef), float(ent_coef)
        self.normalize = bool(normalize_advantage)

    def train_step(self, module, batch, optimizers, ctx):
        obs, actions, returns = batch
        logits, values = module(obs)
        logp_all = torch.log_softmax(logits, dim=1)
        logp = logp_all.gather(1, actions[:, None]).squeeze(1)
        adv = (returns - values).detach()
        if self.normalize and len(adv) > 1:
            adv = (adv - adv.mean()) / (adv.std() + 1e-8)
        policy_loss = -(logp * adv).mean()
        value_loss = torch.nn.functional.mse_loss(values, returns)
        entropy = -(logp_all.exp() * logp_all).sum(dim=1).mean()
        loss = policy_loss + self.vf_coef * value_loss - self.ent_coef * entropy
        ctx.check_finite(loss)
        opt = optimizers["main"]
        opt.zero_grad(set_to_none=True)
        ctx.backward(loss)
        ctx.clip_gradients(module)
        opt.step()
        return {
            "loss": loss.detach(),
            "policy_loss": policy_loss.detach(),
            "value_loss": value_loss.detach(),
            "entropy": entropy.detach(),
        }


def _sample(logits, u):
    """Categorical samples from rows of logits, given uniforms ``u`` (NumPy, no torch call)."""
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    cdf = np.cumsum(z, axis=1)
    return (u[:, None] * cdf[:, -1:] > cdf).sum(axis=1).clip(max=logits.shape[1] - 1)


class _PolicyGradientAgent(DeepAgent):
    _parameter_constraints = {
        "vf_coef": [Interval(numbers.Real, 0, None)],
        "ent_coef": [Interval(numbers.Real, 0, None)],
        "normalize_advantage": [InstanceOf(bool)],
    }

    def _build_module(self):
        return ActorCritic(
            self.observation_size_,
            self.n_actions_,
            tuple(self.hidden_sizes),
            activation=self.activation,
        )

    def _make_step(self):
        return _ActorCriticStep(
            vf_coef=self.vf_coef,
            ent_coef=self.ent_coef,
            normalize_advantage=self.normalize_advantage,
        )

    def _greedy_actions(self, obs):
        x = torch.as_tensor(self._encode_batch(obs), device=self.device_)
        with torch.no_grad():
            return self.module_.policy(x).argmax(dim=1).cpu().numpy()

    def _greedy_fn(self):
        pi = _NumpyMLP(self.module_.policy, self.activation)
        encode = self._encode_batch
        return lambda obs: int(pi(encode(obs)).argmax())

    def action_probabilities(self, obs):
        """The policy's action probabilities for a batch of observations.

        Parameters
        ----------
        obs : array-like
            One observation or a batch (as for :meth:`predict`).

        Returns
        -------
        ndarray of shape (n, n_actions)
            ``pi(a | s)``.
        """
        from scidl.utils import check_fitted

        check_fitted(self)
        batch, _ = self._check_obs(obs)
        x = torch.as_tensor(self._encode_batch(batch), device=self.device_)
        with torch.no_grad():
            return torch.softmax(self.module_.policy(x), dim=1).cpu().numpy()


class _EpisodeCollector(_Collector):
    """Yields ``(obs, actions, discounted returns-to-go)`` of ``episodes_per_update`` episodes."""

    def __init__(self, agent, env, total, steps_per_epoch, rng):
        super().__init__(agent, env, total, steps_per_epoch, rng)
        self.pi = _NumpyMLP(agent.module_.policy, agent.activation)
        self.encode = agent._encode_batch

    def round(self):
        a, gamma = self.agent, float(self.agent.gamma)
        self.pi.refresh()
        obs_l, act_l, ret_l = [], [], []
        for _ in range(a.episodes_per_update):
            if self.t >= self.total:
                break
            xs, acts, rews = [], [], []
            done = False
            obs = self.observations[0]
            while not done and self.t < self.total:
                x = self.encode(obs)
                action = int(_sample(self.pi(x[None]), self.rng.random(1))[0])
                obs, reward, term, trunc, _ = self.env_step(action)
                xs.append(x)
                acts.append(action)
                rews.append(reward)
                done = term or trunc
            if not done:  # the budget ended mid-episode: count what was seen
                self.episode_returns.append(self._returns[0])
                self.episode_ends.append(self.t)
            g, rets = 0.0, np.empty(len(rews), np.float32)
            for k in range(len(rews) - 1, -1, -1):
                g = rews[k] + gamma * g
                rets[k] = g
            obs_l.append(np.asarray(xs, np.float32))
            act_l.append(np.asarray(acts, np.int64))
            ret_l.append(rets)
        if obs_l:
            yield (
                torch.from_numpy(np.concatenate(obs_l)),
                torch.from_numpy(np.concatenate(act_l)),
                torch.from_numpy(np.concatenate(ret_l)),
            )


class _RolloutCollector(_Collector):
    """Yields ``(obs, actions, n-step returns)`` of an ``n_steps`` rollout of ``n_envs`` envs."""

    def __init__(self, agent, env, total, steps_per_epoch, rng):
        envs = [env] + [_copy_env(env) for _ in range(agent.n_envs - 1)]
        total -= total % len(envs)  # whole steps of all copies: every round steps at least once
        super().__init__(agent, env, total, steps_per_epoch, rng, envs=envs)
        self.pi = _NumpyMLP(agent.module_.policy, agent.activation)
        self.v = _NumpyMLP(agent.module_.value, agent.activation)
        self.encode = agent._encode_batch

    def round(self):
        a, gamma, n_envs = self.agent, float(self.agent.gamma), len(self.envs)
        self.pi.refresh()
        self.v.refresh()
        n = a.n_steps
        d = self.encode(self.observations[0]).shape[-1]
        obs = np.zeros((n, n_envs, d), np.float32)
        acts = np.zeros((n, n_envs), np.int64)
        rews = np.zeros((n, n_envs), np.float32)
        ends = np.zeros((n, n_envs), bool)
        steps = 0
        for k in range(n):
            if self.t + n_envs > self.total:
                break
            x = self.encode(np.asarray(self.observations))
            action = _sample(self.pi(x), self.rng.random(n_envs))
            obs[k], acts[k] = x, action
            for i in range(n_envs):
                _, r, term, trunc, final = self.env_step(int(action[i]), i)
                if trunc and not term:  # a time limit is not an end: bootstrap from V(final)
                    r += gamma * float(self.v(self.encode(final)[None])[0, 0])
                rews[k, i], ends[k, i] = r, term or trunc
            steps += 1
        obs, acts, rews, ends = obs[:steps], acts[:steps], rews[:steps], ends[:steps]
        g = self.v(self.encode(np.asarray(self.observations)))[:, 0]
        rets = np.zeros((steps, n_envs), np.float32)
        for k in range(steps - 1, -1, -1):
            g = rews[k] + gamma * g * (~ends[k])
            rets[k] = g
        yield (
            torch.from_numpy(obs.reshape(-1, d)),
            torch.from_numpy(acts.reshape(-1)),
            torch.from_numpy(rets.reshape(-1)),
        )


_COMMON_DOC = """    hidden_sizes : sequence of int, default (64, 64)
        Hidden layers of the policy and of the value network.
    activation : {"relu", "tanh"}, default "tanh"
        Hidden activation.
    gamma : float in [0, 1], default 0.99
        Discount factor.
    vf_coef : float, default 0.5
        Weight of the value (baseline) loss.
    ent_coef : float, default 0.0
        Weight of the entropy bonus.
    max_grad_norm : float or None, default 0.5
        Gradient-norm clipping.
    eval_freq : int or None, default None
        Evaluate the greedy policy every this many environment steps (one
        epoch of the training loop); None: no evaluation.
    n_eval_episodes : int, default 10
        Episodes per evaluation.
    target_return : float or None, default None
        Stop when the mean evaluation return reaches it.
    device : str or torch.device, default "auto"
        Where the networks are trained.
    random_state : int or None, default None
        Seeds the networks, the sampled actions and the environment.
    verbose : int, default 0
        ``> 0`` shows the loop's progress bar.

    Attributes
    ----------
    module_ : ActorCritic
        The policy and value networks.
    history_, episode_returns_, episode_ends_, n_timesteps_, solved_at_, device_
        See :class:`DeepAgent`.
    n_actions_, observation_kind_, observation_size_
        The spaces learned on (see :class:`Agent`).
"""


class REINFORCE(_PolicyGradientAgent):
    __doc__ = (
        """Monte-Carlo policy gradient (Williams 1992) with a learned state-value baseline.

    Each update uses ``episodes_per_update`` complete episodes: the policy
    gradient ``-log pi(a_t|s_t) (G_t - V(s_t))`` with the discounted
    return-to-go ``G_t``, and a regression of ``V`` on ``G_t``.

    Parameters
    ----------
    lr : float, default 1e-3
        Adam learning rate.
    episodes_per_update : int, default 4
        Complete episodes per gradient step.
    normalize_advantage : bool, default True
        Standardise the advantages of each batch.
"""
        + _COMMON_DOC
        + """
    Examples
    --------
    >>> from scidl.rl import REINFORCE, GridWorld
    >>> agent = REINFORCE(lr=0.01, random_state=0).learn(GridWorld(), total_timesteps=6000)
    >>> agent.evaluate(GridWorld(), n_episodes=1).round(2)  # the shortest path
    array([0.68])
    """
    )

    _parameter_constraints = {"episodes_per_update": [Interval(numbers.Integral, 1, None)]}

    def __init__(
        self,
        *,
        hidden_sizes=(64, 64),
        activation="tanh",
        lr=1e-3,
        episodes_per_update=4,
        gamma=0.99,
        vf_coef=0.5,
        ent_coef=0.0,
        normalize_advantage=True,
        max_grad_norm=0.5,
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
        self.episodes_per_update = episodes_per_update
        self.gamma = gamma
        self.vf_coef = vf_coef
        self.ent_coef = ent_coef
        self.normalize_advantage = normalize_advantage
        self.max_grad_norm = max_grad_norm
        self.eval_freq = eval_freq
        self.n_eval_episodes = n_eval_episodes
        self.target_return = target_return
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _make_collector_and_step(self, env, total, steps_per_epoch, rng):
        return _EpisodeCollector(self, env, total, steps_per_epoch, rng), self._make_step()


class A2C(_PolicyGradientAgent):
    __doc__ = (
        """Advantage actor-critic (synchronous A3C, Mnih et al. 2016).

    Each update uses an ``n_steps`` rollout of ``n_envs`` copies of the
    environment: the advantage is the n-step return bootstrapped from the
    critic minus ``V(s_t)`` (time-limit truncations bootstrap, terminations
    do not).

    Parameters
    ----------
    lr : float, default 7e-4
        Adam learning rate.
    n_steps : int, default 8
        Rollout length per environment and update.
    n_envs : int, default 4
        Environment copies stepped in lockstep (the first is the one given);
        ``total_timesteps`` is rounded down to a multiple of it.
    normalize_advantage : bool, default False
        Standardise the advantages of each batch.
"""
        + _COMMON_DOC
        + """
    Examples
    --------
    >>> from scidl.rl import A2C, GridWorld
    >>> agent = A2C(lr=0.01, ent_coef=0.01, random_state=0).learn(GridWorld(), 6000)
    >>> agent.evaluate(GridWorld(), n_episodes=1).round(2)  # the shortest path
    array([0.68])
    """
    )

    _parameter_constraints = {
        "n_steps": [Interval(numbers.Integral, 1, None)],
        "n_envs": [Interval(numbers.Integral, 1, None)],
    }

    def __init__(
        self,
        *,
        hidden_sizes=(64, 64),
        activation="tanh",
        lr=7e-4,
        n_steps=8,
        n_envs=4,
        gamma=0.99,
        vf_coef=0.5,
        ent_coef=0.0,
        normalize_advantage=False,
        max_grad_norm=0.5,
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
        self.n_steps = n_steps
        self.n_envs = n_envs
        self.gamma = gamma
        self.vf_coef = vf_coef
        self.ent_coef = ent_coef
        self.normalize_advantage = normalize_advantage
        self.max_grad_norm = max_grad_norm
        self.eval_freq = eval_freq
        self.n_eval_episodes = n_eval_episodes
        self.target_return = target_return
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _make_collector_and_step(self, env, total, steps_per_epoch, rng):
        if total < self.n_envs:
            raise ValueError(f"total_timesteps must be at least n_envs={self.n_envs}; got {total}.")
        return _RolloutCollector(self, env, total, steps_per_epoch, rng), self._make_step()
