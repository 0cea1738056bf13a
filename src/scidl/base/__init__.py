"""Estimator base classes and persistence.

- :class:`NeuralEstimator`: the base of every neural estimator (one training
  loop, common hyperparameters, validation, seeding, devices).
- :class:`PersistenceMixin` and :func:`load`: safe ``save``/``load``.
"""

from scidl.base._neural import NeuralEstimator
from scidl.base._persistence import FORMAT_VERSION, PersistenceMixin, load

__all__ = ["FORMAT_VERSION", "NeuralEstimator", "PersistenceMixin", "load"]
