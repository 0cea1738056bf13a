"""Demo: the decision-boundary perspective on learning."""

from __future__ import annotations

import tempfile
from pathlib import Path

from scidl.demos._registry import DemoOutput, register


@register(
    "decision-boundary", "Decision boundaries during training vs an RBF SVM", chapter=3, position=6
)
def run(*, quick=False, random_state=0):
    """Snapshot an MLP's decision boundary from random initial weights through training batches.

    Each minibatch moves the boundary; the final one is compared with a kernel
    method's (an RBF support vector machine) on the same data. Outside quick
    mode the report also shows the animation (a GIF; needs Pillow).
    """
    from sklearn.svm import SVC

    from scidl.data import make_moons
    from scidl.nn import MLPClassifier
    from scidl.plot import (
        boundary_recorder,
        plot_boundary_snapshots,
        save_boundary_animation,
    )

    X, y = make_moons(200, noise=0.2, random_state=random_state)
    rec = boundary_recorder(X, every=1, on="batch", resolution=40 if quick else 80)
    clf = MLPClassifier(
        (32, 32),
        dropout=0.0,
        lr=0.01,
        batch_size=20,
        max_epochs=3 if quick else 20,
        random_state=random_state,
        callbacks=[rec],
    ).fit(X, y)
    svm = SVC(kernel="rbf", C=1.0).fit(X, y)
    fig = plot_boundary_snapshots(rec, X, y, n_panels=5 if quick else 7, reference=svm)
    figures = {"boundary_snapshots": fig}
    if not quick:
        with tempfile.TemporaryDirectory(prefix="scidl_") as tmp:
            path = save_boundary_animation(rec, X, y, Path(tmp) / "decision_boundary.gif")
            if path is not None:
                figures["boundary_animation"] = Path(path).read_bytes()
    metrics = {
        "mlp_train_accuracy": float(clf.score(X, y)),
        "svm_train_accuracy": float(svm.score(X, y)),
        "n_snapshots": len(rec.records),
        "animated": "boundary_animation" in figures,
    }
    text = (
        f"{len(rec.records)} snapshots of the boundary (one per batch). The MLP ends at "
        f"{metrics['mlp_train_accuracy']:.1%} training accuracy, the RBF SVM at "
        f"{metrics['svm_train_accuracy']:.1%}."
    )
    headline = ("MLP training accuracy", metrics["mlp_train_accuracy"])
    return DemoOutput(metrics, figures, text, headline)
