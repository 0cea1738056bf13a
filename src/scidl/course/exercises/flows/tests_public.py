"""Public tests: divergences and a coupling layer."""

import numpy as np

from scidl.course import assert_close, points


@points(1)
def test_kl_of_identical_distributions(sub):
    """KL(p || p) = 0, also with a zero entry in p."""
    p = np.array([0.5, 0.5, 0.0])
    assert_close(sub.kl_divergence(p, p), 0.0, atol=1e-12, what="KL(p || p)", hint="0 log 0 = 0")


@points(1)
def test_identity_coupling(sub):
    """s = t = 0: the layer is the identity and log_det = 0."""
    x = np.arange(6.0).reshape(3, 2)
    y, log_det = sub.coupling_forward(x, np.array([1.0, 0.0]), np.zeros(2), np.zeros(2))
    assert_close(y, x, what="y")
    assert_close(log_det, np.zeros(3), what="log_det")
