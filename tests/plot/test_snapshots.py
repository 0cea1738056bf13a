"""Decision-boundary snapshots during training, GIF, activation table."""

import numpy as np
import pytest
from sklearn.svm import SVC

from scidl.data import make_moons
from scidl.nn import MLPClassifier
from scidl.plot import (
    boundary_recorder,
    plot_activations,
    plot_boundary_snapshots,
    save_boundary_animation,
)


@pytest.fixture(scope="module")
def trained():
    X, y = make_moons(80, noise=0.1, random_state=0)
    rec = boundary_recorder(X, every=1, on="batch", resolution=25)
    clf = MLPClassifier(
        (16,), max_epochs=4, batch_size=20, dropout=0.0, lr=0.02, random_state=0, callbacks=[rec]
    ).fit(X, y)
    return X, y, rec, clf


def test_recorder_snapshots_initial_and_every_batch(trained):
    X, y, rec, clf = trained
    assert len(rec.records) == 1 + 4 * 4
    assert rec.records[0][:2] == (0, 0)
    xx, yy = rec.grid
    final = rec.records[-1][2]
    points = np.column_stack([xx.ravel(), yy.ravel()])
    np.testing.assert_allclose(final.ravel(), clf.predict_proba(points)[:, 1], atol=1e-5)
    assert not np.allclose(rec.records[0][2], final)  # training moved the boundary


def test_snapshot_figure_with_svm(trained):
    X, y, rec, _ = trained
    svm = SVC(kernel="rbf").fit(X, y)
    fig = plot_boundary_snapshots(rec, X, y, n_panels=4, reference=svm)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "initial weights" and titles[-1] == "RBF SVM"
    with pytest.raises(ValueError, match="no snapshots"):
        plot_boundary_snapshots(boundary_recorder(X), X, y)


def test_gif(trained, tmp_path):
    pytest.importorskip("PIL")
    X, y, rec, _ = trained
    path = save_boundary_animation(rec, X, y, tmp_path / "b.gif", max_frames=5)
    assert path is not None and (tmp_path / "b.gif").read_bytes()[:3] == b"GIF"


def test_recorder_input_checks():
    with pytest.raises(ValueError, match="shape"):
        boundary_recorder(np.zeros((4, 3)))


def test_activation_table():
    fig = plot_activations()
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 14
    assert all(len(ax.lines) >= 2 for ax in visible)  # function and derivative
    with pytest.raises(ValueError, match="x_range"):
        plot_activations(x_range=(1, 0))
