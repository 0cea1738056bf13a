"""Demo "clustering": k-means versus DBSCAN on toy shapes, and clustering MNIST digits."""

from __future__ import annotations

import time

import numpy as np
from matplotlib.figure import Figure

from scidl.demos._registry import DemoOutput, register

_N_TOY = 600
_MIN_SAMPLES = 5  # DBSCAN's core-point threshold on the 2D toy sets
_N_CODES = 10  # code size of the autoencoder whose codes are clustered
_HIDDEN = (256, 64)
_QUICK = {"n_mnist": 1000, "epochs": 3, "n_init": 3}
_FULL = {"n_mnist": 5000, "epochs": 20, "n_init": 10}


def _toy_sets(n, seed):
    from scidl.data import make_blobs, make_circles, make_moons

    return {
        "blobs": make_blobs(n, centers=3, cluster_std=0.8, random_state=seed),
        "moons": make_moons(n, noise=0.08, random_state=seed),
        "rings": make_circles(n, noise=0.05, factor=0.5, random_state=seed),
    }


def _scatter(ax, X, labels, title):
    noise = labels == -1
    ax.scatter(
        X[noise, 0], X[noise, 1], c="0.7", s=5, marker="x", label="noise" if noise.any() else None
    )
    ax.scatter(
        X[~noise, 0], X[~noise, 1], c=labels[~noise] % 10, cmap="tab10", vmin=-0.5, vmax=9.5, s=5
    )
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal", adjustable="datalim")


def _mnist_figure(results):
    fig = Figure(figsize=(6, 3.8), layout="constrained")
    ax = fig.add_subplot()
    names = list(results)
    x = np.arange(len(names))
    acc = [results[n]["accuracy"] for n in names]
    nmi = [results[n]["nmi"] for n in names]
    ax.bar(x - 0.2, acc, 0.4, label="accuracy (Hungarian)")
    ax.bar(x + 0.2, nmi, 0.4, label="NMI")
    ax.axhspan(0.53, 0.55, color="0.8", zorder=0, label="published k-means on pixels")
    ax.set_xticks(x, names)
    ax.set_ylim(0, 1)
    ax.set_ylabel("score")
    ax.set_title("k-means (k=10) on MNIST digits")
    ax.legend(loc="upper left", fontsize=8)
    return fig


