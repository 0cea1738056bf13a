"""RNNForecaster: backpropagation through time, long-lag memory, batching, forecasting."""

import numpy as np
import pytest
import torch

import scidl
from scidl.data import make_lorenz63
from scidl.sequence import (
    ForecastStep,
    RNNForecaster,
    RNNForecasterModule,
    normalized_error,
    valid_prediction_time,
)


@pytest.fixture(scope="module")
def lorenz():
    return make_lorenz63(1500, dt=0.02, max_step=0.005, random_state=0)


@pytest.fixture(scope="module")
def gru(lorenz):
    return RNNForecaster(
        "gru",
        hidden_sizes=(16,),
        window=16,
        max_epochs=3,
        lr=3e-3,
        dtype="float64",
        validation_fraction=0,
        random_state=0,
    ).fit(lorenz)


# -- gradients through time -------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("teacher_forcing", [1.0, 0.0])
def test_bptt_gradient_equals_finite_differences(cell, teacher_forcing):
    torch.manual_seed(0)
    net = RNNForecasterModule(2, (3,), cell=cell).double()
    windows = torch.randn(2, 7, 2, dtype=torch.float64)
    step = ForecastStep(teacher_forcing=teacher_forcing, warmup=2)  # 0: a free-running rollout

    def loss():
        pred = step.predictions(net, windows, sample=False)
        return torch.nn.functional.mse_loss(pred, windows[:, 1:])

    net.zero_grad()
    loss().backward()
    h = 1e-6
    for name, p in net.named_parameters():
        numeric = torch.zeros_like(p)
        with torch.no_grad():
            for i in range(p.numel()):
                flat = p.view(-1)
                old = float(flat[i])
                flat[i] = old + h
                up = float(loss())
                flat[i] = old - h
                down = float(loss())
                flat[i] = old
                numeric.view(-1)[i] = (up - down) / (2 * h)
        torch.testing.assert_close(p.grad, numeric, rtol=1e-5, atol=1e-8, msg=name)


# -- memory over a long lag ---------------------------------------------------------------------
def _recall_task(n, lag, rng):
    """Sequences ``[b, 0, ..., 0, b]``: the last frame repeats the sign bit of the first,
    ``lag`` frames later; no frame in between carries it."""
    bits = rng.choice([-1.0, 1.0], size=n)
    seq = np.zeros((n, lag + 2, 1))
    seq[:, 0, 0] = bits
    seq[:, -1, 0] = bits
    return list(seq), bits


def _recall_accuracy(model, seqs, bits):
    pred = np.stack(model.predict(seqs))[:, -2, 0]  # the forecast of the last frame
    return float(np.mean(np.sign(pred) == bits))


def test_gated_cells_recall_over_a_long_lag_where_a_vanilla_rnn_fails():
    rng = np.random.default_rng(0)
    lag = 30
    train, _ = _recall_task(512, lag, rng)
    test, bits = _recall_task(256, lag, rng)
    acc = {}
    for cell in ("rnn", "lstm"):
        model = RNNForecaster(
            cell,
            hidden_sizes=(16,),
            window=lag + 1,
            max_epochs=30,
            lr=1e-2,
            batch_size=32,
            validation_fraction=0,
            random_state=0,
        ).fit(train)
        acc[cell] = _recall_accuracy(model, test, bits)
    # the gap: the LSTM remembers the bit, the RNN of the same width guesses (~0.5)
    assert acc["lstm"] >= 0.95, acc
    assert acc["rnn"] <= 0.75, acc


# -- batching, forecasting, scoring -------------------------------------------------------------
def test_batched_variable_length_sequences_equal_one_at_a_time(gru, lorenz):
    trajs = [lorenz[:50], lorenz[100:180], lorenz[300:330]]
    batched = gru.predict(trajs)
    for b, t in zip(batched, trajs):
        np.testing.assert_allclose(b, gru.predict(t), rtol=1e-10, atol=1e-10)
    forecasts = gru.forecast(trajs, 25)
    for f, t in zip(forecasts, trajs):
        np.testing.assert_allclose(f, gru.forecast(t, 25), rtol=1e-10, atol=1e-10)


