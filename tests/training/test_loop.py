import math

import numpy as np
import pytest
import torch
from torch import nn

from scidl.training import (
    OPTIMIZERS,
    Callback,
    Checkpoint,
    DivergenceError,
    EarlyStopping,
    History,
    Recorder,
    Step,
    load_checkpoint,
    make_optimizer,
    make_scheduler,
    train,
)
from scidl.training._loop import _in_memory_batches


def _line_data(n=256, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, generator=g) * 2 - 1
    return x, 2.0 * x + 1.0


def test_sgd_recovers_line():
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    x, y = _line_data()
    hist = train(
        model,
        (x, y),
        loss_fn=nn.functional.mse_loss,
        optimizer="sgd",
        lr=0.5,
        batch_size=32,
        max_epochs=60,
        verbose=0,
    )
    assert model.weight.item() == pytest.approx(2.0, abs=1e-4)
    assert model.bias.item() == pytest.approx(1.0, abs=1e-4)
    assert isinstance(hist, History) and len(hist) == 60 and hist.status == "completed"
    assert hist["train_loss"][-1] < 1e-8
    assert np.all(np.diff(hist["time"]) >= 0)


def test_every_epoch_sees_each_sample_once():
    x = torch.arange(10.0)[:, None]
    seen = [
        b[0][:, 0]
        for b, _, _ in _in_memory_batches((x,), 3, torch.Generator().manual_seed(0), 0, 1)
    ]
    assert [len(s) for s in seen] == [3, 3, 3, 1]
    assert sorted(torch.cat(seen).tolist()) == list(range(10))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_minimises_a_quadratic(name):
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    x, y = _line_data(64)
    lr = {
        "sgd": 0.3,
        "momentum": 0.1,
        "nesterov": 0.1,
        "adagrad": 0.5,
        "rmsprop": 0.02,
        "adam": 0.05,
        "adamw": 0.05,
        "lbfgs": 1.0,
    }[name]
    hist = train(
        model,
        (x, y),
        loss_fn=nn.functional.mse_loss,
        optimizer=name,
        lr=lr,
        batch_size=64,
        max_epochs=100,
        verbose=0,
    )
    assert hist["train_loss"][-1] < 1e-2 * hist["train_loss"][0]


def test_optimizer_errors():
    p = [nn.Parameter(torch.zeros(2))]
    with pytest.raises(ValueError, match="optimizer must be one of"):
        make_optimizer("adma", p)
    with pytest.raises(TypeError, match="optimizer must be"):
        make_optimizer(3, p)
    with pytest.raises(ValueError, match="lbfgs"):
        make_optimizer("lbfgs", p, weight_decay=0.1)
    assert isinstance(make_optimizer(torch.optim.SGD, p, lr=0.1), torch.optim.SGD)
    assert isinstance(make_optimizer(lambda ps: torch.optim.Adam(ps, lr=1.0), p), torch.optim.Adam)


def test_schedules():
    p = [nn.Parameter(torch.zeros(1))]
    opt = torch.optim.SGD(p, lr=1.0)
    sched = make_scheduler("cosine", opt, max_epochs=10)
    for _ in range(10):
        opt.step()
        sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-12)
    assert make_scheduler(None, opt, max_epochs=3) is None
    with pytest.raises(ValueError, match="lr_schedule must be one of"):
        make_scheduler("linear", opt, max_epochs=3)
    model = nn.Linear(1, 1)
    hist = train(
        model,
        _line_data(32),
        loss_fn=nn.functional.mse_loss,
        optimizer="sgd",
        lr=0.1,
        lr_schedule="step",
        max_epochs=9,
        verbose=0,
    )
    np.testing.assert_allclose(hist["lr"], [0.1] * 3 + [0.01] * 3 + [0.001] * 3)


def test_same_seed_same_result_and_validation_metrics():
    def run():
        torch.manual_seed(1)
        model = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))
        x, y = _line_data(100)
        h = train(
            model,
            (x, y),
            loss_fn=nn.functional.mse_loss,
            validation_data=(x[:20], y[:20]),
            metrics={"mae": lambda o, t: (o - t).abs().mean()},
            max_epochs=5,
            random_state=7,
            verbose=0,
        )
        return model, h

    (m1, h1), (m2, h2) = run(), run()
    for a, b in zip(m1.parameters(), m2.parameters()):
        assert torch.equal(a, b)
    assert {"valid_loss", "valid_mae", "lr", "time", "train_loss", "epoch"} <= set(h1.columns)
    np.testing.assert_array_equal(h1["valid_loss"], h2["valid_loss"])


