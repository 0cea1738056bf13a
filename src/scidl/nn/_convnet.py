"""Convolutional-network estimators on the one training loop.

:class:`ConvNet` is a plain torch module (a LeNet-style stack of convolution,
activation and pooling blocks followed by a small perceptron);
:class:`ConvNetClassifier` and :class:`ConvNetRegressor` wrap it in the
scikit-learn API. On-the-fly augmentation (random shifts and rotations of
whole minibatches, on tensors) is the training step
:class:`~scidl.nn.AugmentedStep` of :mod:`scidl.nn._augment`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch
from sklearn.base import ClassifierMixin, RegressorMixin
from torch import nn
from torch.nn import functional as F

from scidl.base import NeuralClassifierMixin, NeuralEstimator
from scidl.nn._augment import AugmentedStep
from scidl.numerics import ACTIVATIONS, get_activation
from scidl.training import SupervisedStep
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_fitted,
    check_int_sequence,
    validate_data,
)

__all__ = ["ConvNet", "ConvNetClassifier", "ConvNetRegressor"]


# --------------------------------------------------------------------------- module
def _pool_kernel(size, pool_size):
    """Pool by ``pool_size`` along an axis only while the axis is at least that long."""
    return pool_size if size >= pool_size else 1


class ConvNet(nn.Module):
    """Convolution blocks followed by a perceptron head.

    Each block is ``Conv2d (same padding) -> [BatchNorm2d] -> activation ->
    [pooling]``; the feature maps are then flattened and passed through
    ``[Dropout] -> Linear -> activation`` per hidden layer and a final linear
    layer giving ``out_features`` values (logits for a classifier).

    Parameters
    ----------
    in_shape : tuple of int
        ``(channels, height, width)`` of one input image.
    out_features : int
        Number of outputs.
    channels : sequence of int, default (32, 64)
        Output channels of each convolution block.
    kernel_sizes : int or sequence of int, default 3
        Kernel size of each convolution (odd sizes keep the image size).
    pooling : {"max", "avg", None}, default "max"
        Pooling after each block.
    pool_size : int, default 2
        Pooling window and stride; an axis shorter than it is not pooled.
    hidden_sizes : sequence of int, default (128,)
        Widths of the hidden layers of the head.
    activation : str or nn.Module class, default "relu"
        Any name in :data:`scidl.nn.ACTIVATIONS`.
    batch_norm : bool, default False
        Batch normalisation after each convolution.
    dropout : float, default 0.0
        Dropout probability before each linear layer of the head.

    Attributes
    ----------
    in_shape : tuple of int
        ``(C, H, W)`` of one input image.
    out_features : int
        Number of outputs.
    channels, hidden_sizes : tuple of int
        The architecture.
    features : torch.nn.Sequential
        The convolution blocks, one ``Sequential`` per block.
    head : torch.nn.Sequential
        Flatten, the hidden layers and the output layer.

    Notes
    -----
    Inputs may be ``(n, C, H, W)``, ``(n, H, W)`` for one channel, or flattened
    ``(n, C*H*W)``.

    Examples
    --------
    >>> import torch
    >>> from scidl.nn import ConvNet
    >>> net = ConvNet((1, 8, 8), 3, channels=(4,), hidden_sizes=(16,))
    >>> net(torch.zeros(2, 1, 8, 8)).shape
    torch.Size([2, 3])
    >>> net
    ConvNet(
      in_shape=(1, 8, 8), out_features=3, channels=(4,), hidden_sizes=(16,), activation='relu'
      (features): Sequential(...)
      (head): Sequential(...)
    )
    """

    def __init__(
        self,
        in_shape,
        out_features,
        channels=(32, 64),
        *,
        kernel_sizes=3,
        pooling="max",
        pool_size=2,
        hidden_sizes=(128,),
        activation="relu",
        batch_norm=False,
        dropout=0.0,
    ):
        super().__init__()
        self.in_shape = tuple(int(s) for s in in_shape)
        self.out_features = int(out_features)
        self.channels = channels = tuple(int(c) for c in channels)
        self.hidden_sizes = tuple(int(h) for h in hidden_sizes)
        self.activation = activation
        kernels = (
            (kernel_sizes,) * len(channels)
            if isinstance(kernel_sizes, numbers.Integral)
            else tuple(kernel_sizes)
        )
        if len(kernels) != len(channels):
            raise ValueError(
                "kernel_sizes must be an int or have one entry per conv layer "
                f"({len(channels)}); got {kernel_sizes!r}."
            )
        c, h, w = self.in_shape
        blocks = []
        for out_c, k in zip(channels, kernels):
            layers = [nn.Conv2d(c, out_c, k, padding=k // 2)]
            h, w = h + 2 * (k // 2) - k + 1, w + 2 * (k // 2) - k + 1
            if batch_norm:
                layers.append(nn.BatchNorm2d(out_c))
            layers.append(get_activation(activation))
            kh, kw = _pool_kernel(h, pool_size), _pool_kernel(w, pool_size)
            if pooling is not None and (kh, kw) != (1, 1):
                pool = nn.MaxPool2d if pooling == "max" else nn.AvgPool2d
                layers.append(pool((kh, kw)))
                h, w = h // kh, w // kw
            blocks.append(nn.Sequential(*layers))
            c = out_c
        self.features = nn.Sequential(*blocks)
        head, width = [nn.Flatten()], c * h * w
        for size in self.hidden_sizes:
            if dropout > 0:
                head.append(nn.Dropout(dropout))
            head += [nn.Linear(width, size), get_activation(activation)]
            width = size
        if dropout > 0:
            head.append(nn.Dropout(dropout))
        head.append(nn.Linear(width, self.out_features))
        self.head = nn.Sequential(*head)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialise every layer the PyTorch way (Kaiming-uniform weights, a = sqrt(5))."""
        for m in self.modules():
            if m is not self and hasattr(m, "reset_parameters"):
                m.reset_parameters()

    def forward(self, x):
        """Logits (or regression outputs) of a batch of images, shape ``(n, out_features)``."""
        if x.dim() != 4:
            x = x.reshape(len(x), *self.in_shape)
        return self.head(self.features(x))

    def extra_repr(self):
        activation = getattr(self.activation, "__name__", self.activation)
        return (
            f"in_shape={self.in_shape}, out_features={self.out_features}, "
            f"channels={self.channels}, hidden_sizes={self.hidden_sizes}, "
            f"activation={activation!r}"
        )


