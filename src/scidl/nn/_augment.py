"""On-the-fly image augmentation: random shifts and rotations of whole minibatches.

:func:`random_affine` transforms a batch of images with one
``affine_grid``/``grid_sample`` call; :class:`AugmentedStep` is the training
step that applies it to every training minibatch, plugged into
:func:`scidl.training.train` (validation batches are never augmented).

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

import torch
from torch.nn import functional as F

from scidl.training import SupervisedStep

__all__ = ["AugmentedStep", "random_affine"]


def _axis_shift(length, max_shift):
    """The largest shift along an axis of ``length`` pixels: keeps three quarters of it."""
    return min(int(max_shift), (int(length) - 1) // 4)


def random_affine(x, *, max_shift=0, max_rotation=0.0, generator=None):
    """Randomly shift (whole pixels) and rotate each image of a batch.

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
    generator : torch.Generator, optional
        Source of the random shifts and angles.

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
    n, _, h, w = x.shape
    shift_x, shift_y = _axis_shift(w, max_shift), _axis_shift(h, max_shift)
    if h == 1 or w == 1 or (shift_x == 0 and shift_y == 0 and max_rotation == 0):
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
