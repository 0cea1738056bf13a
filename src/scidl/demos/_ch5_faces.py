"""Demo: face versus non-face with a ConvNet and with eigenfaces."""

from __future__ import annotations

import numpy as np

from scidl.demos._registry import DemoOutput, register

_N_EIGENFACES_SHOWN = 16


@register("faces", "Face detection: ConvNet versus eigenfaces", chapter=5, position=3)
def run(*, quick=False, random_state=0):
    """Tell faces from non-faces with a small ConvNet and with eigenfaces, cross-validated.

    The images are scikit-image's 25x25 LFW subset; eigenfaces means PCA
    followed by logistic regression.

    Eigenfaces (Turk & Pentland, 1991) project each image on the leading
    principal components of the training faces; a linear classifier then
    separates the classes in that space. The ConvNet learns its own features.
    """
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    from scidl.data import load_lfw_subset
    from scidl.nn import ConvNetClassifier
    from scidl.plot import plot_image_grid

    X, y = load_lfw_subset()
    X = X.astype(np.float32)
    flat = X.reshape(len(X), -1)
    n_folds = 3 if quick else 5
    cv = StratifiedKFold(n_folds, shuffle=True, random_state=random_state)
    eigen = make_pipeline(
        PCA(n_components=20, whiten=True, random_state=random_state),
        LogisticRegression(C=1.0, max_iter=2000),
    )
    cnn = ConvNetClassifier(
        (8, 16),
        hidden_sizes=(32,),
        dropout=0.25,
        max_shift=1,
        lr=3e-3,
        batch_size=32,
        max_epochs=8 if quick else 30,
        random_state=random_state,
    )
    pred_eigen = cross_val_predict(eigen, flat, y, cv=cv)
    pred_cnn = cross_val_predict(cnn, X, y, cv=cv)

    def fold_accuracies(pred):
        return [float(np.mean(pred[test] == y[test])) for _, test in cv.split(flat, y)]

    acc_eigen, acc_cnn = fold_accuracies(pred_eigen), fold_accuracies(pred_cnn)
    metrics = {
        "n_images": len(X),
        "cv_folds": n_folds,
        "eigenfaces_accuracy": float(np.mean(acc_eigen)),
        "eigenfaces_accuracy_std": float(np.std(acc_eigen)),
        "convnet_accuracy": float(np.mean(acc_cnn)),
        "convnet_accuracy_std": float(np.std(acc_cnn)),
    }
    pca = PCA(n_components=_N_EIGENFACES_SHOWN, random_state=random_state).fit(flat[y == 1])
    names = np.array(["non-face", "face"])
    wrong = np.flatnonzero(pred_cnn != y)
    figures = {
        "eigenfaces": plot_image_grid(
            pca.components_,
            labels=[f"PC {i + 1}" for i in range(_N_EIGENFACES_SHOWN)],
            ncols=8,
            shape=(25, 25),
            cmap="RdBu_r",
            title="Eigenfaces: principal components of the faces",
        ),
        "misclassified_convnet": plot_image_grid(
            X[wrong],
            names[y[wrong]],
            names[pred_cnn[wrong]],
            ncols=8,
            cmap="gray",
            title=(f"Images the ConvNet gets wrong in cross-validation ({len(wrong)} of {len(X)})"),
        ),
        "misclassified_eigenfaces": plot_image_grid(
            X[pred_eigen != y],
            names[y[pred_eigen != y]],
            names[pred_eigen[pred_eigen != y]],
            ncols=8,
            cmap="gray",
            title=(
                "Images eigenfaces + logistic regression get wrong "
                f"({int(np.sum(pred_eigen != y))} of {len(X)})"
            ),
        ),
    }
    text = (
        f"{n_folds}-fold cross-validation on scikit-image's 100 faces and 100 non-face patches "
        "(25x25 pixels): eigenfaces (20 whitened principal components) with logistic regression "
        f"reach {metrics['eigenfaces_accuracy']:.1%} ± {metrics['eigenfaces_accuracy_std']:.1%}, a "
        f"two-layer ConvNet {metrics['convnet_accuracy']:.1%} ± "
        f"{metrics['convnet_accuracy_std']:.1%}. The eigenfaces are the directions in which faces "
        "vary most: lighting, then the position of eyes, nose and mouth. For identity recognition "
        "on your own photographs, scidl.data's load_face_directory reads one folder per person."
    )
    headline = ("ConvNet cross-validated accuracy", metrics["convnet_accuracy"])
    return DemoOutput(metrics, figures, text, headline)
