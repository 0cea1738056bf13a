"""Demo: hidden units as feature detectors on MNIST."""

from __future__ import annotations

import numpy as np

from scidl.demos._registry import DemoOutput, register


@register("feature-detectors", "What hidden units detect", chapter=3, position=7)
def run(*, quick=False, random_state=0):
    """Show each first-layer unit's weights, its top-activating digits and its ideal input.

    The input weights of a unit are shown as a 28x28 image, next to the test
    digits that excite it most and an activation-maximising input.

    Strongly weighted pixels (red positive, blue negative) show what a unit
    looks for; white pixels it ignores.
    """
    from scidl.data import load_mnist, train_test_split_stratified
    from scidl.nn import MLPClassifier
    from scidl.plot import (
        plot_activation_maximization,
        plot_first_layer_weights,
        plot_top_activating,
    )

    X, y = load_mnist(flatten=True, normalize=True)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=1000, random_state=random_state
    )
    if quick:
        X_train, y_train = X_train[:1000], y_train[:1000]
    clf = MLPClassifier(
        (64,),
        dropout=0.0,
        weight_decay=1e-4,
        max_epochs=3 if quick else 30,
        random_state=random_state,
    ).fit(X_train, y_train)
    units = list(range(16))
    figures = {
        "first_layer_weights": plot_first_layer_weights(clf, units),
        "top_activating": plot_top_activating(clf, X_test, units[:6], n_top=6),
        "activation_maximization": plot_activation_maximization(
            clf, units, norm=10.0, steps=50 if quick else 200
        ),
    }
    W = clf.module_.linear_layers[0].weight.detach().numpy()
    metrics = {
        "test_accuracy": float(clf.score(X_test, y_test)),
        "mean_abs_weight_border_vs_centre": float(
            np.abs(W.reshape(-1, 28, 28)[:, :3]).mean()
            / np.abs(W.reshape(-1, 28, 28)[:, 10:18, 10:18]).mean()
        ),
    }
    text = (
        f"A 784-64-10 MLP ({metrics['test_accuracy']:.1%} test accuracy). Border pixels, always "
        "blank in MNIST, keep small weights (mean |w| border/centre = "
        f"{metrics['mean_abs_weight_border_vs_centre']:.2f}); the centre shows stroke-like "
        "detectors."
    )
    return DemoOutput(metrics, figures, text, ("test accuracy", metrics["test_accuracy"]))
