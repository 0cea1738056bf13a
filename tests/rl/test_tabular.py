"""Q-learning and SARSA: FrozenLake's solved threshold, convergence to Q*, the agent contract."""

import gymnasium
import numpy as np
import pytest

import scidl
from scidl.rl import (
    SARSA,
    GridWorld,
    QLearning,
    exploration_schedule,
    policy_evaluation,
    transition_table,
    value_iteration,
)
from scidl.utils import NotFittedError

LAKE = "FrozenLake-v1"


def test_q_learning_solves_frozenlake():
    # gymnasium's solved threshold for FrozenLake-v1 is a success rate of 0.70 (100-step episodes)
    agent = QLearning(lr=0.1, gamma=0.99, exploration_fraction=0.5, random_state=0)
    agent.learn(LAKE, 100_000)
    exact = policy_evaluation(LAKE, agent.policy_, horizon=100)[0]
    assert exact >= 0.70
    assert exact <= value_iteration(LAKE, horizon=100).values[0] + 1e-12  # never above optimum
    n = 1500
    simulated = agent.evaluate(gymnasium.make(LAKE), n, random_state=0)
    assert set(np.unique(simulated)) <= {0.0, 1.0}
    assert abs(simulated.mean() - exact) < 3 * np.sqrt(exact * (1 - exact) / n)


def test_q_learning_converges_to_the_optimal_q_values():
    # off-policy: with enough uniform exploration the Q-table approaches Q* of value iteration
    env = GridWorld()
    agent = QLearning(
        gamma=0.9, lr=0.5, epsilon_schedule="constant", epsilon_end=1.0, random_state=0
    )
    agent.learn(env, 40_000)
    vi = value_iteration(GridWorld(), gamma=0.9)
    free = np.array([c not in "#XG" for c in "".join(env.layout)])
    np.testing.assert_allclose(agent.q_table_[free], vi.q_values[free], atol=1e-3)


def test_sarsa_finds_the_shortest_path_and_counts_episodes():
    agent = SARSA(random_state=0).learn(GridWorld(), 3000)
    assert agent.evaluate(GridWorld(), 2).tolist() == pytest.approx([0.68, 0.68])
    assert agent.n_timesteps_ == 3000
    assert agent.episode_lengths_.sum() <= 3000 and len(agent.episode_returns_) > 10


def test_sarsa_is_on_policy_q_learning_is_not():
    # With constant exploration eps, SARSA learns the values of the eps-greedy policy itself,
    # the fixed point of Q = R + gamma P [(1 - eps) max_a Q + eps mean_a Q]; Q-learning learns
    # the greedy values Q* whatever it explores with.
    eps, gamma = 0.3, 0.9
    kw = dict(gamma=gamma, lr=0.1, epsilon_schedule="constant", epsilon_end=eps, random_state=0)
    q = QLearning(**kw).learn(GridWorld(), 40_000)
    s = SARSA(**kw).learn(GridWorld(), 40_000)
    P, R = transition_table(GridWorld())
    Q_eps = np.zeros_like(R)
    for _ in range(2000):
        Q_eps = R + gamma * P @ ((1 - eps) * Q_eps.max(axis=1) + eps * Q_eps.mean(axis=1))
    v_star = value_iteration(GridWorld(), gamma=gamma).values[0]
    v_eps = Q_eps[0].max()
    assert v_eps < v_star - 0.1  # exploring costs return
    assert q.values_[0] == pytest.approx(v_star, abs=0.03)
    assert s.values_[0] == pytest.approx(v_eps, abs=0.03)


def test_exploration_schedule():
    lin = exploration_schedule(100, start=1.0, end=0.1, fraction=0.5)
    assert lin[0] == 1.0 and lin[50:].max() == pytest.approx(0.1)
    assert np.all(np.diff(lin) <= 0)
    exp = exploration_schedule(100, start=1.0, end=0.01, fraction=0.5, kind="exponential")
    assert exp[25] == pytest.approx(0.1) and exp[-1] == pytest.approx(0.01)
    assert np.all(exploration_schedule(5, end=0.2, kind="constant") == 0.2)
    with pytest.raises(ValueError, match="kind"):
        exploration_schedule(5, kind="cosine")


def test_tabular_agent_contract(tmp_path):
    agent = QLearning(random_state=0)
    assert repr(agent) == "QLearning(random_state=0)"
    with pytest.raises(NotFittedError):
        agent.predict(0)
    with pytest.raises(ValueError, match="'lr' parameter of QLearning"):
        QLearning(lr=0.0).learn(GridWorld(), 10)
    with pytest.raises(ValueError, match="'epsilon_schedule' parameter"):
        QLearning(epsilon_schedule="cosine").learn(GridWorld(), 10)
    with pytest.raises(ValueError, match="total_timesteps must be a positive int"):
        agent.learn(GridWorld(), 0)
    with pytest.raises(ValueError, match="needs a discrete observation space; env has Box"):
        agent.learn("CartPole-v1", 10)
    with pytest.raises(ValueError, match="registered gymnasium id"):
        agent.learn("CartPole-v99", 10)
    agent.learn(GridWorld(), 2000)
    with pytest.raises(ValueError, match="obs must hold states in \\[0, 25\\)"):
        agent.predict(25)
    with pytest.raises(ValueError, match="obs must be a state index"):
        agent.predict(0.5)
    with pytest.raises(ValueError, match="does not match the environment"):
        agent.evaluate(LAKE)
    assert agent.predict(np.array([0, 1])).shape == (2,)
    loaded = scidl.load(agent.save(tmp_path / "q.pt"))
    assert type(loaded) is QLearning and loaded.get_params() == agent.get_params()
    np.testing.assert_array_equal(loaded.q_table_, agent.q_table_)
    assert loaded.predict(3) == agent.predict(3)


def test_same_seed_same_q_table():
    a = QLearning(random_state=3).learn(LAKE, 5000)
    b = QLearning(random_state=3).learn(LAKE, 5000)
    np.testing.assert_array_equal(a.q_table_, b.q_table_)
