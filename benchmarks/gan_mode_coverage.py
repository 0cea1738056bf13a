"""GAN mode coverage on the 2-D mixtures of VEEGAN / PacGAN, every seed printed.

Protocol (Lin et al. 2018, arXiv:1712.04086, Table 2; Srivastava et al. 2017): the 2D-ring
(8 Gaussians, means (cos 2 pi i / 8, sin 2 pi i / 8), sigma 0.01) and the 2D-grid (25
Gaussians, means (-4 + 2 i, -4 + 2 j), sigma 0.05); after training, 2,500 samples; a sample is
high quality within 3 sigma of its nearest mode; a mode is covered if it receives a
high-quality sample; the reverse KL compares the histogram of the high-quality samples over
the modes with the uniform distribution (``scidl.generative.mode_coverage``).

Anchors (the paper's table, mean of 10 runs): GAN 6.3/8 modes, 98.2 % high quality, reverse
KL 0.45 (ring) and 17.3/25, 94.8 %, 0.70 (grid); PacGAN2 7.9/8, 95.6 %, 0.07 and 23.8/25,
91.3 %, 0.13; PacGAN4 24.8/25 (grid). Target for scidl's default ``GAN()``: 8/8 and >= 24/25
with >= 90 % high-quality samples, mean over 5 seeds.

Each seed draws ``--n-train`` training points from the mixture (seed 1000 + s) and trains
``GAN(random_state=s)`` with scidl's defaults (PacGAN packing ``pack=2``, standardised
features, Adam with beta1 = 0.5, cosine learning-rate decay, batch 64) and the plain GAN (the
same with ``pack=1``), both for ``--epochs`` epochs (400, the default: about 62,000 steps).

Run: ``python benchmarks/gan_mode_coverage.py [--dataset ring grid] [--seeds 5] [--epochs 400]
[--setting default plain unscaled]`` (about 2 minutes per seed and setting on one idle core).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from scidl.data import grid_modes, make_grid_mixture, make_ring_mixture, ring_modes
from scidl.generative import GAN, mode_coverage

DATASETS = {
    "ring": (make_ring_mixture, ring_modes(), 0.01),
    "grid": (make_grid_mixture, grid_modes(), 0.05),
}
SETTINGS = {"default": {}, "plain": {"pack": 1}, "unscaled": {"standardize": False}}
LABELS = {
    "default": "default (pack=2)",
    "plain": "plain GAN (pack=1)",
    "unscaled": "default, standardize=False",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", nargs="+", default=["ring", "grid"], choices=list(DATASETS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=400)
    parser.add_argument("--n-train", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--setting", nargs="+", default=["default", "plain"], choices=list(SETTINGS)
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for name in args.dataset:
        make, modes, sigma = DATASETS[name]
        for label in args.setting:
            rows = []
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                X, _ = make(args.n_train, random_state=1000 + seed)
                t0 = time.perf_counter()
                gan = GAN(max_epochs=args.epochs, random_state=seed, **SETTINGS[label]).fit(X)
                r = mode_coverage(gan.sample(2500, random_state=seed), modes, sigma)
                rows.append((r.n_covered, r.high_quality, r.reverse_kl))
                print(
                    f"{name} {LABELS[label]:20s} seed {seed}: {r.n_covered}/{r.n_modes} modes, "
                    f"{100 * r.high_quality:5.1f} % high quality, reverse KL {r.reverse_kl:.3f}"
                    f"  ({time.perf_counter() - t0:.0f} s)",
                    flush=True,
                )
            a = np.array(rows)
            print(
                f"{name} {LABELS[label]:20s} MEAN over {args.seeds} seeds: {a[:, 0].mean():.1f}/"
                f"{len(modes)} modes, {100 * a[:, 1].mean():.1f} % high quality, "
                f"reverse KL {np.nanmean(a[:, 2]):.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
