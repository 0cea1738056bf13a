"""Looking inside a trained ConvNet: its learned filters and the feature maps of an image."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from scidl.utils import check_fitted

__all__ = ["conv_layers", "feature_maps", "learned_filters"]


def _module_of(model):
    if isinstance(model, nn.Module):
        return model
    check_fitted(model, "module_")
    return model.module_


def conv_layers(model):
    """The ``Conv2d`` layers of a torch module or a fitted ConvNet estimator, in order.

    Parameters
    ----------
    model : torch.nn.Module or fitted estimator
        A module, or an estimator with a ``module_`` (e.g. ConvNetClassifier).

    Returns
    -------
    list of torch.nn.Conv2d
        The convolution layers, input first.

    Examples
    --------
    >>> from scidl.nn import ConvNet, conv_layers
    >>> [layer.out_channels for layer in conv_layers(ConvNet((1, 8, 8), 2, channels=(4, 6)))]
    [4, 6]
    """
    return [m for m in _module_of(model).modules() if isinstance(m, nn.Conv2d)]


def learned_filters(model, layer=0):
    """Weights of one convolution layer as an array ``(out_channels, in_channels, kh, kw)``.

    Parameters
    ----------
    model : torch.nn.Module or fitted estimator
        A module, or an estimator with a ``module_`` (e.g. ConvNetClassifier).
    layer : int, default 0
        Which convolution layer (negative values count from the last).

    Returns
    -------
    ndarray of shape (out_channels, in_channels, kh, kw)
        The filters, float64.

    Examples
    --------
    >>> from scidl.nn import ConvNet, learned_filters
    >>> net = ConvNet((1, 8, 8), 2, channels=(4, 6), kernel_sizes=(5, 3))
    >>> learned_filters(net).shape, learned_filters(net, layer=-1).shape
    ((4, 1, 5, 5), (6, 4, 3, 3))
    """
    layers = conv_layers(model)
    if not layers:
        raise ValueError("The model has no Conv2d layer.")
    if not -len(layers) <= layer < len(layers):
        raise ValueError(
            f"layer must be in [0, {len(layers)}) for a model with {len(layers)} conv layer(s); "
            f"got {layer}."
        )
    return layers[layer].weight.detach().cpu().double().numpy()


def feature_maps(model, image):
    """The activations of one image after each block of a :class:`~scidl.nn.ConvNet`.

    Parameters
    ----------
    model : ConvNetClassifier, ConvNetRegressor or ConvNet
        A fitted estimator or the module itself.
    image : array of shape (H, W), (C, H, W) or (C*H*W,)
        One image.

    Returns
    -------
    list of ndarray
        The input ``(C, H, W)`` followed by each convolution block's output
        ``(channels, H', W')`` (after activation and pooling).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.nn import ConvNet, feature_maps
    >>> net = ConvNet((1, 8, 8), 2, channels=(4, 6))  # 2 x 2 max pooling after each block
    >>> [m.shape for m in feature_maps(net, np.zeros((8, 8)))]
    [(1, 8, 8), (4, 4, 4), (6, 2, 2)]
    """
    module = _module_of(model)
    if not hasattr(module, "features") or not hasattr(module, "in_shape"):
        raise TypeError(
            "feature_maps needs a ConvNet (with .features and .in_shape); "
            f"got {type(module).__name__}."
        )
    param = next(module.parameters())
    x = torch.as_tensor(np.asarray(image), dtype=param.dtype, device=param.device).reshape(
        1, *module.in_shape
    )
    maps = [x[0].cpu().double().numpy()]
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            for block in module.features:
                x = block(x)
                maps.append(x[0].cpu().double().numpy())
    finally:
        module.train(was_training)
    return maps
