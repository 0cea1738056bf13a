"""Seeding: one helper for Python, NumPy and torch."""

from __future__ import annotations

import contextlib
import random

import numpy as np
import torch

__all__ = ["seed_everything", "make_seed", "seeded"]


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and torch (all devices).

    Prefer an estimator's ``random_state`` for reproducible fits: it leaves the
    global generators untouched. This helper is for scripts and notebooks.

    Parameters
    ----------
    seed : int
        The seed.

    Returns
    -------
    None

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.utils import seed_everything
    >>> seed_everything(0)
    >>> a = np.random.rand()
    >>> seed_everything(0)
    >>> np.random.rand() == a
    True
    """
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int; got {seed!r}.")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)  # noqa: NPY002 - seeding the legacy global generator is the point
    torch.manual_seed(int(seed))


def make_seed(random_state) -> int:
    """Turn ``random_state`` (None, int, Generator or RandomState) into an int seed.

    ``None`` draws a fresh seed from NumPy's global generator, so repeated fits
    differ unless the user seeds NumPy.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        The source of randomness; an int must be non-negative.

    Returns
    -------
    int
        A non-negative seed.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.utils import make_seed
    >>> make_seed(7)
    7
    >>> make_seed(np.random.default_rng(0)) == make_seed(np.random.default_rng(0))
    True
    >>> make_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: random_state must be a non-negative int; got -1.
    """
    if random_state is None:
        return int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002 - follows the user's np.random.seed
    if isinstance(random_state, bool):
        raise TypeError(
            f"random_state must be None, an int or a NumPy generator; got {random_state!r}."
        )
    if isinstance(random_state, int | np.integer):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative int; got {random_state}.")
        return int(random_state) % (2**63 - 1)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**31 - 1))
    raise TypeError(
        f"random_state must be None, an int or a NumPy generator; got {random_state!r}."
    )


@contextlib.contextmanager
def seeded(seed: int, device=None):
    """Run a block with torch's global generator(s) seeded, restoring them afterwards.

    Parameter initialisation and dropout use torch's global generator; forking it
    makes a fit reproducible without changing the caller's random state.

    Parameters
    ----------
    seed : int
        The seed for the block.
    device : str, torch.device or None, default None
        A CUDA device whose generator is also forked and seeded.

    Yields
    ------
    None

    Examples
    --------
    >>> import torch
    >>> from scidl.utils import seeded
    >>> with seeded(0):
    ...     a = torch.rand(2)
    >>> with seeded(0):
    ...     b = torch.rand(2)
    >>> torch.equal(a, b)
    True
    """
    devices = []
    if device is not None and torch.device(device).type == "cuda":
        devices = [torch.device(device).index or 0]
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