def test_forecast_feeds_back_its_own_predictions(gru, lorenz):
    history = lorenz[:60]
    f = gru.forecast(history, 3)
    np.testing.assert_allclose(f[0], gru.predict(history)[-1], rtol=1e-10)
    extended = np.vstack([history, f[:1]])
    np.testing.assert_allclose(f[1], gru.predict(extended)[-1], rtol=1e-10)
    np.testing.assert_allclose(f[2], gru.predict(np.vstack([extended, f[1:2]]))[-1], rtol=1e-10)


def _persistence_score(X, window, horizon, scale):
    errs = [
        ((X[s : s + horizon] - X[s - 1]) / scale) ** 2 for s in range(window, len(X) - horizon + 1)
    ]
    return -float(np.mean(errs))


def test_trained_forecaster_beats_persistence(gru, lorenz):
    held_out = make_lorenz63(400, dt=0.02, max_step=0.005, random_state=5)
    persistence = _persistence_score(held_out, gru.window_, gru.horizon, gru.scale_)
    assert gru.score(held_out) > persistence
    one_step = np.mean(((gru.predict(held_out)[:-1] - held_out[1:]) / gru.scale_) ** 2)
    assert one_step < 0.2 * np.mean(((held_out[:-1] - held_out[1:]) / gru.scale_) ** 2)


def test_free_running_training_and_scheduled_sampling_run_and_differ(lorenz):
    kw = {"hidden_sizes": (8,), "window": 12, "warmup": 4, "max_epochs": 1, "random_state": 0}
    losses = {
        tf: RNNForecaster("lstm", teacher_forcing=tf, **kw).fit(lorenz).history_["train_loss"][0]
        for tf in (True, 0.5, False)
    }
    # teacher forcing sees true inputs: its loss is the smallest; free running the largest
    assert losses[True] < losses[0.5] < losses[False]


def test_training_noise_perturbs_the_inputs_only_in_training():
    torch.manual_seed(0)
    net = RNNForecasterModule(2, (4,), cell="lstm").double()
    windows = torch.randn(3, 6, 2, dtype=torch.float64)
    clean = ForecastStep().predictions(net, windows)
    noisy = ForecastStep(noise_std=0.1)
    torch.testing.assert_close(noisy.predictions(net, windows, sample=False), clean)
    assert not torch.allclose(noisy.predictions(net, windows), clean)
    # the inputs are perturbed, the residual targets are not: the trained loss includes noise
    X = make_lorenz63(300, dt=0.02, max_step=0.005, random_state=0)
    kw = {"hidden_sizes": (4,), "window": 8, "max_epochs": 1, "random_state": 0}
    quiet = RNNForecaster("gru", **kw).fit(X).history_["train_loss"][0]
    loud = RNNForecaster("gru", noise_std=0.5, **kw).fit(X).history_["train_loss"][0]
    assert loud > quiet


def test_list_input_training_never_crosses_trajectories():
    # two constant trajectories: every window lies inside one, so the 0 -> 1 jump between
    # them is never a target and persistence (what the residual net learns) is exact
    trajs = [np.zeros((40, 1)), np.ones((40, 1))]
    kw = {"hidden_sizes": (4,), "window": 8, "max_epochs": 30, "lr": 1e-2, "random_state": 0}
    model = RNNForecaster("gru", validation_fraction=0, **kw).fit(trajs)
    pred = model.predict(trajs)
    np.testing.assert_allclose(pred[0][5:], 0.0, atol=0.1)
    np.testing.assert_allclose(pred[1][5:], 1.0, atol=0.1)
    # a list and the equivalent (n, T, d) array are the same data
    stacked = RNNForecaster("gru", validation_fraction=0, **kw).fit(np.stack(trajs))
    np.testing.assert_array_equal(stacked.predict(np.stack(trajs)), np.stack(pred))


def test_save_and_load_give_the_same_forecasts(gru, lorenz, tmp_path):
    path = tmp_path / "gru.scidl"
    gru.save(path)
    loaded = scidl.load(path)
    np.testing.assert_array_equal(loaded.forecast(lorenz[:50], 10), gru.forecast(lorenz[:50], 10))