# --------------------------------------------------------------------------- estimators
def _image_shape_ok(value):
    try:
        shape = check_int_sequence(value, "image_shape")
    except (TypeError, ValueError):
        return False
    return len(shape) in (2, 3)


_CONVNET_CONSTRAINTS = {
    "channels": [
        InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
    ],
    "kernel_sizes": [
        InstanceOf(
            tuple, list, numbers.Integral, description="an int or a sequence of odd positive ints"
        )
    ],
    "pooling": [Options("max", "avg"), None],
    "pool_size": [Interval(numbers.Integral, 1, None)],
    "hidden_sizes": [
        InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
    ],
    "activation": [Options(*ACTIVATIONS), InstanceOf(type)],
    "batch_norm": [InstanceOf(bool)],
    "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
    "image_shape": [
        InstanceOf(tuple, list, description="(height, width) or (channels, height, width)"),
        None,
    ],
    "max_shift": [Interval(numbers.Integral, 0, None)],
    "max_rotation": [Interval(numbers.Real, 0, 180)],
}


class _ConvNetBase(NeuralEstimator):
    _parameter_constraints = _CONVNET_CONSTRAINTS

    def __init__(
        self,
        channels=(32, 64),
        *,
        kernel_sizes=3,
        pooling="max",
        pool_size=2,
        hidden_sizes=(128,),
        activation="relu",
        batch_norm=False,
        dropout=0.0,
        image_shape=None,
        max_shift=0,
        max_rotation=0.0,
        optimizer="adam",
        lr=1e-3,
        batch_size=64,
        max_epochs=15,
        weight_decay=0.0,
        validation_fraction=0.0,
        patience=None,
        lr_schedule="cosine",
        clip_grad_norm=None,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.channels = channels
        self.kernel_sizes = kernel_sizes
        self.pooling = pooling
        self.pool_size = pool_size
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.image_shape = image_shape
        self.max_shift = max_shift
        self.max_rotation = max_rotation
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.weight_decay = weight_decay
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.lr_schedule = lr_schedule
        self.clip_grad_norm = clip_grad_norm
        self.device = device
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    # -- data -----------------------------------------------------------------
    def _validate_hyperparameters(self):
        super()._validate_hyperparameters()
        channels = check_int_sequence(self.channels, "channels")
        kernels = self.kernel_sizes
        kernels = (
            (kernels,) * len(channels) if isinstance(kernels, numbers.Integral) else tuple(kernels)
        )
        if len(kernels) != len(channels) or any(
            not isinstance(k, numbers.Integral) or k < 1 or k % 2 == 0 for k in kernels
        ):
            raise ValueError(
                "kernel_sizes must be an odd positive int or one per conv layer "
                f"({len(channels)}); got {self.kernel_sizes!r}."
            )
        check_int_sequence(self.hidden_sizes, "hidden_sizes")
        if self.image_shape is not None and not _image_shape_ok(self.image_shape):
            raise ValueError(
                "image_shape must be (height, width) or (channels, height, width) of positive "
                f"ints; got {self.image_shape!r}."
            )

    def _validate_images(self, X, y="no_validation", *, reset=True, **kwargs):
        """Validate ``X`` (and ``y``) as flattened rows, one-channel or multi-channel images."""
        try:  # arrays, tensors and data frames have a shape; nested lists get one
            shape = tuple(X.shape) if hasattr(X, "shape") else np.asarray(X).shape
        except (TypeError, ValueError):  # ragged or odd input: validate_data names the problem
            shape = None
        ndim = None if shape is None else len(shape)
        if ndim is not None and ndim not in (2, 3, 4):
            raise ValueError(
                f"X must be a 2D array (n_samples, n_features) of flattened images, "
                f"3D (n_samples, height, width) or 4D (n_samples, channels, height, width); "
                f"got a {ndim}D array of shape {shape}."
                + (
                    " Reshape your data with X.reshape(-1, 1) if it has a single feature "
                    "or X.reshape(1, -1) if it is a single sample."
                    if ndim == 1
                    else ""
                )
            )
        return validate_data(
            self, X, y, reset=reset, allow_nd=True, dtype=[np.float64, np.float32], **kwargs
        )

    def _images(self, X, *, fitting):
        """Reshape validated ``X`` to ``(n, C, H, W)``; in fit also set ``image_shape_``."""
        if fitting:
            if self.image_shape is not None:
                shape = tuple(int(s) for s in self.image_shape)
                shape = (1, *shape) if len(shape) == 2 else shape
            elif X.ndim == 2:
                side = math.isqrt(X.shape[1])
                shape = (1, side, side) if side * side == X.shape[1] else (1, 1, X.shape[1])
            elif X.ndim == 3:
                shape = (1, *X.shape[1:])
            else:  # 4D, as _validate_images ensures
                shape = X.shape[1:]
            self.image_shape_ = tuple(int(s) for s in shape)
        shape = self.image_shape_
        if X[0].size != math.prod(shape):
            raise ValueError(
                f"X must hold images of shape {shape} ({math.prod(shape)} values each); "
                f"got samples of shape {X.shape[1:]}."
            )
        return X.reshape(len(X), *shape)

    def _build_module(self):
        return ConvNet(
            self.image_shape_,
            self.n_outputs_,
            check_int_sequence(self.channels, "channels"),
            kernel_sizes=self.kernel_sizes
            if isinstance(self.kernel_sizes, numbers.Integral)
            else tuple(self.kernel_sizes),
            pooling=self.pooling,
            pool_size=self.pool_size,
            hidden_sizes=check_int_sequence(self.hidden_sizes, "hidden_sizes"),
            activation=self.activation,
            batch_norm=self.batch_norm,
            dropout=self.dropout,
        )

    # -- fitting --------------------------------------------------------------
    def _make_step(self, seed):
        """The training step: plain supervised, or augmented when shifts/rotations are on."""
        if self.max_shift == 0 and self.max_rotation == 0:
            return SupervisedStep(self._loss_fn(), metrics=self._metrics())
        return AugmentedStep(
            self._loss_fn(),
            metrics=self._metrics(),
            max_shift=self.max_shift,
            max_rotation=self.max_rotation,
            random_state=seed,
        )

    # -- inference ------------------------------------------------------------
    def _forward(self, X) -> torch.Tensor:
        """Network output for images ``X`` in eval mode, in chunks, as a CPU tensor."""
        check_fitted(self, "module_")
        X = self._validate_images(X, reset=False)
        return self._infer(self.module_, self._images(X, fitting=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


_COMMON_DOC = """
    Parameters
    ----------
    channels : sequence of int, default (32, 64)
        Output channels of each convolution block (conv, activation, pooling).
    kernel_sizes : int or sequence of int, default 3
        Odd kernel size(s); convolutions are zero-padded to keep the image size.
    pooling : {"max", "avg", None}, default "max"
        Pooling after each convolution block.
    pool_size : int, default 2
        Pooling window and stride.
    hidden_sizes : sequence of int, default (128,)
        Hidden layers of the fully connected head.
    activation : str, default "relu"
        Any name in :data:`scidl.nn.ACTIVATIONS`.
    batch_norm : bool, default False
        Batch normalisation after each convolution.
    dropout : float
        Dropout probability before each linear layer of the head.
    image_shape : tuple or None, default None
        ``(H, W)`` or ``(C, H, W)`` of flattened inputs. None: inputs of shape
        ``(n, H, W)`` or ``(n, C, H, W)`` give the shape; flattened rows of a
        square length are square one-channel images, others a ``1 x features`` strip.
    max_shift : int
        On-the-fly augmentation: random shifts of up to this many pixels (at most
        ``(L - 1) // 2`` along an axis of length ``L``, so more than half of each
        image stays in its frame). Inputs one pixel high or wide (tabular rows)
        are never shifted or rotated: augmentation never erases a sample.
    max_rotation : float
        On-the-fly augmentation: random rotations of up to this many degrees.
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`.
"""


class ConvNetClassifier(NeuralClassifierMixin, ClassifierMixin, _ConvNetBase):
    __doc__ = (
        """Convolutional-network image classifier trained with softmax cross-entropy.

    The default is a small LeNet-style net: two 3x3 convolution blocks (32 and
    64 channels, ReLU, 2x2 max pooling), a 128-unit hidden layer, dropout 0.25,
    trained by Adam (learning rate 3e-3) with a cosine learning-rate decay for
    15 epochs in batches of 64, on images randomly shifted by up to 2 pixels.
    On the MNIST sample (4,000 training / 1,000 test images, seeded stratified
    split) it reaches 98.3% test accuracy (seed 0) in about 65 s of one CPU core.
"""
        + _COMMON_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray
        The class labels; ``predict`` returns values from it.
    module_ : ConvNet
        The trained network (outputs logits).
    image_shape_ : tuple
        ``(C, H, W)`` of the training images.
    history_ : scidl.training.History
        ``train_loss`` (and validation columns), ``lr``, ``time`` per epoch.
    n_features_in_ : int
        Number of values per training sample.
    n_outputs_ : int
        Number of classes.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the network was trained on.

    Notes
    -----
    A convolution layer computes ``a[c, i, j] = b[c] + sum_{c', k, l} w[c, c', k, l]
    x[c', i + k, j + l]``: the same small filter slides over the whole image,
    so the network is (nearly) translation-equivariant and has few parameters
    (LeCun et al., 1998, Proc. IEEE 86, 2278).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.nn import ConvNetClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((40, 8, 8)).astype("float32") * 0.1
    >>> y = np.arange(40) % 2
    >>> X[y == 1, :, 3:5] += 1.0  # a vertical bar
    >>> clf = ConvNetClassifier((4,), hidden_sizes=(), max_epochs=10, lr=0.01, random_state=0)
    >>> float(clf.fit(X, y).score(X, y))
    1.0
    >>> clf.module_.extra_repr()
    "in_shape=(1, 8, 8), out_features=2, channels=(4,), hidden_sizes=(), activation='relu'"
    """
    )

    def __init__(
        self,
        channels=(32, 64),
        *,
        kernel_sizes=3,
        pooling="max",
        pool_size=2,
        hidden_sizes=(128,),
        activation="relu",
        batch_norm=False,
        dropout=0.25,
        image_shape=None,
        max_shift=2,
        max_rotation=0.0,
        optimizer="adam",
        lr=3e-3,
        batch_size=64,
        max_epochs=15,
        weight_decay=0.0,
        validation_fraction=0.0,
        patience=None,
        lr_schedule="cosine",
        clip_grad_norm=None,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        super().__init__(
            channels,
            kernel_sizes=kernel_sizes,
            pooling=pooling,
            pool_size=pool_size,
            hidden_sizes=hidden_sizes,
            activation=activation,
            batch_norm=batch_norm,
            dropout=dropout,
            image_shape=image_shape,
            max_shift=max_shift,
            max_rotation=max_rotation,
            optimizer=optimizer,
            lr=lr,
            batch_size=batch_size,
            max_epochs=max_epochs,
            weight_decay=weight_decay,
            validation_fraction=validation_fraction,
            patience=patience,
            lr_schedule=lr_schedule,
            clip_grad_norm=clip_grad_norm,
            device=device,
            dtype=dtype,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
        )

    def _prepare_fit(self, X, y):
        if y is None:
            raise ValueError("ConvNetClassifier requires y to be passed, but the target y is None.")
        X, y = self._validate_images(X, y, y_numeric=False)
        return self._images(X, fitting=True), self._encode_classes(y)


class ConvNetRegressor(RegressorMixin, _ConvNetBase):
    __doc__ = (
        """Convolutional-network regressor trained on the mean squared error.

    Same network as :class:`ConvNetClassifier` with one linear output per
    target; by default no dropout and no augmentation (a shift can change a
    regression target).
"""
        + _COMMON_DOC
        + """
    Attributes
    ----------
    module_ : ConvNet
        The trained network.
    image_shape_ : tuple
        ``(C, H, W)`` of the training images.
    history_ : scidl.training.History
        ``train_loss`` (and validation columns), ``lr``, ``time`` per epoch.
    n_features_in_ : int
        Number of values per training sample.
    n_outputs_ : int
        Number of targets.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the network was trained on.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.nn import ConvNetRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((64, 6, 6)).astype("float32")
    >>> y = X.mean(axis=(1, 2))
    >>> reg = ConvNetRegressor((4,), hidden_sizes=(16,), max_epochs=20, lr=0.01, random_state=0)
    >>> reg.fit(X, y).predict(X).shape
    (64,)
    """
    )

    def _prepare_fit(self, X, y):
        if y is None:
            raise ValueError("ConvNetRegressor requires y to be passed, but the target y is None.")
        X, y = self._validate_images(X, y, y_numeric=True, multi_output=True)
        self.y_ndim_ = y.ndim
        y2 = y.reshape(len(y), -1)
        self.n_outputs_ = y2.shape[1]
        return self._images(X, fitting=True), y2

    def _loss_fn(self):
        return F.mse_loss

    def predict(self, X):
        """Predicted targets, shape ``(n_samples,)`` or ``(n_samples, n_targets)``."""
        out = self._forward(X).double().numpy()
        return out[:, 0] if self.y_ndim_ == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
