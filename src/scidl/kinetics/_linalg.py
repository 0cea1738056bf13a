"""Linear algebra shared by the kinetics estimators (private to :mod:`scidl.kinetics`)."""

from __future__ import annotations

import numpy as np

__all__ = ["schatten_sum"]


def schatten_sum(M, r):
    """``sum_i s_i(M)^r`` over the singular values ``s_i`` of ``M`` (the VAMP-r score).

    For ``r = 1`` this is the nuclear norm, for ``r = 2`` the squared Frobenius norm.
    """
    s = np.linalg.svd(M, compute_uv=False)
    return float(np.sum(s**r))
