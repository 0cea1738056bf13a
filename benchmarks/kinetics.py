"""Benchmark: scidl.kinetics against deeptime, side by side in one process.

Cases (sizes of the issue; ``--small`` divides them by 10):

1. TICA on one 1,000,000 x 50 trajectory, float64 and float32, one and two threads.
2. Transition counting on a 10,000,000-step discrete trajectory over 1,000 states
   (sliding window), and effective counts (Noé 2015) on its first 1,000,000 steps.
3. Reversible maximum-likelihood transition matrix of that count matrix.
4. The pipeline TICA -> k-means -> reversible MSM (each library with its own KMeans;
   both fit k-means on the same subsample).

For each case the best of ``--repeat`` runs is printed with the ratio scidl/deeptime
(below 1 means scidl is faster) and the largest relative difference of the results.

Run: ``python benchmarks/kinetics.py [--small] [--repeat 3]`` (needs ``pip install deeptime``).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import scipy.signal


def best_time(fn, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def make_trajectory(n, d, seed=0):
    """A linear mix of independent AR(1) processes with a spread of autocorrelations."""
    rng = np.random.default_rng(seed)
    coefs = np.linspace(0.999, 0.5, d)
    Z = np.empty((n, d))
    for k, a in enumerate(coefs):
        Z[:, k] = scipy.signal.lfilter([1.0], [1.0, -a], rng.standard_normal(n))
    M = rng.normal(size=(d, d)) / np.sqrt(d) + np.eye(d)
    return Z @ M


def make_dtraj(n, n_states, seed=0):
    """A random walk with steps in [-3, 3] on a ring of states (a sparse, reversible chain)."""
    rng = np.random.default_rng(seed)
    steps = rng.integers(-3, 4, size=n)
    return np.mod(np.cumsum(steps), n_states).astype(np.int32)


def rel_diff(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def row(name, t_ours, t_theirs, diff):
    print(
        f"{name:<44s} {t_ours:9.3f} {t_theirs:9.3f} {t_ours / t_theirs:7.2f}   {diff:9.1e}",
        flush=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="divide the sizes by 10")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="Algorithm did not reach convergence")

    import deeptime
    from threadpoolctl import threadpool_limits

    from scidl.kinetics import TICA, MarkovStateModel, count_transitions, transition_matrix_mle

    scale = 10 if args.small else 1
    n_frames, n_feat, lag = 1_000_000 // scale, 50, 10
    n_steps, n_states = 10_000_000 // scale, 1000
    print(
        f"deeptime {deeptime.__version__}; TICA {n_frames} x {n_feat}, lag {lag}; counting "
        f"{n_steps} steps over {n_states} states"
    )
    print(f"{'case':<44s} {'scidl s':>9s} {'deeptime s':>9s} {'ratio':>7s}   {'rel diff':>9s}")

    X64 = make_trajectory(n_frames, n_feat)
    X32 = X64.astype(np.float32)
    for threads in (1, 2):
        with threadpool_limits(threads):
            for X in (X64, X32):
                name = f"TICA {X.dtype}, {threads} thread(s)"
                t1, ours = best_time(lambda X=X: TICA(lagtime=lag).fit(X), args.repeat)
                t2, theirs = best_time(
                    lambda X=X: deeptime.decomposition.TICA(lagtime=lag).fit(X).fetch_model(),
                    args.repeat,
                )
                row(name, t1, t2, rel_diff(ours.eigenvalues_, theirs.singular_values))

    dtraj = make_dtraj(n_steps, n_states)
    est = deeptime.markov.TransitionCountEstimator(lagtime=lag, count_mode="sliding")
    t1, C = best_time(lambda: count_transitions(dtraj, lag), args.repeat)
    t2, cm = best_time(lambda: est.fit(dtraj).fetch_model(), args.repeat)
    Cd = cm.count_matrix.toarray() if hasattr(cm.count_matrix, "toarray") else cm.count_matrix
    row("transition counts (sliding)", t1, t2, rel_diff(C, Cd))

    from deeptime.markov.tools.estimation import effective_count_matrix

    n_eff = n_steps // 10  # the effective counts are far slower in deeptime; a tenth of the steps
    t1, Ce = best_time(lambda: count_transitions(dtraj[:n_eff], lag, mode="effective"), args.repeat)
    t2, Ced = best_time(lambda: effective_count_matrix(dtraj[:n_eff], lag).toarray(), args.repeat)
    row(f"effective counts ({n_eff} steps)", t1, t2, rel_diff(Ce, Ced))

    from deeptime.markov.tools.estimation import transition_matrix as dt_transition_matrix

    tol = 1e-12
    t1, T1 = best_time(lambda: transition_matrix_mle(C, reversible=True, tol=tol), args.repeat)
    t2, T2 = best_time(
        lambda: dt_transition_matrix(C, reversible=True, maxerr=tol, maxiter=10**7), args.repeat
    )
    row(f"reversible MLE ({n_states} states, tol {tol:g})", t1, t2, rel_diff(T1, T2))

    from scidl.unsupervised import KMeans

    n_clusters, n_sub = 100, 50_000 // (1 if scale == 1 else 5)
    sub = np.random.default_rng(0).choice(n_frames, n_sub, replace=False)

    def ours_pipeline():
        Y = TICA(lagtime=lag, n_components=5).fit(X32).transform(X32)
        km = KMeans(n_clusters, max_iter=20, random_state=0).fit(Y[sub])
        dtraj = km.predict(Y)
        return MarkovStateModel(lagtime=lag).fit(dtraj).timescales(3), dtraj

    def theirs_pipeline():
        Y = deeptime.decomposition.TICA(lagtime=lag, dim=5).fit(X32).transform(X32)
        km = (
            deeptime.clustering.KMeans(n_clusters, max_iter=20, fixed_seed=0, n_jobs=1)
            .fit(Y[sub])
            .fetch_model()
        )
        counts = (
            deeptime.markov.TransitionCountEstimator(lag, "sliding")
            .fit(km.transform(Y))
            .fetch_model()
        )
        return (
            deeptime.markov.msm.MaximumLikelihoodMSM(reversible=True)
            .fit(counts)
            .fetch_model()
            .timescales(3)
        )

    import torch

    torch_threads = torch.get_num_threads()
    torch.set_num_threads(
        1
    )  # scidl's KMeans computes with torch; threadpoolctl limits BLAS/OpenMP only
    with threadpool_limits(1):
        t1, ts1 = best_time(ours_pipeline, args.repeat)
        t2, ts2 = best_time(theirs_pipeline, args.repeat)
    torch.set_num_threads(torch_threads)
    (ts1, dtraj1) = ts1
    row("pipeline TICA -> k-means -> MSM (1 thread)", t1, t2, rel_diff(ts1, ts2))
    # The two k-means partitions differ (different seeding streams), so the timescales do;
    # on the same discretisation the MSMs agree:
    counts = deeptime.markov.TransitionCountEstimator(lag, "sliding").fit(dtraj1).fetch_model()
    same = (
        deeptime.markov.msm.MaximumLikelihoodMSM(reversible=True)
        .fit(counts)
        .fetch_model()
        .timescales(3)
    )
    print(
        f"(the pipelines' k-means partitions differ; deeptime's MSM on scidl's "
        f"discretisation: rel diff {rel_diff(ts1, same):.1e})"
    )


if __name__ == "__main__":
    main()
