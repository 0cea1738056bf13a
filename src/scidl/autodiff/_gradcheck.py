"""Finite-difference gradient checking."""

from __future__ import annotations

import numpy as np

__all__ = ["numerical_gradient", "gradcheck"]


def numerical_gradient(f, x, *, eps=1e-6):
    """Central-difference gradient of a scalar function ``f`` at the array ``x``.

    ``df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, with an error of
    order ``eps**2`` times the third derivative.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for an array ``x`` of the shape of ``x``.
    x : array-like
        Where to differentiate (copied; ``f`` sees perturbed copies).
    eps : float, default 1e-6
        The step.

    Returns
    -------
    ndarray
        The gradient, same shape as ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.autodiff import numerical_gradient
    >>> g = numerical_gradient(lambda x: float((x**2).sum()), np.array([1.0, -2.0]))
    >>> bool(np.allclose(g, [2.0, -4.0]))
    True
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = float(f(x))
        flat[i] = old - eps
        down = float(f(x))
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


def gradcheck(fn, inputs, *, eps=1e-6, atol=1e-6, rtol=1e-5):
    """Compare :class:`~scidl.autodiff.Value` gradients with finite differences.

    Parameters
    ----------
    fn : callable
        ``fn(*values) -> Value`` with a scalar result.
    inputs : sequence of array-like
        Points at which to check; each becomes a :class:`Value`.
    eps, atol, rtol : float
        Step of the central difference and the tolerances of ``np.allclose``.

    Returns
    -------
    ok : bool
        Whether every gradient matches within the tolerances.
    max_error : float
        Largest absolute difference between the two gradients.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.autodiff import gradcheck
    >>> gradcheck(lambda a, b: (a * b).tanh().sum(), [np.ones(3), np.arange(3.0)])[0]
    True
    """
    from scidl.autodiff._engine import Value

    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    values = [Value(a) for a in arrays]
    fn(*values).backward()
    ok, worst = True, 0.0
    for k, a in enumerate(arrays):

        def f_k(x, k=k):
            args = [Value(x if j == k else arrays[j]) for j in range(len(arrays))]
            return fn(*args).data

        numeric = numerical_gradient(f_k, a, eps=eps)
        worst = max(worst, float(np.max(np.abs(numeric - values[k].grad), initial=0.0)))
        ok = ok and bool(np.allclose(values[k].grad, numeric, atol=atol, rtol=rtol))
    return ok, worst
