"""Data-parallel training under ``torchrun`` (torch.distributed + DistributedDataParallel)."""

from __future__ import annotations

import os

import torch
import torch.distributed as dist

__all__ = ["distributed_context", "is_main_process"]


def _env_world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def distributed_context(device: torch.device) -> tuple[int, int]:
    """Return ``(rank, world_size)``, initialising the process group under torchrun.

    Outside ``torchrun`` (no ``WORLD_SIZE`` > 1 in the environment) this is
    ``(0, 1)`` and nothing is initialised. Under torchrun the backend is NCCL on
    GPUs and Gloo on the CPU.

    Parameters
    ----------
    device : torch.device
        The training device (it picks the backend, and the GPU of this rank).

    Returns
    -------
    rank : int
        This process, from 0.
    world_size : int
        Number of processes.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import distributed_context
    >>> distributed_context(torch.device("cpu"))  # a plain Python process
    (0, 1)
    """
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    if _env_world_size() <= 1 or not dist.is_available():
        return 0, 1
    backend = "nccl" if device.type == "cuda" else "gloo"
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(backend=backend)
    return dist.get_rank(), dist.get_world_size()


def is_main_process() -> bool:
    """True outside distributed runs and on rank 0 inside them.

    Returns
    -------
    bool
        Whether this process should write files and print.

    Examples
    --------
    >>> from scidl.training import is_main_process
    >>> is_main_process()  # a plain Python process
    True
    """
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank() == 0
    return int(os.environ.get("RANK", "0")) == 0
