"""Smoke tests of the chapter's demos in quick mode (slow: they load MNIST and train)."""

import json

import pytest
from matplotlib.figure import Figure


def _check_output(out, figure_names):
    json.dumps(out.metrics)
    assert set(out.figures) == set(figure_names)
    assert all(isinstance(f, Figure) for f in out.figures.values())
    assert isinstance(out.text, str) and len(out.text) > 100


@pytest.mark.slow
def test_autoencoder_vs_pca_quick():
    from scidl.demos import run_demo

    out = run_demo("autoencoder-vs-pca", quick=True)
    _check_output(out, ["reconstructions", "error_vs_k", "latent_2d"])
    m = out.metrics
    assert len(m["mse_pca"]) == len(m["k"]) == len(m["mse_nonlinear_ae"])
    assert m["mse_pca"] == sorted(m["mse_pca"], reverse=True)  # more components, smaller error
    k2 = m["k"].index(2)
    assert out.headline == (
        "test error at k=2, nonlinear autoencoder / PCA",
        pytest.approx(m["mse_nonlinear_ae"][k2] / m["mse_pca"][k2]),
    )


@pytest.mark.slow
def test_clustering_quick():
    from scidl.demos import run_demo

    out = run_demo("clustering", quick=True)
    _check_output(out, ["toy_clusterings", "k_distance", "mnist_scores"])
    m = out.metrics
    assert m["blobs_kmeans_accuracy"] > 0.95
    assert m["moons_dbscan_accuracy"] > 0.95 > m["moons_kmeans_accuracy"]
    assert m["rings_dbscan_accuracy"] > 0.95 > m["rings_kmeans_accuracy"]
    assert 0.3 < m["mnist_pixels_accuracy"] < 0.8
    assert out.headline == ("MNIST k-means accuracy on autoencoder codes", m["mnist_ae_accuracy"])


@pytest.mark.slow
def test_nonlinear_autoencoder_beats_pca_at_small_k_on_mnist():
    # The claim, on the full demo (4,000 training / 1,000 test digits, 20 epochs):
    # the nonlinear autoencoder's test reconstruction error is below PCA's at k = 2 and 8,
    # and the linear autoencoder cannot beat PCA by more than its training noise.
    from scidl.demos import run_demo

    m = run_demo("autoencoder-vs-pca", quick=False).metrics
    err = {
        name: dict(zip(m["k"], m[name]))
        for name in ("mse_pca", "mse_linear_ae", "mse_nonlinear_ae")
    }
    for k in (2, 8):
        assert err["mse_nonlinear_ae"][k] < 0.9 * err["mse_pca"][k]
    for k in m["k"]:
        assert err["mse_linear_ae"][k] > 0.97 * err["mse_pca"][k]
