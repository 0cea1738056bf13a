"""What every neural classifier shares: class encoding, softmax cross-entropy, outputs."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.utils.multiclass import check_classification_targets

__all__ = ["NeuralClassifierMixin"]


class NeuralClassifierMixin:
    """Mixin for :class:`~scidl.base.NeuralEstimator` classifiers whose module outputs logits.

    Subclasses call :meth:`_encode_classes` in ``_prepare_fit``; the loss is the
    mean softmax cross-entropy, ``valid_accuracy`` is recorded, and
    ``predict`` returns labels from ``classes_`` (strings and non-contiguous
    labels work).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The sorted class labels; column ``j`` of ``predict_proba`` is ``classes_[j]``.
    n_outputs_ : int
        Number of classes (the module's output units).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.base import NeuralClassifierMixin
    >>> from scidl.nn import MLPClassifier
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> clf = MLPClassifier((4,), max_epochs=2, random_state=0).fit(X, [7, 7, 3, 3])
    >>> isinstance(clf, NeuralClassifierMixin), clf.classes_.tolist(), clf.n_outputs_
    (True, [3, 7], 2)
    >>> clf.predict_proba(X).shape, bool(np.allclose(clf.predict_proba(X).sum(axis=1), 1.0))
    ((4, 2), True)
    """

    def _encode_classes(self, y):
        """Set ``classes_`` and ``n_outputs_``; return ``y`` as int64 indices into ``classes_``."""
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, "
                f"but the data contain only one class: {self.classes_[0]!r}."
            )
        self.n_outputs_ = len(self.classes_)
        return encoded.astype(np.int64)

    def _target_dtype(self, dtype):
        return torch.int64

    def _loss_fn(self):
        return torch.nn.functional.cross_entropy

    def _metrics(self):
        return {"accuracy": lambda out, y: (out.argmax(dim=1) == y).to(torch.float64).mean()}

    def predict_proba(self, X):
        """Class probabilities, ``(n_samples, n_classes)``, columns ordered as ``classes_``."""
        return torch.softmax(self._forward(X).double(), dim=1).numpy()

    def predict_log_proba(self, X):
        """Log class probabilities."""
        return torch.log_softmax(self._forward(X).double(), dim=1).numpy()

    def decision_function(self, X):
        """Logits (unnormalised log-probabilities), ``(n_samples, n_classes)``.

        For two classes, as in scikit-learn, one score per sample: the logit of
        ``classes_[1]`` minus that of ``classes_[0]`` (positive means ``classes_[1]``).
        """
        out = self._forward(X).double()
        if out.shape[1] == 2:
            return (out[:, 1] - out[:, 0]).numpy()
        return out.numpy()

    def predict(self, X):
        """The most probable class label for each sample."""
        winners = self._forward(X).argmax(dim=1).numpy()  # checks fitted before classes_ is read
        return self.classes_[winners]
