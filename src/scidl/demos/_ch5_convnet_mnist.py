"""Demo: a convolutional network classifying MNIST digits."""

from __future__ import annotations

import time

import numpy as np

from scidl.demos._registry import DemoOutput, register

_N_TEST = 1000  # of the 5,000-image sample: a 4,000 / 1,000 split
_N_TRAIN_QUICK = 500
_MAX_EPOCHS_QUICK = 2
_N_SHOWN = 30


@register("convnet-mnist", "A convolutional network on MNIST digits", chapter=5, position=2)
def run(*, quick=False, random_state=0):
    """Train ConvNetClassifier with its default hyperparameters on MNIST and look inside it.

    The 5,000-image offline sample is split 4,000 / 1,000 by a seeded
    stratified shuffle; the network sees each training batch randomly shifted
    by up to two pixels. Figures: learning curves, learned first-layer
    filters, feature maps of one digit, misclassified digits, confusion matrix.
    """
    from scidl.data import load_mnist, train_test_split_stratified
    from scidl.nn import ConvNetClassifier
    from scidl.plot import (
        plot_confusion_matrix,
        plot_feature_maps,
        plot_history,
        plot_image_grid,
        plot_learned_filters,
    )

    X, y = load_mnist(flatten=False, normalize=True)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=_N_TEST, random_state=random_state
    )
    params = {}
    if quick:
        X_train, y_train = X_train[:_N_TRAIN_QUICK], y_train[:_N_TRAIN_QUICK]
        params["max_epochs"] = _MAX_EPOCHS_QUICK
    clf = ConvNetClassifier(random_state=random_state, **params)
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start

    predicted = clf.predict(X_test)
    wrong = np.flatnonzero(predicted != y_test)
    test_accuracy = float(np.mean(predicted == y_test))
    n_params = sum(p.numel() for p in clf.module_.parameters())
    metrics = {
        "test_accuracy": test_accuracy,
        "train_accuracy": float(clf.score(X_train, y_train)),
        "epochs": int(clf.n_epochs_),
        "fit_seconds": fit_seconds,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "n_misclassified": len(wrong),
        "n_parameters": int(n_params),
        "channels": " x ".join(str(c) for c in clf.channels),
    }
    shown = wrong[:_N_SHOWN]
    figures = {
        "learning_curves": plot_history(clf),
        "learned_filters": plot_learned_filters(clf),
        "feature_maps": plot_feature_maps(clf, X_test[0]),
        "misclassified": plot_image_grid(
            X_test[shown],
            y_test[shown],
            predicted[shown],
            ncols=10,
            title=f"Misclassified test digits, true→predicted ({len(shown)} of {len(wrong)})",
        ),
        "confusion_matrix": plot_confusion_matrix(y_test, predicted),
    }
    text = (
        f"A small convolutional network (3x3 convolutions with {metrics['channels']} channels, "
        "each followed by ReLU and 2x2 max pooling, then a 128-unit layer with dropout; "
        f"{n_params:,} parameters) reads the 28x28 images as images: each filter is shared across "
        f"all positions, so a stroke is recognised wherever it is. Trained for {clf.n_epochs_} "
        f"epochs ({fit_seconds:.0f} s) on {len(X_train)} digits, randomly shifted by up to "
        f"{clf.max_shift} pixels in every batch, it classifies {test_accuracy:.1%} of "
        f"{len(X_test)} unseen digits correctly, against about 95% for the multilayer perceptron "
        "of chapter 3 on the same split. The first-layer filters look like the edge and stroke "
        "detectors of the filter demo; the feature maps show one digit becoming a stack of ever "
        "smaller, more abstract maps."
    )
    if quick:
        text += f" (Quick mode: {len(X_train)} training images and {_MAX_EPOCHS_QUICK} epochs.)"
    return DemoOutput(metrics, figures, text, ("test accuracy", test_accuracy))
