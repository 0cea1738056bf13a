"""Demo: a multilayer perceptron classifying MNIST digits."""

from __future__ import annotations

import time

import numpy as np

from scidl.demos._registry import DemoOutput, register

_N_TEST = 1000  # of the 5,000-image sample: a 4,000 / 1,000 split
_N_TRAIN_QUICK = 1000  # training images in quick mode
_MAX_EPOCHS_QUICK = 3
_N_SHOWN = 30  # misclassified digits shown (three rows of ten)


@register("mlp-mnist", "A multilayer perceptron on MNIST digits", chapter=3, position=3)
def run(*, quick=False, random_state=0):
    """Train MLPClassifier with its default hyperparameters on MNIST and inspect its errors.

    The 5,000-image offline sample is split 4,000 / 1,000 by a seeded
    stratified shuffle (the sample is sorted by digit, so never by position);
    pixels are scaled to [0, 1].
    """
    from scidl.data import load_mnist, train_test_split_stratified
    from scidl.nn import MLPClassifier
    from scidl.plot import plot_confusion_matrix, plot_history, plot_image_grid

    X, y = load_mnist(flatten=True, normalize=True)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=_N_TEST, random_state=random_state
    )
    params = {}
    if quick:
        # The training part is already shuffled, so its head is a random subset.
        X_train, y_train = X_train[:_N_TRAIN_QUICK], y_train[:_N_TRAIN_QUICK]
        params["max_epochs"] = _MAX_EPOCHS_QUICK
    clf = MLPClassifier(random_state=random_state, **params)

    start = time.perf_counter()
    clf.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start

    predicted = clf.predict(X_test)
    wrong = np.flatnonzero(predicted != y_test)
    test_accuracy = float(np.mean(predicted == y_test))
    metrics = {
        "test_accuracy": test_accuracy,
        "train_accuracy": float(clf.score(X_train, y_train)),
        "epochs": int(clf.n_epochs_),
        "fit_seconds": fit_seconds,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "n_misclassified": len(wrong),
        "hidden_sizes": " x ".join(str(h) for h in clf.hidden_sizes),
        "training_status": clf.history_.status,
    }
    shown = wrong[:_N_SHOWN]
    figures = {
        "learning_curves": plot_history(clf),
        "misclassified": plot_image_grid(
            X_test[shown],
            y_test[shown],
            predicted[shown],
            ncols=10,
            shape=(28, 28),
            title=(f"Misclassified test digits, true→predicted ({len(shown)} of {len(wrong)})"),
        ),
        "confusion_matrix": plot_confusion_matrix(y_test, predicted),
    }
    text = (
        f"A multilayer perceptron with hidden layers {metrics['hidden_sizes']} and "
        f"{clf.activation} activations reads each 28x28 image as a vector of 784 pixels; it is "
        f"trained by minibatch {clf.optimizer} on the cross-entropy loss, with gradients from "
        f"backpropagation, dropout {clf.dropout:g} and a {clf.lr_schedule} learning-rate decay. "
        f"Given {len(X_train)} training images, it trained for {clf.n_epochs_} epochs "
        f"({fit_seconds:.1f} s) and classifies {test_accuracy:.1%} of {len(X_test)} unseen test "
        "digits correctly. Many of the misclassified digits are ambiguous even to a human "
        "reader; the confusion matrix shows which digits are taken for which. The network knows "
        "nothing about neighbouring pixels: convolutions (chapter 5) build that in."
    )
    if quick:
        text += (
            f" (Quick mode: {len(X_train)} training images and at most {_MAX_EPOCHS_QUICK} epochs.)"
        )
    return DemoOutput(metrics, figures, text, ("test accuracy", test_accuracy))
