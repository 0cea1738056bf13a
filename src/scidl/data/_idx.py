"""A reader for the IDX file format of the MNIST distribution."""

from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

__all__ = ["read_idx"]

# IDX type codes (third byte of the magic number) and the big-endian NumPy
# dtypes they denote.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(file) -> tuple[bytes, str]:
    """Return the raw content of ``file`` (path or binary file object) and its name."""
    if hasattr(file, "read"):
        name = str(getattr(file, "name", repr(file)))
        return file.read(), name
    name = os.fspath(file)
    with open(name, "rb") as handle:
        return handle.read(), str(name)


def read_idx(file):
    """Read an IDX file, plain or gzip-compressed, into a NumPy array.

    Parameters
    ----------
    file : str, os.PathLike or binary file object
        The file to read. Gzip compression is recognised from the content
        (the gzip magic bytes), not from the file name.

    Returns
    -------
    ndarray
        The array stored in the file, in native byte order, with the dtype
        and shape given by its header: uint8 (type code 0x08), int8 (0x09),
        int16 (0x0B), int32 (0x0C), float32 (0x0D) or float64 (0x0E).

    Raises
    ------
    FileNotFoundError
        If ``file`` is a path that does not exist.
    ValueError
        If the file is not a valid IDX file: a corrupt or truncated gzip
        stream, a wrong magic number, an unknown type code, a header cut
        short, or a data section whose length differs from what the header
        promises. The message names the file.

    Notes
    -----
    The IDX format is described on the MNIST page
    (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number made of two
    zero bytes, a type code and the number of dimensions ``ndim``; then
    ``ndim`` big-endian unsigned 32-bit sizes; then the data in C order, each
    item big-endian. This reader is written from that description.

    Examples
    --------
    >>> import io
    >>> from scidl.data import read_idx
    >>> header = bytes([0, 0, 0x08, 2]) + (2).to_bytes(4, "big") + (3).to_bytes(4, "big")
    >>> read_idx(io.BytesIO(header + bytes(range(6))))
    array([[0, 1, 2],
           [3, 4, 5]], dtype=uint8)
    """
    raw, name = _read_bytes(file)
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{name}: not a valid gzip file ({error}).") from None

    if len(raw) < 4:
        raise ValueError(
            f"{name}: not an IDX file: {len(raw)} bytes is too short for the 4-byte magic number."
        )
    zero0, zero1, type_code, ndim = raw[:4]
    if zero0 != 0 or zero1 != 0:
        raise ValueError(
            f"{name}: not an IDX file: the magic number must start with two zero bytes; "
            f"got 0x{raw[:4].hex()}."
        )
    if type_code not in _IDX_DTYPES:
        known = ", ".join(f"0x{code:02X}" for code in _IDX_DTYPES)
        raise ValueError(
            f"{name}: unknown IDX type code 0x{type_code:02X}; expected one of {known}."
        )
    if ndim == 0:
        raise ValueError(f"{name}: the IDX header declares 0 dimensions; expected at least 1.")

    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(
            f"{name}: truncated IDX header: {ndim} dimensions need {header_size} header bytes; "
            f"the file holds {len(raw)}."
        )
    shape = tuple(int(size) for size in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_DTYPES[type_code]
    expected = header_size + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "has trailing bytes"
        raise ValueError(
            f"{name}: IDX file {problem}: the header (shape {shape}, {dtype.name}) "
            f"needs {expected} bytes; the file holds {len(raw)}."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    # astype copies into a writable array in native byte order.
    return data.astype(dtype.newbyteorder("="))
