"""Estimator base classes and persistence.

- :class:`NeuralEstimator`: the base of every neural estimator (one training
  loop, common hyperparameters, validation, seeding, devices).
- :class:`NeuralClassifierMixin`: class encoding, cross-entropy and the
  ``predict``/``predict_proba``/``decision_function`` of neural classifiers.
- :class:`PersistenceMixin` and :func:`load`: safe ``save``/``load``.
"""

from scidl.base._classifier import NeuralClassifierMixin
from scidl.base._neural import NeuralEstimator
from scidl.base._persistence import FORMAT_VERSION, PersistenceMixin, load

__all__ = ["FORMAT_VERSION", "NeuralClassifierMixin", "NeuralEstimator", "PersistenceMixin", "load"]
