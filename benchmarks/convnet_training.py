"""Benchmark: ConvNetClassifier against the same network in a hand-written PyTorch loop, and
the Ising sampler against a straightforward NumPy checkerboard Metropolis.

Both sides of each comparison run in the same process, on the same data and
(for the ConvNet) the same minibatches, alternating order over ``--repeat``
rounds; the script prints the median times and their ratio.

    python benchmarks/convnet_training.py [--n-train 2000] [--epochs 2] [--repeat 3] [--threads 2]

Targets: scidl / hand-written <= 1.10; Ising spin flips per second >= 1x the plain version.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import torch

from scidl.data import load_mnist
from scidl.data.ising import metropolis_sweep
from scidl.nn import ConvNet, ConvNetClassifier
from scidl.training import make_optimizer, make_scheduler
from scidl.utils import seeded


def scidl_fit(X, y, epochs, seed):
    clf = ConvNetClassifier(max_shift=0, max_epochs=epochs, random_state=seed)
    t = time.perf_counter()
    clf.fit(X, y)
    return time.perf_counter() - t, clf


def handwritten_fit(X, y, epochs, seed, batch_size=64, lr=3e-3):  # ConvNetClassifier's defaults
    """The textbook loop on the same module, optimiser, schedule and minibatch order."""
    t = time.perf_counter()
    xt = torch.as_tensor(X[:, None])
    yt = torch.as_tensor(y, dtype=torch.int64)
    with seeded(seed):
        model = ConvNet((1, 28, 28), 10, (32, 64), hidden_sizes=(128,), dropout=0.25)
        opt = make_optimizer("adam", model.parameters(), lr=lr)
        sched = make_scheduler("cosine", opt, max_epochs=epochs)
        gen = torch.Generator().manual_seed(seed)
        model.train()
        for _ in range(epochs):
            perm = torch.randperm(len(xt), generator=gen)
            xs, ys = xt[perm], yt[perm]
            for start in range(0, len(xs), batch_size):
                opt.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(
                    model(xs[start : start + batch_size]), ys[start : start + batch_size]
                )
                loss.backward()
                opt.step()
            sched.step()
    model.eval()
    return time.perf_counter() - t, model


def plain_metropolis(s, beta, n_sweeps, rng):
    """A straightforward checkerboard Metropolis on one lattice: exp per site, boolean masks."""
    L = s.shape[0]
    masks = [(np.add.outer(np.arange(L), np.arange(L)) % 2) == c for c in (0, 1)]
    for _ in range(n_sweeps):
        for mask in masks:
            nb = np.roll(s, 1, 0) + np.roll(s, -1, 0) + np.roll(s, 1, 1) + np.roll(s, -1, 1)
            dE = 2 * s * nb
            flip = mask & (rng.random(s.shape) < np.exp(-beta * dE))
            s[flip] *= -1
    return s


def ising_benchmark(L, n_lattices, n_sweeps, repeat):
    beta = 1 / 2.5
    rng = np.random.default_rng(0)
    plain, ours_one, ours_many = [], [], []
    for _ in range(repeat):
        s = rng.choice([-1, 1], size=(L, L)).astype(np.int64)
        t = time.perf_counter()
        plain_metropolis(s, beta, n_sweeps, rng)
        plain.append(L * L * n_sweeps / (time.perf_counter() - t))
        s1 = rng.choice(np.array([-1, 1], dtype=np.int8), size=(1, L, L))
        t = time.perf_counter()
        for _ in range(n_sweeps):
            metropolis_sweep(s1, np.array([beta]), rng)
        ours_one.append(L * L * n_sweeps / (time.perf_counter() - t))
        sm = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n_lattices, L, L))
        t = time.perf_counter()
        for _ in range(max(1, n_sweeps // n_lattices)):
            metropolis_sweep(sm, np.full(n_lattices, beta), rng)
        ours_many.append(
            n_lattices * L * L * max(1, n_sweeps // n_lattices) / (time.perf_counter() - t)
        )
    return statistics.median(plain), statistics.median(ours_one), statistics.median(ours_many)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-train", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--ising-L", type=int, default=40)
    parser.add_argument("--ising-lattices", type=int, default=64)
    parser.add_argument("--ising-sweeps", type=int, default=200)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch threads: {torch.get_num_threads()}, load average: {os.getloadavg()}")

    X, y = load_mnist(flatten=False, normalize=True)
    idx = np.random.default_rng(0).permutation(len(X))[: args.n_train]
    X, y = X[idx], y[idx]
    scidl_fit(X[:128], y[:128], 1, 0)  # warm-up: lazy imports inside torch's optimisers
    ours, theirs = [], []
    for r in range(args.repeat):
        order = (scidl_fit, handwritten_fit) if r % 2 == 0 else (handwritten_fit, scidl_fit)
        for fn in order:
            seconds, model = fn(X, y, args.epochs, 0)
            (ours if fn is scidl_fit else theirs).append(seconds)
    _, clf = scidl_fit(X, y, args.epochs, 0)
    _, model = handwritten_fit(X, y, args.epochs, 0)
    same = all(
        torch.allclose(a, b, atol=1e-5)
        for a, b in zip(clf.module_.parameters(), model.parameters())
    )
    t_ours, t_theirs = statistics.median(ours), statistics.median(theirs)
    print(
        f"ConvNet, {args.n_train} MNIST images x {args.epochs} epochs, batch 64 (median of "
        f"{args.repeat}):"
    )
    print(f"  scidl ConvNetClassifier.fit  {t_ours:8.2f} s")
    print(f"  hand-written torch loop      {t_theirs:8.2f} s")
    print(
        f"  ratio scidl / hand-written   {t_ours / t_theirs:8.3f}   (target <= 1.10); "
        f"identical weights: {same}"
    )

    plain, one, many = ising_benchmark(
        args.ising_L, args.ising_lattices, args.ising_sweeps, args.repeat
    )
    print(
        f"Ising checkerboard Metropolis, L = {args.ising_L}, spin-flip attempts per second "
        f"(median of {args.repeat}):"
    )
    print(f"  plain NumPy, one lattice           {plain:12.3g}")
    print(f"  scidl metropolis_sweep, 1 lattice  {one:12.3g}   ratio {one / plain:.2f}")
    print(
        f"  scidl, {args.ising_lattices} lattices at once        {many:12.3g}   ratio "
        f"{many / plain:.2f}   (target >= 1)"
    )


if __name__ == "__main__":
    main()
