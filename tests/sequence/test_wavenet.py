"""WaveNet: causality, the receptive field formula, streaming state, batching, learning."""

import numpy as np
import pytest
import torch

from scidl.data import make_lorenz63
from scidl.sequence import WaveNet, WaveNetModule


def _random_net(dilations, kernel_size, residual=False):
    torch.manual_seed(0)
    net = WaveNetModule(2, 6, dilations, kernel_size=kernel_size, residual=residual).double()
    with torch.no_grad():  # the last layer starts at zero; make every path carry signal
        net.output[-1].weight.normal_()
    return net


CASES = [((1, 2, 4, 8), 2), ((1, 3), 3), ((2, 2, 1), 2), ((1,), 4)]


@pytest.mark.parametrize("dilations, kernel_size", CASES)
def test_output_depends_exactly_on_the_receptive_field(dilations, kernel_size):
    net = _random_net(dilations, kernel_size)
    R = (kernel_size - 1) * sum(dilations) + 1
    assert net.receptive_field == R
    T, t = 40, 30
    x = torch.randn(1, T, 2, dtype=torch.float64, requires_grad=True)
    net(x)[0][0, t].sum().backward()
    influence = x.grad[0].abs().sum(dim=1)
    nonzero = np.flatnonzero(influence.numpy() > 0)
    np.testing.assert_array_equal(nonzero, np.arange(t - R + 1, t + 1))


@pytest.mark.parametrize("dilations, kernel_size", CASES)
def test_outputs_do_not_change_when_later_inputs_change(dilations, kernel_size):
    net = _random_net(dilations, kernel_size, residual=True)
    x = torch.randn(3, 30, 2, dtype=torch.float64)
    changed = x.clone()
    changed[:, 17:] = torch.randn(3, 13, 2, dtype=torch.float64)
    y, _ = net(x)
    y2, _ = net(changed)
    torch.testing.assert_close(y[:, :17], y2[:, :17], rtol=0, atol=0)
    assert not torch.allclose(y[:, 17:], y2[:, 17:])


def test_streaming_with_state_equals_one_pass():
    net = _random_net((1, 2, 4), 2, residual=True)
    x = torch.randn(2, 25, 2, dtype=torch.float64)
    full, _ = net(x)
    parts, state = [], None
    for lo, hi in [(0, 3), (3, 4), (4, 20), (20, 25)]:
        y, state = net(x[:, lo:hi], state)
        parts.append(y)
    torch.testing.assert_close(torch.cat(parts, dim=1), full, rtol=1e-12, atol=1e-12)


def test_initial_network_is_the_persistence_forecast():
    net = WaveNetModule(3, 4, (1, 2))
    x = torch.randn(2, 10, 3)
    torch.testing.assert_close(net(x)[0], x)


@pytest.fixture(scope="module")
def lorenz():
    return make_lorenz63(800, dt=0.02, max_step=0.005, random_state=0)


@pytest.fixture(scope="module")
def wavenet(lorenz):
    return WaveNet(
        residual_channels=16,
        dilations=(1, 2, 4, 8),
        window=32,
        max_epochs=3,
        lr=3e-3,
        dtype="float64",
        validation_fraction=0,
        random_state=0,
    ).fit(lorenz)


def test_receptive_field_attribute(wavenet):
    assert wavenet.receptive_field_ == 16 == wavenet.module_.receptive_field
    # training windows start with a full receptive field of real frames
    assert wavenet.context_ == wavenet.receptive_field_ - 1


def test_context_frames_are_read_but_not_predicted():
    from scidl.sequence import ForecastStep

    net = _random_net((1, 2), 2, residual=True)
    windows = torch.randn(2, 3 + 5 + 1, 2, dtype=torch.float64)  # context 3, 5 predictions
    pred = ForecastStep(context=3).predictions(net, windows)
    torch.testing.assert_close(pred, net(windows[:, :-1])[0][:, 3:])
    rolled = ForecastStep(context=3, teacher_forcing=0.0, warmup=1).predictions(net, windows)
    assert rolled.shape == (2, 5, 2)
    torch.testing.assert_close(rolled[:, 0], pred[:, 0])  # the first step reads true frames


def test_learns_one_step_prediction(wavenet):
    held_out = make_lorenz63(400, dt=0.02, max_step=0.005, random_state=5)
    err = np.mean(((wavenet.predict(held_out)[:-1] - held_out[1:]) / wavenet.scale_) ** 2)
    persistence = np.mean(((held_out[:-1] - held_out[1:]) / wavenet.scale_) ** 2)
    assert err < 0.2 * persistence


def test_batched_variable_length_sequences_equal_one_at_a_time(wavenet, lorenz):
    trajs = [lorenz[:50], lorenz[100:180], lorenz[300:305]]
    for b, t in zip(wavenet.predict(trajs), trajs):
        np.testing.assert_allclose(b, wavenet.predict(t), rtol=1e-10, atol=1e-10)


def test_generation_only_reads_the_last_receptive_field(wavenet, lorenz):
    # an autoregressive continuation depends on the last R frames of the history only
    R = wavenet.receptive_field_
    long, short = lorenz[:200], lorenz[200 - R : 200]
    np.testing.assert_allclose(
        wavenet.forecast(long, 40), wavenet.forecast(short, 40), rtol=1e-10, atol=1e-10
    )
