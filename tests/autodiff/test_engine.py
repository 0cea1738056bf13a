"""The autodiff engine against torch.autograd and finite differences."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from scidl.autodiff import (
    Value,
    gradcheck,
    mse_loss,
    numerical_gradient,
    softmax_cross_entropy,
    unbroadcast,
)


def _reverse_axes(t):
    """torch's ``t.T`` for any number of axes (``.T`` itself is deprecated beyond 2-D)."""
    return t.permute(*range(t.ndim - 1, -1, -1))


# Each op: (name, arity, scidl version, torch version). Inputs of log/div are kept positive.
UNARY = {
    "exp_tanh": (lambda a: a.tanh().exp(), lambda a: a.tanh().exp()),
    "log1p_sq": (lambda a: (a * a + 1.0).log(), lambda a: (a * a + 1.0).log()),
    "tanh": (lambda a: a.tanh(), torch.tanh),
    "sigmoid": (lambda a: a.sigmoid(), torch.sigmoid),
    "relu": (lambda a: a.relu(), torch.relu),
    "square": (lambda a: a**2, lambda a: a**2),
    "cube": (lambda a: a**3, lambda a: a**3),
    "neg": (lambda a: -a, lambda a: -a),
    "sum0": (lambda a: a.sum(axis=0, keepdims=True), lambda a: a.sum(dim=0, keepdim=True)),
    "mean1": (lambda a: a.mean(axis=-1, keepdims=True), lambda a: a.mean(dim=-1, keepdim=True)),
    "transpose_back": (lambda a: a.T.T, lambda a: _reverse_axes(_reverse_axes(a))),
    "reshape_back": (
        lambda a: a.reshape(-1).reshape(a.shape),
        lambda a: a.reshape(-1).reshape(a.shape),
    ),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0)),
    "rsub_const": (lambda a, b: 2.0 - a * b, lambda a, b: 2.0 - a * b),
}


def _reshape_targets(shape):
    """Every shape of 1 to 3 axes with the same number of elements, except ``shape`` itself."""
    size = int(np.prod(shape, dtype=int))
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    targets = [(size,)] + [(d, size // d) for d in divisors]
    targets += [(d, e, size // (d * e)) for d in divisors for e in divisors if (size // d) % e == 0]
    return [t for t in targets if t != tuple(shape)]


def _reduction_axes(ndim):
    """``None``, every axis, the last one counted from the end, and every pair of axes."""
    pairs = [(i, j) for i in range(ndim) for j in range(i + 1, ndim)]
    return [None] + list(range(ndim)) + ([-1] if ndim else []) + pairs


# Ops beyond UNARY/BINARY, as (kind, parameter, pick):
#   "t": a real transpose, a non-identity permutation ``axes`` of a node lifted to >= 2 axes;
#   "r": a reshape to a different shape (1 to 3 axes), the result used by later ops;
#   "s": ``sum`` or ``mean`` over any axis, a pair of axes or all of them (None), keepdims or not.
@st.composite
def graphs(draw):
    n = draw(st.integers(1, 4))
    k = draw(st.integers(1, 4))
    # leaves: (n, k), (3, n, k) (three axes to permute and reduce) and up to two more,
    # all broadcasting to (3, n, k)
    shapes = draw(
        st.lists(
            st.sampled_from([(n, k), (k,), (1, k), (n, 1), (), (3, n, k)]), min_size=0, max_size=2
        )
    )
    ops = draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("u"), st.sampled_from(sorted(UNARY)), st.integers(0, 9)),
                st.tuples(st.just("b"), st.sampled_from(sorted(BINARY)), st.integers(0, 9)),
                st.tuples(st.just("m"), st.just("matmul"), st.integers(0, 9)),
                st.tuples(st.just("t"), st.integers(0, 4), st.integers(0, 9)),
                st.tuples(st.just("r"), st.integers(0, 20), st.integers(0, 9)),
                st.tuples(
                    st.just("s"),
                    st.tuples(st.sampled_from(["sum", "mean"]), st.integers(0, 9), st.booleans()),
                    st.integers(0, 9),
                ),
            ),
            min_size=1,
            max_size=10,
        )
    )
    ending = draw(st.sampled_from(["sum", "softmax_cross_entropy", "mse"]))
    seed = draw(st.integers(0, 2**16))
    return [(n, k), (3, n, k)] + shapes, ops, ending, seed


