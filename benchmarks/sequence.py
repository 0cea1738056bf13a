"""Chapter-10 performance comparisons (issue 14), one function per comparison.

1. ``lstm_forecaster_vs_pytorch``: epochs of :class:`scidl.sequence.RNNForecaster` (LSTM,
   teacher forcing) on the one training loop vs an identical hand-written PyTorch loop on
   the same windows (same module, optimizer, clipping, batch size and batch count);
   target <= 1.10.
2. ``wavenet_vs_lstm``: WaveNet vs an LSTM forecaster of similar parameter count on the
   same Lorenz-63 task: seconds per epoch, held-out score (mean squared standardised
   error over 20 steps) and valid prediction time.
3. ``charrnn_vs_pytorch``: epochs of :class:`scidl.sequence.CharRNN` (2-layer LSTM on MOSES
   SMILES) vs an identical hand-written PyTorch loop on the same batches; target <= 1.10.

Run: ``python benchmarks/sequence.py [--repeat 3] [--threads 1]``. Each comparison
interleaves its two sides and prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from scidl.data import make_lorenz63
from scidl.sequence import RNNForecaster, RNNForecasterModule, WaveNet, valid_prediction_time

LAMBDA_1 = 0.906


def _epoch_seconds(history):
    """Seconds of each epoch (the history's ``time`` column is cumulative)."""
    return np.diff([0.0, *history["time"]]).tolist()


def _n_params(module):
    return sum(p.numel() for p in module.parameters())


def _hand_written_epoch(module, frames, starts, mean, scale, *, window, batch_size, opt, gen):
    """One epoch of the textbook loop: shuffle, gather windows, forward, MSE, clip, Adam."""
    module.train()
    offsets = torch.arange(window + 1)
    perm = starts[torch.randperm(len(starts), generator=gen)]
    for lo in range(0, len(perm), batch_size):
        idx = perm[lo : lo + batch_size]
        w = ((frames[idx[:, None] + offsets] - mean) / scale).float()
        opt.zero_grad(set_to_none=True)
        pred, _ = module(w[:, :-1])
        loss = torch.nn.functional.mse_loss(pred, w[:, 1:])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
        opt.step()


def lstm_forecaster_vs_pytorch(repeat=3, n_frames=20000, hidden=64, window=32, batch_size=64):
    """Seconds per epoch: RNNForecaster(LSTM) vs the hand-written loop; ratio (target <= 1.10)."""
    X = make_lorenz63(n_frames, dt=0.01, random_state=0)
    est_kw = {
        "hidden_sizes": (hidden,),
        "window": window,
        "batch_size": batch_size,
        "validation_fraction": 0,
        "device": "cpu",
        "random_state": 0,
    }
    frames = torch.as_tensor(X)
    mean = torch.as_tensor(X.mean(0))
    scale = torch.as_tensor(X.std(0))
    starts = torch.arange(n_frames - window)
    scidl_s, torch_s = [], []
    n_epochs = 2
    for r in range(repeat):
        est = RNNForecaster("lstm", max_epochs=n_epochs, **est_kw).fit(X)
        scidl_s.extend(_epoch_seconds(est.history_)[1:])  # after the first (warm-up) epoch
        torch.manual_seed(r)
        module = RNNForecasterModule(3, (hidden,), cell="lstm")
        opt = torch.optim.Adam(module.parameters(), lr=1e-3)
        gen = torch.Generator().manual_seed(r)
        for e in range(n_epochs):
            t0 = time.perf_counter()
            _hand_written_epoch(
                module,
                frames,
                starts,
                mean,
                scale,
                window=window,
                batch_size=batch_size,
                opt=opt,
                gen=gen,
            )
            if e > 0:
                torch_s.append(time.perf_counter() - t0)
    s, t = statistics.median(scidl_s), statistics.median(torch_s)
    print(
        f"LSTM forecaster epoch ({n_frames - window} windows of {window}, hidden {hidden}, "
        f"batch {batch_size}): scidl {s:.2f} s, hand-written PyTorch {t:.2f} s, "
        f"ratio {s / t:.3f} (target <= 1.10)"
    )
    return s / t


def wavenet_vs_lstm(n_frames=10000, epochs=3, starts=20, horizon=800):
    """WaveNet vs an LSTM of similar parameter count: seconds per epoch, score, valid time."""
    X = make_lorenz63(n_frames, dt=0.01, random_state=0)
    held_out = make_lorenz63(200 + horizon, dt=0.01, n_trajectories=starts, random_state=7)
    scale = float(np.sqrt(np.mean(np.sum((X - X.mean(0)) ** 2, axis=1))))
    common = {"max_epochs": epochs, "lr": 3e-3, "validation_fraction": 0, "random_state": 0}
    wn = WaveNet(residual_channels=32, dilations=(1, 2, 4, 8, 16, 32), window=32, **common)
    lstm = RNNForecaster("lstm", hidden_sizes=(96,), window=32, **common)
    rows = []
    for name, model in (("WaveNet", wn), ("LSTM", lstm)):
        model.fit(X)
        per_epoch = statistics.median(_epoch_seconds(model.history_))
        score = model.score(held_out[:, 200:400])
        pred = model.forecast(held_out[:, :200], horizon)
        vpt = valid_prediction_time(held_out[:, 200:], pred, scale=scale, dt=0.01) * LAMBDA_1
        rows.append((name, _n_params(model.module_), per_epoch, score, vpt.mean()))
    print(f"{'model':<9}{'params':>8}{'s/epoch':>9}{'score':>10}{'VPT (Lyap.)':>13}")
    for name, n, sec, score, vpt in rows:
        print(f"{name:<9}{n:8d}{sec:9.2f}{score:10.4f}{vpt:13.2f}")
    print(f"WaveNet / LSTM time per epoch: {rows[0][2] / rows[1][2]:.2f}")
    return rows


def charrnn_vs_pytorch(repeat=3, n_train=4000, hidden=(256, 256), batch_size=128):
    """Seconds per epoch: CharRNN vs the textbook loop on the same batches (target <= 1.10).

    Both sides: the same SMILES token rows, one permutation per epoch, contiguous batches
    trimmed to their longest row, next-token cross-entropy (padding ignored), backward,
    gradient clipping at 5, Adam at 1e-3.
    """
    from scidl.data import load_moses_smiles
    from scidl.sequence import CharRNN, CharRNNModule, Vocabulary

    X = load_moses_smiles("train", n=n_train, random_state=0)
    vocab = Vocabulary.from_strings(X, tokenizer="smiles")
    ids = torch.as_tensor(vocab.encode(X)[0])
    est_kw = {"tokenizer": "smiles", "batch_size": batch_size, "device": "cpu"}
    scidl_s, torch_s, n_epochs = [], [], 2
    for r in range(repeat):
        est = CharRNN(hidden, max_epochs=n_epochs, random_state=r, **est_kw).fit(X)
        scidl_s.extend(_epoch_seconds(est.history_)[1:])  # after the first (warm-up) epoch
        torch.manual_seed(r)
        module = CharRNNModule(len(vocab), hidden, embedding_dim=32)
        opt = torch.optim.Adam(module.parameters(), lr=1e-3)
        gen = torch.Generator().manual_seed(r)
        for e in range(n_epochs):
            t0 = time.perf_counter()
            module.train()
            shuffled = ids[torch.randperm(len(ids), generator=gen)]
            for lo in range(0, len(shuffled), batch_size):
                batch = shuffled[lo : lo + batch_size]
                batch = batch[:, : int((batch != 0).sum(1).max())]
                opt.zero_grad(set_to_none=True)
                logits, _ = module(batch[:, :-1])
                loss = torch.nn.functional.cross_entropy(
                    logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1), ignore_index=0
                )
                loss.backward()
                torch.nn.utils.clip_grad_norm_(module.parameters(), 5.0)
                opt.step()
            if e > 0:
                torch_s.append(time.perf_counter() - t0)
    s, t = statistics.median(scidl_s), statistics.median(torch_s)
    print(
        f"CharRNN epoch ({n_train} SMILES, LSTM {hidden}, batch {batch_size}): scidl {s:.2f} s, "
        f"hand-written PyTorch {t:.2f} s, ratio {s / t:.3f} (target <= 1.10)"
    )
    return s / t


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    lstm_forecaster_vs_pytorch(repeat=args.repeat)
    wavenet_vs_lstm()
    charrnn_vs_pytorch(repeat=args.repeat)


if __name__ == "__main__":
    main()
