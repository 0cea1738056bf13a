"""Environments: ids and instances, scidl's grid world against its own model, discretisation."""

import gymnasium
import numpy as np
import pytest

from scidl.rl import DiscretizeObservation, GridWorld, grid_layout, make_env, transition_table


def test_make_env_from_id_and_instance_and_bad_input():
    env = make_env("CartPole-v1")
    assert env.spec.id == "CartPole-v1"
    assert make_env(env) is env
    with pytest.raises(ValueError, match="env must be a registered gymnasium id; 'Nope-v0'"):
        make_env("Nope-v0")
    with pytest.raises(TypeError, match="env must be a gymnasium id string or a gymnasium.Env"):
        make_env(3)
    with pytest.raises(TypeError, match="need an id string"):
        make_env(env, is_slippery=True)


@pytest.mark.parametrize("slip", [0.0, 0.2])
def test_gridworld_model_is_a_distribution_and_matches_the_dynamics(slip):
    env = GridWorld(slip=slip)
    for actions in env.P.values():
        for outcomes in actions.values():
            assert sum(p for p, *_ in outcomes) == pytest.approx(1.0)
    # deterministic moves: the shortest path right along the top row then down the right column
    env = GridWorld()
    env.reset(seed=0)
    total = 0.0
    for a in [2, 2, 2, 2, 1, 1, 1, 1]:
        s, r, terminated, truncated, _ = env.step(a)
        total += r
    assert (s, terminated, truncated) == (24, True, False)
    assert total == pytest.approx(1.0 - 8 * 0.04)
    # blocked by a wall: (1, 1) is '#', so moving down from (0, 1) stays put
    env.reset()
    env.step(2)
    assert env.step(1)[0] == 1


def test_gridworld_slip_frequencies_match_the_model():
    env = GridWorld(slip=0.3)
    env.reset(seed=1)
    n, counts = 3000, {}
    for _ in range(n):
        env.s = 12  # (2, 2): right is a wall, so slips go up (7) / down (17), "right" stays
        s2 = env.step(2)[0]
        counts[s2] = counts.get(s2, 0) + 1
    for p, s2, _, _ in env.P[12][2]:
        se = np.sqrt(p * (1 - p) / n)
        assert abs(counts.get(s2, 0) / n - p) < 4 * se


def test_gridworld_renders_an_image_that_follows_the_agent():
    env = GridWorld(render_mode="rgb_array")
    env.reset(seed=0)
    a = env.render()
    env.step(2)
    b = env.render()
    assert a.dtype == np.uint8 and a.ndim == 3 and a.shape[2] == 3
    assert not np.array_equal(a, b)
    assert GridWorld().render() is None


def test_gridworld_rejects_bad_layouts_and_options():
    with pytest.raises(ValueError, match="exactly one start"):
        GridWorld(["..G"])
    with pytest.raises(ValueError, match="may only hold"):
        GridWorld(["S?G"])
    with pytest.raises(ValueError, match="slip"):
        GridWorld(slip=1.0)
    with pytest.raises(ValueError, match="action"):
        GridWorld().step(7)


def test_transition_table_of_frozenlake_conserves_probability():
    env = gymnasium.make("FrozenLake-v1", is_slippery=True)
    P, R = transition_table(env)
    # continuation mass + ending mass = 1 for every (s, a)
    end = np.zeros_like(R)
    for s in range(16):
        for a in range(4):
            end[s, a] = sum(p for p, _, _, done in env.unwrapped.P[s][a] if done)
    np.testing.assert_allclose(P.sum(axis=2) + end, 1.0)
    assert R[14, 1] == pytest.approx(1 / 3)  # down from 14 slips right into the goal w.p. 1/3
    with pytest.raises(ValueError, match="discrete observation and action"):
        transition_table("CartPole-v1")


def test_grid_layout_and_discretization():
    assert grid_layout("FrozenLake-v1") == ("S...", ".X.X", "...X", "X..G")
    assert grid_layout(GridWorld()) == GridWorld().layout
    with pytest.raises(ValueError, match="grid world"):
        grid_layout("CartPole-v1")
    env = DiscretizeObservation("MountainCar-v0", n_bins=(4, 3))
    assert env.observation_space.n == 12
    # position in [-1.2, 0.6] in 4 bins, velocity in [-0.07, 0.07] in 3 bins
    assert env.observation(np.array([-1.2, -0.07])) == 0
    assert env.observation(np.array([0.6, 0.07])) == 11
    assert env.observation(np.array([-0.5, 0.0])) == 1 * 3 + 1
    with pytest.raises(ValueError, match="Box observation"):
        DiscretizeObservation("FrozenLake-v1")
    with pytest.raises(ValueError, match="finite"):
        DiscretizeObservation("CartPole-v1")  # unbounded velocities need low/high