# -- valid prediction time -----------------------------------------------------------------------
def test_valid_prediction_time_counts_steps_before_the_first_exceedance():
    truth = np.zeros((2, 6, 2))
    pred = np.zeros((2, 6, 2))
    pred[0, 3] = [0.3, 0.4]  # error 0.5 > 0.4 at step 4
    pred[1, 0] = [0.0, 0.41]  # exceeds at the first step
    np.testing.assert_allclose(normalized_error(truth, pred, scale=1.0)[0, 3], 0.5)
    np.testing.assert_allclose(valid_prediction_time(truth, pred, scale=1.0, dt=0.1), [0.3, 0.0])
    assert valid_prediction_time(truth[0], truth[0], scale=1.0) == 6.0  # never exceeds


def test_valid_prediction_time_default_scale_is_the_rms_distance_from_the_mean():
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(50, 3))
    scale = np.sqrt(np.mean(np.sum((truth - truth.mean(0)) ** 2, axis=1)))
    pred = truth + 0.1
    np.testing.assert_allclose(
        normalized_error(truth, pred), np.sqrt(3 * 0.01) / scale * np.ones(50)
    )


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"threshold": 0}, ValueError, "threshold"),
        ({"dt": "1"}, TypeError, "dt"),
        ({"scale": -1.0}, ValueError, "scale"),
    ],
)
def test_valid_prediction_time_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        valid_prediction_time(np.zeros((3, 2)), np.zeros((3, 2)), **kwargs)
    with pytest.raises(ValueError, match="y_pred"):
        valid_prediction_time(np.zeros((3, 2)), np.zeros((4, 2)))


def test_forecast_rejects_bad_n_steps(gru, lorenz):
    with pytest.raises(ValueError, match="n_steps"):
        gru.forecast(lorenz[:10], 0)
    with pytest.raises(TypeError, match="n_steps"):
        gru.forecast(lorenz[:10], 2.0)
    with pytest.raises(ValueError, match="features"):
        gru.forecast([lorenz[:10], lorenz[:10, :2]], 2)


# -- the linear baseline -----------------------------------------------------------------------
def test_linear_autoregressive_equals_least_squares_on_lagged_frames(lorenz):
    from sklearn.linear_model import LinearRegression

    from scidl.sequence import LinearAutoregressive

    p = 3
    ar = LinearAutoregressive(order=p, alpha=0.0).fit(lorenz)
    z = (lorenz - ar.mean_) / ar.scale_
    n = len(z) - p
    design = np.hstack([z[k : k + n] for k in range(p)])
    ref = LinearRegression().fit(design, z[p:] - z[p - 1 : -1])
    # the module's one-step predictions at full-context positions equal the regression's
    pred = (ar.predict(lorenz)[p - 1 : -1] - ar.mean_) / ar.scale_ - z[p - 1 : -1]
    np.testing.assert_allclose(pred, ref.predict(design), rtol=0, atol=1e-6)  # increments ~0.1


# -- Langevin trajectories: the learned one-step map is the known drift ---------------------------
def test_learns_the_drift_of_langevin_walkers():
    from scidl.data import get_potential, simulate_langevin

    # Euler-Maruyama frames 10 steps of dt=1e-3 apart: E[x_{t+1} - x_t | x_t] ~ -V'(x_t) 0.01
    walkers = simulate_langevin("double_well", 500, n_walkers=24, stride=10, random_state=0)
    model = RNNForecaster(
        "gru",
        hidden_sizes=(8,),
        window=8,
        max_epochs=4,
        lr=1e-2,
        validation_fraction=0,
        random_state=0,
    ).fit(walkers[:16])  # a (walkers, frames, 1) stack of trajectories
    held = walkers[16:]
    pred = model.predict(held)
    step = (pred[:, :-1] - held[:, :-1]).ravel()
    drift = -get_potential("double_well").gradient(held[:, :-1]).ravel()
    assert np.corrcoef(step, drift)[0, 1] > 0.7
    mse = np.mean((pred[:, :-1] - held[:, 1:]) ** 2)
    assert mse < np.mean((held[:, :-1] - held[:, 1:]) ** 2)  # better than persistence
