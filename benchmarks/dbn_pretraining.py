"""Benchmark: the 2006 breakthrough on the MNIST sample, greedy layer-wise pretraining versus
random initialisation of the same sigmoid MLP, for 100, 500 and 1,000 labels.

One stratified 4,000 / 1,000 split of the 5,000-digit sample (pixels in [0, 1]). For each
seed a DeepBeliefNetwork (RBMs trained by CD-1) is pretrained on all 4,000 training images
without labels; then for each labelled-set size two MLPClassifiers with the DBN's hidden
sizes and sigmoid units, and the same fine-tuning budget (Adam, the same number of minibatch
steps), are trained on the labelled subset: one starting from the DBN's weights, one from
random weights. Both are scored on the 1,000 held-out test digits.

    python benchmarks/dbn_pretraining.py [--seeds 3] [--epochs 20] [--steps 500]
                                         [--hidden 500 500] [--threads 1] [--json out.json]

Anchor (published, full MNIST, 1,000 labels): 93.7 % pretrained versus 88.7 % random.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from scidl.data import load_mnist, train_test_split_stratified
from scidl.generative import compare_pretraining


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20, help="pretraining epochs per RBM")
    parser.add_argument("--steps", type=int, default=500, help="fine-tuning minibatch steps")
    parser.add_argument("--hidden", type=int, nargs="+", default=[500, 500])
    parser.add_argument("--labels", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", default=None, help="also write the numbers to this file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    X, y = load_mnist(flatten=True, normalize=True)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=1000, random_state=0
    )
    start = time.perf_counter()
    out = compare_pretraining(
        X_train,
        y_train,
        X_test,
        y_test,
        n_labels=tuple(args.labels),
        n_seeds=args.seeds,
        hidden_sizes=tuple(args.hidden),
        dbn_params={"max_epochs": args.epochs, "device": "cpu"},
        mlp_params={"device": "cpu"},
        n_steps=args.steps,
        random_state=0,
    )
    seconds = time.perf_counter() - start
    print(
        f"hidden {tuple(args.hidden)}, CD-1 {args.epochs} epochs per RBM on {len(X_train)} "
        f"unlabelled images, fine-tuning {args.steps} Adam steps, {args.seeds} seeds, "
        f"{seconds:.0f} s"
    )
    print(f"{'labels':>7} {'epochs':>6} {'pretrained %':>16} {'random %':>16} {'gain':>6}")
    rows = []
    for i, n in enumerate(out["n_labels"]):
        p, r = out["pretrained"][i], out["random"][i]
        print(
            f"{n:>7} {out['max_epochs'][i]:>6} {100 * p.mean():>9.1f} ± {100 * p.std(ddof=1):>4.1f}"
            f" {100 * r.mean():>9.1f} ± {100 * r.std(ddof=1):>4.1f} {100 * (p - r).mean():>+6.1f}"
        )
        rows.append(
            {
                "n_labels": n,
                "fine_tuning_epochs": out["max_epochs"][i],
                "pretrained": p.tolist(),
                "random": r.tolist(),
            }
        )
    print("anchor (full MNIST, 1,000 labels): 93.7 % pretrained vs 88.7 % random")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"args": vars(args), "seconds": seconds, "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
