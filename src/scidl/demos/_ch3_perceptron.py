"""Demo: Rosenblatt's perceptron next to a max-margin linear SVM."""

from __future__ import annotations

import numpy as np

from scidl.demos._registry import DemoOutput, register


@register("perceptron", "Rosenblatt's perceptron and the max-margin SVM", chapter=3, position=2)
def run(*, quick=False, random_state=0):
    """Train the perceptron on separable blobs; compare its hyperplane with a linear SVM's.

    The perceptron stops at the first separating hyperplane it finds, within
    Novikoff's bound (R/gamma)^2 updates; the SVM finds the one of maximum margin.
    """
    from sklearn.svm import SVC

    from scidl.data import make_blobs
    from scidl.linear import Perceptron, novikoff_bound
    from scidl.plot import plot_decision_boundary, subplots

    X, y = make_blobs(
        100, centers=[[-1.5, -1.0], [1.5, 1.0]], cluster_std=0.6, random_state=random_state
    )
    keep = np.abs(X @ np.array([1.5, 1.0])) > 0.3  # a clear gap: linearly separable with a margin
    X, y = X[keep], y[keep]
    perceptron = Perceptron(shuffle=True, random_state=random_state).fit(X, y)
    svm = SVC(kernel="linear", C=1e4).fit(X, y)
    w, b = svm.coef_[0], svm.intercept_[0]
    margin_svm = float(np.min((2 * y - 1) * (X @ w + b)) / np.linalg.norm(w))
    wp, bp = perceptron.coef_, perceptron.intercept_
    margin_p = float(np.min((2 * y - 1) * (X @ wp + bp)) / np.linalg.norm(wp))
    # Novikoff's bound holds only for separated data; None (null in JSON) when not converged.
    bound = float(novikoff_bound(X, y, np.append(w, b))) if perceptron.converged_ else None
    fig, axes = subplots(1, 2, figsize=(10, 4))
    plot_decision_boundary(
        perceptron,
        X,
        y,
        proba=False,
        ax=axes[0],
        title=f"Perceptron ({perceptron.n_updates_} updates)",
    )
    plot_decision_boundary(svm, X, y, proba=False, ax=axes[1], title="Linear SVM (maximum margin)")
    metrics = {
        "converged": bool(perceptron.converged_),
        "n_updates": int(perceptron.n_updates_),
        "novikoff_bound": bound,
        "margin_perceptron": margin_p,
        "margin_svm": margin_svm,
        "train_accuracy": float(perceptron.score(X, y)),
    }
    bound_text = "not applicable: not separated" if bound is None else f"{bound:.0f}"
    text = (
        f"The perceptron separated the two classes after {perceptron.n_updates_} updates "
        f"(Novikoff's bound with the SVM's direction: {bound_text}). Its margin is "
        f"{margin_p:.3f}; "
        f"the SVM's maximum margin is {margin_svm:.3f}."
    )
    headline = ("perceptron updates until separated", int(perceptron.n_updates_))
    return DemoOutput(metrics, {"perceptron_vs_svm": fig}, text, headline)
