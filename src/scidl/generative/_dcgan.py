"""The deep convolutional GAN of Radford, Metz & Chintala (2016): module and estimator.

:class:`DCGANModule` holds a transposed-convolution generator and a strided-convolution
discriminator for one-channel images given as flat rows; :class:`DCGAN` trains it with
:class:`~scidl.generative.GANStep` on the one training loop, sharing sampling,
interpolation and discriminator scores with :class:`~scidl.generative.GAN`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch
from torch import nn

from scidl.generative._gan import _LEAK, _AdversarialEstimator, _GANBase, _maybe_sn
from scidl.utils import InstanceOf, Options, check_int_sequence, validate_data

__all__ = ["DCGAN", "DCGANModule"]


class DCGANModule(_GANBase):
    """The deep convolutional GAN of Radford et al. (2016), for one-channel images.

    Generator: ``z -> Linear -> (C_0, h_0, w_0) -> BatchNorm -> ReLU``, then per
    further entry of ``channels`` a stride-2 transposed convolution (kernel 4)
    doubling the size, BatchNorm and ReLU, and a last transposed convolution to
    one channel; the image is cropped to ``image_shape`` (``h_0 = ceil(H / 2^L)``
    with ``L = len(channels)``) and passed through the output activation.
    Discriminator: stride-2 convolutions (kernel 3) with the channels in reverse
    order and LeakyReLU(0.2), no batch normalisation (so that WGAN-GP's
    per-sample gradient penalty and packing are well defined), and a linear layer
    to one score. Packing stacks ``pack`` images as the channels of one input.

    Parameters
    ----------
    image_shape : tuple of int (H, W)
        Shape of one image; samples are flat rows of ``H * W`` values.
    n_components : int
        Size of the latent code ``z``.
    channels : sequence of int, default (64, 32)
        Feature maps of the generator from the smallest image up (the
        discriminator uses them in reverse order).
    pack : int, default 1
        Images per discriminator input.
    output : {"sigmoid", "identity"}, default "sigmoid"
        The generator's output activation: pixels in (0, 1), or unbounded.
    spectral_norm : bool, default False
        Spectral normalisation of the discriminator's layers.

    Attributes
    ----------
    generator : torch.nn.Sequential
        ``z -> (n, 1, H', W')`` before cropping.
    discriminator : torch.nn.Sequential
        ``(n / pack, pack, H, W) -> (n / pack, 1)``.
    image_shape, n_components, channels, pack, output, spectral_norm, in_features
        The constructor's arguments, and ``H * W``.

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import DCGANModule
    >>> net = DCGANModule((28, 28), 16, (8, 4))
    >>> x = net(torch.zeros(2, 16))
    >>> x.shape, net.discriminate(x).shape
    (torch.Size([2, 784]), torch.Size([2]))
    """

    def __init__(
        self,
        image_shape,
        n_components,
        channels=(64, 32),
        *,
        pack=1,
        output="sigmoid",
        spectral_norm=False,
    ):
        super().__init__()
        self.image_shape = tuple(int(s) for s in image_shape)
        self.in_features = self.image_shape[0] * self.image_shape[1]
        self.n_components = int(n_components)
        self.channels = tuple(int(c) for c in channels)
        self.pack = int(pack)
        if output not in ("sigmoid", "identity"):
            raise ValueError(f"output must be 'sigmoid' or 'identity'; got {output!r}.")
        self.output = output
        self.spectral_norm = bool(spectral_norm)
        if not self.channels:
            raise ValueError("channels must name at least one layer.")
        n_up = len(self.channels)
        h, w = self.image_shape
        self._start = (self.channels[0], -(-h // 2**n_up), -(-w // 2**n_up))
        c0, h0, w0 = self._start
        gen = [nn.Linear(self.n_components, c0 * h0 * w0), nn.Unflatten(1, self._start)]
        gen += [nn.BatchNorm2d(c0), nn.ReLU()]
        for c_in, c_out in zip(self.channels[:-1], self.channels[1:]):
            gen += [nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1)]
            gen += [nn.BatchNorm2d(c_out), nn.ReLU()]
        gen.append(nn.ConvTranspose2d(self.channels[-1], 1, 4, stride=2, padding=1))
        self.generator = nn.Sequential(*gen)
        disc, prev = [], self.pack
        for c in self.channels[::-1]:
            disc += [_maybe_sn(nn.Conv2d(prev, c, 3, stride=2, padding=1), spectral_norm)]
            disc.append(nn.LeakyReLU(_LEAK))
            prev = c
            h, w = (h + 1) // 2, (w + 1) // 2
        disc += [nn.Flatten(), _maybe_sn(nn.Linear(prev * h * w, 1), spectral_norm)]
        self.discriminator = nn.Sequential(*disc)
        self.reset_parameters()

    def reset_parameters(self):
        """Weights ``N(0, 0.02)`` (Radford et al. 2016), BatchNorm scales ``N(1, 0.02)``."""
        for m in self.modules():
            if isinstance(m, nn.Linear | nn.Conv2d | nn.ConvTranspose2d):
                weight = getattr(m, "parametrizations", None)
                weight = m.parametrizations.weight.original if weight is not None else m.weight
                nn.init.normal_(weight, 0.0, 0.02)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                m.reset_running_stats()
                nn.init.normal_(m.weight, 1.0, 0.02)
                nn.init.zeros_(m.bias)

    def generate(self, z):
        """``G(z)`` as flat rows ``(n, H * W)``."""
        h, w = self.image_shape
        img = self.generator(z)[:, 0, :h, :w]
        if self.output == "sigmoid":
            img = torch.sigmoid(img)
        return img.reshape(len(z), h * w)

    def _as_input(self, x):
        return x.reshape(len(x), 1, *self.image_shape)

    def _discriminate(self, packed):
        return self.discriminator(packed)

    def extra_repr(self) -> str:
        return (
            f"image_shape={self.image_shape}, n_components={self.n_components}, "
            f"channels={self.channels}, pack={self.pack}, output={self.output!r}"
        )


class DCGAN(_AdversarialEstimator):
    """Deep convolutional GAN (Radford et al. 2016) for one-channel images given as flat rows.

    Parameters
    ----------
    n_components : int, default 64
        Size of the latent code ``z ~ N(0, I)``.
    channels : sequence of int, default (64, 32)
        Generator feature maps from the smallest image up; each further entry
        doubles the image size (the discriminator mirrors them).
    image_shape : tuple of int (H, W) or None, default None
        Shape of one image; None reads rows of square length as square images
        and other rows as ``1 x n_features`` strips.
    output_activation : {"auto", "sigmoid", "identity"}, default "auto"
        The generator's output: ``"auto"`` is ``"sigmoid"`` when the training
        data lie in [0, 1] (pixels) and ``"identity"`` otherwise.
    loss, pack, spectral_norm, label_smoothing, gp_weight, n_critic, betas
        As for :class:`GAN`; ``pack`` defaults to 1 here (on the MNIST sample packing
        two images did not consistently lower the Fréchet distance: 288 against 263
        and 434 against 441 in two measured runs).
    optimizer : str, default "adam"
        Optimizer of both players.
    lr : float, default 1e-3
        Learning rate. Radford et al. (2016) use 2e-4 for large networks and data
        sets; for the small networks and the 4,000-digit MNIST sample measured
        here (``benchmarks/dcgan_mnist.py``, 10 epochs, channels (32, 16)) 1e-3
        reached a Fréchet distance of 263 against 520 (5e-4) and 641 (2e-4).
    batch_size : int, default 64
        Images per step.
    max_epochs : int, default 20
        Passes over the data.
    weight_decay, validation_fraction, patience, lr_schedule, clip_grad_norm, device, \
