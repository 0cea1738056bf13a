"""A seeded, stratified train/test split."""

from __future__ import annotations

import numbers

import numpy as np

from ._rng import check_random_state
from ._validation import _given

__all__ = ["train_test_split_stratified"]


def train_test_split_stratified(X, y, *, test_size=0.2, random_state=None):
    """Split ``X`` and ``y`` into shuffled train and test parts with equal class proportions.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        Samples; any number of trailing axes (images stay images).
    y : array-like of shape (n_samples,)
        Class labels, used to stratify.
    test_size : float or int, default=0.2
        Fraction of the samples (float in (0, 1)) or number of samples (int
        >= 1) in the test part.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seed or generator; a fixed value gives the same split every time.

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
        The two parts, each shuffled, in scikit-learn's order.

    Raises
    ------
    TypeError, ValueError
        If ``test_size`` is neither a fraction nor a count, or the split is
        impossible (for example a class with a single sample, or fewer test
        samples than classes).

    Notes
    -----
    Each class contributes to the test part in proportion to its size (up to
    rounding), so a data set sorted by class, such as the MNIST sample of
    :func:`load_mnist`, gives representative parts. This wraps
    :func:`sklearn.model_selection.train_test_split` with ``stratify=y``; a
    ``Generator`` random state is turned into an integer seed first.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.data import train_test_split_stratified
    >>> X = np.arange(20).reshape(10, 2)
    >>> y = np.array([0] * 6 + [1] * 4)
    >>> X_train, X_test, y_train, y_test = train_test_split_stratified(
    ...     X, y, test_size=0.5, random_state=0)
    >>> np.bincount(y_train).tolist(), np.bincount(y_test).tolist()
    ([3, 2], [3, 2])
    """
    from sklearn.model_selection import train_test_split

    expected = "a float in (0, 1) or an int >= 1"
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"test_size must be {expected}; got {_given(test_size)}.")
    if isinstance(test_size, numbers.Integral):
        test_size = int(test_size)
        if test_size < 1:
            raise ValueError(f"test_size must be {expected}; got {test_size}.")
    else:
        test_size = float(test_size)
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"test_size must be {expected}; got {test_size!r}.")

    X = np.asarray(X)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be a 1D array of labels; got shape {y.shape}.")
    if X.ndim == 0 or len(X) != len(y):
        raise ValueError(
            f"X and y must have the same number of samples; got X of shape {X.shape} "
            f"and y of shape {y.shape}."
        )
    seed = int(check_random_state(random_state).integers(2**32))
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, shuffle=True, stratify=y
    )
    return X_train, X_test, y_train, y_test
