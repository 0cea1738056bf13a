"""Demo: deep reinforcement learning on CartPole-v1 (DQN, A2C, REINFORCE) and a grid world."""

from __future__ import annotations

from scidl.demos._registry import DemoOutput, register


@register(
    "deep-rl",
    "DQN, A2C and REINFORCE on CartPole; a learned grid-world episode",
    chapter=11,
    position=3,
)
def run(*, quick=False, random_state=0):
    """Learning curves of three deep agents on CartPole-v1 and one rendered episode.

    Every agent trains through scidl's one training loop (a rollout collector
    is its data, its update a Step) and is evaluated every ``eval_freq``
    steps by 10 greedy episodes. DQN uses the stable-baselines3 zoo's tuned
    CartPole hyperparameters and stops when the evaluation reaches the
    maximum return 500. Quick mode uses a few thousand steps (the curves
    then only start to rise). An A2C agent learns scidl's grid world; its
    greedy episode is rendered with matplotlib and animated as a GIF.
    """
    import numpy as np

    from scidl.plot import episode_animation, plot_return_curves
    from scidl.rl import A2C, DQN, REINFORCE, GridWorld, record_episode

    seeds = [random_state] if quick else [random_state + k for k in range(3)]
    pg_steps = 4000 if quick else 25_000
    eval_freq = 1000 if quick else 2500
    runs, metrics = {}, {}
    for name, cls, kw in (
        ("A2C", A2C, dict(lr=3e-3)),
        ("REINFORCE", REINFORCE, dict(lr=3e-3)),
    ):
        agents = [
            cls(eval_freq=eval_freq, random_state=s, **kw).learn("CartPole-v1", pg_steps)
            for s in seeds
        ]
        runs[name] = agents
        metrics[f"{name.lower()}_final_eval_return"] = [
            float(a.history_["eval_return"][-1]) for a in agents
        ]
    if not quick:
        dqn = DQN(eval_freq=2048, target_return=500.0, random_state=random_state)
        dqn.learn("CartPole-v1", 50_000)
        runs["DQN (zoo hyperparameters)"] = [dqn]
        metrics["dqn_steps_to_500"] = dqn.solved_at_
        metrics["dqn_best_eval_return"] = float(np.max(dqn.history_["eval_return"]))
    figures = {
        "cartpole_learning_curves": plot_return_curves(
            runs, target=500, title="CartPole-v1: greedy return (10 episodes)"
        )
    }

    world_agent = A2C(lr=0.01, ent_coef=0.01, random_state=random_state)
    world_agent.learn(GridWorld(), 6000)
    frames = record_episode(world_agent, GridWorld(render_mode="rgb_array"))
    figures["gridworld_episode"] = episode_animation(frames, fps=3)
    world_return = float(world_agent.evaluate(GridWorld(), 1)[0])
    metrics["gridworld_a2c_return"] = world_return
    metrics["gridworld_optimal_return"] = 0.68
    metrics["gridworld_episode_frames"] = len(frames)
    metrics["seeds"] = len(seeds)

    best = max(np.mean(v) for k, v in metrics.items() if k.endswith("_final_eval_return"))
    dqn_text = (
        f" DQN with the zoo hyperparameters reached 500 after {metrics['dqn_steps_to_500']} steps."
        if not quick
        else ""
    )
    text = (
        f"CartPole-v1, {len(seeds)} seed(s), {pg_steps} steps: final greedy returns A2C "
        f"{metrics['a2c_final_eval_return']}, REINFORCE {metrics['reinforce_final_eval_return']}."
        f"{dqn_text} On the grid world A2C's greedy episode returns {world_return:.2f} (the "
        f"shortest path gives 0.68), animated in {len(frames)} frames."
    )
    headline = (
        ("DQN steps to return 500", metrics["dqn_steps_to_500"])
        if not quick
        else ("best mean final return (quick)", float(best))
    )
    return DemoOutput(metrics, figures, text, headline)
