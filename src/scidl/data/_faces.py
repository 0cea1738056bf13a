"""Face images: scikit-image's LFW subset (face vs non-face) and a user's folders of faces."""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["load_face_directory", "load_lfw_subset"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".pgm", ".ppm")


def load_lfw_subset():
    """The 25x25 face / non-face images that scikit-image ships (no download).

    200 grey-scale images from Labeled Faces in the Wild (Huang et al., 2007):
    100 cropped faces and 100 random patches of the same photographs that are
    not faces, as used in scikit-image's face-detection example.

    Returns
    -------
    X : float64 array of shape (200, 25, 25)
        Pixels in [0, 1].
    y : int64 array of shape (200,)
        1 for a face, 0 for a non-face (faces first).

    Raises
    ------
    ImportError
        If scikit-image is not installed.

    Examples
    --------
    >>> from scidl.data import load_lfw_subset
    >>> X, y = load_lfw_subset()
    >>> X.shape, int(y.sum())
    ((200, 25, 25), 100)
    """
    try:
        from skimage.data import lfw_subset
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("load_lfw_subset needs scikit-image: pip install scikit-image") from exc
    X = np.asarray(lfw_subset(), dtype=np.float64)
    y = np.zeros(len(X), dtype=np.int64)
    y[: len(X) // 2] = 1
    return X, y


def _read_grey(path, size):
    from PIL import Image  # Pillow comes with matplotlib

    with Image.open(path) as img:
        img = img.convert("L")
        if size is not None and img.size != (size[1], size[0]):
            img = img.resize((size[1], size[0]), Image.Resampling.BILINEAR)
        return np.asarray(img, dtype=np.float32) / 255.0


def load_face_directory(path, *, size=(64, 64), min_images=1):
    """Read a directory of face images organised by person, for identity recognition.

    The layout is one sub-directory per identity, named after the person,
    holding that person's images (PNG, JPEG, BMP, GIF, TIFF, PGM/PPM)::

        path/
            ada_lovelace/  001.png  002.jpg ...
            alan_turing/   a.png ...

    Images are converted to grey scale and resized to ``size``.

    Parameters
    ----------
    path : str or Path
        The root directory.
    size : (height, width) or None
        Output image size; None keeps the original size, which must then be
        the same for all images.
    min_images : int
        Identities with fewer images are skipped.

    Returns
    -------
    X : float32 array of shape (n, height, width)
        Pixels in [0, 1].
    y : int64 array of shape (n,)
        Index of each image's identity in ``names``.
    names : list of str
        The identities (sub-directory names), sorted.

    Raises
    ------
    FileNotFoundError, NotADirectoryError
        If ``path`` does not exist or is not a directory.
    ValueError
        If no identity has at least ``min_images`` readable images, or the
        images differ in size while ``size`` is None.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from scidl.data import load_face_directory
    >>> root = Path(tempfile.mkdtemp())
    >>> for person in ("ada", "alan"):
    ...     (root / person).mkdir()
    ...     for k in range(2):
    ...         pixels = np.full((8, 6), 40 * k, dtype=np.uint8)
    ...         Image.fromarray(pixels).save(root / person / f"{k}.png")
    >>> X, y, names = load_face_directory(root, size=(4, 3))
    >>> X.shape, y.tolist(), names
    ((4, 4, 3), [0, 0, 1, 1], ['ada', 'alan'])
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"path {str(root)!r} does not exist.")
    if not root.is_dir():
        raise NotADirectoryError(
            "path must be a directory with one sub-directory per identity; "
            f"{str(root)!r} is not a directory."
        )
    if size is not None:
        if len(tuple(size)) != 2 or any(int(s) != s or s < 1 for s in size):
            raise ValueError(
                f"size must be (height, width) of positive ints or None; got {size!r}."
            )
        size = (int(size[0]), int(size[1]))
    if not isinstance(min_images, int) or min_images < 1:
        raise ValueError(f"min_images must be a positive int; got {min_images!r}.")

    images, labels, names = [], [], []
    for person in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = sorted(
            f for f in person.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_EXTENSIONS
        )
        if len(files) < min_images:
            continue
        for f in files:
            images.append(_read_grey(f, size))
            labels.append(len(names))
        names.append(person.name)
    if not images:
        raise ValueError(
            f"No identity in {str(root)!r} has at least {min_images} image(s); expected one "
            "sub-directory per person holding images with extensions {', '.join(IMAGE_EXTENSIONS)}."
        )
    shapes = {im.shape for im in images}
    if len(shapes) > 1:
        raise ValueError(
            f"The images have different sizes {sorted(shapes)}; pass size=(height, width) to "
            "resize them."
        )
    return np.stack(images), np.asarray(labels, dtype=np.int64), names
