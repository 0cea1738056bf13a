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

    Examples
    --------
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
        return IndexedData(tuple(t.to(device) for t in self.tensors), self.index.to(device), self.gather)

    def subset(self, positions) -> IndexedData:
        """The samples at ``positions`` (the stored tensors are shared, not copied)."""
        return IndexedData(self.tensors, self.index[torch.as_tensor(positions, dtype=torch.int64)], self.gather)

    def batch(self, positions) -> tuple:
        """The minibatch made of the samples at ``positions``."""
        return tuple(self.gather(self.tensors, self.index[positions]))


def _gather_pair(tensors, idx, lagtime):
    (frames,) = tensors
    return frames.index_select(0, idx), frames.index_select(0, idx + lagtime)


def _gather_stacked_pair(tensors, idx, lagtime):
    (frames,) = tensors
    return (torch.cat([frames.index_select(0, idx), frames.index_select(0, idx + lagtime)], dim=1),)


class _Lagged:
    # A picklable gather function (closures cannot be pickled with the estimator).
    def __init__(self, lagtime, stacked):
        self.lagtime, self.stacked = int(lagtime), bool(stacked)

    def __call__(self, tensors, idx):
        fn = _gather_stacked_pair if self.stacked else _gather_pair
        return fn(tensors, idx, self.lagtime)


def lagged_pairs(frames, starts, lagtime, *, stacked=False) -> IndexedData:
    """Lagged pairs ``(x_t, x_{t+lagtime})`` for each ``t`` in ``starts``, without copying ``frames``.

    With ``stacked=True`` each sample is the single row ``[x_t, x_{t+lagtime}]``.
    ``starts`` must only contain ``t`` with ``t + lagtime`` inside the same trajectory.
    """
    starts = torch.as_tensor(starts, dtype=torch.int64)
    if len(starts) and (int(starts.min()) < 0 or int(starts.max()) + lagtime >= len(frames)):
        raise ValueError(f"starts must lie in [0, {len(frames) - lagtime}) for lagtime={lagtime} and {len(frames)} frames.")
    return IndexedData((frames,), starts, _Lagged(lagtime, stacked))
