import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from sklearn.datasets import make_blobs
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from scidl.plot import plot_decision_boundary, subplots

X2, y2 = make_blobs(60, centers=2, random_state=0)
X3, y3 = make_blobs(60, centers=3, random_state=0)


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def contours(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def test_binary_probability_map():
    clf = LogisticRegression().fit(X2, y2)
    fig = plot_decision_boundary(clf, X2, y2, resolution=30)
    assert isinstance(fig, Figure)
    ax, cbar_ax = fig.axes  # the plot and its colorbar
    filled, boundary = contours(ax)
    assert filled.filled and not boundary.filled
    np.testing.assert_allclose(boundary.levels, [0.5])
    assert len(scatters(ax)) == 2  # one point set per class
    assert sum(len(s.get_offsets()) for s in scatters(ax)) == len(X2)
    assert "P(y = 1)" in cbar_ax.get_ylabel()


def test_multiclass_and_labels_only():
    clf = KNeighborsClassifier().fit(X3, y3)
    for proba in (True, False):
        fig = plot_decision_boundary(clf, X3, y3, resolution=25, proba=proba)
        (ax,) = fig.axes
        filled = contours(ax)[0]
        assert filled.filled and len(filled.levels) == 4  # three class regions
        assert len(scatters(ax)) == 3


def test_string_labels_follow_classes_order():
    labels = np.array(["cat", "dog"])[y2]
    clf = LogisticRegression().fit(X2, labels)
    fig = plot_decision_boundary(clf, X2, labels, resolution=20, proba=False)
    names = [s.get_label() for s in scatters(fig.axes[0])]
    assert names == ["class cat", "class dog"]


def test_given_ax():
    fig, axes = subplots(1, 2)
    clf = LogisticRegression().fit(X2, y2)
    assert plot_decision_boundary(clf, X2, y2, resolution=20, proba=False, ax=axes[0]) is fig
    assert contours(axes[0]) and not contours(axes[1])


def test_errors():
    clf = LogisticRegression().fit(X2, y2)
    with pytest.raises(ValueError, match=r"\(n_samples, 2\)"):
        plot_decision_boundary(clf, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="y must have shape"):
        plot_decision_boundary(clf, X2, y2[:-1])
    with pytest.raises(ValueError, match="resolution"):
        plot_decision_boundary(clf, X2, y2, resolution=1)
