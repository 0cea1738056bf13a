"""Neural networks: multilayer perceptrons and activation functions.

- :class:`MLPClassifier`, :class:`MLPRegressor`: estimators on the one training loop.
- :class:`MLP`: the plain torch module behind them.
- :data:`ACTIVATIONS`, :func:`get_activation`: activation functions by name.
"""

from scidl.nn._activations import ACTIVATIONS, get_activation
from scidl.nn._mlp import MLPClassifier, MLPRegressor
from scidl.nn._modules import MLP

__all__ = ["ACTIVATIONS", "MLP", "MLPClassifier", "MLPRegressor", "get_activation"]
