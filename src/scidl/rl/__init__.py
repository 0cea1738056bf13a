"""Reinforcement learning: dynamic programming, tabular and deep agents on gymnasium.

Chapter 11 of the course (active and reinforcement learning), second half.

Deep agents train through the one training loop, :func:`scidl.training.train`: a
rollout collector (an ``IterableDataset`` that steps the environment with the current
network) is the data, one epoch is ``eval_freq`` environment steps, and the update is a
:class:`~scidl.training.Step` (:class:`DQNStep` does the TD update with its own target
network); callbacks, history, the divergence guard and interrupts come from the loop.

Environments (gymnasium API: an id string or an ``Env`` instance)
    make_env               an environment from a gymnasium id or instance, with clear errors
    GridWorld              scidl's own grid world (walls, goal, pit); renders with matplotlib
    DiscretizeObservation  bins a box observation into states, for tabular agents
    transition_table       the exact model ``P[s, a, s']``, ``R[s, a]`` of a toy-text env
    grid_layout            the grid of FrozenLake or a GridWorld as strings
Dynamic programming (exact, on the transition table)
    value_iteration        optimal values and policy (infinite or finite horizon)
    policy_iteration       the same by exact evaluation and greedy improvement
    policy_evaluation      exact values of a given policy
    DPResult               what value and policy iteration return
Agents (``learn(env, total_timesteps)``, ``predict``, ``evaluate``, ``save``)
    Agent                  base class: hyperparameters, validation, evaluation, persistence
    QLearning, SARSA       tabular temporal-difference control with epsilon schedules
    DeepAgent              base of the neural agents (rollout collector + Step on the one loop)
    DQN, DQNStep           deep Q-network (replay, target network, double DQN) and its update
    REINFORCE              Monte-Carlo policy gradient with a learned baseline
    A2C                    advantage actor-critic (n-step returns, parallel env copies)
    ActorCritic            the policy and value networks of REINFORCE and A2C
    exploration_schedule   epsilon per step (linear, exponential, constant)
    record_episode         the rendered frames of one greedy episode
"""

from scidl.rl._base import Agent, exploration_schedule, record_episode
from scidl.rl._deep import DeepAgent
from scidl.rl._dp import DPResult, policy_evaluation, policy_iteration, value_iteration
from scidl.rl._dqn import DQN, DQNStep
from scidl.rl._env import (
    DiscretizeObservation,
    GridWorld,
    grid_layout,
    make_env,
    transition_table,
)
from scidl.rl._policy_gradient import A2C, REINFORCE, ActorCritic
from scidl.rl._tabular import SARSA, QLearning

__all__ = [
    "A2C",
    "ActorCritic",
    "Agent",
    "DPResult",
    "DQN",
    "DQNStep",
    "DeepAgent",
    "DiscretizeObservation",
    "GridWorld",
    "QLearning",
    "REINFORCE",
    "SARSA",
    "exploration_schedule",
    "grid_layout",
    "make_env",
    "policy_evaluation",
    "policy_iteration",
    "record_episode",
    "transition_table",
    "value_iteration",
]
