"""DQN on CartPole-v1: scidl versus stable-baselines3, both with the rl-zoo hyperparameters.

Two measurements in one process, both libraries on one thread:

1. Steps to solve, per seed: each agent is evaluated (mean return of 10 greedy
   episodes, the same evaluation routine and seeds for both) every
   ``--eval-freq`` environment steps and training stops at the first mean of
   500 (the maximum) or at ``--timesteps``. Printed: steps-to-solve and wall
   time per seed and library (wall time includes the evaluations).
2. Throughput: environment steps per second of DQN training alone (no
   evaluation) for ``--speed-steps`` steps, same network (256, 256) and update
   schedule (train_freq 256, gradient_steps 128, batch 64), interleaved
   repeats; the printed ratio is scidl's time over stable-baselines3's
   (<= 1.0: scidl at least as fast).

Hyperparameters: rl-baselines3-zoo ``hyperparams/dqn.yml``, CartPole-v1 (lr 2.3e-3,
batch 64, buffer 1e5, learning_starts 1000, gamma 0.99, target_update_interval 10,
train_freq 256, gradient_steps 128, exploration_fraction 0.16, final epsilon 0.04,
net_arch [256, 256]).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/rl.py                      # 5 seeds, 50k steps
    OMP_NUM_THREADS=1 python benchmarks/rl.py --seeds 1 --timesteps 5000 --speed-steps 3000
"""

from __future__ import annotations

import argparse
import time

import gymnasium
import numpy as np
import torch

from scidl.rl import DQN

ZOO = dict(
    lr=2.3e-3,
    batch_size=64,
    buffer_size=100_000,
    learning_starts=1000,
    gamma=0.99,
    target_update_interval=10,
    train_freq=256,
    gradient_steps=128,
    exploration_fraction=0.16,
    epsilon_end=0.04,
    hidden_sizes=(256, 256),
)


def evaluate(act, n_episodes, seed):
    """Mean return of greedy episodes; the same routine as scidl's Agent.evaluate."""
    env = gymnasium.make("CartPole-v1")
    returns = []
    obs, _ = env.reset(seed=seed)
    for i in range(n_episodes):
        if i:
            obs, _ = env.reset()
        total, done = 0.0, False
        while not done:
            obs, r, term, trunc, _ = env.step(act(obs))
            total += r
            done = term or trunc
        returns.append(total)
    return float(np.mean(returns))


def sb3_dqn(seed):
    from stable_baselines3 import DQN as SB3DQN

    return SB3DQN(
        "MlpPolicy",
        gymnasium.make("CartPole-v1"),
        learning_rate=ZOO["lr"],
        batch_size=ZOO["batch_size"],
        buffer_size=ZOO["buffer_size"],
        learning_starts=ZOO["learning_starts"],
        gamma=ZOO["gamma"],
        target_update_interval=ZOO["target_update_interval"],
        train_freq=ZOO["train_freq"],
        gradient_steps=ZOO["gradient_steps"],
        exploration_fraction=ZOO["exploration_fraction"],
        exploration_final_eps=ZOO["epsilon_end"],
        policy_kwargs=dict(net_arch=[256, 256]),
        seed=seed,
        device="cpu",
        verbose=0,
    )


def run_sb3(seed, timesteps, eval_freq, n_eval, target):
    from stable_baselines3.common.callbacks import BaseCallback

    model = sb3_dqn(seed)
    solved = {"at": None}
    eval_seed = 10_000 + seed

    class Eval(BaseCallback):
        def _on_step(self):
            if eval_freq and self.num_timesteps % eval_freq == 0:
                act = lambda o: int(model.predict(o, deterministic=True)[0])  # noqa: E731
                if evaluate(act, n_eval, eval_seed) >= target:
                    solved["at"] = self.num_timesteps
                    return False
            return True

    t0, c0 = time.perf_counter(), time.process_time()
    model.learn(total_timesteps=timesteps, callback=Eval() if eval_freq else None)
    return solved["at"], time.perf_counter() - t0, time.process_time() - c0


