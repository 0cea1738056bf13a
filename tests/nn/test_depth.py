"""Universal approximation (width) and Telgarsky's depth-efficiency construction."""

import numpy as np
import pytest
import torch

from scidl.nn._depth import (
    alternating_points,
    count_linear_pieces,
    depth_efficiency_table,
    format_depth_table,
    shallow_units_lower_bound,
    tent_map_network,
    width_study,
)


@pytest.fixture(autouse=True)
def _one_thread():
    """A shared machine: multi-threaded BLAS/torch on tiny problems spins and slows them 10-100x."""
    from threadpoolctl import threadpool_limits

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(n)


def test_error_falls_as_width_grows():
    rows = width_study(widths=(1, 3, 12), steps=150, restarts=1)
    errors = [r["test_mse"] for r in rows]
    assert errors[0] > 2 * errors[1] > 2 * errors[2]
    assert errors[2] < 1e-3 and errors[0] > 0.1
    assert [r["parameters"] for r in rows] == [4, 10, 37]


def test_training_error_never_rises_with_width():
    # Each width also starts from the narrower net plus switched-off units,
    # so its training error can only be lower or equal (L-BFGS is monotone).
    rows = width_study(widths=(2, 4, 8, 16), steps=60, restarts=1, random_state=3)
    train = [r["train_mse"] for r in rows]
    assert all(b <= a for a, b in zip(train, train[1:]))


@pytest.mark.parametrize("k", range(1, 9))
def test_tent_map_composition_has_2_to_k_pieces_and_classifies_alternating_points(k):
    net = tent_map_network(k)
    assert count_linear_pieces(net) == 2**k
    x, y = alternating_points(k)
    assert len(x) == 2**k + 1
    with torch.no_grad():
        out = net(torch.tensor(x[:, None])).numpy().ravel()
    np.testing.assert_allclose(out, y, atol=1e-12)  # m^k(i / 2^k) = i mod 2 exactly
    hidden = [m for m in net if isinstance(m, torch.nn.Linear)][:-1]
    assert len(hidden) == k and all(m.out_features == 2 for m in hidden)


def test_tent_map_is_the_formula():
    x = torch.linspace(0, 1, 101, dtype=torch.float64)[:, None]
    m = lambda t: 2 * torch.relu(t) - 4 * torch.relu(t - 0.5)  # noqa: E731
    torch.testing.assert_close(tent_map_network(3)(x), m(m(m(x))))


def test_shallow_network_pieces_bounded_by_units_plus_one():
    torch.manual_seed(0)
    for m in (3, 7, 15):
        net = torch.nn.Sequential(
            torch.nn.Linear(1, m), torch.nn.ReLU(), torch.nn.Linear(m, 1)
        ).double()
        with torch.no_grad():
            net[0].weight.fill_(1.0)
            net[0].bias.copy_(
                -torch.linspace(0.05, 0.95, m, dtype=torch.float64)
            )  # all kinks inside [0, 1]
        assert count_linear_pieces(net) == m + 1
        assert m + 1 < 2**4 or m >= shallow_units_lower_bound(4)
    assert shallow_units_lower_bound(3) == 7


def test_depth_table_small_k():
    rows = depth_efficiency_table(ks=[1, 2, 3, 4], steps=600)
    assert [r["deep_pieces"] for r in rows] == [2, 4, 8, 16]
    assert all(r["deep_exact_accuracy"] == 1.0 for r in rows)
    assert [r["shallow_min_units"] for r in rows] == [1, 3, 7, 15]
    # Trained shallow nets (all weights by L-BFGS): with 2^(k+1) units every point
    # is classified; one unit below the bound 2^k - 1 it is impossible, so some
    # point is always wrong however well the net is trained.
    assert all(r["shallow_trained_accuracy"] == 1.0 for r in rows)
    assert [r["shallow_below_bound_width"] for r in rows] == [0, 2, 6, 14]
    assert all(r["shallow_below_bound_accuracy"] < 1.0 for r in rows)
    text = format_depth_table(rows)
    assert text.count("\n") == 4


def test_bad_k():
    with pytest.raises(ValueError, match="k must be"):
        tent_map_network(0)


@pytest.mark.slow
def test_trained_shallow_net_classifies_all_points_up_to_k_8():
    from scidl.nn._depth import _train_shallow

    x, y = alternating_points(8)
    assert _train_shallow(x, y, 512, 1000, 8) == 1.0
