"""Numerical building blocks that several chapters share.

Chapters sit side by side in scidl's layers and never import one another's
internals; what two of them need lives here, below both.

- The table of activation functions (:data:`ACTIVATIONS`, :data:`DERIVATIVES`,
  :func:`get_activation`, :func:`activation_function`, :func:`derivative`,
  :func:`gain_factor`): used by the torch networks of :mod:`scidl.nn`, the
  teaching autodiff engine :mod:`scidl.autodiff` and the kinetics networks.
- :func:`inv_sqrt`: the regularised inverse square root of a covariance, for
  NumPy arrays and torch tensors (TICA, VAMP, MSM scores, VAMPnets).
- :class:`StreamingMoments`: running weight, mean and centred scatter matrix of
  a stream of chunks, merged without loss of precision (PCA's covariance and
  streaming fit, the instantaneous and time-lagged covariances of kinetics).
"""

from scidl.numerics._activations import (
    ACTIVATIONS,
    DERIVATIVES,
    activation_function,
    derivative,
    gain_factor,
    get_activation,
)
from scidl.numerics._linalg import inv_sqrt
from scidl.numerics._moments import StreamingMoments

__all__ = [
    "ACTIVATIONS",
    "DERIVATIVES",
    "StreamingMoments",
    "activation_function",
    "derivative",
    "gain_factor",
    "get_activation",
    "inv_sqrt",
]
