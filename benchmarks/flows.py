"""RealNVP: epoch speed against a hand-written PyTorch loop, and the two-moons likelihood.

1. One RealNVP epoch in scidl (the one training loop, ``SupervisedStep`` with the negative
   log-likelihood) versus an identical hand-written PyTorch loop (same ``RealNVPModule``,
   Adam, same batch size, a fresh permutation per epoch): median seconds per epoch over
   interleaved repeats, and the ratio (target <= 1.10).
2. With ``--nll``: the held-out NLL per point on two moons (3,000 points, noise 0.05, 80/20
   split, standardised units) for a few seeds, next to the published RealNVP example
   (Keras, "Density estimation using Real NVP": ~1.26 train / ~1.30 validation).

Run: ``python benchmarks/flows.py [--epochs 20] [--repeat 3] [--threads 1] [--nll]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from scidl.data import make_moons
from scidl.generative import RealNVP, RealNVPModule

SETTINGS = dict(n_layers=8, hidden_sizes=(64, 64), activation="tanh", lr=1e-3, batch_size=256)
# The likelihood runs: the settings of the "normalizing-flows" demo.
NLL_SETTINGS = dict(
    n_layers=10,
    hidden_sizes=(64, 64),
    activation="tanh",
    lr=2e-3,
    batch_size=256,
    weight_decay=1e-4,
    clip_grad_norm=5.0,
    lr_schedule="cosine",
    validation_fraction=0.0,
    patience=None,
)


def hand_loop_epochs(module, X, epochs, seed, fused=False):
    """Seconds per epoch of a plain PyTorch maximum-likelihood loop (default or fused Adam)."""
    opt = torch.optim.Adam(module.parameters(), lr=SETTINGS["lr"], fused=fused or None)
    x_all = torch.as_tensor(X, dtype=torch.float32)
    g = torch.Generator().manual_seed(seed)
    bs = SETTINGS["batch_size"]
    out = []
    module.train()
    for _ in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(len(x_all), generator=g)
        for i in range(0, len(x_all), bs):
            x = x_all[perm[i : i + bs]]
            opt.zero_grad(set_to_none=True)
            loss = -module.log_prob(x).mean()
            loss.backward()
            opt.step()
        out.append(time.perf_counter() - t0)
    return out


def epoch_speed(X, epochs, repeat):
    scidl_epochs, hand_epochs, fused_epochs = [], [], []
    for rep in range(repeat):
        est = RealNVP(
            **SETTINGS, max_epochs=epochs, validation_fraction=0.0, patience=None, random_state=rep
        )
        est.fit(X)
        times = [r["time"] for r in est.history_]
        scidl_epochs += [b - a for a, b in zip([0.0, *times[:-1]], times, strict=True)][1:]
        for fused, out in ((False, hand_epochs), (True, fused_epochs)):
            torch.manual_seed(rep)
            module = RealNVPModule(
                2,
                SETTINGS["n_layers"],
                SETTINGS["hidden_sizes"],
                activation=SETTINGS["activation"],
                loc=X.mean(0),
                scale=X.std(0),
            )
            out += hand_loop_epochs(module, X, epochs, rep, fused=fused)[1:]
    return tuple(statistics.median(t) for t in (scidl_epochs, hand_epochs, fused_epochs))


def nll_table(seeds, epochs):
    print(f"{'seed':>4} {'train NLL':>10} {'valid NLL':>10} {'valid median':>12} {'fit s':>7}")
    rows = []
    for seed in seeds:
        X, _ = make_moons(3000, noise=0.05, random_state=seed)
        perm = np.random.default_rng(seed).permutation(len(X))
        tr, va = perm[:2400], perm[2400:]
        t0 = time.perf_counter()
        flow = RealNVP(**NLL_SETTINGS, max_epochs=epochs, random_state=seed).fit(X[tr])
        fit_s = time.perf_counter() - t0
        shift = np.log(X[tr].std(0)).sum()
        row = (
            -flow.score(X[tr]) - shift,
            -flow.score(X[va]) - shift,
            float(np.median(-flow.score_samples(X[va]) - shift)),
        )
        rows.append(row)
        print(f"{seed:4d} {row[0]:10.3f} {row[1]:10.3f} {row[2]:12.3f} {fit_s:7.1f}", flush=True)
    mean = np.mean(rows, axis=0)
    print(f"mean {mean[0]:10.3f} {mean[1]:10.3f} {mean[2]:12.3f}   (published: 1.26 / 1.30)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20, help="epochs per timing run")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved timing runs")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--nll", action="store_true", help="also the two-moons NLL table")
    parser.add_argument("--nll-epochs", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    X, _ = make_moons(3000, noise=0.05, random_state=0)
    s, h, hf = epoch_speed(X, args.epochs, args.repeat)
    print(
        f"RealNVP epoch (8 couplings 64-64, 3,000 moons, batch 256, cpu): scidl {s * 1e3:.1f} ms, "
        f"hand-written {h * 1e3:.1f} ms (default Adam), {hf * 1e3:.1f} ms (fused Adam, as scidl "
        f"uses); ratios {s / h:.3f} and {s / hf:.3f} (target <= 1.10)"
    )
    if args.nll:
        nll_table(args.seeds, args.nll_epochs)


if __name__ == "__main__":
    main()
