"""Two-dimensional toy classification sets: moons, circles, spirals, XOR, blobs.

Every generator returns ``X`` (float64, shape ``(n_samples, 2)``) and ``y``
(int64, shape ``(n_samples,)``) with labels ``0 .. n_classes - 1``. Classes
are balanced: their sizes differ by at most one, the first classes taking the
remainder. The rows are shuffled, so any prefix of the data mixes the classes.
All sampling is vectorised and runs on one ``numpy.random.Generator`` made
from ``random_state``, so a fixed ``random_state`` gives identical data.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._rng import check_random_state
from ._validation import (
    _given,
    check_finite_array,
    check_float,
    check_int,
    check_interval,
    check_noise,
)

__all__ = ["make_blobs", "make_circles", "make_moons", "make_spirals", "make_xor"]


def _balanced_labels(n_samples: int, n_classes: int) -> np.ndarray:
    """Labels ``0 .. n_classes - 1`` in blocks whose sizes differ by at most one."""
    sizes = np.full(n_classes, n_samples // n_classes)
    sizes[: n_samples % n_classes] += 1
    return np.repeat(np.arange(n_classes, dtype=np.int64), sizes)


def _add_noise_and_shuffle(X, y, noise, rng):
    """Add isotropic Gaussian noise of standard deviation ``noise``, then shuffle rows.

    The noise is drawn even when ``noise == 0`` so that the random stream, and
    hence the shuffle, does not depend on the noise level.
    """
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(y))
    return np.ascontiguousarray(X[order], dtype=np.float64), y[order]


def make_moons(n_samples=100, *, noise=0.1, random_state=None):
    """Two interleaving half circles.

    Class 0 lies on the upper half of the unit circle centred at ``(0, 0)``,
    class 1 on the lower half of the unit circle centred at ``(1, 0.5)``.
    The angle along each half circle is uniform; Gaussian noise of standard
    deviation ``noise`` is then added to both coordinates.

    Parameters
    ----------
    n_samples : int, default=100
        Total number of points, >= 1, split evenly between the two classes.
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seed or generator; a fixed value gives identical data.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The points.
    y : ndarray of shape (n_samples,), int64
        The class labels, 0 or 1.

    Notes
    -----
    With ``noise=0``, class-0 points satisfy ``x0**2 + x1**2 == 1`` and
    ``x1 >= 0``; class-1 points satisfy ``(x0 - 1)**2 + (x1 - 0.5)**2 == 1``
    and ``x1 <= 0.5``. The two moons cannot be separated by a straight line,
    which makes them the classic first test for a nonlinear classifier. The
    data are generated here; no licence applies.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import make_moons
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> X.shape, X.dtype, y.dtype
    ((200, 2), dtype('float64'), dtype('int64'))
    >>> np.bincount(y).tolist()
    [100, 100]
    """
    n_samples = check_int(n_samples, "n_samples", min_value=1)
    noise = check_noise(noise)
    rng = check_random_state(random_state)

    y = _balanced_labels(n_samples, 2)
    angle = rng.uniform(0.0, np.pi, size=n_samples)
    cos, sin = np.cos(angle), np.sin(angle)
    # Upper moon (cos, sin); lower moon is the upper one turned by 180 degrees
    # and moved to the centre (1, 0.5).
    x0 = np.where(y == 0, cos, 1.0 - cos)
    x1 = np.where(y == 0, sin, 0.5 - sin)
    return _add_noise_and_shuffle(np.column_stack([x0, x1]), y, noise, rng)


def make_circles(n_samples=100, *, noise=0.05, factor=0.5, random_state=None):
    """Two concentric circles.

    Class 0 lies on the circle of radius 1, class 1 on the circle of radius
    ``factor``, both centred at the origin, at uniformly random angles;
    Gaussian noise of standard deviation ``noise`` is then added.

    Parameters
    ----------
    n_samples : int, default=100
        Total number of points, >= 1, split evenly between the two classes.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.
    factor : float, default=0.5
        Radius of the inner circle (class 1), in (0, 1).
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seed or generator; a fixed value gives identical data.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The points.
    y : ndarray of shape (n_samples,), int64
        The class labels: 0 outer circle, 1 inner circle.

    Notes
    -----
    With ``noise=0`` every point of class 0 has norm 1 and every point of
    class 1 has norm ``factor``. No linear classifier separates the classes,
    but one on the feature ``x0**2 + x1**2`` does, which is the lecture's
    example for feature maps. The data are generated here; no licence applies.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import make_circles
    >>> X, y = make_circles(100, noise=0.0, factor=0.3, random_state=0)
    >>> radius = np.hypot(X[:, 0], X[:, 1])
    >>> bool(np.allclose(radius[y == 1], 0.3))
    True
    """
    n_samples = check_int(n_samples, "n_samples", min_value=1)
    noise = check_noise(noise)
    factor = check_float(
        factor, "factor", min_value=0.0, max_value=1.0, min_inclusive=False, max_inclusive=False
    )
    rng = check_random_state(random_state)

    y = _balanced_labels(n_samples, 2)
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n_samples)
    radius = np.where(y == 0, 1.0, factor)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _add_noise_and_shuffle(X, y, noise, rng)


def make_spirals(n_samples=100, *, n_arms=2, n_turns=1.0, noise=0.05, random_state=None):
    """Interleaved Archimedean spirals, one class per arm.

    A point of arm ``k`` (class ``k``) at parameter ``t``, uniform in [0, 1),
    sits at radius ``r = t`` and angle
    ``theta = 2 pi (n_turns t + k / n_arms)``; Gaussian noise of standard
    deviation ``noise`` is then added to both coordinates.

    Parameters
    ----------
    n_samples : int, default=100
        Total number of points, >= 1, split evenly between the arms.
    n_arms : int, default=2
        Number of spiral arms, which is the number of classes, >= 2.
    n_turns : float, default=1.0
        How many full turns each arm makes from the centre to radius 1, > 0.
        More turns make a harder problem.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seed or generator; a fixed value gives identical data.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The points, inside the unit disc when ``noise=0``.
    y : ndarray of shape (n_samples,), int64
        The arm of each point, ``0 .. n_arms - 1``.

    Notes
    -----
    Along a ray from the origin, successive arms are ``1 / (n_arms n_turns)``
    apart, so ``noise`` should stay well below that for the arms to remain
    distinct. The two-spiral problem goes back to K. J. Lang and M. J.
    Witbrock, "Learning to tell two spirals apart", Proc. Connectionist Models
    Summer School (1988). The data are generated here; no licence applies.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import make_spirals
    >>> X, y = make_spirals(300, n_arms=3, random_state=0)
    >>> X.shape, np.bincount(y).tolist()
    ((300, 2), [100, 100, 100])
    """
    n_samples = check_int(n_samples, "n_samples", min_value=1)
    n_arms = check_int(n_arms, "n_arms", min_value=2)
    n_turns = check_float(n_turns, "n_turns", min_value=0.0, min_inclusive=False)
    noise = check_noise(noise)
    rng = check_random_state(random_state)

    y = _balanced_labels(n_samples, n_arms)
    t = rng.uniform(0.0, 1.0, size=n_samples)
    angle = 2.0 * np.pi * (n_turns * t + y / n_arms)
    X = t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _add_noise_and_shuffle(X, y, noise, rng)


def make_xor(n_samples=100, *, noise=0.05, random_state=None):
    """The XOR problem: the class is 1 where the two coordinates differ in sign.

    Each coordinate's magnitude is uniform in [0, 1). Class 0 fills the
    quadrants where ``x0`` and ``x1`` have the same sign, class 1 the other
    two; each class is split evenly between its two quadrants. Gaussian noise
    of standard deviation ``noise`` is then added, which moves some points
    across the axes without changing their labels.

    Parameters
    ----------
    n_samples : int, default=100
        Total number of points, >= 1, split evenly between the two classes.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seed or generator; a fixed value gives identical data.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The points, inside the square [-1, 1]^2 when ``noise=0``.
    y : ndarray of shape (n_samples,), int64
        ``1`` where ``x0 * x1 < 0`` (before noise), else ``0``.

    Notes
    -----
    XOR is the function that a single-layer perceptron cannot represent
    (M. Minsky and S. Papert, *Perceptrons*, MIT Press, 1969) and a network
    with one hidden layer can. The data are generated here; no licence applies.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import make_xor
    >>> X, y = make_xor(100, noise=0.0, random_state=0)
    >>> bool(np.all(y == (X[:, 0] * X[:, 1] < 0)))
    True
    """
    n_samples = check_int(n_samples, "n_samples", min_value=1)
    noise = check_noise(noise)
    rng = check_random_state(random_state)

    y = _balanced_labels(n_samples, 2)
    # Alternate each class between its two quadrants: within class 0,
    # (+, +) then (-, -); within class 1, (+, -) then (-, +).
    rank_in_class = np.arange(n_samples) - np.searchsorted(y, y)
    sign0 = 1.0 - 2.0 * (rank_in_class % 2)
    sign1 = sign0 * (1.0 - 2.0 * y)
    magnitude = rng.uniform(0.0, 1.0, size=(n_samples, 2))
    X = magnitude * np.column_stack([sign0, sign1])
    return _add_noise_and_shuffle(X, y, noise, rng)


def make_blobs(
    n_samples=100,
    *,
    centers=3,
    cluster_std=1.0,
    center_box=(-5.0, 5.0),
    random_state=None,
):
    """Isotropic Gaussian blobs, one class per blob.

    Parameters
    ----------
    n_samples : int, default=100
        Total number of points, >= 1, split evenly between the blobs.
    centers : int or array-like of shape (n_centers, 2), default=3
        Either the number of blobs, >= 1, whose centres are then drawn
        uniformly from the square ``center_box`` x ``center_box``, or the
        centres themselves.
    cluster_std : float or array-like of shape (n_centers,), default=1.0
        Standard deviation of each blob, >= 0; one value for all blobs or one
        per blob.
    center_box : tuple of (float, float), default=(-5.0, 5.0)
        Range of each centre coordinate when ``centers`` is an int.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seed or generator; a fixed value gives identical data.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The points.
    y : ndarray of shape (n_samples,), int64
        The blob of each point, ``0 .. n_centers - 1``.

    Notes
    -----
    Point ``i`` of class ``k`` is ``centers[k] + cluster_std[k] * z_i`` with
    ``z_i`` standard normal in two dimensions; there is no separate ``noise``
    argument because ``cluster_std`` is the noise. With random centres, the
    centres are drawn first, so the same ``random_state`` gives the same
    centres for any ``n_samples``. The data are generated here; no licence
    applies.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import make_blobs
    >>> X, y = make_blobs(90, centers=[[0, 0], [4, 4], [-4, 4]], cluster_std=0.5,
    ...                   random_state=0)
    >>> X.shape, np.bincount(y).tolist()
    ((90, 2), [30, 30, 30])
    >>> np.round(X[y == 1].mean(axis=0)).tolist()
    [4.0, 4.0]
    """
    n_samples = check_int(n_samples, "n_samples", min_value=1)
    is_count = isinstance(centers, numbers.Integral) and not isinstance(centers, bool)
    if is_count:
        n_centers = check_int(centers, "centers", min_value=1)
        low, high = check_interval(center_box, "center_box")
    elif np.ndim(centers) == 0:
        raise TypeError(
            "centers must be an int >= 1 or an array of shape (n_centers, 2); got "
            f"{_given(centers)}."
        )
    else:
        center_array = check_finite_array(centers, "centers", ndim=2, shape=(None, 2))
        n_centers = len(center_array)
        if n_centers == 0:
            raise ValueError("centers must hold at least one centre; got an empty array.")
    if np.ndim(cluster_std) == 0:
        std = np.full(n_centers, check_noise(cluster_std, "cluster_std"))
    else:
        std = check_finite_array(cluster_std, "cluster_std", ndim=1, shape=(n_centers,))
        if np.any(std < 0):
            raise ValueError(f"cluster_std must be >= 0 for every centre; got {std.tolist()}.")
    # Every argument is checked before the first draw, so a bad call leaves a
    # user's Generator untouched.
    rng = check_random_state(random_state)

    if is_count:
        center_array = rng.uniform(low, high, size=(n_centers, 2))
    y = _balanced_labels(n_samples, n_centers)
    X = center_array[y] + std[y, None] * rng.standard_normal((n_samples, 2))
    order = rng.permutation(n_samples)
    return np.ascontiguousarray(X[order]), y[order]
