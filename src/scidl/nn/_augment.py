"""On-the-fly image augmentation: random shifts, rotations, scalings and shears of minibatches.

:func:`random_affine` transforms a batch of images with one
``affine_grid``/``grid_sample`` call; :class:`AugmentedStep` is the training
step that applies it to every training minibatch, plugged into
:func:`scidl.training.train` (validation batches are never augmented);
:class:`RandomAffine` is the same transformation as a hyperparameter object
for estimators that take rows of pixels (``augment=`` of
:class:`scidl.generative.GMVAE`).

Augmentation must never erase the signal it is meant to vary, so two rules
make the transformation safe for any input shape:

- *Strips are left alone.* An "image" one pixel high or wide is a row of
  features (tabular data whose length is not a perfect square becomes a
  ``1 x d`` strip in :class:`~scidl.nn.ConvNetClassifier`), not a picture: it
  has no translation symmetry, a shift pushes features out of it and a rotation
  turns it off its own single row. Such batches are returned unchanged.
- *Shifts are capped by the axis length.* Along an axis of length ``L`` a
  shift is at most ``(L - 1) // 4`` pixels, so at least three quarters of
  every row and column, and more than half of the image (``(3/4)^2 > 1/2``),
  stays in the picture whatever the two shifts. For 28 x 28 digits and
  ``max_shift=2`` this changes nothing; tabular data whose length is a perfect
  square (9 features -> a 3 x 3 "image") is not shifted at all, a 5 x 5 image
  by at most one pixel. (A cap of ``(L - 1) // 2`` per axis kept half of
  each axis but could push 56 % of a 3 x 3 image out of its frame.)
"""

from __future__ import annotations

import math
import numbers

import torch
from sklearn.base import BaseEstimator
from torch.nn import functional as F

from scidl.training import SupervisedStep

__all__ = ["AugmentedStep", "RandomAffine", "random_affine"]


