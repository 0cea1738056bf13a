"""Instantaneous and time-lagged covariance matrices, streamed and numerically stable."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator

from scidl.base import PersistenceMixin
from scidl.kinetics._data import as_trajectories
from scidl.utils import InstanceOf, Interval, check_fitted, resolve_device, validate_params

__all__ = ["Covariance", "lagged_pairs"]


class _TorchDeviceConstraint:
    """Accepts a ``torch.device`` without importing torch at module import."""

    def is_satisfied_by(self, value):
        return type(value).__module__ == "torch" and type(value).__name__ == "device"

    def __str__(self):
        return "a torch.device"


_TORCH_DEVICE = _TorchDeviceConstraint()

# Frames per block converted to float64 and multiplied at a time (bounds the temporary copy).
_BLOCK = 65536


def lagged_pairs(trajs, lagtime):
    """Yield ``(X[:-lagtime], X[lagtime:])`` views for each trajectory long enough (no copies)."""
    for t in trajs:
        if t.shape[0] > lagtime:
            yield t[: t.shape[0] - lagtime], t[lagtime:]


class _Moments:
    """Running weight, means and centred co-moments of lagged pairs ``(x_t, y_t = x_{t+tau})``.

    Chunks are merged with the pairwise update of Chan, Golub and LeVeque (1979):
    ``S = S_a + S_b + (w_a w_b / w) delta_a delta_b^T``, which never subtracts two
    large raw sums and so keeps float64 accuracy for long trajectories with large means.
    """

    def __init__(self, d, need_y, need_xy):
        self.w = 0.0
        self.mx = np.zeros(d)
        self.my = np.zeros(d)
        self.sxx = np.zeros((d, d))
        self.syy = np.zeros((d, d)) if need_y else None
        self.sxy = np.zeros((d, d)) if need_xy else None

    @staticmethod
    def _centred(a, w, wsum):
        if w is None:
            m = a.mean(axis=0, dtype=np.float64)
        else:
            m = (w @ a.astype(np.float64, copy=False)) / wsum
        return m, a - m.astype(a.dtype)

    def add_torch(self, x, y, w, device):
        """The same update with the products computed by torch on ``device`` (e.g. a GPU)."""
        import torch

        def dev(a):
            return torch.as_tensor(np.ascontiguousarray(a), device=device)

        wsum = float(x.shape[0]) if w is None else float(w.sum())
        if wsum <= 0:
            return
        xt = dev(x)
        wt = None if w is None else dev(w).to(xt.dtype)

        def centred(a):
            if wt is None:
                m = a.mean(dim=0, dtype=torch.float64)
            else:
                m = (wt.double() @ a.double()) / wsum
            return m, a - m.to(a.dtype)

        def prod(a, b):
            aw = a if wt is None else a * wt[:, None]
            return (aw.T @ b).double().cpu().numpy()

        mx, xc = centred(xt)
        sxx = prod(xc, xc)
        syy = sxy = None
        if self.syy is not None or self.sxy is not None:
            my, yc = centred(dev(y))
            syy = prod(yc, yc) if self.syy is not None else None
            sxy = prod(xc, yc) if self.sxy is not None else None
            my = my.cpu().numpy()
        else:
            my = np.zeros(x.shape[1])
        self._merge(wsum, mx.cpu().numpy(), my, sxx, syy, sxy)

    def add_block(self, block, m, tau, buf):
        """Add the pairs ``(block[i], block[i + tau])``, ``i < m``, of one block of ``m + tau`` frames.

        The lagged frames overlap the instantaneous ones in all but ``tau``
        rows, so one product ``Z^T Z`` of the centred block gives both
        ``sum x x^T`` and ``sum y y^T`` after removing the ``tau`` rows at either
        end; with the lagged product that is two BLAS calls per block instead
        of three. The block is centred (by its own mean, so there is no
        cancellation) straight into the float64 buffer ``buf``, which also
        converts float32 input without a second copy.
        """
        z = buf[: m + tau]
        shift = block.mean(axis=0, dtype=np.float64)
        np.subtract(block, shift, out=z)
        gram = z.T @ z  # NumPy calls BLAS syrk for A.T @ A
        total = z.sum(axis=0)
        tail = z[m:]
        dx = (total - tail.sum(axis=0)) / m  # mean of x minus the shift
        sxx = gram - tail.T @ tail - m * np.outer(dx, dx)
        my = syy = sxy = None
        if self.syy is not None or self.sxy is not None:
            head = z[:tau]
            dy = (total - head.sum(axis=0)) / m
            my = shift + dy
            if self.syy is not None:
                syy = gram - head.T @ head - m * np.outer(dy, dy)
            if self.sxy is not None:
                sxy = z[:m].T @ z[tau:] - m * np.outer(dx, dy)
        else:
            my = np.zeros_like(shift)
        self._merge(float(m), shift + dx, my, sxx, syy, sxy)

    def add(self, x, y, w=None):
        wsum = float(x.shape[0]) if w is None else float(w.sum())
        if wsum <= 0:
            return
        mx, xc = self._centred(x, w, wsum)
        xw = xc if w is None else xc * w.astype(x.dtype)[:, None]
        sxx = (xw.T @ xc).astype(np.float64)
        my = syy = sxy = None
        if self.syy is not None or self.sxy is not None:
            my, yc = self._centred(y, w, wsum)
            if self.syy is not None:
                yw = yc if w is None else yc * w.astype(y.dtype)[:, None]
                syy = (yw.T @ yc).astype(np.float64)
            if self.sxy is not None:
                sxy = (xw.T @ yc).astype(np.float64)
        else:
            my = np.zeros_like(mx)
        self._merge(wsum, mx, my, sxx, syy, sxy)

    def _merge(self, wb, mxb, myb, sxx, syy, sxy):
        wa = self.w
        w = wa + wb
        dx = mxb - self.mx
        dy = myb - self.my
        f = wa * wb / w
        self.sxx += sxx + f * np.outer(dx, dx)
        if self.syy is not None:
            self.syy += syy + f * np.outer(dy, dy)
        if self.sxy is not None:
            self.sxy += sxy + f * np.outer(dx, dy)
        self.mx += dx * (wb / w)
        self.my += dy * (wb / w)
        self.w = w


class Covariance(PersistenceMixin, BaseEstimator):
    """Mean-free instantaneous and time-lagged covariances ``C00``, ``C0t``, ``Ctt``.

    Parameters
    ----------
    lagtime : int, optional
        Lag in steps. ``None`` computes only the instantaneous covariance of all frames.
    compute_c0t, compute_ctt : bool
        Whether to compute the time-lagged covariance ``C0t = E[x_t x_{t+tau}^T]`` and
        the covariance of the lagged frames ``Ctt``.
    remove_mean : bool
        Subtract the means (of ``x_t`` and of ``x_{t+tau}``, or their average when
        ``reversible``) before forming products.
    reversible : bool
        Symmetrise with the time-reversed pairs: ``C00 = Ctt = (Cxx + Cyy) / 2`` and
        ``C0t = (Cxy + Cyx) / 2`` around the common mean. This is the estimator TICA uses;
        it makes the lagged covariance symmetric and the eigenvalues real.
    bessel : bool
        Divide by ``n - 1`` (``2n - 1`` when reversible) instead of ``n``. With weights,
        ``n`` is the weight sum, so Bessel's correction assumes weights that count frames.
    device : None, str or torch.device
        ``None`` computes with NumPy; a torch device (``"cpu"``, ``"cuda"``) computes each
        block's products with torch there (a GPU pays off for many features), the
        merging stays in float64 NumPy.
    chunksize : int
        Frames per block (at most 65536 with NumPy); each block is centred by its own
        mean and multiplied, and the blocks are merged in float64. Float32 input stays
        float32 in memory (no float64 copy of the data): each block is converted while
        it is centred. The products are float64 because float32 products, although
        twice as fast, were measured to change TICA eigenvalues of a 1,000,000 x 50
        trajectory by up to 6e-7 of the largest (3e-4 relative for the small ones)
        once the whitening amplifies their rounding. With ``device`` set, torch
        computes the products in the input's precision.

    Attributes
    ----------
    mean_0_, mean_t_ : ndarray of shape (n_features,)
    cov_00_, cov_0t_, cov_tt_ : ndarray of shape (n_features, n_features) or None
    n_samples_ : float
        Number (total weight) of lagged pairs seen.
    n_features_in_ : int

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(1000, 3))
    >>> cov = Covariance(lagtime=1, compute_c0t=True).fit(X)
    >>> cov.cov_00_.shape, bool(np.allclose(cov.cov_00_, np.cov(X[:-1].T), atol=1e-12))
    ((3, 3), True)
    """

    _parameter_constraints = {
        "lagtime": [Interval(numbers.Integral, 1, None), None],
        "compute_c0t": [InstanceOf(bool)],
        "compute_ctt": [InstanceOf(bool)],
        "remove_mean": [InstanceOf(bool)],
        "reversible": [InstanceOf(bool)],
        "bessel": [InstanceOf(bool)],
        "chunksize": [Interval(numbers.Integral, 1, None)],
        "device": [InstanceOf(str), None, _TORCH_DEVICE],
    }

    def __init__(
        self,
        lagtime=None,
        *,
        compute_c0t=False,
        compute_ctt=False,
        remove_mean=True,
        reversible=False,
        bessel=True,
        device=None,
        chunksize=100_000,
    ):
        self.lagtime = lagtime
        self.compute_c0t = compute_c0t
        self.compute_ctt = compute_ctt
        self.remove_mean = remove_mean
        self.reversible = reversible
        self.bessel = bessel
        self.device = device
        self.chunksize = chunksize

    def _validate(self):
        validate_params(self)
        if self.lagtime is None and (self.compute_c0t or self.compute_ctt or self.reversible):
            raise ValueError(
                "compute_c0t, compute_ctt and reversible need a lagtime; got lagtime=None."
            )

    def fit(self, X, y=None, *, weights=None):
        """Estimate the covariances from one trajectory or a list of them.

        ``weights`` (optional) gives one weight per frame (same structure as ``X``);
        the weight of a lagged pair is that of its first frame.
        """
        for name in ("_moments", "n_features_in_"):
            if hasattr(self, name):
                delattr(self, name)
        return self.partial_fit(X, weights=weights)

    def partial_fit(self, X, y=None, *, weights=None):
        """Add one trajectory (or a list) to the running estimate; equal to fitting all at once."""
        self._validate()
        first = not hasattr(self, "_moments")
        trajs = as_trajectories(
            X, n_features=None if first else self.n_features_in_, owner=type(self).__name__
        )
        wlist = None
        if weights is not None:
            wlist = [
                np.asarray(w, dtype=np.float64).ravel()
                for w in (weights if isinstance(weights, list | tuple) else [weights])
            ]
            if len(wlist) != len(trajs) or any(
                w.shape[0] != t.shape[0] for w, t in zip(wlist, trajs)
            ):
                raise ValueError("weights must have one entry per frame of each trajectory in X.")
            if any((w < 0).any() or not np.isfinite(w).all() for w in wlist):
                raise ValueError("weights must be finite and non-negative.")
        tau = self.lagtime or 0
        if not any(t.shape[0] > tau for t in trajs):
            longest = max(t.shape[0] for t in trajs)
            raise ValueError(
                f"lagtime={self.lagtime} is not shorter than any trajectory (longest has n_samples={longest} "
                "frames); no lagged pairs can be formed."
            )
        if first:
            d = trajs[0].shape[1]
            need_y = bool(self.compute_ctt or self.reversible)
            need_xy = bool(self.compute_c0t or self.reversible)
            self._moments = _Moments(d, need_y, need_xy)
            self.n_features_in_ = d
        mom = self._moments
        device = None if self.device is None else resolve_device(self.device)
        for k, t in enumerate(trajs):
            T = t.shape[0]
            if T <= tau:
                continue
            n_pairs = T - tau
            if (
                device is None and wlist is None
            ):  # the common case: overlapping blocks, two products each
                step = min(self.chunksize, _BLOCK)
                buf = np.empty((min(step, n_pairs) + tau, t.shape[1]))
                for s in range(0, n_pairs, step):
                    e = min(s + step, n_pairs)
                    mom.add_block(t[s : e + tau], e - s, tau, buf)
                continue
            upcast = device is None and t.dtype != np.float64
            step = min(self.chunksize, _BLOCK) if upcast else self.chunksize
            for s in range(0, n_pairs, step):
                e = min(s + step, n_pairs)
                w = None if wlist is None else wlist[k][s:e]
                if upcast:
                    block = t[s : e + tau].astype(np.float64)
                    mom.add(block[: e - s], block[tau:], w)
                elif device is None:
                    mom.add(t[s:e], t[s + tau : e + tau], w)
                else:
                    mom.add_torch(t[s:e], t[s + tau : e + tau], w, device)
        self._finalise()
        return self

    def _finalise(self):
        m = self._moments
        n = m.w
        if n - (1 if self.bessel else 0) <= 0:
            raise ValueError(
                f"Too few lagged pairs ({n:g}) for Bessel's correction; use bessel=False."
            )
        if self.reversible:
            mean = 0.5 * (m.mx + m.my) if self.remove_mean else np.zeros_like(m.mx)
            dx, dy = m.mx - mean, m.my - mean
            sxx = m.sxx + n * np.outer(dx, dx)
            syy = m.syy + n * np.outer(dy, dy)
            sxy = m.sxy + n * np.outer(dx, dy)
            denom = 2 * n - (1 if self.bessel else 0)
            self.mean_0_ = self.mean_t_ = mean
            self.cov_00_ = (sxx + syy) / denom
            self.cov_0t_ = (sxy + sxy.T) / denom
            self.cov_tt_ = self.cov_00_.copy()
        else:
            denom = n - (1 if self.bessel else 0)
            if self.remove_mean:
                sxx, syy, sxy = m.sxx, m.syy, m.sxy
                self.mean_0_, self.mean_t_ = m.mx.copy(), m.my.copy()
            else:
                sxx = m.sxx + n * np.outer(m.mx, m.mx)
                syy = None if m.syy is None else m.syy + n * np.outer(m.my, m.my)
                sxy = None if m.sxy is None else m.sxy + n * np.outer(m.mx, m.my)
                self.mean_0_ = self.mean_t_ = np.zeros_like(m.mx)
            self.cov_00_ = sxx / denom
            self.cov_0t_ = None if sxy is None else sxy / denom
            self.cov_tt_ = None if syy is None else syy / denom
        self.n_samples_ = float(n)

    def check_fitted(self):
        check_fitted(self, "cov_00_")
