"""Lorenz-63 data: known facts of the system check the vector field and the integrator."""

import numpy as np
import pytest

from scidl.data import lorenz63, lorenz63_lyapunov_exponent, make_lorenz63

SIGMA, RHO, BETA = 10.0, 28.0, 8.0 / 3.0


def test_fixed_points_are_zeros_of_the_vector_field():
    c = np.sqrt(BETA * (RHO - 1))
    fixed = np.array([[0.0, 0.0, 0.0], [c, c, RHO - 1], [-c, -c, RHO - 1]])
    np.testing.assert_allclose(lorenz63(fixed), 0.0, atol=1e-12)
    # and a trajectory started on one stays there (the integrator preserves it)
    assert np.abs(lorenz63(fixed[1] + 1.0)).max() > 1.0  # not zero elsewhere


def test_divergence_is_minus_sigma_plus_one_plus_beta():
    rng = np.random.default_rng(0)
    pts = rng.normal(scale=10.0, size=(20, 3))
    h = 1e-5
    div = sum(
        (lorenz63(pts + h * e)[:, i] - lorenz63(pts - h * e)[:, i]) / (2 * h)
        for i, e in enumerate(np.eye(3))
    )
    np.testing.assert_allclose(div, -(SIGMA + 1 + BETA), rtol=1e-8)


def test_integrated_volume_contracts_at_the_divergence_rate():
    # Three small separations from a point of the attractor span a parallelepiped whose
    # volume follows exp(div * t) (Liouville) while the separations stay linear (short t).
    x0 = make_lorenz63(1, random_state=3)[0]
    eps = 1e-5
    starts = np.vstack([x0, x0 + eps * np.eye(3)])
    ends = make_lorenz63(11, dt=0.01, n_trajectories=4, initial_state=starts, transient=0)[:, -1]
    ratio = abs(np.linalg.det(ends[1:] - ends[0])) / eps**3
    assert ratio == pytest.approx(np.exp(-(SIGMA + 1 + BETA) * 0.1), rel=1e-6)


def _rk4_reference(state, duration, h=1e-4):
    """A plain RK4 integration of the public vector field at a 20x finer step."""
    s = np.array(state, dtype=float)
    for _ in range(round(duration / h)):
        k1 = lorenz63(s)
        k2 = lorenz63(s + h / 2 * k1)
        k3 = lorenz63(s + h / 2 * k2)
        k4 = lorenz63(s + h * k3)
        s = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return s


def test_frames_agree_with_a_twenty_times_finer_integration():
    X = make_lorenz63(51, dt=0.01, random_state=0)
    np.testing.assert_allclose(X[-1], _rk4_reference(X[0], 0.5), atol=1e-7)


def test_largest_lyapunov_exponent():
    # Sprott (2003): lambda_1 = 0.9056 at the classic parameters
    lam = lorenz63_lyapunov_exponent(40.0, n_trajectories=8, random_state=0)
    assert lam == pytest.approx(0.906, abs=0.05)


def test_stack_shape_seeding_and_attractor_statistics():
    kw = {"dt": 0.05, "n_trajectories": 6, "max_step": 0.005, "random_state": 1}
    A, B = make_lorenz63(1000, **kw), make_lorenz63(1000, **kw)
    assert A.shape == (6, 1000, 3)
    np.testing.assert_array_equal(A, B)
    assert not np.allclose(A[0], A[1])
    # on the attractor: z stays positive, the two lobes are visited, mean z near 23.5
    flat = A.reshape(-1, 3)
    assert flat[:, 2].min() > 0
    assert (flat[:, 0] > 0).mean() == pytest.approx(0.5, abs=0.15)
    assert flat[:, 2].mean() == pytest.approx(23.5, abs=1.5)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_steps": 0}, ValueError),
        ({"n_steps": 2.5}, TypeError),
        ({"dt": -0.1}, ValueError),
        ({"dt": float("nan")}, ValueError),
        ({"sigma": "10"}, TypeError),
        ({"n_trajectories": 0}, ValueError),
        ({"max_step": 0}, ValueError),
        ({"initial_state": [1.0, 2.0]}, ValueError),
    ],
)
def test_bad_arguments_are_named(kwargs, error):
    name = next(iter(kwargs))
    with pytest.raises(error, match=name):
        make_lorenz63(10, **{"dt": 0.01, **kwargs}) if name != "n_steps" else make_lorenz63(
            **kwargs
        )


def test_vector_field_rejects_wrong_shapes():
    with pytest.raises(ValueError, match="state"):
        lorenz63(np.zeros((4, 2)))
