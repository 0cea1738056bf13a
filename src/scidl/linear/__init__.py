"""Linear least squares with feature maps: the first lecture of the course.

A model that is linear in its parameters, :math:`f(x) = \\sum_k w_k \\phi_k(x) + b`,
is fitted in closed form however non-linear the features :math:`\\phi_k` are.

- :class:`LeastSquaresRegressor`: ordinary and ridge least squares (SVD, QR,
  ``lstsq`` or Cholesky), multi-output, with an unpenalised intercept.
- :class:`PolynomialFeatures`: monomials up to a degree, or chosen powers
  (``powers=[2]`` for :math:`E(x) = k x^2 / 2`).
- :class:`RBFFeatures`: Gaussian bumps on a grid or spread over the data.
- :class:`FourierFeatures`: sines and cosines of each feature.
- :func:`make_feature_regression`: ``Pipeline([features, LeastSquaresRegressor])``.
- :class:`Perceptron`: Rosenblatt's learning rule; :func:`novikoff_bound` on its
  number of updates for separable data.

All are scikit-learn estimators (``clone``, ``Pipeline``, ``GridSearchCV``) and
can be saved with ``est.save(path)`` and restored with :func:`scidl.load`.
"""

from scidl.linear._features import FourierFeatures, PolynomialFeatures, RBFFeatures
from scidl.linear._least_squares import LeastSquaresRegressor
from scidl.linear._perceptron import Perceptron, novikoff_bound
from scidl.linear._pipeline import make_feature_regression

__all__ = [
    "FourierFeatures",
    "LeastSquaresRegressor",
    "Perceptron",
    "PolynomialFeatures",
    "RBFFeatures",
    "make_feature_regression",
    "novikoff_bound",
]
