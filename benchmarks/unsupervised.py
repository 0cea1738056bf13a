"""Benchmark: scidl PCA and KMeans against scikit-learn, measured in the same run.

Usage::

    python benchmarks/unsupervised.py [--repeat 3] [--quick] [--threads N]

PCA: 100,000 x 200 float64, 10 components, full (exact) and randomized
solvers. scidl's exact solver diagonalises the covariance matrix; it is timed
against scikit-learn's ``full`` (SVD of the data) and, for fairness, also
against scikit-learn's ``covariance_eigh`` (the same algorithm).

KMeans: 200,000 x 2, 100 clusters, n_init=1, both started from the same
k-means++ centres (given as ``init``) with the same ``max_iter`` and ``tol``,
so both do the same Lloyd iterations; the inertias and iteration counts are
printed to show that the result is equal. scidl's default skips distance
computations with Hamerly's bounds (same iterations, same result); it is
timed against scikit-learn's default ``lloyd`` and, for fairness, against
scikit-learn's bounded ``elkan``; scidl's plain ``lloyd`` is shown as well.

Times are medians over ``--repeat`` runs; ratios are scidl / scikit-learn
(below 1.0 means scidl is faster).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from sklearn.cluster import KMeans as SkKMeans
from sklearn.decomposition import PCA as SkPCA
from threadpoolctl import threadpool_info, threadpool_limits

from scidl.unsupervised import PCA, KMeans


def median_time(fn, repeat):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def row(name, t_scidl, t_sk, extra=""):
    print(f"{name:<34s} {t_scidl * 1e3:10.1f} {t_sk * 1e3:10.1f} {t_scidl / t_sk:8.2f}  {extra}")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--quick", action="store_true", help="10x smaller data")
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
    print(f"{'benchmark':<34s} {'scidl ms':>10s} {'sklearn ms':>10s} {'ratio':>8s}")

    scale = 10 if args.quick else 1
    rng = np.random.default_rng(0)
    n, d, k = 100_000 // scale, 200, 10
    X = rng.standard_normal((n, d)) @ (rng.standard_normal((d, d)) / np.sqrt(d)) + 3.0

    t_ours, ours = median_time(lambda: PCA(k, svd_solver="full").fit(X), args.repeat)
    t_full, sk_full = median_time(lambda: SkPCA(k, svd_solver="full").fit(X), args.repeat)
    t_cov, _ = median_time(lambda: SkPCA(k, svd_solver="covariance_eigh").fit(X), args.repeat)
    err = np.max(
        np.abs(ours.explained_variance_ - sk_full.explained_variance_) / sk_full.explained_variance_
    )
    row(
        f"PCA full {n}x{d} k={k}",
        t_ours,
        t_full,
        f"vs sklearn full (SVD); max rel. diff of variances {err:.1e}",
    )
    row("PCA full (same algorithm)", t_ours, t_cov, "vs sklearn covariance_eigh")
    t_ours, ours = median_time(
        lambda: PCA(k, svd_solver="randomized", random_state=0).fit(X), args.repeat
    )
    t_sk, sk = median_time(
        lambda: SkPCA(k, svd_solver="randomized", random_state=0).fit(X), args.repeat
    )
    err = np.max(
        np.abs(ours.explained_variance_ - sk_full.explained_variance_) / sk_full.explained_variance_
    )
    row(
        f"PCA randomized {n}x{d} k={k}",
        t_ours,
        t_sk,
        f"max rel. diff of variances to exact {err:.1e}",
    )

    n, n_clusters, max_iter = 200_000 // scale, 100, 100
    X = rng.uniform(-10, 10, (n, 2))
    init = KMeans(n_clusters, max_iter=1, random_state=0).fit(X[:20000]).cluster_centers_
    t_ours, ours = median_time(
        lambda: KMeans(n_clusters, init=init, n_init=1, max_iter=max_iter).fit(X), args.repeat
    )
    t_plain, plain = median_time(
        lambda: KMeans(n_clusters, init=init, n_init=1, max_iter=max_iter, algorithm="lloyd").fit(
            X
        ),
        args.repeat,
    )
    t_sk, sk = median_time(
        lambda: SkKMeans(n_clusters, init=init, n_init=1, max_iter=max_iter).fit(X), args.repeat
    )
    t_elkan, _ = median_time(
        lambda: SkKMeans(n_clusters, init=init, n_init=1, max_iter=max_iter, algorithm="elkan").fit(
            X
        ),
        args.repeat,
    )
    row(
        f"KMeans {n}x2 k={n_clusters}",
        t_ours,
        t_sk,
        f"default (hamerly) vs sklearn lloyd; iterations {ours.n_iter_} vs {sk.n_iter_}; "
        f"inertia {ours.inertia_:.6g} vs {sk.inertia_:.6g}",
    )
    row(
        "KMeans, plain lloyd",
        t_plain,
        t_sk,
        f"vs sklearn lloyd; iterations {plain.n_iter_}; inertia {plain.inertia_:.6g}",
    )
    row("KMeans default vs sklearn elkan", t_ours, t_elkan, "both skip distances with bounds")


if __name__ == "__main__":
    main()
