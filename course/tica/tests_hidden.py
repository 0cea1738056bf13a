"""Hidden tests: TICA, against the generalised eigenproblem and its invariances."""

import numpy as np
import scipy.linalg

from scidl.course import assert_close, points


def _traj():
    rng = np.random.default_rng(3)
    z = np.zeros((600, 3))
    for t in range(1, 600):
        z[t] = np.array([0.95, 0.6, 0.1]) * z[t - 1] + rng.normal(size=3)
    return z @ rng.normal(size=(3, 3)) + 1.0


def _reference(X, tau):
    A, B = X[:-tau], X[tau:]
    m = 0.5 * (A.mean(0) + B.mean(0))
    A, B = A - m, B - m
    n = 2 * len(A)
    C0, Ct = (A.T @ A + B.T @ B) / n, (A.T @ B + B.T @ A) / n
    vals = scipy.linalg.eigh(Ct, C0, eigvals_only=True)[::-1]
    return vals, C0, Ct


@points(3)
def test_eigenvalues_and_normalisation(sub):
    """Eigenvalues equal the reference; C_tau v = lambda C0 v and v^T C0 v = 1."""
    X = _traj()
    for tau in (1, 5):
        vals, vecs = sub.tica(X, tau, 2)
        ref, C0, Ct = _reference(X, tau)
        vecs = np.asarray(vecs)
        assert_close(vals, ref[:2], rtol=1e-8, what=f"eigenvalues at lag {tau}")
        assert_close(vecs.T @ C0 @ vecs, np.eye(2), atol=1e-8, what="V^T C0 V")
        assert_close(
            Ct @ vecs, C0 @ vecs * np.asarray(vals), atol=1e-8, what="Ct V - C0 V diag(lambda)"
        )


@points(1)
def test_invariant_to_linear_maps(sub):
    """TICA eigenvalues do not change when the coordinates are mixed linearly."""
    X = _traj()
    M = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 3.0]])
    vals, _ = sub.tica(X @ M, 2, 3)
    assert_close(vals, _reference(X, 2)[0], rtol=1e-7, what="eigenvalues of mixed coordinates")
