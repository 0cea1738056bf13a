"""Turn a user's ``random_state`` into a :class:`numpy.random.Generator`."""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import _given


def check_random_state(random_state) -> np.random.Generator:
    """Return a NumPy ``Generator`` for ``random_state``.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        ``None`` gives a generator seeded from fresh operating-system
        entropy (not reproducible); an int >= 0 gives
        ``numpy.random.default_rng(random_state)``, so the same int always
        gives the same numbers; a ``Generator`` is returned as it is (draws
        advance it); a legacy ``RandomState`` seeds a new generator from four
        32-bit words it draws, so the result is reproducible and the
        ``RandomState`` advances, as scikit-learn users expect.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError
        If ``random_state`` is none of the above (``True`` and floats
        included).
    ValueError
        If ``random_state`` is a negative int.

    Examples
    --------
    Every generator of :mod:`scidl.data` reads its ``random_state`` with it:

    >>> import numpy as np
    >>> from scidl.data import make_moons
    >>> a, _ = make_moons(5, random_state=0)
    >>> b, _ = make_moons(5, random_state=np.random.RandomState(0))
    >>> c, _ = make_moons(5, random_state=np.random.RandomState(0))
    >>> bool((a == make_moons(5, random_state=0)[0]).all()), bool((b == c).all())
    (True, True)
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        words = random_state.randint(0, 2**32, size=4, dtype=np.uint64)
        return np.random.default_rng([int(word) for word in words])
    expected = "None, an int >= 0, a numpy.random.Generator or a numpy.random.RandomState"
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise TypeError(f"random_state must be {expected}; got {_given(random_state)}.")
    if random_state < 0:
        raise ValueError(f"random_state must be {expected}; got {int(random_state)}.")
    return np.random.default_rng(int(random_state))