def _axis_shift(length, max_shift):
    """The largest shift along an axis of ``length`` pixels: keeps three quarters of it."""
    return min(int(max_shift), (int(length) - 1) // 4)


def random_affine(
    x, *, max_shift=0, max_rotation=0.0, max_scale=0.0, max_shear=0.0, generator=None
):
    """Randomly shift (whole pixels), rotate, scale and shear each image of a batch.

    One ``affine_grid``/``grid_sample`` call transforms the whole batch; pixels
    moved in from outside the image are zero. Images one pixel high or wide
    (rows of features) are returned unchanged, and the shift along an axis of
    length ``L`` is capped at ``(L - 1) // 4`` pixels, so that augmentation
    never pushes half of an image out of its frame (see the module notes).

    Parameters
    ----------
    x : torch.Tensor of shape (n, C, H, W)
        A batch of images.
    max_shift : int, default 0
        Shifts are drawn uniformly from ``-s..s`` pixels along each axis, with
        ``s = min(max_shift, (L - 1) // 4)`` for an axis of length ``L``.
    max_rotation : float, default 0.0
        Rotation angles are drawn uniformly from ``[-max_rotation, max_rotation]`` degrees.
    max_scale : float in [0, 1), default 0.0
        Zoom factors are drawn uniformly from ``[1 - max_scale, 1 + max_scale]``.
    max_shear : float, default 0.0
        Horizontal shears (a slant: ``x' = x + k y``) with ``k`` drawn uniformly
        from ``[-max_shear, max_shear]``.
    generator : torch.Generator, optional
        Source of the random shifts, angles, zooms and shears. Zooms and shears
        are drawn after the shifts and angles, and only when they are on, so the
        draws of a shift-and-rotation augmentation do not depend on them.

    Returns
    -------
    torch.Tensor of shape (n, C, H, W)
        The transformed batch (``x`` itself when nothing is to be done).

    Examples
    --------
    >>> import torch
    >>> from scidl.nn import random_affine
    >>> x = torch.zeros(1, 1, 5, 5)
    >>> x[0, 0, 2, 2] = 1.0  # a dot in the middle
    >>> g = torch.Generator().manual_seed(0)
    >>> moved = random_affine(x, max_shift=1, generator=g)
    >>> float(moved.sum())  # a whole-pixel shift moves the dot intact
    1.0
    >>> strip = torch.ones(4, 1, 1, 6)  # a row of features is not an image: unchanged
    >>> random_affine(strip, max_shift=2, max_rotation=30, generator=g) is strip
    True
    """
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        kind = x.dtype if isinstance(x, torch.Tensor) else type(x).__name__
        raise TypeError(f"x must be a floating-point torch.Tensor of images; got {kind}.")
    if x.ndim != 4:
        raise ValueError(
            f"x must be a batch of images of shape (n, C, H, W); got shape {tuple(x.shape)}."
        )
    if not 0 <= max_scale < 1:
        raise ValueError(f"max_scale must be in [0, 1); got {max_scale!r}.")
    if max_shear < 0:
        raise ValueError(f"max_shear must be >= 0; got {max_shear!r}.")
    n, _, h, w = x.shape
    shift_x, shift_y = _axis_shift(w, max_shift), _axis_shift(h, max_shift)
    still = shift_x == 0 and shift_y == 0 and max_rotation == 0 and max_scale == 0
    if h == 1 or w == 1 or (still and max_shear == 0):
        return x
    opts = {"device": x.device, "dtype": x.dtype}
    if shift_x == shift_y:  # one draw for both axes (the stream of the common square case)
        shift = torch.randint(-shift_x, shift_x + 1, (n, 2), generator=generator)
    else:
        shift = torch.stack(
            [torch.randint(-s, s + 1, (n,), generator=generator) for s in (shift_x, shift_y)],
            dim=1,
        )
    shift = shift.to(**opts)
    angle = (torch.rand(n, generator=generator).to(**opts) * 2 - 1) * math.radians(max_rotation)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.zeros(n, 2, 3, **opts)
    # affine_grid maps output coordinates in [-1, 1] to input coordinates; a pixel is 2/size wide.
    theta[:, 0, 0], theta[:, 0, 1] = cos, -sin * h / w
    theta[:, 1, 0], theta[:, 1, 1] = sin * w / h, cos
    if max_scale > 0:  # output -> input coordinates: a zoom by s divides them by s
        zoom = 1 + (torch.rand(n, generator=generator).to(**opts) * 2 - 1) * max_scale
        theta[:, :, :2] /= zoom[:, None, None]
    if max_shear > 0:  # the rotation-zoom times [[1, k], [0, 1]] in pixel units
        k = (torch.rand(n, generator=generator).to(**opts) * 2 - 1) * max_shear
        theta[:, 0, 1] = theta[:, 0, 1] + theta[:, 0, 0] * k * h / w
        theta[:, 1, 1] = theta[:, 1, 1] + theta[:, 1, 0] * k * h / w
    theta[:, 0, 2] = -2 * shift[:, 0] / w
    theta[:, 1, 2] = -2 * shift[:, 1] / h
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class AugmentedStep(SupervisedStep):
    """:class:`~scidl.training.SupervisedStep` on randomly shifted/rotated training batches.

    The augmentation (:func:`random_affine`) is applied to each training
    minibatch as a tensor, so every epoch sees new variants of the images at
    no per-sample Python cost; validation batches are not augmented.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(output, target) -> scalar`` averaged over the batch.
    metrics : dict, optional
        ``{name: fn(output, target)}`` evaluated on validation batches.
    max_shift : int, default 2
        Largest shift in pixels (see :func:`random_affine`).
    max_rotation : float, default 0.0
        Largest rotation in degrees.
    random_state : int, default 0
        Seeds the generator of the shifts and angles.

    Attributes
    ----------
    loss_fn : callable
        The training loss.
    metrics : dict
        The validation metrics.
    max_shift : int
        Largest shift in pixels.
    max_rotation : float
        Largest rotation in degrees.
    generator : torch.Generator
        The seeded source of the random transformations.

    Examples
    --------
    >>> import torch
    >>> from scidl.nn import AugmentedStep
    >>> from scidl.training import train
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 2))
    >>> x, y = torch.rand(8, 1, 4, 4), torch.arange(8) % 2
    >>> step = AugmentedStep(torch.nn.functional.cross_entropy, max_shift=1)
    >>> history = train(net, (x, y), step=step, max_epochs=2, verbose=0)
    >>> len(history)
    2
    """

    def __init__(self, loss_fn, *, metrics=None, max_shift=2, max_rotation=0.0, random_state=0):
        super().__init__(loss_fn, metrics=metrics)
        self.max_shift = max_shift
        self.max_rotation = max_rotation
        self.generator = torch.Generator().manual_seed(int(random_state))

    def train_step(self, module, batch, optimizers, ctx):
        """Augment the images of ``batch`` and take one supervised step on them."""
        x = random_affine(
            batch[0],
            max_shift=self.max_shift,
            max_rotation=self.max_rotation,
            generator=self.generator,
        )
        return super().train_step(module, (x, *batch[1:]), optimizers, ctx)


class RandomAffine(BaseEstimator):
    """A random shift, rotation, zoom and shear of images stored as rows of pixels.

    A hyperparameter object, not a model: estimators that take flat feature rows
    (``augment=`` of :class:`scidl.generative.GMVAE`) call it on each training
    minibatch to get a new random view of every image. It reshapes the rows to
    images, applies :func:`random_affine` and flattens the result again. The
    defaults are the digit augmentations measured for GMVAE clustering of the
    MNIST sample (``benchmarks/gmvae_clustering.py``): a slant of up to
    ``tan = 0.2`` and a 10 % zoom matter as much as the shifts and rotations.

    Parameters
    ----------
    image_shape : tuple of int
        ``(height, width)`` or ``(channels, height, width)`` of each row.
    max_shift : int, default 2
        Largest shift in whole pixels (see :func:`random_affine`).
    max_rotation : float, default 15.0
        Largest rotation in degrees.
    max_scale : float in [0, 1), default 0.1
        Zoom factors are drawn from ``[1 - max_scale, 1 + max_scale]``.
    max_shear : float, default 0.2
        Largest horizontal shear ``k`` (``x' = x + k y``).

    Attributes
    ----------
    image_shape, max_shift, max_rotation, max_scale, max_shear
        The constructor's arguments, unchanged (validated by :meth:`check` when an
        estimator starts to fit, and at every call).

    Examples
    --------
    >>> import torch
    >>> from scidl.nn import RandomAffine
    >>> aug = RandomAffine((4, 4), max_shift=1, max_rotation=0, max_scale=0, max_shear=0)
    >>> x = torch.zeros(2, 16)
    >>> x[:, 5] = 1.0  # one bright pixel away from the border
    >>> out = aug(x, torch.Generator().manual_seed(0))
    >>> out.shape, out.sum(dim=1).tolist()  # a whole-pixel shift keeps the pixel
    (torch.Size([2, 16]), [1.0, 1.0])
    """

    def __init__(
        self, image_shape, *, max_shift=2, max_rotation=15.0, max_scale=0.1, max_shear=0.2
    ):
        self.image_shape = image_shape
        self.max_shift = max_shift
        self.max_rotation = max_rotation
        self.max_scale = max_scale
        self.max_shear = max_shear

    def check(self, n_features):
        """Validate the hyperparameters against rows of ``n_features``; return the image shape.

        Raises
        ------
        TypeError, ValueError
            Naming the hyperparameter and what was expected.
        """
        shape = self.image_shape
        if (
            not isinstance(shape, (tuple, list))
            or len(shape) not in (2, 3)
            or not all(isinstance(s, numbers.Integral) and s >= 1 for s in shape)
        ):
            raise ValueError(
                "image_shape must be (height, width) or (channels, height, width) of positive "
                f"ints; got {shape!r}."
            )
        shape = tuple(int(s) for s in shape)
        if len(shape) == 2:
            shape = (1, *shape)
        if shape[0] * shape[1] * shape[2] != n_features:
            raise ValueError(
                f"image_shape={self.image_shape!r} holds {shape[0] * shape[1] * shape[2]} "
                f"pixels but the rows have {n_features} features."
            )
        for name, low in (("max_shift", 0), ("max_rotation", 0), ("max_shear", 0)):
            value = getattr(self, name)
            if not isinstance(value, numbers.Real) or isinstance(value, bool) or value < low:
                raise ValueError(f"{name} must be a number >= {low}; got {value!r}.")
        if not isinstance(self.max_shift, numbers.Integral):
            raise TypeError(f"max_shift must be an int; got {self.max_shift!r}.")
        scale = self.max_scale
        if not isinstance(scale, numbers.Real) or isinstance(scale, bool) or not 0 <= scale < 1:
            raise ValueError(f"max_scale must be a number in [0, 1); got {scale!r}.")
        return shape

    def __call__(self, X, generator=None):
        """A random view of each row of ``X`` (a tensor of shape ``(n, n_features)``).

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, n_features)
            Images as rows of pixels.
        generator : torch.Generator, optional
            Source of the random transformations.

        Returns
        -------
        torch.Tensor of shape (n_samples, n_features)
            The transformed rows.
        """
        if not isinstance(X, torch.Tensor) or X.ndim != 2:
            raise ValueError(
                "X must be a 2-D torch.Tensor of rows of pixels; got "
                f"{tuple(X.shape) if isinstance(X, torch.Tensor) else type(X).__name__}."
            )
        shape = self.check(X.shape[1])
        images = random_affine(
            X.reshape(len(X), *shape),
            max_shift=int(self.max_shift),
            max_rotation=float(self.max_rotation),
            max_scale=float(self.max_scale),
            max_shear=float(self.max_shear),
            generator=generator,
        )
        return images.reshape(len(X), -1)
