"""Hidden tests: the recurrent cell, against torch.nn.RNN."""

import numpy as np
import torch

from scidl.course import assert_close, points


@points(3)
def test_matches_torch_rnn(sub):
    """A 7-step sequence through torch.nn.RNN with the same weights."""
    rng = np.random.default_rng(9)
    T, N, n_in, H = 7, 3, 4, 5
    Wx, Wh, b = rng.normal(size=(H, n_in)) * 0.5, rng.normal(size=(H, H)) * 0.5, rng.normal(size=H)
    xs, h0 = rng.normal(size=(T, N, n_in)), rng.normal(size=(N, H))
    rnn = torch.nn.RNN(n_in, H, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(Wx))
        rnn.weight_hh_l0.copy_(torch.tensor(Wh))
        rnn.bias_ih_l0.copy_(torch.tensor(b))
        rnn.bias_hh_l0.zero_()
        ref, _ = rnn(torch.tensor(xs), torch.tensor(h0)[None])
    assert_close(
        sub.rnn_forward(xs, h0, Wx, Wh, b), ref.numpy(), rtol=1e-10, atol=1e-12, what="rnn_forward"
    )
    assert_close(
        sub.rnn_cell(xs[0], h0, Wx, Wh, b), ref.numpy()[0], rtol=1e-10, atol=1e-12, what="rnn_cell"
    )