def test_early_stopping_restores_best_weights():
    # Validation targets are the negated training targets: the validation loss
    # rises while training improves, so the best epoch is early.
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    x, y = _line_data(64)
    snapshots = Recorder(lambda s: {k: v.clone() for k, v in s.module.state_dict().items()})
    es = EarlyStopping("valid_loss", patience=3)
    hist = train(
        model,
        (x, y),
        loss_fn=nn.functional.mse_loss,
        optimizer="sgd",
        lr=0.1,
        validation_data=(x, -y),
        max_epochs=50,
        callbacks=[snapshots, es],
        verbose=0,
    )
    assert hist.status == "stopped_early"
    best = int(np.argmin(hist["valid_loss"]))
    assert len(hist) == best + 1 + 3
    best_state = snapshots.records[best + 1][2]  # records[0] is before training
    for k, v in model.state_dict().items():
        assert torch.equal(v, best_state[k])


class _NaNAt(nn.Module):
    """MSE loss that returns NaN at a chosen call."""

    def __init__(self, at):
        super().__init__()
        self.calls, self.at = 0, at

    def forward(self, out, target):
        self.calls += 1
        loss = nn.functional.mse_loss(out, target)
        return loss * float("nan") if self.calls == self.at else loss


def test_divergence_guard_keeps_last_finite_weights():
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    x, y = _line_data(64)
    rec = Recorder(lambda s: {k: v.clone() for k, v in s.module.state_dict().items()}, on="batch")
    # 4 batches per epoch: the 7th loss evaluation is epoch 2, batch 3.
    with pytest.raises(DivergenceError, match="epoch 2, batch 3"):
        train(
            model,
            (x, y),
            loss_fn=_NaNAt(7),
            optimizer="sgd",
            lr=0.1,
            batch_size=16,
            max_epochs=5,
            callbacks=[rec],
            verbose=0,
        )
    last = rec.records[-1]
    assert last[:2] == (2, 2)  # the state after the last good step
    for k, v in model.state_dict().items():
        assert torch.isfinite(v).all()
        assert torch.equal(v, last[2][k])


def test_divergence_from_huge_learning_rate_names_the_cure():
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    x, y = _line_data(64)
    with pytest.raises(DivergenceError, match="smaller learning rate") as info:
        train(
            model,
            (x * 1e3, y * 1e3),
            loss_fn=nn.functional.mse_loss,
            optimizer="sgd",
            lr=10.0,
            max_epochs=200,
            verbose=0,
        )
    assert "epoch" in str(info.value)
    assert all(torch.isfinite(p).all() for p in model.parameters())


class _InterruptAt(Callback):
    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, state):
        if state.epoch == self.epoch:
            raise KeyboardInterrupt


def test_keyboard_interrupt_keeps_model_and_history():
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    x, y = _line_data(64)
    with pytest.warns(RuntimeWarning, match="interrupted in epoch 3"):
        hist = train(
            model,
            (x, y),
            loss_fn=nn.functional.mse_loss,
            max_epochs=10,
            callbacks=[_InterruptAt(3)],
            verbose=0,
        )
    assert hist.status == "interrupted" and len(hist) == 3


def test_checkpoint_round_trip(tmp_path):
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    path = tmp_path / "ckpt.pt"
    hist = train(
        model,
        _line_data(32),
        loss_fn=nn.functional.mse_loss,
        max_epochs=4,
        callbacks=[Checkpoint(path, every=2)],
        verbose=0,
    )
    ckpt = load_checkpoint(path)
    assert ckpt["epoch"] == 4
    for k, v in model.state_dict().items():
        assert torch.equal(ckpt["module"][k], v)
    assert History.from_dict(ckpt["history"])["train_loss"].tolist() == pytest.approx(
        hist["train_loss"].tolist()
    )
    with pytest.raises(ValueError, match="every"):
        Checkpoint(path, every=0)


class _TwoTargets(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.zeros(1))
        self.b = nn.Parameter(torch.zeros(1))


class _TwoOptimizerStep(Step):
    """Each parameter has its own optimizer and loss, as a GAN's players do."""

    def configure_optimizers(self, module, make_optimizer):
        return {"a": make_optimizer([module.a], lr=0.1), "b": make_optimizer([module.b], lr=0.05)}

    def train_step(self, module, batch, optimizers, ctx):
        (x,) = batch
        losses = {}
        for name, target in (("a", 3.0), ("b", -2.0)):
            opt = optimizers[name]
            opt.zero_grad()
            loss = ((getattr(module, name) - target - 0 * x.mean()) ** 2).mean()
            ctx.check_finite(loss)
            ctx.backward(loss)
            opt.step()
            losses[f"loss_{name}"] = loss.detach()
        return losses


def test_pluggable_step_with_two_optimizers():
    module = _TwoTargets()
    hist = train(
        module,
        torch.zeros(8, 1),
        step=_TwoOptimizerStep(),
        optimizer="sgd",
        batch_size=8,
        max_epochs=200,
        verbose=0,
    )
    assert module.a.item() == pytest.approx(3.0, abs=1e-6)
    assert module.b.item() == pytest.approx(-2.0, abs=1e-6)
    assert {"train_loss_a", "train_loss_b"} <= set(hist.columns)
    # each optimizer keeps its own learning rate: 0.05 converges more slowly than 0.1
    assert hist["train_loss_b"][5] / 4.0 > hist["train_loss_a"][5] / 9.0


