"""The variational autoencoder: known answers, the IWAE bound, and its contract.

Known answers:

- a linear-Gaussian VAE (``hidden_sizes=()``, Gaussian likelihood) on data from a
  probabilistic-PCA model is itself a linear-Gaussian model whose marginal likelihood
  ``N(b, A A^T + diag(psi))`` is known in closed form: the importance-weighted bound must
  reach it, the fitted model must come close to the true model's exact likelihood, and the
  decoder must span the principal subspace (principal angles against scidl's PCA);
- with a one-dimensional latent, ``log p(x) = log int p(x|z) N(z; 0, 1) dz`` is a 1-D
  integral computed by quadrature: the IWAE bound with many samples must reach it;
- the bound ``L_K`` does not decrease with ``K`` (in expectation; the test allows three
  standard errors of the mean per-sample difference).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy.linalg import subspace_angles
from scipy.stats import multivariate_normal

from scidl.generative import VAE, ELBOStep, VAEModule
from scidl.unsupervised import PCA


# -- data ------------------------------------------------------------------------
def _ppca_data(n, rng, W, mu, s2):
    z = rng.normal(size=(n, W.shape[1]))
    return z @ W.T + mu + math.sqrt(s2) * rng.normal(size=(n, W.shape[0]))


@pytest.fixture(scope="module")
def ppca():
    """A PPCA model (d=6, k=2), its samples and a linear-Gaussian VAE fitted to them."""
    rng = np.random.default_rng(0)
    d, k, s2 = 6, 2, 0.25
    W = rng.normal(size=(d, k)) * np.array([3.0, 2.0])
    mu = rng.normal(size=d)
    X, X_test = _ppca_data(4000, rng, W, mu, s2), _ppca_data(1000, rng, W, mu, s2)
    vae = VAE(
        k,
        hidden_sizes=(),
        likelihood="gaussian",
        lr=3e-2,
        max_epochs=100,
        validation_fraction=0.0,
        patience=None,
        dtype="float64",
        random_state=0,
    ).fit(X)
    true_ll = multivariate_normal(mu, W @ W.T + s2 * np.eye(d)).logpdf(X_test)
    return {"X": X, "X_test": X_test, "vae": vae, "true_ll": true_ll, "k": k}


def _decoder_gaussian(vae):
    """The fitted linear-Gaussian VAE's exact marginal N(b, A A^T + diag(psi))."""
    layer = vae.module_.decoder.linear_layers[0]
    A = layer.weight.detach().numpy()
    b = layer.bias.detach().numpy()
    psi = np.exp(vae.module_.noise_logvar().detach().numpy())
    return A, multivariate_normal(b, A @ A.T + np.diag(psi))


@pytest.fixture(scope="module")
def binary():
    """Binary data from two prototypes with flipped bits, and a small Bernoulli VAE with k=1."""
    rng = np.random.default_rng(1)
    protos = (rng.random((2, 12)) < 0.5).astype(float)
    X = protos[rng.integers(0, 2, 600)]
    X = np.abs(X - (rng.random(X.shape) < 0.1))
    vae = VAE(
        1, hidden_sizes=(16,), max_epochs=30, lr=1e-2, validation_fraction=0.0, patience=None,
        dtype="float64", random_state=0,
    ).fit(X)  # fmt: skip
    return X, vae


# -- known answers ---------------------------------------------------------------
def test_iwae_bound_reaches_the_exact_marginal_of_a_linear_gaussian_vae(ppca):
    vae, X_test = ppca["vae"], ppca["X_test"]
    _, marginal = _decoder_gaussian(vae)
    exact = marginal.logpdf(X_test)
    ll = vae.log_likelihood(X_test, n_importance=1000, random_state=0)
    diff = ll - exact
    # the bound is below log p(x) and reaches it within 0.01 nats (K = 1000)
    assert diff.mean() < 3 * diff.std() / math.sqrt(len(diff))
    assert abs(diff.mean()) < 0.01
    # the ELBO (K = 1) is a looser bound, and below the exact value
    elbo = vae.score(X_test)
    assert elbo < exact.mean() and exact.mean() - elbo < 0.5


def test_linear_gaussian_vae_approaches_the_true_ppca_likelihood(ppca):
    vae, X_test = ppca["vae"], ppca["X_test"]
    _, marginal = _decoder_gaussian(vae)
    gap = ppca["true_ll"].mean() - marginal.logpdf(X_test).mean()
    # 4,000 samples and 100 epochs: within 0.15 nats per sample of the true model (~ -8.4)
    assert abs(gap) < 0.15


def test_linear_gaussian_decoder_spans_the_principal_subspace(ppca):
    A, _ = _decoder_gaussian(ppca["vae"])
    components = PCA(ppca["k"]).fit(ppca["X"]).components_
    angles = subspace_angles(A, components.T)
    assert angles.max() < 0.05  # radians


