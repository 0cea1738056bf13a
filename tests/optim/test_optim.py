"""Test functions, update rules and trajectories."""

import numpy as np
import pytest
import torch

from scidl.optim import (
    METHODS,
    TEST_FUNCTIONS,
    TORCH_EQUIVALENTS,
    compare_optimizers,
    format_table,
    get_test_function,
    steps_to_tolerance,
    trace,
)

POINTS = np.array([[0.3, -0.7], [-1.1, 0.4], [1.7, 1.2]])


@pytest.fixture(autouse=True)
def _one_thread():
    """A shared machine: multi-threaded BLAS/torch on tiny problems spins and slows them 10-100x."""
    from threadpoolctl import threadpool_limits

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(n)


@pytest.mark.parametrize("name", sorted(TEST_FUNCTIONS))
def test_exact_gradient_and_hessian_equal_autograd(name):
    fn = TEST_FUNCTIONS[name]
    for p in POINTS:
        x = torch.tensor(p, requires_grad=True)
        (g,) = torch.autograd.grad(fn.f(x), x, create_graph=True)
        H = torch.stack([torch.autograd.grad(g[i], x, retain_graph=True)[0] for i in range(2)])
        np.testing.assert_allclose(fn.grad(p), g.detach().numpy(), rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(fn.hessian(p), H.numpy(), rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("name", sorted(TEST_FUNCTIONS))
def test_minima_are_minima(name):
    fn = TEST_FUNCTIONS[name]
    for m in fn.minima:
        np.testing.assert_allclose(fn.grad(m), 0.0, atol=1e-9)
        assert abs(fn.f(m) - fn.f_min) < 1e-12
        assert np.all(np.linalg.eigvalsh(fn.hessian(m)) > 0)
        rng = np.random.default_rng(0)
        assert all(fn.f(m + 1e-3 * rng.normal(size=2)) > fn.f_min for _ in range(5))
    for s in fn.saddles:
        eig = np.linalg.eigvalsh(fn.hessian(s))
        assert eig.min() < 0 < eig.max()


@pytest.mark.parametrize("method", sorted(TORCH_EQUIVALENTS))
@pytest.mark.parametrize("name", ["quadratic", "rosenbrock", "himmelblau"])
def test_named_rules_equal_their_torch_optimizer(method, name):
    cls, kwargs = TORCH_EQUIVALENTS[method]
    fn = TEST_FUNCTIONS[name]
    which = METHODS[method][2]
    lr = fn.lr[which] if which else 1.0
    ours = trace(method, name, steps=40)
    theirs = trace(cls, name, steps=40, lr=lr, **kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-10)


def test_gradient_descent_on_quadratic_contracts_at_the_known_rate():
    fn = get_test_function("quadratic")
    lr = 0.02
    path = trace("sgd", fn, steps=10, lr=lr)
    # each coordinate is multiplied by (1 - lr * eigenvalue) per step
    expected = np.array(fn.x0) * np.array([1 - lr * 1.0, 1 - lr * 20.0]) ** np.arange(11)[:, None]
    np.testing.assert_allclose(path, expected, rtol=1e-12)


def test_newton_one_step_on_quadratic_and_stuck_at_saddle():
    assert steps_to_tolerance(trace("newton", "quadratic", steps=3), "quadratic", 1e-12) == 1
    path = trace("newton", "saddle", steps=50)
    assert np.linalg.norm(path[-1]) < 1e-8  # Newton seeks any stationary point: the saddle
    assert steps_to_tolerance(trace("sgd", "saddle", steps=500), "saddle", 1e-4) is not None


def test_any_torch_optimizer_and_factory():
    a = trace(torch.optim.Adam, "rosenbrock", steps=5, lr=0.01)
    b = trace(lambda params: torch.optim.Adam(params, lr=0.01), "rosenbrock", steps=5)
    np.testing.assert_allclose(a, b)
    assert a.shape == (6, 2)


def test_compare_table_and_early_stop():
    table = compare_optimizers(
        ["sgd", "newton", "lbfgs"], ["quadratic", "saddle"], tol=1e-4, max_steps=500
    )
    assert table["newton"]["quadratic"] == 1
    assert table["newton"]["saddle"] is None
    assert table["lbfgs"]["quadratic"] is not None
    text = format_table(table, max_steps=500)
    assert ">500" in text and "quadratic" in text
    assert len(trace("sgd", "quadratic", steps=10_000, until=1e-3)) < 400


def test_optimizer_names_are_those_of_the_training_loop():
    """Issue 10: one name per optimizer ("gd" was "sgd" in the training loop)."""
    from scidl.training import OPTIMIZERS

    assert set(METHODS) == set(OPTIMIZERS) | {"newton"}
    assert set(TORCH_EQUIVALENTS) == set(OPTIMIZERS)
    for name, (cls, fixed) in OPTIMIZERS.items():
        assert TORCH_EQUIVALENTS[name][0] is cls
        if name != "lbfgs":
            assert METHODS[name][1] == fixed  # same momentum, nesterov... as in training
    for fn in TEST_FUNCTIONS.values():
        assert set(fn.lr) == {"sgd", "adaptive"}


def test_adamw_decay_pulls_towards_zero_where_adam_does_not():
    """AdamW's decoupled decay shrinks the iterates: they settle short of the minimum (1, 1)."""
    adam = trace("adam", "rosenbrock", steps=3000, lr=0.02)
    adamw = trace("adamw", "rosenbrock", steps=3000, lr=0.02, weight_decay=0.1)
    assert np.linalg.norm(adam[-1] - [1.0, 1.0]) < 1e-2
    assert np.linalg.norm(adamw[-1]) < np.linalg.norm(adam[-1]) - 0.05


def test_errors():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        trace("sgd2", "quadratic")
    with pytest.raises(ValueError, match="function must be one of"):
        trace("sgd", "nope")
    with pytest.raises(TypeError):
        trace(3, "quadratic")
