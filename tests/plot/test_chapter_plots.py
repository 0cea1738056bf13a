"""Figures moved into scidl.plot from the chapters (optim, nn, unsupervised, model_selection)."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from sklearn.datasets import make_moons

from scidl.nn import MLP
from scidl.optim import trace
from scidl.plot import (
    plot_activation_maximization,
    plot_first_layer_weights,
    plot_k_distance,
    plot_top_activating,
    plot_trajectories,
    subplots,
)


@pytest.fixture(autouse=True)
def _one_thread():
    """A shared machine: multi-threaded BLAS/torch on tiny problems spins and slows them 10-100x."""
    from threadpoolctl import threadpool_limits

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(n)


def test_plot_trajectories():
    fig = plot_trajectories(
        "saddle",
        {"sgd": trace("sgd", "saddle", steps=30), "adam": trace("adam", "saddle", steps=30)},
    )
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(label.startswith("sgd") for label in labels) and "saddle" in labels


def test_plot_trajectories_on_given_axes():
    fig, axes = subplots(1, 2)
    assert (
        plot_trajectories(
            "quadratic",
            {"sgd": trace("sgd", "quadratic", steps=5)},
            ax=axes[1],
            resolution=20,
            title="q",
        )
        is fig
    )
    assert axes[1].get_title() == "q"


def test_feature_detector_plots():
    torch.manual_seed(0)
    net = MLP(16, 3, (5, 4), dropout=0.3).double()
    X = np.random.default_rng(0).normal(size=(20, 16))
    assert len([a for a in plot_first_layer_weights(net, shape=(4, 4)).axes if a.images]) == 5
    assert (
        len(
            [a for a in plot_top_activating(net, X, [0, 1], n_top=3, shape=(4, 4)).axes if a.images]
        )
        == 6
    )
    assert (
        len(
            [
                a
                for a in plot_activation_maximization(net, [0, 1], shape=(4, 4), steps=5).axes
                if a.images
            ]
        )
        == 2
    )


def test_plot_k_distance_returns_figure():
    X, _ = make_moons(100, noise=0.05, random_state=0)
    fig = plot_k_distance(X, 4)
    assert isinstance(fig, Figure) and len(fig.axes) == 1


def test_figures_come_only_from_scidl_plot():
    # One place for plotting: the chapter packages compute, scidl.plot draws.
    import scidl.model_selection
    import scidl.nn
    import scidl.optim
    import scidl.unsupervised

    for package in (scidl.optim, scidl.nn, scidl.unsupervised, scidl.model_selection):
        assert not [name for name in package.__all__ if name.startswith("plot_")], package.__name__


def test_chapter_packages_do_not_import_matplotlib():
    code = (
        "import sys, scidl, scidl.optim, scidl.nn, scidl.model_selection, scidl.unsupervised\n"
        "assert not [m for m in sys.modules if m.startswith('matplotlib')], sorted(sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
