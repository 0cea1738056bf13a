"""Shared helpers for the scidl.data tests: an IDX writer and fake MNIST files."""

import gzip
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

# IDX type code for each NumPy dtype, from the MNIST page's format description.
IDX_TYPE_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int8): 0x09,
    np.dtype(np.int16): 0x0B,
    np.dtype(np.int32): 0x0C,
    np.dtype(np.float32): 0x0D,
    np.dtype(np.float64): 0x0E,
}


def idx_bytes(array) -> bytes:
    """Encode ``array`` in the IDX format: magic, big-endian sizes, big-endian data."""
    array = np.asarray(array)
    header = bytes([0, 0, IDX_TYPE_CODES[array.dtype], array.ndim])
    sizes = b"".join(int(size).to_bytes(4, "big") for size in array.shape)
    return header + sizes + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array, *, compress=False) -> Path:
    """Write ``array`` to ``path`` as an IDX file, gzipped if ``compress``."""
    data = idx_bytes(array)
    path = Path(path)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def fake_mnist(n, seed):
    """``n`` random 28x28 uint8 images and uint8 labels 0..9."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return images, labels


@pytest.fixture(scope="session")
def idx():
    """The test-side IDX helpers: ``idx.encode``, ``idx.write`` and ``idx.fake_mnist``."""
    return SimpleNamespace(encode=idx_bytes, write=write_idx, fake_mnist=fake_mnist)


@pytest.fixture
def mnist_folder(tmp_path):
    """A folder with small fake MNIST train (gzipped) and test (plain) IDX files.

    Returns the folder and a dict ``{"train": (images, labels), "test": ...}``.
    """
    train = fake_mnist(12, seed=1)
    test = fake_mnist(7, seed=2)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", train[0], compress=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", train[1], compress=True)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", test[0])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", test[1])
    return tmp_path, {"train": train, "test": test}
