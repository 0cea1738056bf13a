"""How well a generative model covers its data: mode coverage and the Fréchet distance.

:func:`mode_coverage` is the mode-collapse protocol of VEEGAN (Srivastava et al.
2017) and PacGAN (Lin et al. 2018) on mixtures with known modes;
:func:`frechet_distance` is the distance between two Gaussians fitted to two
feature sets, the quantity behind the FID of Heusel et al. (2017) when the
features come from a classifier.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from scidl.utils import check_array

__all__ = ["ModeCoverage", "frechet_distance", "mode_coverage"]


@dataclass(frozen=True)
class ModeCoverage:
    """The result of :func:`mode_coverage`.

    Parameters
    ----------
    n_covered : int
        Modes that received at least one high-quality sample.
    n_modes : int
        Number of modes.
    high_quality : float
        Fraction of samples within ``n_sigma * sigma`` of their nearest mode.
    reverse_kl : float
        ``KL(p || uniform)`` in nats, ``p`` the histogram of the high-quality
        samples over their nearest modes (NaN when there is no high-quality sample).
    counts : ndarray of shape (n_modes,)
        High-quality samples per mode.

    Attributes
    ----------
    n_covered, n_modes, high_quality, reverse_kl, counts
        As above.

    Examples
    --------
    >>> from scidl.generative import ModeCoverage
    >>> import numpy as np
    >>> ModeCoverage(2, 2, 1.0, 0.0, np.array([5, 5])).n_covered
    2
    """

    n_covered: int
    n_modes: int
    high_quality: float
    reverse_kl: float
    counts: np.ndarray


def mode_coverage(samples, modes, sigma, *, n_sigma=3.0):
    """Modes covered, high-quality fraction and reverse KL of samples from a Gaussian mixture.

    Each sample is assigned to its nearest mode; it is *high quality* if it lies
    within ``n_sigma * sigma`` (Euclidean distance) of that mode. A mode is
    *covered* if it receives at least one high-quality sample. The reverse KL
    divergence ``KL(p || u) = sum_k p_k log(K p_k)`` compares the histogram
    ``p`` of the high-quality samples over the ``K`` modes with the uniform
    mixture ``u``: 0 for a perfectly balanced model, ``log K`` when every
    high-quality sample falls on one mode.

    Parameters
    ----------
    samples : array-like of shape (n_samples, n_features)
        Generated samples (the protocol of Lin et al. 2018 uses 2,500).
    modes : array-like of shape (n_modes, n_features)
        The means of the mixture, e.g. :func:`scidl.data.ring_modes`.
    sigma : float
        The standard deviation of each mixture component (> 0).
    n_sigma : float, default 3.0
        The radius of "high quality", in units of ``sigma``.

    Returns
    -------
    ModeCoverage
        ``n_covered``, ``n_modes``, ``high_quality``, ``reverse_kl``, ``counts``.

    Notes
    -----
    The protocol of Srivastava et al. (2017, arXiv:1705.07761) and Lin et al.
    (2018, arXiv:1712.04086, Table 2): 8 Gaussians on the unit circle with
    ``sigma = 0.01`` and 25 Gaussians on a grid with ``sigma = 0.05``, 2,500
    samples, high quality within three standard deviations.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import mode_coverage
    >>> modes = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> samples = np.array([[0.01, 0.0], [0.0, 0.02], [0.5, 0.5]])
    >>> result = mode_coverage(samples, modes, sigma=0.01)
    >>> result.n_covered, round(result.high_quality, 3), round(result.reverse_kl, 3)
    (1, 0.667, 0.693)
    """
    samples = check_array(samples, name="samples", dtype=np.float64)
    modes = check_array(modes, name="modes", dtype=np.float64)
    if samples.shape[1] != modes.shape[1]:
        raise ValueError(
            f"samples and modes must have the same number of columns; got {samples.shape[1]} "
            f"and {modes.shape[1]}."
        )
    for name, value in (("sigma", sigma), ("n_sigma", n_sigma)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a positive real number; got {type(value).__name__}.")
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive real number; got {value!r}.")
    # squared distances, (n_samples, n_modes), without forming the differences
    d2 = ((samples**2).sum(1)[:, None] - 2.0 * samples @ modes.T + (modes**2).sum(1)[None, :]).clip(
        min=0.0
    )
    nearest = d2.argmin(1)
    good = d2[np.arange(len(samples)), nearest] <= (n_sigma * sigma) ** 2
    counts = np.bincount(nearest[good], minlength=len(modes))
    n_good = int(good.sum())
    if n_good:
        p = counts[counts > 0] / n_good
        reverse_kl = float(np.sum(p * np.log(p * len(modes))))
    else:
        reverse_kl = float("nan")
    return ModeCoverage(
        n_covered=int((counts > 0).sum()),
        n_modes=len(modes),
        high_quality=n_good / len(samples),
        reverse_kl=reverse_kl,
        counts=counts,
    )


def _sqrt_trace_product(a, b):
    """``Tr sqrt(A B)`` for symmetric positive semi-definite ``A``, ``B``.

    ``A B`` is similar to ``A^1/2 B A^1/2``, which is symmetric positive
    semi-definite, so the trace of the square root is the sum of the square
    roots of its eigenvalues (clipped at 0 against round-off).
    """
    w, v = np.linalg.eigh(a)
    root_a = (v * np.sqrt(w.clip(min=0.0))) @ v.T
    middle = root_a @ b @ root_a
    eig = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    return float(np.sqrt(eig.clip(min=0.0)).sum())


def frechet_distance(features_a, features_b):
    """The Fréchet (2-Wasserstein) distance between Gaussians fitted to two feature sets.

    ``d^2 = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})`` with the
    sample means ``mu`` and covariances ``S`` of the two sets. With Inception
    features this is the FID of Heusel et al. (2017); scidl uses the
    penultimate layer of its own MNIST ConvNet instead (no external weights),
    so the numbers are comparable only with each other.

    Parameters
    ----------
    features_a : array-like of shape (n_a, n_features)
        First set (e.g. features of generated images); at least 2 rows.
    features_b : array-like of shape (n_b, n_features)
        Second set (e.g. features of held-out real images); at least 2 rows.

    Returns
    -------
    float
        The squared distance ``d^2`` (the convention of the FID), >= 0.

    Notes
    -----
    Fréchet (1957); Dowson & Landau (1982) for the closed form between
    Gaussians; Heusel et al. (2017, arXiv:1706.08500) for its use on generated
    images. The covariances use ``n - 1`` in the denominator. The value depends
    on the sample sizes (it is biased upwards for small sets), so compare sets
    of equal size.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import frechet_distance
    >>> rng = np.random.default_rng(0)
    >>> a = rng.standard_normal((2000, 2))
    >>> round(frechet_distance(a, a), 6)
    0.0
    >>> round(frechet_distance(a, a + [3.0, 4.0]), 6)  # a shift by 5: d^2 = 25
    25.0
    """
    a = check_array(features_a, name="features_a", dtype=np.float64, min_samples=2)
    b = check_array(features_b, name="features_b", dtype=np.float64, min_samples=2)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"features_a and features_b must have the same number of columns; got "
            f"{a.shape[1]} and {b.shape[1]}."
        )
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    d2 = float(((mu_a - mu_b) ** 2).sum())
    d2 += float(np.trace(cov_a) + np.trace(cov_b)) - 2.0 * _sqrt_trace_product(cov_a, cov_b)
    return max(d2, 0.0)
