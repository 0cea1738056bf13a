"""Devices and dtypes by name."""

from __future__ import annotations

import contextlib
import os

import torch

__all__ = ["resolve_device", "resolve_dtype", "torch_threads"]

_DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
}


def resolve_device(device) -> torch.device:
    """Turn ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or a ``torch.device`` into a device.

    ``"auto"`` picks CUDA when available. Under ``torchrun`` on GPUs, ``"auto"`` and
    ``"cuda"`` pick the GPU given by ``LOCAL_RANK``.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda"} or str or torch.device
        The requested device; ``"cuda:N"`` names one GPU. A ``torch.device`` is
        returned unchanged.

    Returns
    -------
    torch.device

    Raises
    ------
    TypeError
        If ``device`` is neither a string nor a ``torch.device``.
    ValueError
        If the string names no device, or CUDA is requested but not available.

    Examples
    --------
    >>> import torch
    >>> from scidl.utils import resolve_device
    >>> resolve_device("cpu")
    device(type='cpu')
    >>> resolve_device(torch.device("cpu"))
    device(type='cpu')
    >>> resolve_device("auto").type in ("cpu", "cuda")
    True
    >>> resolve_device("tpu")
    Traceback (most recent call last):
    ...
    ValueError: device must be 'auto', 'cpu', 'cuda' or 'cuda:N'; got 'tpu'.
    """
    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(f"device must be 'auto', 'cpu', 'cuda' or a torch.device; got {device!r}.")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        dev = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N'; got {device!r}."
        ) from exc
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested but CUDA is not available; "
                "use device='cpu' or 'auto'."
            )
        if dev.index is None and "LOCAL_RANK" in os.environ:
            dev = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
    return dev


def resolve_dtype(dtype) -> torch.dtype:
    """Turn ``"float32"``/``"float64"`` (or a torch/NumPy float dtype) into a torch dtype.

    Parameters
    ----------
    dtype : str, torch.dtype or numpy dtype
        A floating-point type: "float32", "float64", "float16" or "bfloat16".

    Returns
    -------
    torch.dtype

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from scidl.utils import resolve_dtype
    >>> resolve_dtype("float32")
    torch.float32
    >>> resolve_dtype(np.float64)
    torch.float64
    >>> resolve_dtype(torch.int64)
    Traceback (most recent call last):
    ...
    ValueError: dtype must be a floating-point type; got torch.int64.
    """
    if isinstance(dtype, torch.dtype):
        if not dtype.is_floating_point:
            raise ValueError(f"dtype must be a floating-point type; got {dtype}.")
        return dtype
    name = getattr(dtype, "__name__", None) or str(dtype)
    name = name.replace("torch.", "")
    if name not in _DTYPES:
        raise ValueError(f"dtype must be one of {sorted(_DTYPES)}; got {dtype!r}.")
    return _DTYPES[name]


@contextlib.contextmanager
def torch_threads(n):
    """Run a block with ``n`` intra-op torch threads, restoring the previous number after.

    Networks of a few dozen units on a few hundred points spend their time in
    per-operation overhead, which more threads only add to (the depth-study
    table took 50 s with 2 threads and 36 s with 1 here).

    Parameters
    ----------
    n : int
        The number of threads, at least 1.

    Yields
    ------
    None

    Examples
    --------
    >>> import torch
    >>> from scidl.utils import torch_threads
    >>> before = torch.get_num_threads()
    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an int >= 1 (the number of threads); got {n!r}.")
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
