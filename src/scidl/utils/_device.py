"""Devices and dtypes by name, and arrays as tensors."""

from __future__ import annotations

import contextlib
import os
import warnings

import numpy as np
import torch

__all__ = ["accelerator_device", "as_tensor", "resolve_device", "resolve_dtype", "torch_threads"]

_DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
}

# The NumPy dtype of each torch dtype that has one (as_tensor converts with NumPy, in the
# same pass that makes the array contiguous).
_NUMPY_OF = {
    torch.bool: np.bool_,
    torch.uint8: np.uint8,
    torch.int8: np.int8,
    torch.int16: np.int16,
    torch.int32: np.int32,
    torch.int64: np.int64,
    torch.float16: np.float16,
    torch.float32: np.float32,
    torch.float64: np.float64,
    torch.complex64: np.complex64,
    torch.complex128: np.complex128,
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


def accelerator_device(device) -> torch.device | None:
    """The accelerator to compute on with torch, or ``None`` when ``device`` resolves to the CPU.

    Linear-algebra estimators (PCA, the kinetics covariances) compute with
    NumPy/LAPACK on the CPU and with torch on a GPU; this is the one place
    that turns their ``device`` hyperparameter into that choice.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda"} or str or torch.device
        As for :func:`resolve_device`.

    Returns
    -------
    torch.device or None
        The resolved device, or ``None`` for the CPU.

    Raises
    ------
    TypeError, ValueError
        As :func:`resolve_device`.

    Examples
    --------
    >>> from scidl.utils import accelerator_device
    >>> accelerator_device("cpu") is None
    True
    >>> dev = accelerator_device("auto")  # a GPU when there is one
    >>> dev is None or dev.type == "cuda"
    True
    """
    dev = resolve_device(device)
    return None if dev.type == "cpu" else dev


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


def as_tensor(x, *, dtype=None, device=None) -> torch.Tensor:
    """A NumPy array (or tensor) as a contiguous, writable torch tensor, copying only when needed.

    A writable, C-contiguous array of the requested dtype on the CPU is shared
    with the tensor (no copy: writing to one changes the other). Everything
    else is copied once: a conversion of dtype, a non-contiguous array (a
    column slice, negative strides), a move to another device, and a
    read-only array (a memory map opened read-only, ``np.broadcast_to``), which
    ``torch.as_tensor`` would share with a warning and leave writable through
    the tensor. A read-only array going to a GPU is not copied on the CPU
    first: the transfer is the copy.

    Parameters
    ----------
    x : array-like or torch.Tensor
        The values; a tensor is converted with ``Tensor.to`` (no copy when it
        already has the requested dtype and device).
    dtype : torch.dtype, str or None, default None
        The tensor's dtype (``torch.float32``, ``"float64"``, ...); ``None``
        keeps the array's.
    device : {"auto", "cpu", "cuda"}, str, torch.device or None, default None
        Where the tensor lives (see :func:`resolve_device`); ``None`` keeps a
        tensor where it is and puts an array on the CPU.

    Returns
    -------
    torch.Tensor
        Contiguous; safe to write to.

    Raises
    ------
    TypeError
        If ``x`` holds no numbers (strings, objects) or ``dtype`` is not a dtype.
    ValueError
        If ``dtype`` or ``device`` names no dtype or device.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.utils import as_tensor
    >>> a = np.arange(6.0).reshape(2, 3)
    >>> t = as_tensor(a)                      # shared: no copy
    >>> t[0, 0] = 10.0
    >>> float(a[0, 0])
    10.0
    >>> frozen = a.copy()
    >>> frozen.flags.writeable = False
    >>> u = as_tensor(frozen)                 # read-only: copied, so writing is safe
    >>> u[0, 0] = -1.0
    >>> float(frozen[0, 0])
    10.0
    >>> as_tensor(a[:, ::2], dtype="float32")  # a strided slice, converted: one copy
    tensor([[10.,  2.],
            [ 3.,  5.]])
    """
    if dtype is not None and not isinstance(dtype, torch.dtype):
        if not isinstance(dtype, str | type | np.dtype):
            raise TypeError(f"dtype must be a torch.dtype, a dtype name or None; got {dtype!r}.")
        dtype = _torch_dtype(dtype)
    dev = None if device is None else resolve_device(device)
    if isinstance(x, torch.Tensor):
        return x.to(device=dev, dtype=dtype).contiguous()
    a = np.asarray(x)
    if a.dtype.kind not in "biufc":
        raise TypeError(f"x must hold numbers (bool, int, float or complex); got dtype {a.dtype}.")
    np_dtype = _NUMPY_OF.get(dtype)
    if dtype is not None and np_dtype is None:  # bfloat16, float16 as torch types: torch converts
        np_dtype = a.dtype
    # One copy at most: NumPy converts and makes the array contiguous in the same pass.
    a = np.asarray(a, dtype=np_dtype, order="C")
    on_cpu = dev is None or dev.type == "cpu"
    if not a.flags.writeable and on_cpu:
        a = a.copy()
    with warnings.catch_warnings():
        # Read-only arrays reach here only on their way to another device; the
        # CPU alias torch warns about is dropped once they are copied there.
        warnings.simplefilter("ignore", UserWarning)
        t = torch.from_numpy(a)
    return t.to(device=dev, dtype=dtype)


def _torch_dtype(dtype):
    """The torch dtype named by a string (``"float32"``, ``"torch.int64"``) or a NumPy dtype."""
    if isinstance(dtype, str):
        named = getattr(torch, dtype.removeprefix("torch."), None)
        if isinstance(named, torch.dtype):
            return named
    try:
        return torch.from_numpy(np.empty(0, dtype=dtype)).dtype
    except TypeError as exc:
        raise ValueError(f"dtype must name a numeric dtype; got {dtype!r}.") from exc
