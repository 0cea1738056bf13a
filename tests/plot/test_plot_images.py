import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from sklearn.metrics import confusion_matrix

from scidl.plot import PALETTE, plot_confusion_matrix, plot_image_grid, subplots

rng = np.random.default_rng(0)
IMAGES = rng.random((12, 28, 28))


def test_grid_of_labelled_predictions():
    labels = np.arange(12) % 10
    preds = labels.copy()
    preds[3] = 7
    fig = plot_image_grid(IMAGES, labels, preds, ncols=5, title="digits")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 12  # unused grid cells are removed
    assert all(len(ax.images) == 1 for ax in fig.axes)
    assert fig.axes[3].get_title() == "3→7"
    assert to_hex(fig.axes[3].title.get_color()) == PALETTE[3].lower()  # wrong: vermillion
    assert to_hex(fig.axes[0].title.get_color()) == "#000000"
    assert fig.get_suptitle() == "digits"


def test_flattened_images_with_and_without_shape():
    fig = plot_image_grid(IMAGES.reshape(12, -1))  # 784 is a square
    assert fig.axes[0].images[0].get_array().shape == (28, 28)
    fig = plot_image_grid(np.zeros((3, 8 * 4)), shape=(8, 4), labels=[1, 2, 3])
    assert fig.axes[0].images[0].get_array().shape == (8, 4)
    assert [ax.get_title() for ax in fig.axes] == ["1", "2", "3"]
    with pytest.raises(ValueError, match="square"):
        plot_image_grid(np.zeros((3, 10)))


def test_predictions_only_rgb_and_empty():
    fig = plot_image_grid(rng.random((2, 5, 5, 3)), predictions=[4, 2])
    assert fig.axes[0].get_title() == "pred 4"
    fig = plot_image_grid(np.zeros((0, 28, 28)))
    assert isinstance(fig, Figure) and not fig.axes[0].images


def test_mosaic_on_given_ax():
    fig, ax = subplots()
    assert plot_image_grid(IMAGES, np.arange(12), np.arange(12), ncols=4, ax=ax) is fig
    assert len(fig.axes) == 1 and len(ax.images) == 1
    assert len(ax.texts) == 12


def test_image_grid_errors():
    with pytest.raises(ValueError, match="one entry per image"):
        plot_image_grid(IMAGES, labels=[1, 2])
    with pytest.raises(ValueError, match="ncols"):
        plot_image_grid(IMAGES, ncols=0)
    with pytest.raises(ValueError, match="cannot be reshaped"):
        plot_image_grid(np.zeros((2, 10)), shape=(3, 3))


def test_confusion_matrix_counts_and_text():
    y_true = np.array([0, 0, 1, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0, 2])
    fig = plot_confusion_matrix(y_true, y_pred)
    ax = fig.axes[0]
    assert len(ax.images) == 1
    np.testing.assert_array_equal(ax.images[0].get_array(), confusion_matrix(y_true, y_pred))
    assert len(ax.texts) == 9
    assert "71.4%" in ax.get_title()


def test_confusion_matrix_normalized_labels_and_ax():
    fig, axes = subplots(1, 2)
    out = plot_confusion_matrix(
        ["a", "b", "b"], ["a", "a", "b"], normalize="true", labels=["b", "a"], ax=axes[1]
    )
    assert out is fig
    matrix = axes[1].images[0].get_array()
    np.testing.assert_allclose(matrix, [[0.5, 0.5], [0.0, 1.0]])
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["b", "a"]
    with pytest.raises(ValueError, match="normalize"):
        plot_confusion_matrix([0], [0], normalize="rows")
    with pytest.raises(ValueError, match="same length"):
        plot_confusion_matrix([0, 1], [0])
