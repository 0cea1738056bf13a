"""Estimator theory: bias and variance, model complexity, cross-validation.

- :func:`bias_variance_decomposition`: squared bias, variance and noise of any
  regressor by refitting on resampled training sets.
- :func:`complexity_curve`: training vs test error against a hyperparameter
  (the U-shaped curve).
- :func:`learning_curve_errors`: error against the training-set size.
- Their figures are :func:`scidl.plot.plot_complexity_curve` and
  :func:`scidl.plot.plot_learning_curve`.

Cross-validation itself is scikit-learn's: every scidl estimator works with
``cross_val_score``, ``KFold``, ``GridSearchCV``, ``validation_curve``,
``learning_curve``, ``Pipeline`` and ``clone``; they are re-exported here.
"""

from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_score,
    learning_curve,
    validation_curve,
)

from scidl.model_selection._bias_variance import bias_variance_decomposition
from scidl.model_selection._curves import (
    complexity_curve,
    learning_curve_errors,
)

__all__ = [
    "GridSearchCV",
    "KFold",
    "bias_variance_decomposition",
    "complexity_curve",
    "cross_val_score",
    "learning_curve",
    "learning_curve_errors",
    "validation_curve",
]