def test_iwae_bound_does_not_decrease_with_n_importance(ppca):
    vae, X_test = ppca["vae"], ppca["X_test"][:400]
    bounds = {K: vae.log_likelihood(X_test, K, random_state=K) for K in (1, 5, 50)}
    for lo, hi in ((1, 5), (5, 50)):
        diff = bounds[hi] - bounds[lo]
        stderr = diff.std(ddof=1) / math.sqrt(len(diff))
        assert diff.mean() > -3 * stderr, (lo, hi, diff.mean(), stderr)
    # and here it strictly tightens: the ELBO's gap is many standard errors wide
    diff = bounds[50] - bounds[1]
    assert diff.mean() > 5 * diff.std(ddof=1) / math.sqrt(len(diff))


def test_iwae_bound_reaches_the_quadrature_marginal_with_a_1d_latent(binary):
    X, vae = binary
    X = X[:50]
    z = torch.linspace(-10, 10, 4001, dtype=torch.float64)[:, None]
    with torch.no_grad():
        logits = vae.module_.decode(z)  # (grid, d)
        x = torch.as_tensor(X)
        log_px_z = x @ torch.nn.functional.logsigmoid(logits).T + (1 - x) @ (
            torch.nn.functional.logsigmoid(-logits).T
        )  # (n, grid)
        log_prior = -0.5 * z[:, 0] ** 2 - 0.5 * math.log(2 * math.pi)
        dz = float(z[1, 0] - z[0, 0])
        exact = torch.logsumexp(log_px_z + log_prior, dim=1).numpy() + math.log(dz)
    ll = vae.log_likelihood(X, n_importance=5000, random_state=0)
    diff = ll - exact  # each estimate is noisy; their mean is below 0 up to its error
    assert diff.mean() < 3 * diff.std(ddof=1) / math.sqrt(len(diff))
    assert abs(diff.mean()) < 0.02 and np.abs(diff).max() < 0.1
    assert vae.score(X) < exact.mean()


def test_score_is_the_iwae_bound_with_one_sample(binary):
    X, vae = binary
    l1 = vae.log_likelihood(X, n_importance=1, random_state=3)
    stderr = l1.std(ddof=1) / math.sqrt(len(l1))
    # two unbiased one-sample estimates of the mean ELBO (score uses the closed-form KL)
    assert abs(vae.score(X) - l1.mean()) < 4 * stderr


# -- the step --------------------------------------------------------------------
def test_kl_warmup_schedule_and_history_columns():
    step = ELBOStep(beta=2.0, kl_warmup=4)
    assert [step.kl_weight(e) for e in (1, 2, 4, 9)] == [0.5, 1.0, 2.0, 2.0]
    assert ELBOStep(beta=0.5).kl_weight(1) == 0.5
    X = (np.random.default_rng(0).random((64, 8)) < 0.5).astype(float)
    vae = VAE(2, hidden_sizes=(8,), max_epochs=3, kl_warmup=3, validation_fraction=0.25,
              random_state=0).fit(X)  # fmt: skip
    assert vae.history_.columns == [
        "epoch", "train_loss", "train_recon", "train_kl", "train_kl_weight",
        "valid_loss", "valid_recon", "valid_kl", "lr", "time",
    ]  # fmt: skip
    rows = list(vae.history_)
    assert [r["train_kl_weight"] for r in rows] == pytest.approx([1 / 3, 2 / 3, 1.0])
    for r in rows:  # the validation loss is minus the ELBO: its two terms
        assert r["valid_loss"] == pytest.approx(r["valid_recon"] + r["valid_kl"])


def test_reparameterised_gradient_equals_the_score_of_a_fixed_draw():
    """d/dmu of log p(x|z) at z = mu + sigma eps is the decoder's gradient at that z."""
    torch.manual_seed(0)
    net = VAEModule(4, 2, (), likelihood="gaussian", noise_variance=1.0).double()
    x = torch.randn(3, 4, dtype=torch.float64)
    torch.manual_seed(1)
    log_px, kl = ELBOStep.terms(net, x)
    (log_px.sum()).backward()
    grad_encoder = net.encoder.linear_layers[0].weight.grad.clone()
    # the same draw by hand: eps from the same seed
    net.zero_grad()
    torch.manual_seed(1)
    mu, logvar = net.encode(x)
    eps = torch.randn_like(mu)
    z = (mu + torch.exp(0.5 * logvar) * eps).detach().requires_grad_(True)
    lp = net.log_likelihood(x, net.decode(z)).sum()
    (dz,) = torch.autograd.grad(lp, z)
    # chain rule through z = mu + exp(logvar/2) eps, with encoder output h = W x + c
    dh = torch.cat([dz, dz * 0.5 * torch.exp(0.5 * logvar) * eps], dim=1)
    torch.testing.assert_close(grad_encoder, dh.detach().T @ x)


