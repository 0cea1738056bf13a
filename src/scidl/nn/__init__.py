"""Neural networks: multilayer perceptrons and activation functions.

- :class:`MLPClassifier`, :class:`MLPRegressor`: estimators on the one training loop.
- :class:`MLP`: the plain torch module behind them.
- :mod:`scidl.nn.activations`, :data:`ACTIVATIONS`, :data:`DERIVATIVES`,
  :func:`get_activation`, :func:`derivative`: the table of activation functions
  and their derivatives, usable by name in every network.
- Convolutional networks: :class:`ConvNetClassifier`, :class:`ConvNetRegressor`
  (module :class:`ConvNet`, augmentation :class:`AugmentedStep`; :class:`RandomAffine`
  for estimators on rows of pixels), classic image
  filters in :mod:`scidl.nn.filters`, and :func:`learned_filters`,
  :func:`feature_maps`, :func:`conv_layers` to look inside.
- Universal approximation and depth: :func:`width_study`, Telgarsky's tent map
  (:func:`tent_map_network`, :func:`depth_efficiency_table`, ...).
- Feature detectors: :func:`first_layer_weights`, :func:`top_activating`,
  :func:`activation_maximization`; their figures are in :mod:`scidl.plot`
  (``plot_first_layer_weights``, ``plot_top_activating``,
  ``plot_activation_maximization``).
"""

from scidl.nn import activations, filters
from scidl.nn._augment import AugmentedStep, RandomAffine, random_affine
from scidl.nn._convnet import ConvNet, ConvNetClassifier, ConvNetRegressor
from scidl.nn._depth import (
    alternating_points,
    count_linear_pieces,
    depth_efficiency_table,
    format_depth_table,
    shallow_units_lower_bound,
    tent_map_network,
    width_study,
)
from scidl.nn._feature_detectors import (
    activation_maximization,
    first_layer_weights,
    hidden_activations,
    top_activating,
)
from scidl.nn._inspect_cnn import conv_layers, feature_maps, learned_filters
from scidl.nn._mlp import MLPClassifier, MLPRegressor
from scidl.nn._modules import MLP
from scidl.numerics import ACTIVATIONS, DERIVATIVES, derivative, get_activation

__all__ = [
    "ACTIVATIONS",
    "DERIVATIVES",
    "AugmentedStep",
    "RandomAffine",
    "ConvNet",
    "ConvNetClassifier",
    "ConvNetRegressor",
    "MLP",
    "MLPClassifier",
    "MLPRegressor",
    "activation_maximization",
    "activations",
    "alternating_points",
    "conv_layers",
    "count_linear_pieces",
    "depth_efficiency_table",
    "derivative",
    "feature_maps",
    "filters",
    "first_layer_weights",
    "format_depth_table",
    "get_activation",
    "hidden_activations",
    "learned_filters",
    "random_affine",
    "shallow_units_lower_bound",
    "tent_map_network",
    "top_activating",
    "width_study",
]
