"""Benchmark: one MLP training task, timed for scidl and its peers in the same run.

Task (issue 2): the 5,000-image MNIST sample, seeded stratified 4,000/1,000
split, 784-256-128-10 ReLU network, Adam (lr 1e-3), batch 128, 20 epochs,
float32, 2 threads. Contenders:

- scidl ``MLPClassifier`` (no dropout, constant learning rate: the same task);
- a hand-written PyTorch loop over ``DataLoader(TensorDataset, shuffle=True)``;
- a hand-written loop that shuffles with ``torch.randperm`` and slices tensors
  (the reference: ratios are relative to it);
- the same randperm loop with fused Adam;
- scikit-learn ``MLPClassifier`` (``alpha=0``, ``tol=0``);
- skorch ``NeuralNetClassifier`` (if installed: ``pip install -e .[bench]``).

The FLOP limit is 6 * n_params * samples * epochs (forward + backward of every
weight once per sample) divided by the float32 matmul rate measured here.

Run:  python benchmarks/mlp_training.py [--repeats 3] [--epochs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

import numpy as np
import torch
from torch import nn

THREADS = 2
HIDDEN = (256, 128)


def data(seed=0):
    from scidl.data import load_mnist, train_test_split_stratified

    X, y = load_mnist(flatten=True, normalize=True)
    return train_test_split_stratified(X, y, test_size=1000, random_state=seed)


def torch_net():
    return nn.Sequential(
        nn.Linear(784, HIDDEN[0]),
        nn.ReLU(),
        nn.Linear(*HIDDEN),
        nn.ReLU(),
        nn.Linear(HIDDEN[1], 10),
    )


def accuracy(net, X, y):
    net.eval()
    with torch.no_grad():
        return float((net(torch.as_tensor(X)).argmax(1).numpy() == y).mean())


def run_dataloader(Xtr, ytr, Xte, yte, epochs):
    torch.manual_seed(0)
    net = torch_net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.as_tensor(Xtr), torch.as_tensor(ytr)),
        batch_size=128,
        shuffle=True,
    )
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            nn.functional.cross_entropy(net(xb), yb).backward()
            opt.step()
    return accuracy(net, Xte, yte)


def _randperm_loop(Xtr, ytr, Xte, yte, epochs, fused):
    torch.manual_seed(0)
    net = torch_net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, fused=fused or None)
    X, y = torch.as_tensor(Xtr), torch.as_tensor(ytr)
    n = len(X)
    for _ in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, 128):
            idx = perm[i : i + 128]
            opt.zero_grad()
            nn.functional.cross_entropy(net(X[idx]), y[idx]).backward()
            opt.step()
    return accuracy(net, Xte, yte)


def run_randperm(*args):
    return _randperm_loop(*args, fused=False)


def run_randperm_fused(*args):
    return _randperm_loop(*args, fused=True)


def run_scidl(Xtr, ytr, Xte, yte, epochs):
    from scidl.nn import MLPClassifier

    clf = MLPClassifier(
        HIDDEN,
        dropout=0.0,
        lr_schedule=None,
        max_epochs=epochs,
        batch_size=128,
        validation_fraction=0.0,
        patience=None,
        random_state=0,
    )
    return clf.fit(Xtr, ytr).score(Xte, yte)


def run_sklearn(Xtr, ytr, Xte, yte, epochs):
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        HIDDEN,
        alpha=0.0,
        tol=0.0,
        batch_size=128,
        learning_rate_init=1e-3,
        max_iter=epochs,
        n_iter_no_change=10**6,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after the fixed budget
        return clf.fit(Xtr, ytr).score(Xte, yte)


def run_skorch(Xtr, ytr, Xte, yte, epochs):
    from skorch import NeuralNetClassifier

    torch.manual_seed(0)
    net = NeuralNetClassifier(
        torch_net,
        criterion=nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=128,
        max_epochs=epochs,
        train_split=None,
        iterator_train__shuffle=True,
        verbose=0,
    )
    return float((net.fit(Xtr, ytr).predict(Xte) == yte).mean())


def matmul_flops(n=2048, repeats=5):
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t)
    return 2 * n**3 / min(times)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(THREADS)
    load = os.getloadavg()
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    if load[0] > 0.5:
        print("WARNING: the machine is busy; timings will be noisy.")
    Xtr, Xte, ytr, yte = data()
    Xtr, Xte = Xtr.astype(np.float32), Xte.astype(np.float32)
    runners = {
        "randperm loop (reference)": run_randperm,
        "scidl MLPClassifier": run_scidl,
        "DataLoader loop": run_dataloader,
        "randperm loop, fused Adam": run_randperm_fused,
        "scikit-learn MLPClassifier": run_sklearn,
    }
    try:
        import skorch  # noqa: F401

        runners["skorch NeuralNetClassifier"] = run_skorch
    except ImportError:
        print("skorch not installed: skipped (pip install -e .[bench])")
    for fn in runners.values():  # warm-up: first-call costs (imports, allocator) are not training
        fn(Xtr[:256], ytr[:256], Xte[:10], yte[:10], 1)
    results = {name: ([], []) for name in runners}
    for _ in range(args.repeats):
        for name, fn in runners.items():  # interleaved, so drifting load hits everyone alike
            t = time.perf_counter()
            acc = fn(Xtr, ytr, Xte, yte, args.epochs)
            results[name][0].append(time.perf_counter() - t)
            results[name][1].append(acc)
    flops = matmul_flops()
    n_params = sum(p.numel() for p in torch_net().parameters())
    limit = 6 * n_params * len(Xtr) * args.epochs / flops
    ref = statistics.median(results["randperm loop (reference)"][0])
    print(
        f"matmul {flops / 1e9:.0f} GFLOP/s; FLOP limit {limit:.3f} s ({n_params} parameters, "
        f"{len(Xtr)} samples, {args.epochs} epochs)"
    )
    print(
        f"{'contender':30s} {'median s':>9s} {'accuracy':>9s} {'x randperm':>11s} "
        f"{'x FLOP limit':>13s}"
    )
    for name, (times, accs) in results.items():
        med = statistics.median(times)
        print(
            f"{name:30s} {med:9.3f} {statistics.median(accs):9.3f} {med / ref:11.2f} "
            f"{med / limit:13.2f}"
        )
    print(f"(medians of {args.repeats} runs; load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