@register(
    "clustering", "Clustering: k-means versus DBSCAN, on toy sets and MNIST", chapter=6, position=2
)
def run(*, quick=False, random_state=0):
    """k-means and DBSCAN on blobs, moons and rings; k-means on MNIST pixels and codes.

    The MNIST representations are the raw pixels, PCA components and autoencoder codes.

    On each toy set k-means gets the true number of clusters and DBSCAN gets
    ``min_samples=5`` and ``eps = 2 * suggest_eps(X)`` (twice the knee of the
    k-distance graph). Scores are the Hungarian-matched accuracy and the NMI
    against the generating classes. On MNIST, k-means with k=10 clusters the
    raw pixels, 10 PCA components and the 10-number codes of a nonlinear
    autoencoder trained on the same images (no labels are used anywhere).

    Returns
    -------
    DemoOutput
        ``metrics``, ``figures`` (toy clusterings, k-distance graph, MNIST
        scores), ``text`` and the headline (k-means accuracy on the
        autoencoder codes).
    """
    from scidl.data import load_mnist
    from scidl.plot import plot_k_distance
    from scidl.unsupervised import (
        DBSCAN,
        PCA,
        Autoencoder,
        KMeans,
        clustering_scores,
        suggest_eps,
    )

    start = time.perf_counter()
    settings = _QUICK if quick else _FULL
    metrics = {}

    # -- toy shapes ------------------------------------------------------------
    toys = _toy_sets(_N_TOY, random_state)
    toy_fig = Figure(figsize=(9, 6), layout="constrained")
    axes = toy_fig.subplots(2, len(toys))
    for j, (name, (X, y)) in enumerate(toys.items()):
        n_classes = len(np.unique(y))
        km = KMeans(n_classes, n_init=5, random_state=random_state).fit(X)
        eps = 2 * suggest_eps(X, _MIN_SAMPLES)
        db = DBSCAN(eps=eps, min_samples=_MIN_SAMPLES).fit(X)
        for label, est in (("kmeans", km), ("dbscan", db)):
            for key, value in clustering_scores(y, est.labels_).items():
                metrics[f"{name}_{label}_{key}"] = value
        metrics[f"{name}_dbscan_eps"] = eps
        metrics[f"{name}_dbscan_clusters"] = int(len(set(db.labels_.tolist()) - {-1}))
        metrics[f"{name}_dbscan_noise_fraction"] = float(np.mean(db.labels_ == -1))
        _scatter(
            axes[0, j],
            X,
            km.labels_,
            f"k-means, k={n_classes}: accuracy {metrics[f'{name}_kmeans_accuracy']:.2f}",
        )
        _scatter(
            axes[1, j],
            X,
            db.labels_,
            f"DBSCAN, eps={eps:.2f}: accuracy {metrics[f'{name}_dbscan_accuracy']:.2f}",
        )
    axes[0, 0].set_ylabel("k-means")
    axes[1, 0].set_ylabel("DBSCAN")
    toy_fig.suptitle("k-means finds round clusters; DBSCAN follows density")
    k_fig = plot_k_distance(toys["moons"][0], _MIN_SAMPLES)
    k_fig.axes[0].set_title("Moons: k-distance graph (DBSCAN used 2 x knee)", fontsize=10)

    # -- MNIST -----------------------------------------------------------------
    X, y = load_mnist(flatten=True, normalize=True)
    rng = np.random.default_rng(random_state)
    idx = rng.permutation(len(X))[: settings["n_mnist"]]  # the sample is sorted by digit
    X, y = X[idx], y[idx]
    ae = Autoencoder(
        _HIDDEN,
        _N_CODES,
        activation="relu",
        output_activation="sigmoid",
        max_epochs=settings["epochs"],
        batch_size=128,
        lr=2e-3,
        patience=5,
        random_state=random_state,
    ).fit(X)
    representations = {
        "pixels": X,
        f"PCA, {_N_CODES} comp.": PCA(_N_CODES).fit_transform(X),
        f"AE codes, k={_N_CODES}": ae.transform(X),
    }
    mnist = {}
    for name, R in representations.items():
        labels = KMeans(10, n_init=settings["n_init"], random_state=random_state).fit_predict(R)
        mnist[name] = clustering_scores(y, labels)
    for key, name in zip(("pixels", "pca", "ae"), representations):
        for score, value in mnist[name].items():
            metrics[f"mnist_{key}_{score}"] = value
    metrics["mnist_n_images"] = int(len(X))
    metrics["mnist_ae_epochs"] = int(ae.n_epochs_)
    metrics["seconds"] = time.perf_counter() - start

    figures = {
        "toy_clusterings": toy_fig,
        "k_distance": k_fig,
        "mnist_scores": _mnist_figure(mnist),
    }
    m = metrics
    text = (
        "k-means puts each point in the cluster of its nearest centre, so its clusters are convex "
        f"cells: it recovers the blobs (accuracy {m['blobs_kmeans_accuracy']:.2f}) but cuts the "
        f"moons ({m['moons_kmeans_accuracy']:.2f}) and the rings "
        f"({m['rings_kmeans_accuracy']:.2f}) with straight lines. DBSCAN grows clusters through "
        "dense neighbourhoods, needs no number of clusters and marks sparse points as noise: "
        f"moons {m['moons_dbscan_accuracy']:.2f}, rings {m['rings_dbscan_accuracy']:.2f}, blobs "
        f"{m['blobs_dbscan_accuracy']:.2f}, with eps read off the k-distance graph. On "
        f"{m['mnist_n_images']} MNIST digits, k-means with 10 clusters on raw pixels reaches a "
        f"Hungarian-matched accuracy of {m['mnist_pixels_accuracy']:.1%} (NMI "
        f"{m['mnist_pixels_nmi']:.2f}; about 53-55 % is published for the full data set), on 10 "
        f"PCA components {m['mnist_pca_accuracy']:.1%} and on the 10-number codes of an "
        f"autoencoder {m['mnist_ae_accuracy']:.1%} (NMI {m['mnist_ae_nmi']:.2f})."
    )
    if quick:
        text += (
            f" (Quick mode: {m['mnist_n_images']} digits, autoencoder trained for at most "
            f"{settings['epochs']} epochs.)"
        )
    headline = ("MNIST k-means accuracy on autoencoder codes", m["mnist_ae_accuracy"])
    return DemoOutput(metrics, figures, text, headline)