# -- the estimator contract ------------------------------------------------------
def test_auto_likelihood_and_bernoulli_range_check():
    rng = np.random.default_rng(0)
    X01 = rng.random((40, 4))
    assert VAE(2, hidden_sizes=(4,), max_epochs=1).fit(X01).likelihood_ == "bernoulli"
    assert VAE(2, hidden_sizes=(4,), max_epochs=1).fit(X01 * 3).likelihood_ == "gaussian"
    with pytest.raises(ValueError, match=r"X must lie in \[0, 1\].*likelihood='bernoulli'"):
        VAE(2, likelihood="bernoulli", max_epochs=1).fit(X01 - 0.5)


def test_fixed_noise_variance_is_a_buffer():
    X = np.random.default_rng(0).normal(size=(40, 3))
    vae = VAE(1, hidden_sizes=(4,), noise_variance=0.5, max_epochs=2, random_state=0).fit(X)
    lv = vae.module_.log_noise_variance
    assert not isinstance(lv, torch.nn.Parameter)
    np.testing.assert_allclose(lv.numpy(), math.log(0.5), rtol=1e-6)


def test_methods_shapes_dtypes_and_reproducibility(binary):
    X, vae = binary
    Z = vae.transform(X.astype(np.float32))
    assert Z.shape == (len(X), 1) and Z.dtype == np.float32
    np.testing.assert_array_equal(vae.transform(X), vae.transform(X))
    R = vae.reconstruct(X)
    assert R.shape == X.shape and R.min() >= 0 and R.max() <= 1
    np.testing.assert_allclose(vae.inverse_transform(vae.transform(X)), R, rtol=1e-10)
    S = vae.sample(7, random_state=0)
    assert S.shape == (7, X.shape[1]) and S.dtype == np.float64
    np.testing.assert_array_equal(S, vae.sample(7, random_state=0))
    draws = vae.sample(5, random_state=0, mean=False)
    assert set(np.unique(draws)) <= {0.0, 1.0}
    assert vae.score(X) == vae.score(X)
    small = VAE(1, hidden_sizes=(4,), max_epochs=2, random_state=0)
    assert small.fit(X[:100]).score(X) == VAE(**small.get_params()).fit(X[:100]).score(X)


def test_bad_arguments_raise_clear_errors(binary):
    X, vae = binary
    with pytest.raises(ValueError, match="n_importance"):
        vae.log_likelihood(X, n_importance=0)
    with pytest.raises(TypeError, match="n_importance"):
        vae.log_likelihood(X, n_importance=2.5)
    with pytest.raises(ValueError, match="n_samples"):
        vae.sample(0)
    with pytest.raises(TypeError, match="n_samples"):
        vae.sample("3")
    with pytest.raises(ValueError, match="n_components"):
        vae.inverse_transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="features"):
        vae.transform(X[:, :5])
    with pytest.raises(ValueError, match="architecture='conv'"):
        VAE(2, architecture="conv", max_epochs=1).fit(X)  # 12 features: not a square
    with pytest.raises(ValueError, match="image_shape"):
        VAE(2, architecture="conv", image_shape=(3, 5), max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="architecture"):
        VAE(2, architecture="rnn").fit(X)


@pytest.mark.parametrize("shape", [(8, 8), (6, 10), (7, 5)])
def test_conv_architecture_round_trips_any_image_shape(shape):
    X = np.random.default_rng(0).random((48, shape[0] * shape[1]))
    image_shape = None if shape[0] == shape[1] else shape
    vae = VAE(
        3, architecture="conv", channels=(4, 8), hidden_sizes=(16,), image_shape=image_shape,
        max_epochs=2, random_state=0,
    ).fit(X)  # fmt: skip
    assert vae.image_shape_ == shape
    assert vae.reconstruct(X).shape == X.shape
    assert vae.transform(X).shape == (48, 3)
    assert np.isfinite(vae.log_likelihood(X[:4], n_importance=3)).all()


def test_module_repr_and_linear_case():
    net = VAEModule(5, 2, ())
    assert "architecture='mlp'" in repr(net)
    assert len(net.encoder.linear_layers) == 1 and len(net.decoder.linear_layers) == 1
    with pytest.raises(ValueError, match="likelihood"):
        VAEModule(5, 2, likelihood="poisson")


@pytest.mark.slow
def test_mnist_sample_elbo_after_a_few_epochs():
    """Binarised MNIST sample: 10 epochs reach a test ELBO above -160 nats (about -130 seen)."""
    from scidl.data import load_mnist, train_test_split_stratified

    X, y = load_mnist(flatten=True, normalize=True)
    X = (X > 0.5).astype(np.float32)
    X_train, X_test, _, _ = train_test_split_stratified(X, y, test_size=1000, random_state=0)
    vae = VAE(20, max_epochs=10, validation_fraction=0.0, patience=None, random_state=0)
    vae.fit(X_train)
    elbo = vae.score(X_test)
    assert -160 < elbo < -60
    assert vae.log_likelihood(X_test[:100], n_importance=100).mean() > elbo - 5
