"""Demo: dynamic programming and tabular TD control on FrozenLake and a grid world."""

from __future__ import annotations

from scidl.demos._registry import DemoOutput, register


@register(
    "tabular-rl",
    "Value iteration, policy iteration, Q-learning and SARSA on FrozenLake",
    chapter=11,
    position=2,
)
def run(*, quick=False, random_state=0):
    """Exact dynamic programming on FrozenLake 4x4 (slippery) versus learned Q-tables.

    Value iteration with gamma = 1 gives the optimal success probability, 14/17
    without a step limit and 0.7442 within gymnasium's 100 steps (backward
    induction); policy iteration agrees. Q-learning and SARSA learn from
    interaction; their greedy policies are scored exactly (policy evaluation
    on the model) and by simulation. On scidl's grid world (10% slip) the same
    comparison is drawn as value and policy maps.
    """
    import numpy as np

    from scidl.plot import plot_value_function, subplots
    from scidl.rl import (
        SARSA,
        GridWorld,
        QLearning,
        grid_layout,
        make_env,
        policy_evaluation,
        policy_iteration,
        value_iteration,
    )

    lake = "FrozenLake-v1"
    layout = grid_layout(lake)
    vi = value_iteration(lake, gamma=1.0)
    vi100 = value_iteration(lake, gamma=1.0, horizon=100)
    pi = policy_iteration(lake, gamma=0.999)
    steps = 30_000 if quick else 150_000
    n_eval = 300 if quick else 2000
    metrics = {
        "vi_success_no_limit": float(vi.values[0]),
        "vi_success_100_steps": float(vi100.values[0]),
        "vi_sweeps": int(vi.n_iter),
        "pi_iterations": int(pi.n_iter),
        "pi_equals_vi_policy": bool(np.array_equal(pi.policy, vi.policy)),
    }
    agents = {}
    for name, cls in (("q_learning", QLearning), ("sarsa", SARSA)):
        agent = cls(lr=0.1, gamma=0.99, exploration_fraction=0.5, random_state=random_state)
        agent.learn(make_env(lake), steps)
        agents[name] = agent
        exact = float(policy_evaluation(lake, agent.policy_, horizon=100)[0])
        simulated = agent.evaluate(make_env(lake), n_eval, random_state=random_state)
        metrics[f"{name}_success_exact"] = exact
        metrics[f"{name}_success_simulated"] = float(simulated.mean())
        metrics[f"{name}_success_simulated_se"] = float(simulated.std(ddof=1) / np.sqrt(n_eval))
    metrics["q_learning_steps"] = steps

    fig, axes = subplots(1, 3, figsize=(11, 3.4))
    plot_value_function(
        vi.values,
        layout,
        policy=vi.policy,
        ax=axes[0],
        title="Value iteration (success probability)",
    )
    for ax, name in zip(axes[1:], agents):
        plot_value_function(
            agents[name].values_,
            layout,
            policy=agents[name].policy_,
            ax=ax,
            title=f"{name.replace('_', '-')}: max Q",
        )
    figures = {"frozenlake_values": fig}

    world = GridWorld(slip=0.1)
    world_vi = value_iteration(world, gamma=0.95)
    world_q = QLearning(gamma=0.95, lr=0.2, exploration_fraction=0.6, random_state=random_state)
    world_q.learn(GridWorld(slip=0.1), 10_000 if quick else 40_000)
    fig2, axes2 = subplots(1, 2, figsize=(8, 3.6))
    plot_value_function(
        world_vi.values,
        world.layout,
        policy=world_vi.policy,
        ax=axes2[0],
        title="Grid world: value iteration",
    )
    plot_value_function(
        world_q.values_,
        world.layout,
        policy=world_q.policy_,
        ax=axes2[1],
        title="Grid world: Q-learning",
    )
    figures["gridworld_values"] = fig2
    free = np.array([c not in "#XG" for c in "".join(world.layout)])
    metrics["gridworld_policy_agreement"] = float(
        (world_q.policy_[free] == world_vi.policy[free]).mean()
    )
    metrics["gridworld_vi_value_start"] = float(world_vi.values[world.start])
    metrics["gridworld_q_value_start"] = float(world_q.values_[world.start])

    text = (
        f"Value iteration (gamma = 1) on slippery FrozenLake 4x4: the optimal success "
        f"probability from the start is {metrics['vi_success_no_limit']:.4f} (= 14/17) without a "
        f"step limit and {metrics['vi_success_100_steps']:.4f} within gymnasium's 100 steps. "
        f"Policy iteration converges in {metrics['pi_iterations']} improvements. After {steps} "
        f"steps Q-learning's greedy policy succeeds with probability "
        f"{metrics['q_learning_success_exact']:.3f} (exact; simulated "
        f"{metrics['q_learning_success_simulated']:.3f} ± "
        f"{metrics['q_learning_success_simulated_se']:.3f} over {n_eval} episodes), SARSA's with "
        f"{metrics['sarsa_success_exact']:.3f}. On the grid world Q-learning's greedy policy "
        f"agrees with value iteration's in {metrics['gridworld_policy_agreement']:.0%} of the "
        "free cells."
    )
    headline = ("Q-learning success (exact, 100 steps)", metrics["q_learning_success_exact"])
    return DemoOutput(metrics, figures, text, headline)