def _reduce(a, how, axis, keepdims, lib):
    if lib == "scidl":
        return getattr(a, how)(axis=axis, keepdims=keepdims)
    if axis is None:  # torch: reduce everything, then restore the kept axes by hand
        out = getattr(a, how)()
        return out.reshape((1,) * a.ndim) if keepdims else out
    return getattr(a, how)(dim=axis, keepdim=keepdims)


def _as_2d(a):
    return a if a.ndim == 2 else a.reshape(1, -1) if a.ndim < 2 else a.reshape(a.shape[0], -1)


def _build(leaves, ops, W, ending, seed, lib):
    """Apply ops to a growing pool of nodes, then end with a sum of every node made or a loss.

    The pool holds nodes of any shape: a binary op whose operands do not broadcast
    (or would broadcast to more than 256 elements) uses the mean of its second operand.
    Constants (loss targets, labels, weights) come from ``seed`` and the shapes alone,
    so both libraries build the same graph.
    """
    as_const = (lambda c: c) if lib == "scidl" else (lambda c: torch.tensor(c, dtype=torch.float64))
    pool = list(leaves)
    for kind, param, pick in ops:
        a = pool[pick % len(pool)]
        if kind == "u":
            f = UNARY[param][0 if lib == "scidl" else 1]
            if a.ndim == 0:  # reductions need an axis: broadcast scalars up first
                a = a * pool[0]
            pool.append(f(a))
        elif kind == "b":
            b = pool[(pick * 7 + 3) % len(pool)]
            try:
                too_big = (
                    np.prod(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)), dtype=int) > 256
                )
            except ValueError:
                too_big = True
            if too_big:
                b = b.mean()
            f = BINARY[param][0 if lib == "scidl" else 1]
            pool.append(f(a, b))
        elif (
            kind == "m"
        ):  # (m, k) @ W (k, k): rows of k from a reshape, else the mean spread over pool[0]
            k = W.shape[0]
            x = (
                a.reshape(-1, k)
                if int(np.prod(a.shape, dtype=int)) % k == 0
                else a.mean() * pool[0]
            )
            pool.append(x @ W)
        elif kind == "t":
            x = a if a.ndim >= 2 else a.reshape(1, -1)
            perms = list(itertools.permutations(range(x.ndim)))[1:]  # [0] is the identity
            axes = perms[param % len(perms)]
            pool.append(x.transpose(axes) if lib == "scidl" else x.permute(axes))
        elif kind == "r":
            targets = _reshape_targets(tuple(a.shape))
            pool.append(a.reshape(targets[param % len(targets)]))
        else:  # "s"
            how, axis_pick, keepdims = param
            axes = _reduction_axes(a.ndim)
            pool.append(_reduce(a, how, axes[axis_pick % len(axes)], keepdims, lib))
    made = pool[len(leaves) :] or [pool[0]]
    if ending == "sum":
        total = made[0].sum()
        for node in made[1:]:
            total = total + node.sum()
        return total
    # A loss on the last node, every other node folded in with fixed random weights.
    rng = np.random.default_rng(seed + 1)
    z = _as_2d(made[-1])
    for node in made[:-1]:
        z = z + node.mean() * as_const(rng.normal(size=tuple(z.shape)))
    if ending == "mse":
        target = rng.normal(size=tuple(z.shape))
        return mse_loss(z, target) if lib == "scidl" else F.mse_loss(z, as_const(target))
    labels = rng.integers(0, z.shape[1], size=z.shape[0])
    return (
        softmax_cross_entropy(z, labels)
        if lib == "scidl"
        else F.cross_entropy(z, torch.tensor(labels))
    )


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_gradients_equal_torch_autograd_on_random_graphs(graph):
    shapes, ops, ending, seed = graph
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=s) for s in shapes]
    w = rng.normal(size=(shapes[0][1], shapes[0][1]))
    ours = [Value(a) for a in arrays]
    W = Value(w)
    out = _build(ours, ops, W, ending, seed, "scidl")
    out.backward()
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    Wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    ref = _build(theirs, ops, Wt, ending, seed, "torch")
    assert ref.dtype == torch.float64 and ref.ndim == 0
    grads = torch.autograd.grad(ref, theirs + [Wt], allow_unused=True)
    assert abs(float(out.data) - ref.item()) <= 1e-10 * max(1.0, abs(ref.item()))
    for v, g in zip(ours + [W], grads):
        expected = np.zeros_like(v.data) if g is None else g.numpy()
        np.testing.assert_allclose(
            v.grad, expected, rtol=1e-10, atol=1e-10 * max(1.0, np.abs(expected).max(initial=0.0))
        )


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_rules_match_finite_differences(name):
    rng = np.random.default_rng(1)
    ok, err = gradcheck(lambda a: UNARY[name][0](a).sum(), [rng.normal(size=(3, 2)) + 0.05])
    assert ok, err


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_rules_broadcast_and_match_finite_differences(name):
    rng = np.random.default_rng(2)
    ok, err = gradcheck(
        lambda a, b: BINARY[name][0](a, b).tanh().sum(),
        [rng.normal(size=(4, 3)), rng.normal(size=(3,))],
    )
    assert ok, err


