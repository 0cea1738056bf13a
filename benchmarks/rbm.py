"""Benchmark: scidl's RBM against scikit-learn's BernoulliRBM, measured in the same run.

Usage::

    python benchmarks/rbm.py [--repeat 3] [--quick] [--threads N] [--batch-size 64]

CD-1 epoch: one pass over the binarised MNIST sample's 5,000 digits (784 visible units)
with 500 hidden units and minibatches of ``--batch-size``, by scidl's ``RBM`` (CD-1, float32,
on the one training loop) and by scikit-learn's ``BernoulliRBM`` (PCD-1 in float64, its only
algorithm: the same five matrix products per minibatch). Both fit one epoch from scratch;
the setup (validation, initialisation) is inside both timings.

AIS: scidl's ``ais_log_partition`` with 1,000 inverse temperatures and 100 chains on a
784 x 500 RBM (the trained one): seconds, and the estimate with its standard error.

Times are medians over ``--repeat`` runs; ratios are scidl / scikit-learn (below 1.0 means
scidl is faster). Targets (issue 12): CD-1 epoch ratio <= 0.5.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from sklearn.neural_network import BernoulliRBM
from threadpoolctl import threadpool_info, threadpool_limits

from scidl.data import load_mnist
from scidl.generative import RBM, ais_log_partition


def median_time(fn, repeat):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--quick", action="store_true", help="1,000 digits, 100 betas")
    parser.add_argument("--batch-size", type=int, default=64, help="minibatch size of both")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit torch, BLAS and OpenMP threads of both libraries to N",
    )
    args = parser.parse_args(argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
        with threadpool_limits(args.threads):
            run(args)
    else:
        run(args)


def run(args):
    blas = [f"{i['internal_api']}:{i['num_threads']}" for i in threadpool_info()]
    print(f"threads: torch={torch.get_num_threads()} blas/openmp={', '.join(blas)}")
    X, _ = load_mnist(flatten=True, normalize=True)
    X = (X > 0.5).astype(np.float32)
    if args.quick:
        X = X[np.random.default_rng(0).permutation(len(X))[:1000]]
    n_hidden, batch = 500, args.batch_size

    def scidl_epoch():
        return RBM(n_hidden, max_epochs=1, batch_size=batch, random_state=0, device="cpu").fit(X)

    def sklearn_epoch():
        return BernoulliRBM(
            n_components=n_hidden, batch_size=batch, n_iter=1, learning_rate=0.05, random_state=0
        ).fit(X.astype(np.float64))  # scikit-learn computes in float64 whatever the input

    scidl_epoch()  # warm-up (first-call costs of torch)
    t_scidl, rbm = median_time(scidl_epoch, args.repeat)
    t_sk, _ = median_time(sklearn_epoch, args.repeat)
    print(f"{'benchmark':<40s} {'scidl s':>9s} {'sklearn s':>9s} {'ratio':>7s}")
    print(
        f"{f'CD-1 epoch, {len(X)} x 784 -> {n_hidden}, batch {batch}':<40s} "
        f"{t_scidl:9.3f} {t_sk:9.3f} {t_scidl / t_sk:7.2f}   (target <= 0.5)"
    )

    n_betas = 100 if args.quick else 1000
    t_ais, (log_z, stderr) = median_time(
        lambda: ais_log_partition(
            rbm.module_,
            n_chains=100,
            n_betas=n_betas,
            base_intercept=rbm.base_intercept_,
            random_state=0,
        ),
        args.repeat,
    )
    print(
        f"{f'AIS, {n_betas} betas x 100 chains, 784x500':<40s} {t_ais:9.3f} {'-':>9s} {'-':>7s}"
        f"   (log Z = {log_z:.2f} +- {stderr:.2f})"
    )


if __name__ == "__main__":
    main()
