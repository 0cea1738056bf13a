"""Figures of filters, learned filters and feature maps (headless, no pyplot)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from scidl.nn import ConvNet, ConvNetClassifier, conv_layers, feature_maps, learned_filters
from scidl.nn.filters import KERNELS
from scidl.plot import plot_feature_maps, plot_filter_effects, plot_learned_filters


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """These networks are tiny: one thread avoids thread start-up and contention costs."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.random((32, 12, 12)).astype(np.float32)
    y = np.arange(32) % 2
    return ConvNetClassifier((4, 6), hidden_sizes=(8,), max_epochs=1, random_state=0).fit(X, y), X


def test_filter_effects_figure():
    rng = np.random.default_rng(0)
    fig = plot_filter_effects(
        {k: KERNELS[k] for k in ("box", "sobel_x")}, [rng.random((10, 10)), rng.random((20, 30))]
    )
    assert isinstance(fig, Figure) and len(fig.axes) == 3 * 3
    assert fig.axes[1].get_title() == "box"
    with pytest.raises(ValueError, match="images"):
        plot_filter_effects({"box": KERNELS["box"]}, [np.zeros(5)])


def test_learned_filters_and_feature_maps(fitted):
    clf, X = fitted
    assert len(conv_layers(clf)) == 2
    np.testing.assert_array_equal(learned_filters(clf, 1).shape, (6, 4, 3, 3))
    maps = feature_maps(clf, X[0])
    assert [m.shape for m in maps] == [(1, 12, 12), (4, 6, 6), (6, 3, 3)]
    fig = plot_learned_filters(clf)
    assert isinstance(fig, Figure) and sum(ax.has_data() for ax in fig.axes) == 4
    fig = plot_feature_maps(clf, X[0], max_maps=3)
    assert isinstance(fig, Figure) and len(fig.axes) == 3 * 3
    assert plot_learned_filters(clf.module_, layer=1).axes
    with pytest.raises(ValueError, match="layer"):
        learned_filters(clf, 2)


def test_inspection_errors():
    import torch

    with pytest.raises(ValueError, match="no Conv2d"):
        learned_filters(torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match="ConvNet"):
        feature_maps(torch.nn.Conv2d(1, 1, 3), np.zeros((5, 5)))
    assert isinstance(ConvNet((1, 4, 4), 2), torch.nn.Module)