def run_scidl(seed, timesteps, eval_freq, n_eval, target):
    agent = DQN(
        **ZOO,
        eval_freq=eval_freq,
        n_eval_episodes=n_eval,
        target_return=target if eval_freq else None,
        device="cpu",
        random_state=seed,
    )
    t0, c0 = time.perf_counter(), time.process_time()
    agent.learn("CartPole-v1", timesteps)
    return agent.solved_at_, time.perf_counter() - t0, time.process_time() - c0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--timesteps", type=int, default=50_000)
    parser.add_argument("--eval-freq", type=int, default=1024)
    parser.add_argument("--n-eval", type=int, default=10)
    parser.add_argument("--speed-steps", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-sb3-solve", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)

    print(
        f"# steps to solve (mean eval return 500 over {args.n_eval} episodes, checked every "
        f"{args.eval_freq} steps, budget {args.timesteps})",
        flush=True,
    )
    print("(wall: elapsed seconds; cpu: this process's CPU seconds, robust on a shared machine)")
    print(
        "seed  scidl_steps  scidl_wall_s  scidl_cpu_s  sb3_steps  sb3_wall_s  sb3_cpu_s", flush=True
    )
    rows = []
    for seed in range(args.seeds):
        s_at, s_t, s_c = run_scidl(seed, args.timesteps, args.eval_freq, args.n_eval, 500.0)
        if args.skip_sb3_solve:
            b_at, b_t, b_c = None, float("nan"), float("nan")
        else:
            b_at, b_t, b_c = run_sb3(seed, args.timesteps, args.eval_freq, args.n_eval, 500.0)
        rows.append((s_at, s_t, b_at, b_t))
        print(
            f"{seed:4d}  {s_at!s:>11}  {s_t:12.1f}  {s_c:11.1f}  {b_at!s:>9}  {b_t:10.1f}  "
            f"{b_c:9.1f}",
            flush=True,
        )
    s_ok = sum(r[0] is not None for r in rows)
    b_ok = sum(r[2] is not None for r in rows)
    print(f"solved within {args.timesteps}: scidl {s_ok}/{len(rows)}, sb3 {b_ok}/{len(rows)}")
    for name, i in (("scidl", 0), ("sb3", 2)):
        solved = [r[i] for r in rows if r[i] is not None]
        if solved:
            print(f"{name}: median steps-to-solve {np.median(solved):.0f} (solved seeds)")

    if args.repeats < 1:
        return
    print(
        f"\n# training throughput, {args.speed_steps} steps, no evaluation, "
        f"{args.repeats} interleaved repeats",
        flush=True,
    )
    s_times, b_times, s_cpu, b_cpu = [], [], [], []
    for r in range(args.repeats):
        _, t, c = run_scidl(100 + r, args.speed_steps, None, args.n_eval, 500.0)
        s_times.append(t)
        s_cpu.append(c)
        _, t, c = run_sb3(100 + r, args.speed_steps, None, args.n_eval, 500.0)
        b_times.append(t)
        b_cpu.append(c)
        print(
            f"repeat {r}: scidl {s_times[-1]:.2f} s wall {s_cpu[-1]:.2f} s cpu, "
            f"sb3 {b_times[-1]:.2f} s wall {b_cpu[-1]:.2f} s cpu",
            flush=True,
        )
    for what, s_list, b_list in (("wall", s_times, b_times), ("cpu", s_cpu, b_cpu)):
        s_med, b_med = np.median(s_list), np.median(b_list)
        print(
            f"{what}: scidl {args.speed_steps / s_med:.0f} steps/s, sb3 "
            f"{args.speed_steps / b_med:.0f} steps/s; time ratio scidl/sb3 = "
            f"{s_med / b_med:.2f} (<= 1.0: scidl at least as fast)"
        )


if __name__ == "__main__":
    main()
