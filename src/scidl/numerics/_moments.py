"""Streaming mean and scatter matrix: one chunk at a time, merged without loss of precision.

PCA (:mod:`scidl.unsupervised`) and the instantaneous and time-lagged
covariances (:mod:`scidl.kinetics`) both need the mean and the centred
scatter matrix of more samples than fit in memory at once, in float64, fast.
They share this one implementation.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

__all__ = ["StreamingMoments"]

# Default rows per chunk: about 8 MB of float64, which stays in cache while it
# is centred and multiplied, so no centred copy of all the data is ever made;
# at least 256 rows, so that wide data still do enough work per chunk to hide
# the d x d addition into the accumulator.
_CHUNK_BYTES = 8 * 2**20
_MIN_CHUNK_ROWS = 256


class StreamingMoments:
    """Running total weight, mean and centred scatter matrix of a stream of samples.

    Samples arrive in chunks of any size (:meth:`update`), or as summaries of
    chunks computed elsewhere (:meth:`merge`); after each call the state is
    that of all samples seen so far, equal to a single pass over their
    concatenation up to rounding, whatever the split.

    Parameters
    ----------
    n_features : int
        Length of each sample vector.

    Attributes
    ----------
    n_features : int
        Length of each sample vector.
    weight : float
        Total weight of the samples seen (their number when unweighted).
    mean : ndarray of shape (n_features,)
        Their (weighted) mean, float64.
    scatter : ndarray of shape (n_features, n_features)
        Their centred scatter matrix ``sum_i w_i (x_i - mean)(x_i - mean)^T``,
        float64 (the covariance matrix times ``weight - ddof``).

    Notes
    -----
    One :meth:`update` call shifts its samples by one fixed vector ``c``, the
    mean of its first chunk, chunk by chunk into a float64 buffer (which also
    converts float32 input without a second copy), and accumulates in a single
    float64 accumulator

    ``w_b = sum_i w_i,  s = sum_i w_i (x_i - c),  S = sum_i w_i (x_i - c)(x_i - c)^T``

    with one symmetric rank-k update per chunk (BLAS ``syrk`` with NumPy,
    ``addmm_`` with torch; weights enter as ``sqrt(w_i)`` on both sides). Only
    at the end of the call does it form the summary of its samples, mean
    ``mu_b = c + s / w_b`` and scatter ``M_b = S - s s^T / w_b``, and merge it
    into the state with the pairwise update of Chan, Golub & LeVeque (1979,
    "Updating formulae and a pairwise algorithm for computing sample
    variances"), as :meth:`merge` does for summaries computed elsewhere:

    ``w = w_a + w_b,  delta = mu_b - mu_a,  mu = mu_a + delta w_b / w,``
    ``M = M_a + M_b + delta delta^T w_a w_b / w,``

    which is exact algebra and never subtracts two large raw sums. The shift
    removes the mean before anything is squared, so a large mean (1e8 with a
    spread of 1) costs no accuracy; the subtraction ``s s^T / w_b`` cancels
    only as far as the data's mean lies from the first chunk's, in units of
    their spread (``|mu_b - c|^2 / variance`` times the float64 rounding
    error: negligible unless the data drift by thousands of standard
    deviations within one call; such a stream is best passed in several
    calls, each merged exactly). Torch tensors are processed with torch on
    their device (a GPU), also in float64, and the accumulator stays there:
    one copy of a ``d x d`` matrix to the host per call, not per chunk. The
    merged state stays in NumPy.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.numerics import StreamingMoments
    >>> X = np.array([[1.0, 2.0], [3.0, 0.0], [5.0, 4.0], [7.0, 2.0]])
    >>> moments = StreamingMoments(2)
    >>> for chunk in (X[:1], X[1:3], X[3:]):
    ...     moments = moments.update(chunk)
    >>> moments.weight, moments.mean
    (4.0, array([4., 2.]))
    >>> moments.scatter
    array([[20.,  4.],
           [ 4.,  8.]])
    >>> bool(np.allclose(moments.covariance(), np.cov(X.T)))
    True
    """

    def __init__(self, n_features):
        if not isinstance(n_features, numbers.Integral) or isinstance(n_features, bool):
            raise TypeError(f"n_features must be an int; got {n_features!r}.")
        if n_features < 1:
            raise ValueError(f"n_features must be >= 1; got {n_features}.")
        self.n_features = int(n_features)
        self.weight = 0.0
        self.mean = np.zeros(self.n_features)
        self.scatter = np.zeros((self.n_features, self.n_features))

    def __repr__(self):
        return f"StreamingMoments(n_features={self.n_features}, weight={self.weight:g})"

    @staticmethod
    def default_chunk_size(n_features):
        """Rows per chunk when none is given: about 8 MB of float64, at least 256 rows.

        Other code that streams the same data chunk by chunk (PCA's total
        variance, for instance) uses it too, so all passes share one chunking.

        Parameters
        ----------
        n_features : int
            Length of each sample vector.

        Returns
        -------
        int

        Examples
        --------
        >>> from scidl.numerics import StreamingMoments
        >>> StreamingMoments.default_chunk_size(200), StreamingMoments.default_chunk_size(10_000)
        (5242, 256)
        """
        return max(_MIN_CHUNK_ROWS, _CHUNK_BYTES // (8 * max(int(n_features), 1)))

    def merge(self, weight, mean, scatter):
        """Add a summary of more samples: their weight, mean and centred scatter.

        Parameters
        ----------
        weight : float
            Total weight of the new samples (their number when unweighted);
            0 leaves the state unchanged.
        mean : array-like of shape (n_features,)
            Their mean.
        scatter : array-like of shape (n_features, n_features)
            Their centred scatter matrix ``sum_i w_i (x_i - mean)(x_i - mean)^T``.

        Returns
        -------
        self : StreamingMoments

        Examples
        --------
        >>> import numpy as np
        >>> from scidl.numerics import StreamingMoments
        >>> a = StreamingMoments(1).update([[0.0], [2.0]])          # mean 1, scatter 2
        >>> b = StreamingMoments(1).update([[10.0], [12.0]])        # mean 11, scatter 2
        >>> both = a.merge(b.weight, b.mean, b.scatter)
        >>> both.weight, both.mean, both.scatter
        (4.0, array([6.]), array([[104.]]))
        """
        wb = float(weight)
        if not np.isfinite(wb) or wb < 0:
            raise ValueError(f"weight must be a finite number >= 0; got {weight!r}.")
        if wb == 0:
            return self
        d = self.n_features
        mean = np.asarray(mean, dtype=np.float64)
        scatter = np.asarray(scatter, dtype=np.float64)
        if mean.shape != (d,) or scatter.shape != (d, d):
            raise ValueError(
                f"mean and scatter must have shapes ({d},) and ({d}, {d}); "
                f"got {mean.shape} and {scatter.shape}."
            )
        wa = self.weight
        w = wa + wb
        delta = mean - self.mean
        self.scatter += scatter
        if wa > 0:
            self.scatter += (wa * wb / w) * np.outer(delta, delta)  # exactly symmetric
        self.mean += delta * (wb / w)
        self.weight = w
        return self

    def update(self, X, weights=None, *, chunk_size=None):
        """Add the samples ``X``, chunk by chunk.

        Parameters
        ----------
        X : ndarray or torch.Tensor of shape (n_samples, n_features)
            Float32 or float64 samples. An array is processed with NumPy; a
            tensor with torch on its device. Not checked for NaN or inf.
        weights : array-like or torch.Tensor of shape (n_samples,), optional
            Non-negative weight of each sample; ``None`` weighs each by 1.
        chunk_size : int, optional
            Samples per chunk (default: :meth:`default_chunk_size`). Each chunk
            is shifted into a float64 buffer of this many rows and added to the
            accumulator; the call merges into the state once, at its end.

        Returns
        -------
        self : StreamingMoments

        Examples
        --------
        >>> import numpy as np
        >>> from scidl.numerics import StreamingMoments
        >>> X = np.array([[0.0], [1.0], [5.0]])
        >>> weighted = StreamingMoments(1).update(X, weights=[1.0, 2.0, 0.0])
        >>> repeated = StreamingMoments(1).update(X[[0, 1, 1]])
        >>> weighted.mean, repeated.mean
        (array([0.66666667]), array([0.66666667]))
        >>> bool(np.allclose(weighted.scatter, repeated.scatter))
        True
        """
        is_tensor = isinstance(X, torch.Tensor)
        if not is_tensor:
            X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(
                f"X must have shape (n_samples, {self.n_features}); got {tuple(X.shape)}."
            )
        n = X.shape[0]
        w = None
        if weights is not None:
            w = self._check_weights(weights, n, X.device if is_tensor else None)
        if chunk_size is None:
            step = self.default_chunk_size(self.n_features)
        elif isinstance(chunk_size, numbers.Integral) and chunk_size >= 1:
            step = int(chunk_size)
        else:
            raise ValueError(f"chunk_size must be an int >= 1 or None; got {chunk_size!r}.")
        if n == 0:
            return self
        if is_tensor:
            self._update_torch(X, w, step)
        else:
            self._update_numpy(X, w, step)
        return self

    def covariance(self, ddof=1):
        """The covariance matrix ``scatter / (weight - ddof)``.

        Parameters
        ----------
        ddof : float, default 1
            Subtracted from the weight: 1 gives the unbiased estimate (Bessel's
            correction, with weights that count samples), 0 the maximum-likelihood one.

        Returns
        -------
        ndarray of shape (n_features, n_features)

        Examples
        --------
        >>> from scidl.numerics import StreamingMoments
        >>> StreamingMoments(1).update([[1.0], [3.0]]).covariance(ddof=0)
        array([[1.]])
        """
        denom = self.weight - ddof
        if not denom > 0:
            raise ValueError(
                f"weight - ddof must be > 0 to form a covariance; got weight={self.weight:g} "
                f"and ddof={ddof!r}."
            )
        return self.scatter / denom

    # -- internals ----------------------------------------------------------
    @staticmethod
    def _check_weights(weights, n, device):
        if device is not None:
            w = torch.as_tensor(weights, dtype=torch.float64, device=device).reshape(-1)
            bad = bool((w < 0).any() or not torch.isfinite(w).all())
        else:
            w = np.asarray(weights, dtype=np.float64).reshape(-1)
            bad = bool((w < 0).any() or not np.isfinite(w).all())
        if w.shape[0] != n:
            raise ValueError(f"weights must have one entry per sample ({n}); got {w.shape[0]}.")
        if bad:
            raise ValueError("weights must be finite and non-negative.")
        return w

    def _update_numpy(self, X, w, step):
        n, d = X.shape
        buf = np.empty((min(step, n), d))
        shift = X[: len(buf)].mean(axis=0, dtype=np.float64)
        scatter = np.empty((d, d))  # S, the accumulator
        gram = None  # the product of each later chunk, added to S (allocated once)
        total = np.zeros(d)  # s
        weight = 0.0
        first = True
        for s in range(0, n, step):
            e = min(s + step, n)
            z = buf[: e - s]
            if w is None:
                wc = None
                weight += e - s
            else:
                wc = w[s:e]
                wsum = float(wc.sum())
                if wsum <= 0:
                    continue
                weight += wsum
            np.subtract(X[s:e], shift, out=z)  # float32 is converted here, in the same pass
            if wc is None:
                total += z.sum(axis=0)
            else:
                total += wc @ z
                z *= np.sqrt(wc)[:, None]
            if first:  # NumPy calls BLAS syrk for A.T @ A
                np.matmul(z.T, z, out=scatter)
                first = False
            else:
                if gram is None:
                    gram = np.empty((d, d))
                np.matmul(z.T, z, out=gram)
                scatter += gram
        if weight > 0:
            delta = total / weight  # mean - shift
            scatter -= weight * np.outer(delta, delta)  # exactly symmetric
            self.merge(weight, shift + delta, scatter)

    def _update_torch(self, X, w, step):
        n, d = X.shape
        f64 = dict(dtype=torch.float64, device=X.device)
        buf = torch.empty((min(step, n), d), **f64)
        shift = X[: len(buf)].to(torch.float64).mean(dim=0)
        scatter = torch.zeros((d, d), **f64)  # S, the accumulator, on X's device
        total = torch.zeros(d, **f64)  # s
        for s in range(0, n, step):
            e = min(s + step, n)
            z = torch.sub(X[s:e], shift, out=buf[: e - s])  # float32 is converted here
            if w is None:
                total += z.sum(dim=0)
            else:
                wc = w[s:e]
                total.addmv_(z.T, wc)
                z.mul_(wc.sqrt()[:, None])
            scatter.addmm_(z.T, z)
        weight = float(n) if w is None else float(w.sum())  # the one synchronisation
        if weight > 0:
            delta = total / weight
            scatter.sub_(torch.outer(delta, delta), alpha=weight)
            scatter = (scatter + scatter.T) * 0.5  # make it exactly symmetric
            self.merge(weight, (shift + delta).cpu().numpy(), scatter.cpu().numpy())
