"""Autoencoders (dense and convolutional) on the one training loop."""

from __future__ import annotations

import numbers

import numpy as np
import torch
from sklearn.base import TransformerMixin
from torch import nn

from scidl.base import NeuralEstimator
from scidl.nn import MLP
from scidl.numerics import ACTIVATIONS, get_activation
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_array,
    check_fitted,
    check_int_sequence,
    validate_data,
)

__all__ = ["Autoencoder", "AutoencoderModule", "ConvAutoencoder", "ConvAutoencoderModule"]


def _output_dtype(dtype) -> np.dtype:
    """The dtype of the arrays returned for input of ``dtype``: float32 stays float32,
    float64 stays float64 (whatever the network's own precision), anything else is float64."""
    return np.dtype(dtype) if np.dtype(dtype) in (np.float32, np.float64) else np.dtype(np.float64)


# -- torch modules ---------------------------------------------------------------
class AutoencoderModule(nn.Module):
    """Dense autoencoder: encoder MLP -> bottleneck of ``n_components`` -> decoder MLP.

    The decoder mirrors the encoder (hidden sizes reversed). With
    ``activation="identity"`` the whole map is linear (a linear autoencoder).

    Parameters
    ----------
    in_features : int
        Number of input features (also the size of the reconstruction).
    n_components : int
        Width of the bottleneck (the code).
    hidden_sizes : sequence of int, default (128,)
        Hidden widths of the encoder, input side first.
    activation : str or nn.Module class, default "relu"
        Activation of the hidden layers (the code itself is linear).
    output_activation : str or nn.Module class, default "identity"
        Applied to the reconstruction (e.g. ``"sigmoid"`` for data in [0, 1]).

    Attributes
    ----------
    encoder : scidl.nn.MLP
        ``in_features -> hidden_sizes -> n_components``.
    decoder : torch.nn.Sequential
        An :class:`scidl.nn.MLP` ``n_components -> reversed(hidden_sizes) ->
        in_features`` followed by the output activation.
    in_features, n_components, hidden_sizes, activation, output_activation
        The constructor's arguments (``hidden_sizes`` as a tuple).

    Examples
    --------
    >>> import torch
    >>> from scidl.unsupervised import AutoencoderModule
    >>> net = AutoencoderModule(6, 2, hidden_sizes=(4,))
    >>> net.encode(torch.zeros(3, 6)).shape, net(torch.zeros(3, 6)).shape
    (torch.Size([3, 2]), torch.Size([3, 6]))
    >>> net
    AutoencoderModule(
      in_features=6, n_components=2, hidden_sizes=(4,), activation='relu'
      (encoder): MLP(...)
      (decoder): Sequential(...)
    )
    """

    def __init__(
        self,
        in_features,
        n_components,
        hidden_sizes=(128,),
        *,
        activation="relu",
        output_activation="identity",
    ):
        super().__init__()
        self.in_features = in_features
        self.n_components = n_components
        self.hidden_sizes = tuple(hidden_sizes)
        self.activation = activation
        self.output_activation = output_activation
        self.encoder = MLP(in_features, n_components, self.hidden_sizes, activation=activation)
        self.decoder = nn.Sequential(
            MLP(n_components, in_features, self.hidden_sizes[::-1], activation=activation),
            get_activation(output_activation),
        )
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialise the encoder and the decoder (see :class:`scidl.nn.MLP`)."""
        self.encoder.reset_parameters()
        self.decoder[0].reset_parameters()

    def encode(self, x):
        """The code of ``x``, shape ``(batch, n_components)``."""
        return self.encoder(x)

    def decode(self, z):
        """The reconstruction from the code ``z``, shape ``(batch, in_features)``."""
        return self.decoder(z)

    def forward(self, x):
        return self.decoder(self.encoder(x))

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, n_components={self.n_components}, "
            f"hidden_sizes={self.hidden_sizes}, activation={self.activation!r}"
        )


class ConvAutoencoderModule(nn.Module):
    """Convolutional autoencoder for images of shape (C, H, W).

    Encoder: ``len(channels)`` blocks ``Conv2d(stride 2) -> activation``, each
    halving the image (rounding up), then a linear map to the code. Decoder: a
    linear map back and ``ConvTranspose2d(stride 2)`` blocks whose output
    padding restores the exact input size, for any H and W.

    Parameters
    ----------
    in_shape : tuple of int (C, H, W)
        Shape of one input image.
    n_components : int
        Size of the code.
    channels : sequence of int, default (16, 32)
        Feature maps of the encoder's convolutions (the decoder mirrors them).
    kernel_size : int, default 3
        Odd kernel size (padding ``kernel_size // 2``).
    activation : str or nn.Module class, default "relu"
        Activation after every convolution and after the decoder's linear map.
    output_activation : str or nn.Module class, default "identity"
        Applied to the reconstruction (e.g. ``"sigmoid"`` for pixels in [0, 1]).

    Attributes
    ----------
    encoder : torch.nn.Sequential
        Convolutions, ``Flatten`` and a ``Linear`` map to ``n_components``.
    decoder : torch.nn.Sequential
        A ``Linear`` map, ``Unflatten`` and transposed convolutions back to ``in_shape``.
    in_shape, n_components, channels, kernel_size, activation, output_activation
        The constructor's arguments (``in_shape`` and ``channels`` as tuples).

    Examples
    --------
    >>> import torch
    >>> from scidl.unsupervised import ConvAutoencoderModule
    >>> net = ConvAutoencoderModule((1, 28, 28), 8, channels=(4, 8))
    >>> net.encode(torch.zeros(2, 1, 28, 28)).shape, net(torch.zeros(2, 1, 28, 28)).shape
    (torch.Size([2, 8]), torch.Size([2, 1, 28, 28]))
    """

    def __init__(
        self,
        in_shape,
        n_components,
        channels=(16, 32),
        *,
        kernel_size=3,
        activation="relu",
        output_activation="identity",
    ):
        super().__init__()
        if kernel_size % 2 != 1:
            raise ValueError(f"kernel_size must be odd; got {kernel_size}.")
        self.in_shape = tuple(int(s) for s in in_shape)
        if len(self.in_shape) != 3:
            raise ValueError(f"in_shape must be (C, H, W); got {tuple(in_shape)!r}.")
        self.n_components = n_components
        self.channels = tuple(channels)
        self.kernel_size = kernel_size
        self.activation = activation
        self.output_activation = output_activation
        c, h, w = self.in_shape
        pad = kernel_size // 2
        sizes = [(h, w)]
        enc = []
        prev = c
        for ch in self.channels:
            enc += [
                nn.Conv2d(prev, ch, kernel_size, stride=2, padding=pad),
                get_activation(activation),
            ]
            prev = ch
            h, w = (h + 1) // 2, (w + 1) // 2
            sizes.append((h, w))
        self._code_shape = (prev, h, w)
        flat = prev * h * w
        self.encoder = nn.Sequential(*enc, nn.Flatten(), nn.Linear(flat, n_components))
        dec = [
            nn.Linear(n_components, flat),
            get_activation(activation),
            nn.Unflatten(1, self._code_shape),
        ]
        outs = (c, *self.channels[:-1])[::-1]
        for i, ch in enumerate(outs):
            (h_in, w_in), (h_out, w_out) = sizes[-1 - i], sizes[-2 - i]
            # A stride-2 transposed convolution gives 2 * in - 1 + output_padding.
            op = (h_out - (2 * h_in - 1), w_out - (2 * w_in - 1))
            dec.append(
                nn.ConvTranspose2d(prev, ch, kernel_size, stride=2, padding=pad, output_padding=op)
            )
            if i < len(outs) - 1:
                dec.append(get_activation(activation))
            prev = ch
        dec.append(get_activation(output_activation))
        self.decoder = nn.Sequential(*dec)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialise every convolution and linear map (PyTorch's defaults)."""
        for m in self.modules():
            if m is not self and isinstance(m, nn.Conv2d | nn.ConvTranspose2d | nn.Linear):
                m.reset_parameters()  # PyTorch's defaults (Kaiming-uniform with a=sqrt(5))

    def encode(self, x):
        """The code of images ``x`` of shape ``(batch, C, H, W)``: ``(batch, n_components)``."""
        return self.encoder(x)

    def decode(self, z):
        """Images ``(batch, C, H, W)`` decoded from codes ``z``."""
        return self.decoder(z)

    def forward(self, x):
        return self.decoder(self.encoder(x))

    def extra_repr(self) -> str:
        return (
            f"in_shape={self.in_shape}, n_components={self.n_components}, "
            f"channels={self.channels}, kernel_size={self.kernel_size}, "
            f"activation={self.activation!r}"
        )


# -- estimators ------------------------------------------------------------------
class _AutoencoderBase(TransformerMixin, NeuralEstimator):
    """Shared training data and inference of the autoencoders: encode, decode, reconstruct, score.

    Every array returned keeps the input's float dtype (float32 in, float32 out; float64
    in, float64 out), whatever the network's own precision (``dtype``).
    """

    # the hyperparameters every autoencoder has (merged along the MRO with the common ones)
    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None)],
        "activation": [Options(*ACTIVATIONS), InstanceOf(type)],
        "output_activation": [Options(*ACTIVATIONS), InstanceOf(type)],
    }

    def _loss_fn(self):
        # The lecture's loss sum_i (x_hat_i - x_i)^2, averaged over samples and features.
        return torch.nn.functional.mse_loss

    def _check_input(self, X):
        """Validate ``X`` for a fitted model; return what the module takes (a NumPy array)."""
        raise NotImplementedError

    def _numpy(self, fn, X):
        """``fn`` over the rows of ``X`` by the one inference loop, in ``X``'s float dtype."""
        out = self._infer(fn, X).numpy()
        return out.astype(_output_dtype(X.dtype), copy=False)

    def transform(self, X):
        """The codes (bottleneck activations) of ``X``.

        Parameters
        ----------
        X : array-like
            Data shaped like the training data.

        Returns
        -------
        ndarray of shape (n_samples, n_components)
            In the float dtype of ``X``.
        """
        X = self._check_input(X)
        return self._numpy(self.module_.encode, X)

    def inverse_transform(self, X):
        """Decode codes into reconstructions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, e.g. from :meth:`transform`.

        Returns
        -------
        ndarray
            Reconstructions shaped like the training data, in the float dtype of ``X``.
        """
        check_fitted(self, "module_")
        Z = check_array(X, name="X")
        if Z.shape[1] != self.n_components:
            raise ValueError(
                f"X has {Z.shape[1]} columns, but inverse_transform expects "
                f"n_components={self.n_components}."
            )
        return self._numpy(self.module_.decode, Z)

    def reconstruct(self, X):
        """``inverse_transform(transform(X))`` in one pass, in the float dtype of ``X``."""
        X = self._check_input(X)
        return self._numpy(self.module_, X)

    def score(self, X, y=None):
        """Minus the mean squared reconstruction error per entry (higher is better).

        Parameters
        ----------
        X : array-like
            Data shaped like the training data.
        y : None
            Ignored.

        Returns
        -------
        float
            ``-mean((reconstruct(X) - X) ** 2)``, summed in float64.
        """
        X = self._check_input(X)

        def squared_errors(x):  # per sample, so no reconstruction of all of X is kept
            return (self.module_(x) - x).square().flatten(1).sum(1, dtype=torch.float64)

        sse = self._infer(squared_errors, X).sum()
        return -float(sse) / X.size

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class Autoencoder(_AutoencoderBase):
    """Dense autoencoder: learns a code of ``n_components`` numbers that reconstructs the input.

    Parameters
    ----------
    hidden_sizes : sequence of int, default (128,)
        Hidden widths of the encoder (the decoder mirrors them); ``()`` for none.
    n_components : int, default 2
        Size of the bottleneck.
    activation : str or nn.Module class, default "relu"
        Activation of the hidden layers; ``"identity"`` makes a linear autoencoder.
    output_activation : str or nn.Module class, default "identity"
        Applied to the reconstruction (``"sigmoid"`` suits pixels in [0, 1]).
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`
        (``device="auto"`` trains on CUDA when it is available).

    Attributes
    ----------
    module_ : AutoencoderModule
        The trained network (``module_.encoder``, ``module_.decoder``), in eval mode.
    history_ : scidl.training.History
        Per-epoch ``train_loss`` (and ``valid_loss``), ``lr`` and ``time``.
    n_features_in_ : int
        Number of features seen in ``fit``.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the network was trained on.

    Notes
    -----
    The encoder ``f`` and decoder ``g`` minimise the reconstruction loss
    ``1/(n d) sum_i ||g(f(x_i)) - x_i||^2`` by minibatch gradient descent on the
    one training loop (the input is its own target). A *linear* autoencoder
    with a bottleneck of ``k`` has the same optimum as PCA: its decoder spans
    the top-``k`` principal subspace and it reaches PCA's reconstruction error
    (Baldi & Hornik 1989; Bourlard & Kamp 1988), although its code is an
    arbitrary (non-orthogonal) basis of that subspace. With nonlinear
    activations the code can follow curved data and beat PCA at a small ``k``.

    ``transform``, ``inverse_transform`` and ``reconstruct`` return arrays in the
    input's float dtype (float32 or float64) whatever the network's ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.unsupervised import Autoencoder
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)) @ rng.normal(size=(2, 5))
    >>> ae = Autoencoder((), n_components=2, activation="identity", optimizer="lbfgs",
    ...                  lr=1.0, batch_size=200, max_epochs=2, random_state=0).fit(X)
    >>> Z = ae.transform(X)
    >>> Z.shape, Z.dtype
    ((200, 2), dtype('float64'))
    >>> bool(ae.score(X) > -1e-6)  # rank-2 data: a linear code of 2 is exact
    True
    """

    _parameter_constraints = {
        "hidden_sizes": [
            InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
        ],
    }

    def __init__(
        self,
        hidden_sizes=(128,),
        n_components=2,
        *,
        activation="relu",
        output_activation="identity",
        optimizer="adam",
        lr=1e-3,
        batch_size=128,
        max_epochs=100,
        weight_decay=0.0,
        validation_fraction=0.1,
        patience=10,
        lr_schedule=None,
        clip_grad_norm=None,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.hidden_sizes = hidden_sizes
        self.n_components = n_components
        self.activation = activation
        self.output_activation = output_activation
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

    def _build_module(self):
        return AutoencoderModule(
            self.n_features_in_,
            self.n_components,
            check_int_sequence(self.hidden_sizes, "hidden_sizes"),
            activation=self.activation,
            output_activation=self.output_activation,
        )

    def _prepare_fit(self, X, y):
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        return X, None  # the input is its own target: one-tensor batches (the base)

    def _check_input(self, X):
        check_fitted(self, "module_")
        return validate_data(self, X, dtype=[np.float64, np.float32], reset=False)


class ConvAutoencoder(_AutoencoderBase):
    """Convolutional autoencoder for images of shape (n, H, W) or (n, C, H, W).

    Parameters
    ----------
    channels : sequence of int, default (16, 32)
        Feature maps of the encoder's stride-2 convolutions (at least one).
    n_components : int, default 16
        Size of the code.
    kernel_size : int, default 3
        Odd convolution kernel size.
    activation : str or nn.Module class, default "relu"
        Activation after each convolution.
    output_activation : str or nn.Module class, default "identity"
        Applied to the reconstruction (``"sigmoid"`` suits pixels in [0, 1]).
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`
        (``device="auto"`` trains on CUDA when it is available).

    Attributes
    ----------
    module_ : ConvAutoencoderModule
        The trained network, in eval mode.
    image_shape_ : tuple of int (C, H, W)
        Shape of one training image (a channel axis of 1 added to (n, H, W) input).
    input_ndim_ : int
        3 or 4: reconstructions are returned with the training images' shape.
    n_features_in_ : int
        ``C * H * W``.
    history_ : scidl.training.History
        Per-epoch ``train_loss`` (and ``valid_loss``), ``lr`` and ``time``.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the network was trained on.

    Notes
    -----
    Same loss as :class:`Autoencoder`; convolutions share weights across the
    image, so far fewer parameters reconstruct images as well as a dense
    network. ``transform`` and ``reconstruct`` take images shaped like the
    training images; reconstructions come back in that shape, in the input's
    float dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.unsupervised import ConvAutoencoder
    >>> X = np.random.default_rng(0).random((64, 12, 12))
    >>> ae = ConvAutoencoder((4,), n_components=3, max_epochs=2, random_state=0).fit(X)
    >>> ae.transform(X).shape, ae.reconstruct(X).shape
    ((64, 3), (64, 12, 12))
    """

    _parameter_constraints = {
        "channels": [
            InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
        ],
        "kernel_size": [Interval(numbers.Integral, 1, None)],
    }

    def __init__(
        self,
        channels=(16, 32),
        n_components=16,
        *,
        kernel_size=3,
        activation="relu",
        output_activation="identity",
        optimizer="adam",
        lr=1e-3,
        batch_size=128,
        max_epochs=100,
        weight_decay=0.0,
        validation_fraction=0.1,
        patience=10,
        lr_schedule=None,
        clip_grad_norm=None,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.channels = channels
        self.n_components = n_components
        self.kernel_size = kernel_size
        self.activation = activation
        self.output_activation = output_activation
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

    def _build_module(self):
        return ConvAutoencoderModule(
            self.image_shape_,
            self.n_components,
            check_int_sequence(self.channels, "channels", allow_empty=False),
            kernel_size=self.kernel_size,
            activation=self.activation,
            output_activation=self.output_activation,
        )

    @staticmethod
    def _images(X):
        X = check_array(X, name="X", ndim=(3, 4))
        if X.dtype.kind != "f":
            X = X.astype(np.float64)
        return X[:, None] if X.ndim == 3 else X

    def _prepare_fit(self, X, y):
        if self.kernel_size % 2 != 1:
            raise ValueError(
                "The 'kernel_size' parameter of ConvAutoencoder must be odd; "
                f"got {self.kernel_size}."
            )
        X4 = self._images(X)
        self.input_ndim_ = int(np.ndim(X))
        self.image_shape_ = tuple(int(s) for s in X4.shape[1:])
        self.n_features_in_ = int(np.prod(self.image_shape_))
        return X4, None

    def _check_input(self, X):
        check_fitted(self, "module_")
        X4 = self._images(X)
        if tuple(X4.shape[1:]) != tuple(self.image_shape_):
            raise ValueError(
                f"X has images of shape {tuple(X4.shape[1:])}, but ConvAutoencoder was fitted "
                f"on images of shape {tuple(self.image_shape_)} (C, H, W)."
            )
        return X4

    def _as_input_shape(self, out):
        return out[:, 0] if self.input_ndim_ == 3 else out

    def inverse_transform(self, X):
        """Decode codes into images.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, e.g. from :meth:`transform`.

        Returns
        -------
        ndarray
            Images shaped like the training images, in the float dtype of ``X``.
        """
        return self._as_input_shape(super().inverse_transform(X))

    def reconstruct(self, X):
        """Encode and decode images; the result is shaped like the training images."""
        return self._as_input_shape(super().reconstruct(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # images (n, H, W) or (n, C, H, W), not tables: 2D input is rejected
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags
