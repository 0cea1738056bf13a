"""Demo "rnn-forecasting": RNN, LSTM, GRU and WaveNet forecasts of the Lorenz-63 system."""

from __future__ import annotations

import time

import numpy as np

from scidl.demos._registry import DemoOutput, register

LAMBDA_1 = 0.906  # largest Lyapunov exponent of Lorenz-63 (Sprott 2003)
_FULL = {
    "n_train": 12000,
    "epochs": 12,
    "hidden": 32,
    "channels": 16,
    "dilations": (1, 2, 4, 8),
    "n_starts": 20,
    "horizon": 400,
    "attractor_steps": 3000,
}
_QUICK = {
    "n_train": 1000,
    "epochs": 1,
    "hidden": 12,
    "channels": 8,
    "dilations": (1, 2, 4),
    "n_starts": 5,
    "horizon": 100,
    "attractor_steps": 200,
}
_DT = 0.02  # time between frames
_CONTEXT = 100  # frames each forecast reads before it starts


@register("rnn-forecasting", "Recurrent forecasters of a chaotic system", chapter=10, position=1)
def run(*, quick=False, random_state=0):
    """Forecast Lorenz-63 with an RNN, LSTM, GRU, WaveNet and a linear autoregression.

    Each model is trained by teacher forcing on one trajectory, then forecasts
    ``n_starts`` independent test trajectories autoregressively after reading
    ``_CONTEXT`` frames. The valid prediction time is the time before the normalised
    error ``||x_hat - x|| / sqrt(<||x - <x>||^2>)`` first exceeds 0.4 (Pathak et al.
    2018), in Lyapunov times ``lambda_1 t`` with ``lambda_1 = 0.906``. A GRU is also
    trained on overdamped Langevin walkers in scidl's double-well potential.

    Returns
    -------
    DemoOutput
        ``metrics`` (valid time per model, mean and median, one-step errors, the
        Langevin scores), ``figures`` (forecast against truth, error against horizon,
        valid-time bars, attractors), ``text`` and the headline (the best model's mean
        valid time in Lyapunov times).
    """
    from scidl.data import get_potential, make_lorenz63, simulate_langevin
    from scidl.plot import plot_attractors, plot_forecast, plot_forecast_error, plot_valid_times
    from scidl.sequence import (
        LinearAutoregressive,
        RNNForecaster,
        WaveNet,
        normalized_error,
        valid_prediction_time,
    )

    start = time.perf_counter()
    s = dict(_QUICK if quick else _FULL)
    train = make_lorenz63(s["n_train"], dt=_DT, random_state=random_state)
    tests = make_lorenz63(
        _CONTEXT + s["horizon"],
        dt=_DT,
        n_trajectories=s["n_starts"],
        random_state=random_state + 1,
    )
    scale = float(np.sqrt(np.mean(np.sum((train - train.mean(0)) ** 2, axis=1))))
    common = {
        "max_epochs": s["epochs"],
        "lr": 3e-3,
        "lr_schedule": "cosine",
        "window": 32,
        "validation_fraction": 0,
        "random_state": random_state,
    }
    models = {
        "linear AR": LinearAutoregressive(order=8),
        "RNN": RNNForecaster("rnn", hidden_sizes=(s["hidden"],), **common),
        "LSTM": RNNForecaster("lstm", hidden_sizes=(s["hidden"],), **common),
        "GRU": RNNForecaster("gru", hidden_sizes=(s["hidden"],), **common),
        "WaveNet": WaveNet(residual_channels=s["channels"], dilations=s["dilations"], **common),
    }
    histories = tests[:, :_CONTEXT]
    truth = tests[:, _CONTEXT:]
    metrics, vpts, errors, forecasts, fit_seconds = {}, {}, {}, {}, {}
    for name, model in models.items():
        t0 = time.perf_counter()
        model.fit(train)
        fit_seconds[name] = time.perf_counter() - t0
        pred = model.forecast(histories, s["horizon"])
        vpts[name] = valid_prediction_time(truth, pred, scale=scale, dt=_DT) * LAMBDA_1
        errors[name] = normalized_error(truth, pred, scale=scale)
        forecasts[name] = pred[0]
        key = name.lower().replace(" ", "_")
        metrics[f"vpt_{key}"] = float(vpts[name].mean())
        metrics[f"vpt_median_{key}"] = float(np.median(vpts[name]))
        metrics[f"fit_seconds_{key}"] = fit_seconds[name]
    best = max((k for k in vpts if k != "linear AR"), key=lambda k: vpts[k].mean())
    metrics["best_model"] = best
    metrics["best_over_linear"] = float(vpts[best].mean() / max(vpts["linear AR"].mean(), 1e-12))

    # free-running attractors: the best model and the linear one, from a test history
    n_att = s["attractor_steps"]
    attractors = {"truth": make_lorenz63(n_att, dt=_DT, random_state=random_state + 2)}
    for name in (best, "WaveNet" if best != "WaveNet" else "LSTM", "linear AR"):
        attractors[name] = models[name].forecast(histories[0], n_att)

    # Langevin walkers in the double well (a stack of trajectories, stochastic dynamics):
    # the best one-step forecast is the drift, E[x_{t+1} - x_t | x_t] ~ -V'(x_t) * 10 dt
    walkers = simulate_langevin(
        "double_well",
        200 if quick else 500,
        n_walkers=8 if quick else 24,
        stride=10,
        random_state=random_state,
    )
    n_fit = len(walkers) * 2 // 3
    lang = RNNForecaster(
        "gru",
        hidden_sizes=(8,),
        window=8,
        max_epochs=1 if quick else 4,
        lr=1e-2,
        validation_fraction=0,
        random_state=random_state,
    ).fit(walkers[:n_fit])
    held = walkers[n_fit:]
    pred = lang.predict(held)
    drift = -get_potential("double_well").gradient(held[:, :-1]).ravel()
    metrics["langevin_drift_correlation"] = float(
        np.corrcoef((pred[:, :-1] - held[:, :-1]).ravel(), drift)[0, 1]
    )
    metrics["langevin_one_step_mse"] = float(np.mean((pred[:, :-1] - held[:, 1:]) ** 2))
    metrics["langevin_one_step_mse_persistence"] = float(np.mean((held[:, :-1] - held[:, 1:]) ** 2))
    metrics.update(
        dt=_DT,
        n_train=int(s["n_train"]),
        n_starts=int(s["n_starts"]),
        epochs=int(s["epochs"]),
        seconds=time.perf_counter() - start,
    )

    figures = {
        "forecast": plot_forecast(
            truth[0],
            {k: forecasts[k] for k in ("linear AR", "LSTM", "WaveNet")},
            dt=_DT,
            lyapunov_exponent=LAMBDA_1,
            feature_names=("x", "y", "z"),
            title="Lorenz-63: forecasts from one test start",
        ),
        "error_vs_horizon": plot_forecast_error(errors, dt=_DT, lyapunov_exponent=LAMBDA_1),
        "valid_times": plot_valid_times(vpts),
        "attractors": plot_attractors(attractors, title="Attractors: truth and free-running"),
    }
    text = (
        "Lorenz-63 (sigma=10, rho=28, beta=8/3; dt=0.02, RK4) is chaotic: errors grow like "
        "exp(0.906 t), so no forecast stays valid for long, and the valid prediction time "
        "(normalised error first above 0.4) in Lyapunov times measures how much of the "
        f"dynamics a model has learned. Averaged over {s['n_starts']} test starts: "
        + ", ".join(f"{k} {vpts[k].mean():.2f}" for k in vpts)
        + f" Lyapunov times; the best ({best}) is {metrics['best_over_linear']:.1f}x the linear "
        "autoregression, which cannot represent the quadratic nonlinearity. This demo trains for "
        "under a minute; benchmarks/lorenz_forecast.py (20,000 frames, 15 epochs) measures about "
        "4 Lyapunov times for the LSTM and GRU, where tuned reservoir computers reach far "
        "more on noiseless Lorenz-63 data (over 30 in Hurley and Shaheen, arXiv:2508.06730, "
        "2025; Bompas et al., arXiv:2008.04222, also find echo state networks ahead of LSTMs). "
        "Run free, a good forecaster stays on a butterfly "
        "(the attractor plot) long after it has lost the exact trajectory. On stochastic "
        "Langevin walkers in a double well the best one-step forecast is the drift: the "
        "GRU's predicted steps correlate with -V'(x) at "
        f"{metrics['langevin_drift_correlation']:.2f}, and its one-step error is "
        f"{metrics['langevin_one_step_mse']:.4f} against persistence's "
        f"{metrics['langevin_one_step_mse_persistence']:.4f}."
    )
    if quick:
        text += f" (Quick mode: {s['epochs']} epoch, tiny models; numbers are not converged.)"
    headline = (
        f"best valid prediction time ({best}, Lyapunov times)",
        metrics[f"vpt_{best.lower()}"],
    )
    return DemoOutput(metrics, figures, text, headline)