def test_matmul_gradients():
    rng = np.random.default_rng(3)
    ok, _ = gradcheck(
        lambda a, b: ((a @ b) ** 2).mean(), [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))]
    )
    assert ok


def test_transpose_with_axes_and_reshape():
    rng = np.random.default_rng(4)
    c = rng.normal(size=(4, 2, 3))
    ok, _ = gradcheck(
        lambda a: (a.transpose((1, 2, 0)).reshape(6, 2) * c.reshape(6, 4)[:, :2]).sum(),
        [rng.normal(size=(2, 3, 2))],
    )
    assert ok


def test_unbroadcast_sums_added_and_stretched_axes():
    g = np.arange(12.0).reshape(2, 2, 3)
    assert unbroadcast(g, (3,)).tolist() == g.sum(axis=(0, 1)).tolist()
    assert unbroadcast(g, (2, 1)).tolist() == g.sum(axis=(0, 2))[:, None].tolist()
    assert unbroadcast(g, ()).shape == ()


def test_softmax_cross_entropy_matches_torch():
    rng = np.random.default_rng(5)
    z, y = rng.normal(size=(6, 4)) * 3, rng.integers(0, 4, size=6)
    v = Value(z)
    loss = softmax_cross_entropy(v, y)
    loss.backward()
    zt = torch.tensor(z, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(zt, torch.tensor(y))
    ref.backward()
    assert abs(float(loss.data) - ref.item()) < 1e-12
    np.testing.assert_allclose(v.grad, zt.grad.numpy(), atol=1e-12)


def test_mse_loss_gradient_is_2_residual_over_n():
    p, t = Value(np.array([1.0, 2.0, 4.0])), np.array([0.0, 2.0, 1.0])
    mse_loss(p, t).backward()
    np.testing.assert_allclose(p.grad, 2 * (p.data - t) / 3)


def test_shared_node_accumulates_gradient():
    x = Value(3.0)
    y = x * x + x  # x used three times
    y.backward()
    assert float(x.grad) == 7.0


def test_errors_are_clear():
    with pytest.raises(ValueError, match="scalar"):
        Value(np.ones(3)).backward()
    with pytest.raises(TypeError, match="exponent"):
        _ = Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="2-D"):
        _ = Value(np.ones(3)) @ Value(np.ones(3))


def test_numerical_gradient_of_quadratic():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(numerical_gradient(lambda v: 0.5 * v @ A @ v, x), A @ x, atol=1e-8)


@pytest.mark.parametrize(
    "name", sorted(set(__import__("scidl.nn", fromlist=["ACTIVATIONS"]).ACTIVATIONS) - {"prelu"})
)
def test_every_named_activation_matches_torch_autograd(name):
    from scidl.nn import get_activation

    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5)) * 2
    x[0, 0] = 0.0  # a kink: the same convention as torch
    v = Value(x)
    (v.activation(name) * x).sum().backward()
    t = torch.tensor(x, requires_grad=True)
    out = (get_activation(name)(t) * torch.tensor(x)).sum()
    if out.requires_grad:
        out.backward()
    expected = (
        np.zeros_like(x) if t.grad is None else t.grad.numpy()
    )  # the step has no gradient in torch
    np.testing.assert_allclose(
        v.activation(name).data,
        get_activation(name)(torch.tensor(x)).detach().numpy(),
        rtol=1e-12,
        atol=1e-14,
    )
    np.testing.assert_allclose(v.grad, expected, rtol=1e-10, atol=1e-12)


def test_prelu_and_unknown_names_are_refused():
    with pytest.raises(ValueError, match="prelu's slope is a weight"):
        Value([1.0]).activation("prelu")
    with pytest.raises(ValueError, match="activation must be one of"):
        Value([1.0]).activation("relu6")
