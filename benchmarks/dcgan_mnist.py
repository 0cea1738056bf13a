"""DCGAN on the MNIST sample, with and without PacGAN packing, judged by scidl's own ConvNet.

Data: the 5,000-digit MNIST sample, split 4,000 / 1,000 (stratified). A
``scidl.nn.ConvNetClassifier`` (default architecture) is trained on the 4,000 training digits;
its penultimate layer (128 ReLU units) gives the features. For each DCGAN (``pack=1``, the
plain DCGAN; ``pack=2``, PacGAN packing) trained on the same 4,000 digits:

- the Fréchet distance between Gaussians fitted to the classifier features of 1,000 generated
  digits and of the 1,000 held-out real digits (``scidl.generative.frechet_distance``; the FID
  recipe with a home-grown feature extractor, so only comparable within this table); the
  distance between the held-out digits and 1,000 training digits is printed as the floor;
- the share of generated digits the classifier assigns to each class (uniform is 10 %; a
  collapsed generator leaves digits out).

Every ``--every`` epochs the samples of 10 fixed codes are saved to ``--out`` (a PNG per model).

Run: ``python benchmarks/dcgan_mnist.py [--epochs 20] [--channels 64 32] [--seeds 1]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from scidl.data import load_mnist, train_test_split_stratified
from scidl.generative import DCGAN, frechet_distance
from scidl.nn import ConvNetClassifier


def classifier_features(clf, X):
    """Penultimate-layer features (after the last hidden ReLU) of the fitted ConvNet."""
    net = clf.module_
    with torch.no_grad():
        x = torch.as_tensor(np.asarray(X, dtype=np.float32)).reshape(len(X), *net.in_shape)
        return np.concatenate(
            [net.head[:-1](net.features(x[i : i + 256])).numpy() for i in range(0, len(x), 256)]
        ).astype(np.float64)


MODELS = {"plain (pack=1)": {"pack": 1}, "packed (pack=2)": {"pack": 2}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--channels", type=int, nargs="+", default=[64, 32])
    parser.add_argument("--clf-epochs", type=int, default=10)
    parser.add_argument("--lr", type=float, default=None, help="DCGAN learning rate")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=None, help="folder for sample grids (PNG)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    X, y = load_mnist(flatten=True, normalize=True)
    X = X.astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=1000, random_state=0
    )
    t0 = time.perf_counter()
    clf = ConvNetClassifier(max_epochs=args.clf_epochs, random_state=0).fit(X_train, y_train)
    real = classifier_features(clf, X_test)
    floor = frechet_distance(classifier_features(clf, X_train[:1000]), real)
    print(
        f"classifier: test accuracy {clf.score(X_test, y_test):.4f} "
        f"({time.perf_counter() - t0:.0f} s); Fréchet distance train vs test digits "
        f"{floor:.2f}",
        flush=True,
    )
    for seed in range(args.seeds):
        for label, params in MODELS.items():
            t0 = time.perf_counter()
            gan = DCGAN(
                channels=tuple(args.channels),
                max_epochs=args.epochs,
                random_state=seed,
                **({} if args.lr is None else {"lr": args.lr}),
                **params,
            ).fit(X_train)
            samples = gan.sample(1000, random_state=seed).astype(np.float32)
            fd = frechet_distance(classifier_features(clf, samples), real)
            share = np.bincount(clf.predict(samples), minlength=10) / len(samples)
            print(
                f"seed {seed} {label:16s}: Fréchet distance {fd:7.2f}; class shares % "
                f"{' '.join(f'{100 * v:4.1f}' for v in share)}; min {100 * share.min():.1f} %, "
                f"max {100 * share.max():.1f} % ({time.perf_counter() - t0:.0f} s)",
                flush=True,
            )
            if args.out:
                from pathlib import Path

                from scidl.plot import plot_image_grid

                Path(args.out).mkdir(parents=True, exist_ok=True)
                fig = plot_image_grid(gan.sample(30, random_state=seed), ncols=10, title=label)
                fig.savefig(Path(args.out) / f"dcgan_seed{seed}_pack{params['pack']}.png")


if __name__ == "__main__":
    main()