def test_dataloader_path_matches_in_memory_task():
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    x, y = _line_data(128)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x, y), batch_size=16, shuffle=True
    )
    hist = train(
        model,
        loader,
        loss_fn=nn.functional.mse_loss,
        optimizer="sgd",
        lr=0.5,
        max_epochs=40,
        validation_data=loader,
        verbose=0,
    )
    assert model.weight.item() == pytest.approx(2.0, abs=1e-3)
    assert math.isfinite(hist["valid_loss"][-1])


def test_train_argument_errors():
    model = nn.Linear(1, 1)
    x, y = _line_data(8)
    with pytest.raises(ValueError, match="exactly one of loss_fn and step"):
        train(model, (x, y))
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        train(model, (x, y), loss_fn=nn.functional.mse_loss, batch_size=0)
    with pytest.raises(ValueError, match="same length"):
        train(model, (x, y[:4]), loss_fn=nn.functional.mse_loss)
    with pytest.raises(TypeError, match="data must be"):
        train(model, [[1.0]], loss_fn=nn.functional.mse_loss)
    with pytest.raises(TypeError, match="step must be"):
        train(model, (x, y), step=object())


def test_gradient_clipping_bounds_each_update():
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    x, y = _line_data(32)
    rec = Recorder(
        lambda s: torch.cat([p.detach().flatten() for p in s.module.parameters()]), on="batch"
    )
    train(
        model,
        (x * 100, y * 100),
        loss_fn=nn.functional.mse_loss,
        optimizer="sgd",
        lr=1.0,
        clip_grad_norm=1e-3,
        batch_size=8,
        max_epochs=2,
        callbacks=[rec],
        verbose=0,
    )
    steps = [
        torch.linalg.norm(b[2] - a[2]).item() for a, b in zip(rec.records[:-1], rec.records[1:])
    ]
    assert len(steps) == 8
    assert max(steps) <= 1e-3 * (1 + 1e-5)
    assert min(steps) > 0.9e-3  # the raw gradients are huge, so every step is clipped


def test_progress_bar_only_on_terminals_or_when_forced(capsys):
    from scidl.training import ProgressBar

    x, y = _line_data(16)
    train(nn.Linear(1, 1), (x, y), loss_fn=nn.functional.mse_loss, max_epochs=3, verbose=1)
    assert capsys.readouterr().err == ""  # pytest's stderr is not a TTY
    train(
        nn.Linear(1, 1),
        (x, y),
        loss_fn=nn.functional.mse_loss,
        max_epochs=3,
        callbacks=[ProgressBar(force=True)],
        verbose=0,
    )
    err = capsys.readouterr().err
    assert "training:" in err and "/3" in err


def test_indexed_lagged_pairs_share_the_frames_and_cover_each_pair_once():
    from scidl.training import lagged_pairs

    frames = torch.arange(20.0)[:, None]
    starts = torch.tensor([0, 1, 2, 3, 4, 10, 11, 12])  # two trajectories: 0-9 and 10-19, lag 5
    pairs = lagged_pairs(frames, starts, lagtime=5)
    assert pairs.tensors[0].data_ptr() == frames.data_ptr()  # no copy of the trajectory
    seen = []
    for batch, size, _ in _in_memory_batches(pairs, 3, torch.Generator().manual_seed(0), 0, 1):
        x0, x1 = batch
        assert len(x0) == size and torch.equal(x1 - x0, torch.full_like(x0, 5.0))
        seen += x0[:, 0].tolist()
    assert sorted(seen) == starts.float().tolist()
    stacked = lagged_pairs(frames, starts, lagtime=5, stacked=True).subset([1, 5])
    assert stacked.batch(torch.arange(2))[0].tolist() == [[1.0, 6.0], [10.0, 15.0]]
    with pytest.raises(ValueError, match="starts must lie"):
        lagged_pairs(frames, torch.tensor([15]), lagtime=5)


def test_training_on_indexed_pairs_learns_the_lagged_map():
    from scidl.training import lagged_pairs

    frames = torch.linspace(-1, 1, 101)[:, None]
    pairs = lagged_pairs(frames, torch.arange(96), lagtime=5)  # x_{t+5} = x_t + 0.1
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    hist = train(
        model,
        pairs,
        loss_fn=nn.functional.mse_loss,
        validation_data=pairs.subset(torch.arange(10)),
        optimizer="sgd",
        lr=0.5,
        batch_size=16,
        max_epochs=100,
        verbose=0,
    )
    assert model.weight.item() == pytest.approx(
        1.0, abs=1e-3
    ) and model.bias.item() == pytest.approx(0.1, abs=1e-3)
    assert hist["valid_loss"][-1] < 1e-6
