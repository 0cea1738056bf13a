"""In-memory data whose minibatches are gathered by index.

The loop's default in-memory path takes a tuple of tensors, one row per
sample. Some models read samples that are *made* from the stored data, e.g.
the lagged pairs ``(x_t, x_{t+tau})`` of time-lagged autoencoders and VAMPnets:
storing every pair would double (or worse) the memory of a long trajectory.
:class:`IndexedData` keeps the tensors once and builds each minibatch from a
vector of sample indices.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

__all__ = ["IndexedData", "lagged_pairs"]


class IndexedData:
    """Samples ``gather(tensors, index[i])``, built one minibatch at a time.

    Parameters
    ----------
    tensors : tuple of torch.Tensor
        The stored data (never copied by the loop).
    index : 1D integer tensor
        One entry per sample.
    gather : callable
        ``gather(tensors, idx) -> tuple of tensors`` for a vector of indices.

    Attributes
    ----------
    tensors : tuple of torch.Tensor
        The stored data.
    index : torch.Tensor of int64
        One entry per sample.
    gather : callable
        Builds a minibatch from entries of ``index``.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import lagged_pairs
    >>> x = torch.arange(6.0)[:, None]
    >>> pairs = lagged_pairs(x, torch.arange(4), lagtime=2)
    >>> len(pairs), [t[:, 0].tolist() for t in pairs.batch(torch.tensor([0, 3]))]
    (4, [[0.0, 3.0], [2.0, 5.0]])
    """

    def __init__(self, tensors, index, gather: Callable):
        self.tensors = tuple(tensors)
        self.index = torch.as_tensor(index, dtype=torch.int64)
        if self.index.ndim != 1:
            raise ValueError(f"index must be one-dimensional; got shape {tuple(self.index.shape)}.")
        self.gather = gather

    def __len__(self) -> int:
        return len(self.index)

    def to(self, device) -> IndexedData:
        """The same samples with the stored tensors on ``device``."""
        return IndexedData(
            tuple(t.to(device) for t in self.tensors), self.index.to(device), self.gather
        )

    def subset(self, positions) -> IndexedData:
        """The samples at ``positions`` (the stored tensors are shared, not copied)."""
        return IndexedData(
            self.tensors, self.index[torch.as_tensor(positions, dtype=torch.int64)], self.gather
        )

    def batch(self, positions) -> tuple:
        """The minibatch made of the samples at ``positions``."""
        return tuple(self.gather(self.tensors, self.index[positions]))


def _rows(tensors, idx, dtype):
    """Rows ``idx`` of the stored frames in ``dtype``, standardised when a mean and scale exist."""
    frames, *affine = tensors
    x = frames.index_select(0, idx)
    if affine:
        mean, scale = affine
        x = (x - mean) / scale
    return x if dtype is None else x.to(dtype)


class _Lagged:
    # A picklable gather function (closures cannot be pickled with the estimator).
    def __init__(self, lagtime, stacked, dtype=None):
        self.lagtime, self.stacked, self.dtype = int(lagtime), bool(stacked), dtype

    def __call__(self, tensors, idx):
        x0 = _rows(tensors, idx, self.dtype)
        xt = _rows(tensors, idx + self.lagtime, self.dtype)
        return (torch.cat([x0, xt], dim=1),) if self.stacked else (x0, xt)


def lagged_pairs(
    frames, starts, lagtime, *, stacked=False, mean=None, scale=None, dtype=None
) -> IndexedData:
    """Lagged pairs ``(x_t, x_{t+lagtime})`` for each ``t`` in ``starts``, without copying.

    With ``stacked=True`` each sample is the single row ``[x_t, x_{t+lagtime}]``.
    ``starts`` must only contain ``t`` with ``t + lagtime`` inside the same trajectory.
    With ``mean`` and ``scale`` each gathered minibatch is standardised as
    ``(x - mean) / scale`` in the precision of ``frames``, and then converted to
    ``dtype``; so a float64 trajectory is used as it is, never copied into a
    standardised or float32 version of itself.

    Parameters
    ----------
    frames : torch.Tensor of shape (n_frames, n_features)
        The stored trajectory (or trajectories, concatenated).
    starts : 1D integer array-like
        The times ``t`` of the pairs.
    lagtime : int
        The lag ``tau``.
    stacked : bool, default False
        Give each sample as one row ``[x_t, x_{t+tau}]`` instead of two tensors.
    mean, scale : array-like of shape (n_features,), optional
        Standardise each minibatch as ``(x - mean) / scale`` (give both or neither).
    dtype : torch.dtype, optional
        Convert each minibatch to this dtype.

    Returns
    -------
    IndexedData
        One sample per entry of ``starts``.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import lagged_pairs
    >>> frames = torch.arange(10.0).reshape(5, 2)
    >>> pairs = lagged_pairs(frames, [0, 1, 2], lagtime=2, stacked=True)
    >>> len(pairs), pairs.batch(torch.tensor([0]))[0].tolist()
    (3, [[0.0, 1.0, 4.0, 5.0]])
    >>> x0, xt = lagged_pairs(frames, [1], lagtime=1, mean=[1.0, 1.0], scale=[2.0, 2.0]).batch([0])
    >>> x0.tolist(), xt.tolist()
    ([[0.5, 1.0]], [[1.5, 2.0]])
    """
    starts = torch.as_tensor(starts, dtype=torch.int64)
    if len(starts) and (int(starts.min()) < 0 or int(starts.max()) + lagtime >= len(frames)):
        raise ValueError(
            f"starts must lie in [0, {len(frames) - lagtime}) for lagtime={lagtime} "
            f"and {len(frames)} frames."
        )
    if (mean is None) != (scale is None):
        raise ValueError("mean and scale must be given together.")
    tensors = (frames,)
    if mean is not None:
        like = {"dtype": frames.dtype, "device": frames.device}
        tensors = (frames, torch.as_tensor(mean, **like), torch.as_tensor(scale, **like))
    return IndexedData(tensors, starts, _Lagged(lagtime, stacked, dtype))
