"""Scores of a clustering against known classes."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from scidl.utils import check_array

__all__ = ["clustering_accuracy", "clustering_scores"]


def _labels(y_true, y_pred):
    y_true = check_array(y_true, name="y_true", ndim=1, dtype=None)
    y_pred = check_array(y_pred, name="y_pred", ndim=1, dtype=None)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred must have the same length; got {len(y_true)} and {len(y_pred)}."
        )
    return y_true, y_pred


def clustering_accuracy(y_true, y_pred):
    """Accuracy of a clustering after the best one-to-one matching of clusters to classes.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Known classes (any labels).
    y_pred : array-like of shape (n_samples,)
        Cluster labels (any labels, e.g. 0..k-1, or -1 for DBSCAN's noise).

    Returns
    -------
    float
        ``max_pi 1/n sum_i [pi(y_pred_i) == y_true_i]`` over one-to-one maps
        ``pi`` from clusters to classes; clusters left without a class (when
        there are more clusters than classes) count as wrong.

    Notes
    -----
    Cluster labels are arbitrary, so plain accuracy is meaningless. With the
    contingency table ``N[c, t]`` (samples of cluster ``c`` and class ``t``) the
    best matching maximises ``sum_c N[c, pi(c)]``, a linear assignment problem
    solved exactly by the Hungarian algorithm (Kuhn 1955) in
    ``scipy.optimize.linear_sum_assignment``. This is the accuracy reported
    for clustering MNIST in the literature (e.g. Xie, Girshick & Farhadi 2016).

    Examples
    --------
    >>> from scidl.unsupervised import clustering_accuracy
    >>> clustering_accuracy([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1])
    1.0
    >>> clustering_accuracy([0, 0, 1, 1], [0, 0, 0, 1])
    0.75
    """
    y_true, y_pred = _labels(y_true, y_pred)
    if len(y_true) == 0:
        raise ValueError("y_true and y_pred are empty.")
    classes, t = np.unique(y_true, return_inverse=True)
    clusters, p = np.unique(y_pred, return_inverse=True)
    table = np.zeros((len(clusters), len(classes)), dtype=np.int64)
    np.add.at(table, (p, t), 1)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return float(table[rows, cols].sum() / len(y_true))


def clustering_scores(y_true, y_pred):
    """Hungarian accuracy, normalised mutual information and adjusted Rand index.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Known classes (any labels).
    y_pred : array-like of shape (n_samples,)
        Cluster labels (any labels).

    Returns
    -------
    dict
        ``{"accuracy": ..., "nmi": ..., "ari": ...}``; NMI and ARI are
        scikit-learn's ``normalized_mutual_info_score`` (arithmetic mean
        normalisation) and ``adjusted_rand_score``.

    Examples
    --------
    >>> from scidl.unsupervised import clustering_scores
    >>> clustering_scores([0, 0, 1, 1], [1, 1, 0, 0])
    {'accuracy': 1.0, 'nmi': 1.0, 'ari': 1.0}
    """
    y_true, y_pred = _labels(y_true, y_pred)
    return {
        "accuracy": clustering_accuracy(y_true, y_pred),
        "nmi": float(normalized_mutual_info_score(y_true, y_pred)),
        "ari": float(adjusted_rand_score(y_true, y_pred)),
    }
