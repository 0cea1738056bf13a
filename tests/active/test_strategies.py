"""Known answers for the query-strategy scores and the batch selection of scidl.active."""

import numpy as np
import pytest
import torch
from scipy.stats import entropy as scipy_entropy

from scidl.active import (
    committee_variance,
    consensus_kl,
    entropy,
    expected_model_change,
    least_confidence,
    margin,
    select_batch,
    vote_entropy,
)


def _random_proba(rng, shape):
    p = rng.random(shape) + 0.01
    return p / p.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("k", [2, 3, 10])
def test_uncertainty_scores_of_uniform_and_certain_predictions(k):
    uniform = np.full((1, k), 1.0 / k)
    certain = np.eye(k)[:1]
    assert least_confidence(uniform)[0] == pytest.approx(1 - 1 / k)
    assert least_confidence(certain)[0] == 0.0
    assert margin(uniform)[0] == pytest.approx(0.0, abs=1e-15)
    assert margin(certain)[0] == 1.0
    assert entropy(uniform)[0] == pytest.approx(np.log(k))
    assert entropy(certain)[0] == 0.0


def test_margin_of_half_half_is_zero_and_of_a_known_row():
    assert margin([[0.5, 0.5]])[0] == 0.0
    assert margin([[0.2, 0.5, 0.3]])[0] == pytest.approx(0.2)


def test_scores_do_not_depend_on_the_class_order_and_entropy_matches_scipy():
    rng = np.random.default_rng(0)
    p = _random_proba(rng, (20, 4))
    perm = rng.permutation(4)
    for score in (least_confidence, margin, entropy):
        np.testing.assert_allclose(score(p), score(p[:, perm]))
    np.testing.assert_allclose(entropy(p), scipy_entropy(p, axis=1))


def test_probability_rows_are_checked():
    with pytest.raises(ValueError, match="proba"):
        entropy([[0.7, 0.7]])
    with pytest.raises(ValueError, match="proba"):
        margin([[1.5, -0.5]])
    with pytest.raises(ValueError, match="proba"):
        least_confidence([0.5, 0.5])


def test_vote_entropy_known_answers():
    unanimous = np.array([[0, 1, 2], [0, 1, 2], [0, 1, 2]])
    assert np.all(vote_entropy(unanimous) == 0.0)
    # three members, votes (a, a, b): -(2/3 log 2/3 + 1/3 log 1/3)
    votes = np.array([["a"], ["a"], ["b"]])
    expected = -(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3))
    assert vote_entropy(votes)[0] == pytest.approx(expected)
    # four members split over four classes: log 4
    assert vote_entropy([[0], [1], [2], [3]])[0] == pytest.approx(np.log(4))


def test_consensus_kl_is_zero_for_agreement_and_equals_the_mutual_information():
    rng = np.random.default_rng(1)
    same = np.repeat(_random_proba(rng, (1, 6, 3)), 4, axis=0)
    np.testing.assert_array_equal(consensus_kl(same), 0.0)
    members = _random_proba(rng, (5, 6, 3))
    consensus = members.mean(axis=0)
    # definition, with scipy's KL divergence
    direct = np.mean([scipy_entropy(m.T, consensus.T) for m in members], axis=0)
    np.testing.assert_allclose(consensus_kl(members), direct, rtol=1e-12)
    # identity: mean KL to the mean = H(consensus) - mean H(member)
    mutual = entropy(consensus) - np.mean([entropy(m) for m in members], axis=0)
    np.testing.assert_allclose(consensus_kl(members), mutual, atol=1e-12)


def test_committee_variance_is_zero_where_the_committee_agrees():
    f = np.array([[1.0, 2.0, 3.0], [1.0, 2.5, 3.0], [1.0, 1.5, 3.0]])
    v = committee_variance(f)
    assert v[0] == 0.0 and v[2] == 0.0
    assert v[1] == pytest.approx(np.var([2.0, 2.5, 1.5]))
    # several outputs: the variances add
    g = np.random.default_rng(2).normal(size=(4, 5, 2))
    np.testing.assert_allclose(committee_variance(g), g.var(axis=0).sum(axis=1))


def test_expected_model_change_is_the_mean_gradient_length_of_the_squared_loss():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6, 3))
    members = rng.normal(size=(4, 6))
    w = torch.tensor(rng.normal(size=4), requires_grad=True)  # a linear model on (x, 1)
    phi = torch.tensor(np.column_stack([X, np.ones(6)]))
    f = (phi @ w).detach().numpy()
    expected = np.zeros(6)
    for i in range(6):
        for m in range(4):  # the gradient of 1/2 (w . phi - y_m)^2 by autograd
            (grad,) = torch.autograd.grad(0.5 * (phi[i] @ w - members[m, i]) ** 2, w)
            expected[i] += grad.norm().item() / 4
    np.testing.assert_allclose(expected_model_change(members, X, prediction=f), expected)
    # agreeing members and the model's own prediction: no change
    agree = np.repeat(f[None], 3, axis=0)
    np.testing.assert_allclose(expected_model_change(agree, X, prediction=f), 0.0, atol=1e-12)


def test_select_batch_without_diversity_is_the_top_k_with_reproducible_ties():
    u = np.array([0.1, 0.9, 0.5, 0.8, 0.2])
    np.testing.assert_array_equal(select_batch(u, 3), [1, 3, 2])
    ties = np.zeros(50)
    a = select_batch(ties, 5, random_state=0)
    np.testing.assert_array_equal(a, select_batch(ties, 5, random_state=0))
    assert not np.array_equal(a, select_batch(ties, 5, random_state=1))
    assert len(select_batch(u, 10)) == 5  # all of a small pool


def test_select_batch_with_full_diversity_is_farthest_point_sampling():
    X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    u = np.array([0.0, 0.0, 1.0, 0.0, 0.0])
    # the first pick is the most informative (nothing labelled), then the farthest points
    np.testing.assert_array_equal(select_batch(u, 3, X=X, diversity=1.0), [2, 4, 0])
    # distances count from the labelled samples too
    got = select_batch(u, 2, X=X, X_labeled=[[10.0]], diversity=1.0)
    np.testing.assert_array_equal(got, [0, 3])  # farthest from x = 10, then from {0, 10}


def test_select_batch_diversity_spreads_a_batch_over_clusters():
    rng = np.random.default_rng(4)
    centers = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    X = np.concatenate([c + 0.1 * rng.normal(size=(30, 2)) for c in centers])
    u = np.concatenate([np.full(30, 1.0), np.full(30, 0.95), np.full(30, 0.9)])
    u = u + 0.001 * rng.random(90)
    plain = select_batch(u, 3, X=X)
    spread = select_batch(u, 3, X=X, diversity=0.7)
    assert len(set(plain // 30)) == 1  # all in the most uncertain cluster
    assert sorted(spread // 30) == [0, 1, 2]  # one per cluster


def test_select_batch_rejects_bad_settings():
    with pytest.raises(ValueError, match="diversity"):
        select_batch([0.1, 0.2], 1, X=[[0.0], [1.0]], diversity=1.5)
    with pytest.raises(ValueError, match="X"):
        select_batch([0.1, 0.2], 1, diversity=0.5)
    with pytest.raises(ValueError, match="batch_size"):
        select_batch([0.1, 0.2], 0)
