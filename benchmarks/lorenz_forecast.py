"""Valid prediction time on Lorenz-63: RNN, LSTM, GRU, WaveNet and a linear AR baseline.

Data: Lorenz-63 (sigma=10, rho=28, beta=8/3) at dt=0.02, RK4 with internal step 0.002
(``scidl.data.make_lorenz63``): ``--train-steps`` (20,000) frames of one trajectory for
training, and ``--starts`` (100) independent test trajectories (other seeds), each read for
``--context`` (200) frames and then forecast autoregressively for ``--horizon`` (500) steps.

Recipe (the same for every neural model): standardised frames, residual (increment)
output, teacher forcing on windows of 32 frames, Adam at lr 3e-3 with a cosine schedule
over 15 epochs, batch 64, gradient norm clipped at 1. Undertrained models (5 epochs) stay
near 2-2.6 Lyapunov times; the cosine decay to a small learning rate is what lowers the
one-step error enough for long forecasts.

Valid prediction time (Pathak et al., PRL 120, 024102, 2018): the time before the
normalised error ``||x_hat - x|| / sqrt(<||x - <x>||^2>)`` (normaliser from the training
trajectory) first exceeds 0.4, in Lyapunov times ``lambda_1 t`` with ``lambda_1 = 0.906``;
averaged over the starts.

Run: ``python benchmarks/lorenz_forecast.py [--only LSTM ...] [--threads 1]`` (about 30-40
min of one core for all five models; ``--only`` runs a subset, e.g. in parallel
processes). Prints a table model / fit time / valid time (mean, median, sem, min, max)
and the ratio of the best model to the linear baseline; ``--json PATH`` also writes the
numbers and the mean error curves.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from scidl.data import make_lorenz63
from scidl.sequence import (
    LinearAutoregressive,
    RNNForecaster,
    WaveNet,
    normalized_error,
    valid_prediction_time,
)

LAMBDA_1 = 0.906  # largest Lyapunov exponent of Lorenz-63 (Sprott 2003)


def models(
    epochs,
    hidden,
    seed,
    *,
    lr=3e-3,
    lr_schedule=None,
    teacher_forcing=True,
    window=32,
    noise_std=0.0,
    batch_size=64,
):
    common = {
        "max_epochs": epochs,
        "lr": lr,
        "batch_size": batch_size,
        "validation_fraction": 0,
        "lr_schedule": lr_schedule,
        "teacher_forcing": teacher_forcing,
        "warmup": 8,
        "noise_std": noise_std,
        "random_state": seed,
    }
    return {
        "linear AR(8)": LinearAutoregressive(order=8),
        "RNN": RNNForecaster("rnn", hidden_sizes=(hidden,), window=window, **common),
        "LSTM": RNNForecaster("lstm", hidden_sizes=(hidden,), window=window, **common),
        "GRU": RNNForecaster("gru", hidden_sizes=(hidden,), window=window, **common),
        "WaveNet": WaveNet(
            residual_channels=32, dilations=(1, 2, 4, 8, 16, 32), window=window, **common
        ),
    }


def evaluate(model, tests, context, horizon, scale, dt):
    histories = np.stack([t[:context] for t in tests])
    truth = np.stack([t[context : context + horizon] for t in tests])
    pred = model.forecast(histories, horizon)
    vpt = valid_prediction_time(truth, pred, scale=scale, dt=dt) * LAMBDA_1
    return vpt, normalized_error(truth, pred, scale=scale)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train-steps", type=int, default=20000)
    parser.add_argument("--starts", type=int, default=100)
    parser.add_argument("--context", type=int, default=200)
    parser.add_argument("--horizon", type=int, default=500)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--dt", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--lr-schedule", default="cosine")
    parser.add_argument("--teacher-forcing", type=float, default=1.0)
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--noise", type=float, default=0.0, help="noise_std of the inputs")
    parser.add_argument("--only", nargs="*", default=None, help="model names to run")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    train = make_lorenz63(args.train_steps, dt=args.dt, random_state=args.seed)
    tests = make_lorenz63(
        args.context + args.horizon,
        dt=args.dt,
        n_trajectories=args.starts,
        random_state=args.seed + 1000,
    )
    scale = float(np.sqrt(np.mean(np.sum((train - train.mean(0)) ** 2, axis=1))))
    print(
        f"Lorenz-63 dt={args.dt}: train {args.train_steps} frames; {args.starts} starts, "
        f"context {args.context}, horizon {args.horizon} steps "
        f"({args.horizon * args.dt * LAMBDA_1:.1f} Lyapunov times); scale {scale:.3f}"
    )
    results = {}
    print(f"{'model':<14}{'fit s':>8}{'VPT mean':>10}{'median':>8}{'sem':>7}{'min':>6}{'max':>6}")
    for name, model in models(
        args.epochs,
        args.hidden,
        args.seed,
        lr=args.lr,
        lr_schedule=args.lr_schedule,
        teacher_forcing=args.teacher_forcing,
        window=args.window,
        noise_std=args.noise,
        batch_size=args.batch_size,
    ).items():
        if args.only and name not in args.only:
            continue
        t0 = time.perf_counter()
        model.fit(train)
        fit_s = time.perf_counter() - t0
        vpt, err = evaluate(model, tests, args.context, args.horizon, scale, args.dt)
        sem = vpt.std(ddof=1) / np.sqrt(len(vpt))
        results[name] = {
            "fit_s": fit_s,
            "vpt": vpt.tolist(),
            "error_curve": err.mean(axis=0).tolist(),
        }
        print(
            f"{name:<14}{fit_s:8.1f}{vpt.mean():10.2f}{np.median(vpt):8.2f}{sem:7.2f}"
            f"{vpt.min():6.2f}{vpt.max():6.2f}",
            flush=True,
        )
    means = {k: float(np.mean(v["vpt"])) for k, v in results.items()}
    if "linear AR(8)" in means and len(means) > 1:
        best = max((k for k in means if k != "linear AR(8)"), key=means.get)
        ratio = means[best] / max(means["linear AR(8)"], 1e-12)
        print(
            f"best: {best} {means[best]:.2f} Lyapunov times; "
            f"{ratio:.1f}x the linear baseline ({means['linear AR(8)']:.2f})"
        )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"args": vars(args), "results": results}, fh)


if __name__ == "__main__":
    main()
