"""Restricted Boltzmann machines: energies, CD-k against the exact gradient, the estimator."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.neural_network import BernoulliRBM
from sklearn.utils import check_random_state

from _rbm_cases import all_states as _states
from _rbm_cases import random_rbm as _rbm
from scidl.base import load
from scidl.generative import RBM, RBMModule, exact_log_partition
from scidl.generative._rbm import _ContrastiveDivergence
from scidl.utils import NotFittedError


def _toy_data(n=200, seed=0):
    """Two 6-bit prototypes with 5 % of the bits flipped."""
    rng = np.random.default_rng(seed)
    prototypes = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], dtype=bool)
    X = (rng.random((n, 6)) < 0.05) ^ prototypes[rng.integers(0, 2, n)]
    return X.astype(np.float64)


def _exact_log_likelihood(module, X):
    with torch.no_grad():
        free = module.free_energy(torch.as_tensor(X, dtype=module.weight.dtype)).double()
    return float(-free.mean()) - exact_log_partition(module)


# -- the module: energies and conditionals ---------------------------------------------------
@pytest.mark.parametrize("visible", ["bernoulli", "gaussian"])
def test_free_energy_equals_the_brute_force_marginal(visible):
    rbm = _rbm(5, 4, visible=visible, scale=0.8)
    v = _states(5) if visible == "bernoulli" else torch.randn(7, 5, dtype=torch.float64)
    h = _states(4)
    energies = torch.stack([rbm.energy(v, hh.expand(len(v), -1)) for hh in h], dim=1)
    with torch.no_grad():
        brute = -torch.logsumexp(-energies, dim=1)
        assert torch.allclose(rbm.free_energy(v), brute, atol=1e-12)


@pytest.mark.parametrize("visible", ["bernoulli", "gaussian"])
def test_hidden_conditional_equals_the_ratio_of_joint_probabilities(visible):
    rbm = _rbm(4, 3, visible=visible)
    v = _states(4)[[1, 6, 11]] if visible == "bernoulli" else torch.randn(3, 4).double()
    h = _states(3)
    with torch.no_grad():
        joint = torch.stack([-rbm.energy(v, hh.expand(len(v), -1)) for hh in h], dim=1).exp()
        exact = (joint @ h) / joint.sum(1, keepdim=True)  # E[h | v] = p(h = 1 | v)
        assert torch.allclose(rbm.hidden_probability(v), exact, atol=1e-12)


def test_visible_conditional_of_bernoulli_units():
    rbm = _rbm(3, 4)
    h = _states(4)[[2, 9]]
    v = _states(3)
    with torch.no_grad():
        joint = torch.stack([-rbm.energy(vv.expand(len(h), -1), h) for vv in v], dim=1).exp()
        exact = (joint @ v) / joint.sum(1, keepdim=True)
        assert torch.allclose(rbm.visible_mean(h), exact, atol=1e-12)


def test_gaussian_visible_samples_have_the_conditional_mean_and_unit_variance():
    rbm = _rbm(3, 2, visible="gaussian", scale=0.5)
    h = torch.tensor([[1.0, 0.0]], dtype=torch.float64).expand(50000, -1)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        v = rbm.sample_visible(h, gen)
        mean = rbm.visible_mean(h[:1])[0]
    assert torch.allclose(v.mean(0), mean, atol=0.02)  # 4.5 sigma of the mean
    assert torch.allclose(v.var(0), torch.ones(3, dtype=torch.float64), atol=0.03)


def test_module_repr_and_reset():
    rbm = RBMModule(784, 500, visible="gaussian")
    assert repr(rbm) == "RBMModule(in_features=784, n_components=500, visible='gaussian')"
    assert abs(float(rbm.weight.detach().std()) - 0.01) < 1e-3
    assert float(rbm.hidden_bias.detach().abs().sum()) == 0.0
    with pytest.raises(ValueError, match="visible"):
        RBMModule(3, 2, visible="poisson")


# -- contrastive divergence against the exact gradient ---------------------------------------
def _exact_gradient(rbm, data):
    """d/dtheta of the mean log-likelihood, with log Z by enumeration (autograd)."""
    params = (rbm.weight, rbm.hidden_bias, rbm.visible_bias)
    log_z = torch.logsumexp(-rbm.free_energy(_states(rbm.in_features)), 0)
    ll = -rbm.free_energy(data).mean() - log_z
    return torch.autograd.grad(ll, params)


def _statistics(rbm, v, weights):
    """sum_v weights(v) (p(h|v) v^T, p(h|v), v): the CD statistics under a distribution."""
    ph = rbm.hidden_probability(v)
    return ((ph * weights[:, None]).t() @ v, weights @ ph, weights @ v)


def _exact_cd(rbm, data, k):
    """The expectation of the CD-k estimate, from the exact k-step Gibbs transition matrix."""
    with torch.no_grad():
        v, h = _states(rbm.in_features), _states(rbm.n_components)

        def bernoulli_table(p, states):  # p(states | ...) for factorised Bernoulli units
            return torch.exp(states @ torch.log(p).t() + (1 - states) @ torch.log1p(-p).t()).t()

        p_h_given_v = bernoulli_table(rbm.hidden_probability(v), h)  # (2^D, 2^H)
        p_v_given_h = bernoulli_table(rbm.visible_mean(h), v)  # (2^H, 2^D)
        transition = p_h_given_v @ p_v_given_h
        index = (data * 2 ** torch.arange(rbm.in_features - 1, -1, -1)).sum(1).long()
        q = torch.bincount(index, minlength=len(v)).double() / len(data)
        positive = _statistics(rbm, v, q)
        q = q @ torch.linalg.matrix_power(transition, k)
        negative = _statistics(rbm, v, q)
        return tuple(p - n for p, n in zip(positive, negative, strict=True))


def _distance(a, b):
    return float(sum((x - y).square().sum() for x, y in zip(a, b, strict=True)).sqrt())


def test_cd_k_approaches_the_exact_log_likelihood_gradient_as_k_grows():
    # Strong couplings: the Gibbs chain mixes slowly, so CD-1 is visibly biased.
    rbm = _rbm(4, 3, scale=1.5, seed=1)
    data = _states(4)[[0, 3, 3, 5, 12, 15]]
    exact = _exact_gradient(rbm, data)
    errors = {k: _distance(_exact_cd(rbm, data, k), exact) for k in (1, 2, 3, 5, 10, 50)}
    assert errors[1] > errors[2] > errors[3] > errors[5] > errors[10]
    assert errors[1] > 0.1 * _distance(exact, [0 * g for g in exact])  # CD-1 is biased ...
    assert errors[50] < 1e-12  # ... and CD-k with long chains is the gradient


@pytest.mark.parametrize("k", [1, 5])
def test_the_cd_step_is_an_unbiased_estimate_of_its_expectation(k):
    # The training step's Monte Carlo estimate, on 40,000 copies of the data, agrees with the
    # exact CD-k expectation within 5 standard errors (each statistic is in [0, 1]: sd <= 0.5).
    rbm = _rbm(4, 3, scale=1.5, seed=1)
    data = _states(4)[[0, 3, 3, 5, 12, 15]]
    batch = data.repeat(40000 // len(data) + 1, 1)[:40000]
    step = _ContrastiveDivergence(k, seed=0)
    with torch.no_grad():
        estimate, recon = step.gradients(rbm, batch)
    expected = _exact_cd(rbm, data.repeat(40000 // len(data) + 1, 1)[:40000], k)
    tolerance = 5 * 0.5 / np.sqrt(40000)
    for est, exp in zip(estimate, expected, strict=True):
        assert float((est - exp).abs().max()) < tolerance
    assert float(recon) > 0


def test_persistent_chains_sample_the_model():
    # With the parameters fixed, PCD's chains are a long Gibbs run: their averaged negative
    # statistics converge to the model's expectations (the data term is exact).
    rbm = _rbm(4, 3, scale=1.0, seed=2)
    data = _states(4)[[1, 2, 7]].repeat(700, 1)
    step = _ContrastiveDivergence(1, persistent=True, seed=0)
    total = None
    n_updates = 200
    with torch.no_grad():
        for i in range(n_updates + 20):
            grads, _ = step.gradients(rbm, data)
            if i >= 20:  # burn-in
                total = grads if total is None else tuple(a + g for a, g in zip(total, grads))
        mean = tuple(t / n_updates for t in total)
        p_model = torch.softmax(-rbm.free_energy(_states(4)), 0)
        q = torch.bincount(torch.tensor([1, 2, 7]), minlength=16).double() / 3
        positive = _statistics(rbm, _states(4), q)
        negative = _statistics(rbm, _states(4), p_model)
    exact = tuple(p - n for p, n in zip(positive, negative, strict=True))
    assert _distance(mean, exact) < 0.02
    assert step.chains.shape == data.shape


# -- the estimator ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [{"k": 1}, {"k": 5}, {"persistent": True}, {"optimizer": "adam", "lr": 0.01}],
)
def test_training_raises_the_exact_likelihood_above_independent_units(params):
    X = _toy_data()
    rbm = RBM(8, max_epochs=40, random_state=0, **{"lr": 0.1, **params}).fit(X)
    p = X.mean(0)
    independent = float(np.mean(X @ np.log(p) + (1 - X) @ np.log1p(-p)))
    trained = _exact_log_likelihood(rbm.module_, X)
    assert trained > independent + 1.0  # the RBM finds the two prototypes
    assert rbm.n_epochs_ == 40 and len(rbm.history_) == 40
    assert np.isfinite(rbm.history_.columns and rbm.history_[-1]["train_loss"])


def test_score_is_the_exact_log_likelihood_within_the_ais_error():
    X = _toy_data()
    rbm = RBM(8, max_epochs=30, lr=0.1, random_state=0, dtype="float64").fit(X)
    log_z, stderr = rbm.log_partition(n_chains=200, n_betas=1000)
    exact = exact_log_partition(rbm.module_)
    assert abs(log_z - exact) < 4 * stderr + 1e-6
    scores = rbm.score_samples(X, n_ais_chains=200, n_betas=1000)
    assert scores.shape == (len(X),) and scores.dtype == np.float64
    assert rbm.score(X) == pytest.approx(np.mean(rbm.score_samples(X)))
    assert np.mean(scores) == pytest.approx(_exact_log_likelihood(rbm.module_, X), abs=5 * stderr)
    # cached for the same parameters and arguments, recomputed after a refit
    assert rbm.log_partition(200, 1000) == (log_z, stderr)
    rbm.set_params(max_epochs=2).fit(X)
    assert rbm.log_partition(200, 1000) != (log_z, stderr)


def test_fitted_parameters_are_read_from_the_module():
    X = _toy_data(100)
    rbm = RBM(5, max_epochs=2, random_state=0).fit(X)
    np.testing.assert_array_equal(rbm.components_, rbm.module_.weight.detach().numpy())
    assert rbm.components_.shape == (5, 6)
    assert rbm.intercept_hidden_.shape == (5,) and rbm.intercept_visible_.shape == (6,)
    with torch.no_grad():
        rbm.module_.hidden_bias.fill_(3.0)
    np.testing.assert_array_equal(rbm.intercept_hidden_, np.full(5, 3.0, dtype=np.float32))
    assert not hasattr(RBM(), "components_")


def test_the_visible_biases_start_at_the_data_logits():
    X = _toy_data(100)
    rbm = RBM(5, max_epochs=1, lr=1e-9, momentum=0.0, random_state=0).fit(X)
    p = (X.sum(0) + 1) / (len(X) + 2)
    np.testing.assert_allclose(rbm.base_intercept_, np.log(p / (1 - p)))
    np.testing.assert_allclose(rbm.intercept_visible_, rbm.base_intercept_, atol=1e-5)


def test_transform_matches_scikit_learn_bernoulli_rbm_with_the_same_parameters():
    X = _toy_data(100)
    sk = BernoulliRBM(n_components=5, n_iter=3, random_state=0).fit(X)
    rbm = RBM(5, max_epochs=1, dtype="float64", random_state=0).fit(X)
    with torch.no_grad():
        rbm.module_.weight.copy_(torch.as_tensor(sk.components_))
        rbm.module_.hidden_bias.copy_(torch.as_tensor(sk.intercept_hidden_))
        rbm.module_.visible_bias.copy_(torch.as_tensor(sk.intercept_visible_))
    np.testing.assert_allclose(rbm.transform(X), sk.transform(X), rtol=1e-12)
    # scikit-learn's pseudo-likelihood, rebuilt from our free energy with its flipped bits
    rng = check_random_state(sk.random_state)
    flip = rng.randint(0, X.shape[1], len(X))
    X_flipped = X.copy()
    X_flipped[np.arange(len(X)), flip] = 1 - X_flipped[np.arange(len(X)), flip]
    gap = rbm.free_energy(X_flipped) - rbm.free_energy(X)
    pseudo = X.shape[1] * -np.logaddexp(0, -gap)
    np.testing.assert_allclose(pseudo, sk.score_samples(X), rtol=1e-10)


def test_gibbs_and_sample():
    X = _toy_data()
    rbm = RBM(8, max_epochs=30, lr=0.1, random_state=0).fit(X)
    after = rbm.gibbs(X[:10], n_steps=3, random_state=0)
    assert after.shape == (10, 6) and set(np.unique(after)) <= {0.0, 1.0}
    np.testing.assert_array_equal(after, rbm.gibbs(X[:10], n_steps=3, random_state=0))
    assert rbm.gibbs(X[:4].astype(np.float32)).dtype == np.float32
    samples = rbm.sample(5000, n_steps=100, random_state=0)
    assert samples.shape == (5000, 6) and set(np.unique(samples)) <= {0.0, 1.0}
    # long chains sample the model: their histogram over the 64 states is p(v) = e^-F(v) / Z
    # (the expected total variation distance of 5,000 draws is below 0.05 here)
    states = _states(6).numpy()
    p_model = np.exp(-rbm.free_energy(states) - exact_log_partition(rbm.module_))
    counts = np.bincount((samples @ 2.0 ** np.arange(5, -1, -1)).astype(int), minlength=64)
    assert 0.5 * np.abs(counts / len(samples) - p_model).sum() < 0.05
    means = rbm.sample(5, n_steps=10, random_state=0, mean=True)
    assert np.all((means > 0) & (means < 1))


def test_gaussian_visible_units():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2)) @ np.array([[1.0, 0.8], [0.0, 0.6]])
    rbm = RBM(6, visible="gaussian", lr=0.02, max_epochs=20, random_state=0, dtype="float64")
    rbm.fit(X)
    assert rbm.gibbs(X[:5]).dtype == np.float64
    assert len(np.unique(rbm.sample(20, n_steps=5, random_state=0))) == 40  # real values
    log_z, stderr = rbm.log_partition(200, 1000)
    assert abs(log_z - exact_log_partition(rbm.module_)) < 4 * stderr + 1e-6
    np.testing.assert_allclose(rbm.base_intercept_, X.mean(0))


def test_transform_keeps_the_float_dtype_and_clone_works():
    X = _toy_data(50)
    rbm = RBM(3, max_epochs=2, random_state=0)
    fitted = rbm.fit(X)
    assert fitted.transform(X.astype(np.float32)).dtype == np.float32
    assert fitted.transform(X).dtype == np.float64
    assert clone(rbm).get_params() == rbm.get_params()


def test_save_and_load_round_trip(tmp_path):
    X = _toy_data(100)
    rbm = RBM(5, max_epochs=3, random_state=0).fit(X)
    loaded = load(rbm.save(tmp_path / "rbm.pt"))
    np.testing.assert_array_equal(loaded.components_, rbm.components_)
    np.testing.assert_array_equal(loaded.base_intercept_, rbm.base_intercept_)
    assert loaded.score(X) == rbm.score(X)


def test_fits_are_reproducible():
    X = _toy_data(100)
    a = RBM(5, max_epochs=3, random_state=3, persistent=True).fit(X)
    b = RBM(5, max_epochs=3, random_state=3, persistent=True).fit(X)
    np.testing.assert_array_equal(a.components_, b.components_)


def test_validation_split_reports_the_reconstruction_error():
    X = _toy_data(100)
    rbm = RBM(5, max_epochs=3, validation_fraction=0.2, random_state=0).fit(X)
    assert "valid_loss" in rbm.history_.columns


def test_bad_arguments_raise_named_errors():
    X = _toy_data(50)
    with pytest.raises(NotFittedError):
        RBM().transform(X)
    with pytest.raises(NotFittedError):
        RBM().sample(3)
    rbm = RBM(3, max_epochs=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match="n_steps"):
        rbm.gibbs(X, n_steps=0)
    with pytest.raises(TypeError, match="n_steps"):
        rbm.sample(3, n_steps=2.5)
    with pytest.raises(ValueError, match=r"\bn\b"):
        rbm.sample(0)
    with pytest.raises(TypeError, match="mean"):
        rbm.sample(2, mean="yes")
    with pytest.raises(ValueError, match="n_chains"):
        rbm.log_partition(n_chains=1)
    with pytest.raises(ValueError, match="n_betas"):
        rbm.score_samples(X, n_betas=1)
    with pytest.raises(ValueError, match="features"):
        rbm.transform(X[:, :4])
    with pytest.raises(ValueError, match="visible"):
        RBM(visible="poisson").fit(X)
    with pytest.raises(ValueError, match="momentum"):
        RBM(momentum=1.0).fit(X)
    with pytest.raises(TypeError, match="persistent"):
        RBM(persistent="yes").fit(X)


# -- figures and the demo --------------------------------------------------------------------
def test_rbm_figures():
    from matplotlib.figure import Figure

    from scidl.plot import plot_log_likelihoods, plot_rbm_filters

    rbm = RBM(6, max_epochs=1, random_state=0).fit(np.tile(_toy_data(50), (1, 6)))  # 6 x 6 px
    fig = plot_rbm_filters(rbm, n_filters=4, ncols=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    fig = plot_log_likelihoods({"a": -100.0, "b": -90.0}, {"a": 1.0}, anchors={"paper": -86.3})
    assert isinstance(fig, Figure) and fig.axes[0].get_legend() is not None
    with pytest.raises(ValueError, match="n_filters"):
        plot_rbm_filters(rbm, n_filters=0)
    with pytest.raises(ValueError, match="rbm"):
        plot_rbm_filters(np.zeros(5))
    with pytest.raises(TypeError, match="scores"):
        plot_log_likelihoods({})
    with pytest.raises(ValueError, match="scores"):
        plot_log_likelihoods({"a": float("nan")})


@pytest.mark.slow
def test_the_quick_demo_runs():
    from scidl.demos import run_demo

    result = run_demo("rbm-mnist", quick=True, random_state=0)
    lls = result.metrics["test_log_likelihood"]
    assert set(lls) == {"CD-1", "CD-10", "PCD-1", "scikit-learn BernoulliRBM"}
    assert all(-784 * np.log(2) < v < 0 for v in lls.values())  # better than coin flips
    assert set(result.figures) == {
        "filters",
        "gibbs_samples",
        "log_likelihoods",
        "reconstruction_error",
    }
