"""The chapter-11 RL demos (quick mode) and figures."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from scidl.demos import run_demo
from scidl.plot import episode_animation, plot_return_curves, plot_value_function
from scidl.rl import GridWorld, grid_layout, value_iteration
from scidl.training import History


def test_tabular_demo_reports_the_exact_answers():
    result = run_demo("tabular-rl", quick=True, random_state=0)
    m = result.metrics
    assert m["vi_success_no_limit"] == pytest.approx(14 / 17, abs=1e-9)
    assert round(m["vi_success_100_steps"], 4) == 0.7442
    assert m["pi_equals_vi_policy"] is True
    assert 0 < m["q_learning_success_exact"] <= m["vi_success_100_steps"]
    assert set(result.figures) == {"frozenlake_values", "gridworld_values"}


def test_deep_demo_animates_an_optimal_gridworld_episode():
    result = run_demo("deep-rl", quick=True, random_state=0)
    m = result.metrics
    assert m["gridworld_a2c_return"] == pytest.approx(0.68)
    assert m["gridworld_episode_frames"] == 9  # the start and 8 moves of the shortest path
    gif = result.figures["gridworld_episode"]
    assert isinstance(gif, bytes) and gif[:6] == b"GIF89a"
    assert isinstance(result.figures["cartpole_learning_curves"], Figure)


def test_plot_value_function_and_its_input_checks():
    layout = grid_layout(GridWorld())
    vi = value_iteration(GridWorld(), gamma=0.9)
    fig = plot_value_function(vi.values, layout, policy=vi.policy, title="t")
    assert fig.axes[0].get_title() == "t"
    # one arrow per free cell (no arrows on walls, the pit or the goal)
    n_free = sum(c not in "#XG" for c in "".join(layout))
    assert len(fig.axes[0].texts) == 2 * n_free  # a value label and an arrow per free cell
    with pytest.raises(ValueError, match="values must have one entry per cell"):
        plot_value_function(np.zeros(3), layout)
    with pytest.raises(ValueError, match="policy must be 25 integer actions"):
        plot_value_function(vi.values, layout, policy=np.zeros(25))
    with pytest.raises(TypeError, match="layout must be a sequence of strings"):
        plot_value_function(vi.values, "S...G")


def test_learning_curves_mean_and_band():
    runs = [History([{"timesteps": t, "eval_return": t * k} for t in (1, 2)]) for k in (1, 3)]
    fig = plot_return_curves({"a": runs}, target=5)
    ax = fig.axes[0]
    mean_line = ax.lines[0]
    np.testing.assert_allclose(mean_line.get_ydata(), [2.0, 4.0])  # mean of (1, 3) and (2, 6)
    assert len(ax.collections) == 1  # the min-max band
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        plot_return_curves([])
    with pytest.raises(ValueError, match="columns 'timesteps' and 'eval_return'"):
        plot_return_curves({"a": [History([{"epoch": 1}])]})


def test_episode_animation_checks_frames():
    gif = episode_animation([np.zeros((4, 4, 3)), np.ones((4, 4, 3))], fps=2)
    assert gif[:6] == b"GIF89a"
    with pytest.raises(ValueError, match="frames is empty"):
        episode_animation([])
    with pytest.raises(ValueError, match="RGB images of one shape"):
        episode_animation([np.zeros((4, 4, 3)), np.zeros((5, 4, 3))])
    with pytest.raises(ValueError, match="fps must be a positive int"):
        episode_animation([np.zeros((4, 4, 3))], fps=0)