dtype, random_state, verbose, callbacks
        As for :class:`GAN`.

    Attributes
    ----------
    module_ : DCGANModule
        The generator and discriminator.
    image_shape_ : tuple of int (H, W)
        The image shape used.
    output_activation_ : str
        ``"sigmoid"`` or ``"identity"``.
    history_ : scidl.training.History
        As for :class:`GAN`.
    n_features_in_ : int
        Number of features (pixels) seen in ``fit``.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the networks were trained on.

    Notes
    -----
    Radford, Metz & Chintala (2016, arXiv:1511.06434): strided (transposed)
    convolutions instead of pooling, batch normalisation in the generator, ReLU
    in the generator and LeakyReLU(0.2) in the discriminator, weights from
    ``N(0, 0.02)``, Adam with ``beta_1 = 0.5``. scidl's discriminator has no
    batch normalisation (see :class:`DCGANModule`) and its default learning rate
    is larger (see ``lr``).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import DCGAN
    >>> X = np.random.default_rng(0).random((64, 64))  # 64 "images" of 8 x 8 pixels
    >>> gan = DCGAN(8, channels=(8, 4), max_epochs=1, random_state=0).fit(X)
    >>> gan.image_shape_, gan.output_activation_, gan.sample(2, random_state=0).shape
    ((8, 8), 'sigmoid', (2, 64))
    """

    _parameter_constraints = {
        "channels": [
            InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
        ],
        "image_shape": [InstanceOf(tuple, list, description="a pair (H, W)"), None],
        "output_activation": [Options("auto", "sigmoid", "identity")],
    }

    def __init__(
        self,
        n_components=64,
        *,
        channels=(64, 32),
        image_shape=None,
        output_activation="auto",
        loss="non-saturating",
        pack=1,
        spectral_norm=False,
        label_smoothing=0.0,
        gp_weight=10.0,
        n_critic=1,
        betas=(0.5, 0.999),
        optimizer="adam",
        lr=1e-3,
        batch_size=64,
        max_epochs=20,
        weight_decay=0.0,
        validation_fraction=0.0,
        patience=None,
        lr_schedule=None,
        clip_grad_norm=None,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.n_components = n_components
        self.channels = channels
        self.image_shape = image_shape
        self.output_activation = output_activation
        self.loss = loss
        self.pack = pack
        self.spectral_norm = spectral_norm
        self.label_smoothing = label_smoothing
        self.gp_weight = gp_weight
        self.n_critic = n_critic
        self.betas = betas
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

    def _prepare_fit(self, X, y):
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        n = X.shape[1]
        if self.image_shape is None:
            side = math.isqrt(n)
            self.image_shape_ = (side, side) if side * side == n else (1, n)
        else:
            shape = check_int_sequence(self.image_shape, "image_shape")
            if len(shape) != 2 or shape[0] * shape[1] != n:
                raise ValueError(
                    f"image_shape must be (H, W) with H * W = {n} (the features of X); "
                    f"got {tuple(self.image_shape)!r}."
                )
            self.image_shape_ = tuple(shape)
        if self.output_activation == "auto":
            in_unit = bool(X.min() >= 0.0 and X.max() <= 1.0)
            self.output_activation_ = "sigmoid" if in_unit else "identity"
        else:
            self.output_activation_ = self.output_activation
        return X, None

    def _build_module(self):
        return DCGANModule(
            self.image_shape_,
            self.n_components,
            check_int_sequence(self.channels, "channels", allow_empty=False),
            pack=self.pack,
            output=self.output_activation_,
            spectral_norm=self.spectral_norm,
        )
