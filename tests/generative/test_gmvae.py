"""GMVAE (VaDE): known answers for the mixture prior, its KL term, and clustering blobs."""

import math

import numpy as np
import pytest
import torch
from scipy.stats import multivariate_normal
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture

from scidl.base import load
from scidl.generative import GMVAE, GMVAEModule
from scidl.generative._gmvae_training import _diagonal_em, _nt_xent
from scidl.nn import RandomAffine
from scidl.unsupervised import KMeans, clustering_accuracy


def _blobs(n_per=60, n_clusters=3, n_features=5, distance=6.0, seed=0):
    rng = np.random.default_rng(seed)
    centers = distance * np.eye(n_clusters, n_features)
    X = np.concatenate([c + rng.normal(size=(n_per, n_features)) for c in centers])
    return X, np.repeat(np.arange(n_clusters), n_per)


FAST = dict(
    n_components=2,
    hidden_sizes=(16,),
    pretrain_epochs=20,
    max_epochs=20,
    batch_size=32,
    lr=3e-3,
    random_state=0,
)


@pytest.fixture(scope="module")
def blobs():
    return _blobs()


@pytest.fixture(scope="module")
def fitted(blobs):
    X, _ = blobs
    return GMVAE(3, **FAST).fit(X)


@pytest.fixture
def module():
    """A small module in float64 with a random (not uniform) mixture prior."""
    torch.manual_seed(0)
    net = GMVAEModule(4, 3, hidden_sizes=(6,), n_clusters=4, likelihood="gaussian").double()
    with torch.no_grad():
        net.prior_logits.copy_(torch.tensor([0.3, -1.0, 0.8, 0.0]))
        net.prior_mu.normal_()
        net.prior_logvar.uniform_(-1.0, 0.5)
    return net


# -- known answers of the mixture prior ----------------------------------------------------
def test_responsibilities_are_bayes_rule_and_sum_to_one(module):
    """p(c | z) = pi_c N(z | mu_c, S_c) / sum_k pi_k N(z | mu_k, S_k), against scipy."""
    z = torch.randn(7, 3, dtype=torch.float64)
    gamma = module.responsibilities(z).detach().numpy()
    pi = torch.softmax(module.prior_logits, 0).detach().numpy()
    mus = module.prior_mu.detach().numpy()
    variances = module.prior_logvar.detach().exp().numpy()
    dens = np.stack(
        [
            pi[c] * multivariate_normal(mus[c], np.diag(variances[c])).pdf(z.numpy())
            for c in range(4)
        ],
        axis=1,
    )
    np.testing.assert_allclose(gamma, dens / dens.sum(1, keepdims=True), rtol=1e-10)
    np.testing.assert_allclose(gamma.sum(1), 1.0, rtol=1e-12)


def test_mixture_kl_equals_a_monte_carlo_estimate(module):
    """KL(q(z|x) q(c|x) || p(z, c)) in closed form vs 200,000 samples (z, c) ~ q, 5 sd errors."""
    g = torch.Generator().manual_seed(1)
    mu = torch.randn(1, 3, generator=g, dtype=torch.float64)
    logvar = 0.5 * torch.randn(1, 3, generator=g, dtype=torch.float64)
    gamma = torch.softmax(torch.randn(1, 4, generator=g, dtype=torch.float64), 1)
    closed = float(module.kl(mu, logvar, gamma).detach()[0])
    n = 200_000
    z = mu + torch.exp(0.5 * logvar) * torch.randn(n, 3, generator=g, dtype=torch.float64)
    c = torch.multinomial(gamma[0], n, replacement=True, generator=g)
    log_q = -0.5 * (math.log(2 * math.pi) + logvar + (z - mu) ** 2 / logvar.exp()).sum(1)
    log_p = module.log_joint(z).gather(1, c[:, None])[:, 0]  # log pi_c + log N(z | mu_c, S_c)
    terms = (log_q + torch.log(gamma[0, c]) - log_p).detach()
    estimate, stderr = float(terms.mean()), float(terms.std()) / math.sqrt(n)
    assert abs(estimate - closed) < 5 * stderr
    assert stderr < 0.01 * max(1.0, abs(closed))  # the comparison is sharp


def test_kl_vanishes_when_the_posterior_is_the_prior():
    net = GMVAEModule(3, 2, hidden_sizes=(), n_clusters=1).double()
    with torch.no_grad():
        net.prior_mu.fill_(0.4)
        net.prior_logvar.fill_(-0.3)
    mu, logvar = torch.full((2, 2), 0.4, dtype=torch.float64), torch.full((2, 2), -0.3)
    kl = net.kl(mu, logvar.double(), torch.ones(2, 1, dtype=torch.float64))
    torch.testing.assert_close(kl, torch.zeros(2, dtype=torch.float64))


def test_elbo_is_reconstruction_minus_kl(module):
    x = torch.randn(5, 4, dtype=torch.float64)
    eps = torch.randn(5, 3, dtype=torch.float64)
    mu, logvar = module.encode(x)
    z = mu + torch.exp(0.5 * logvar) * eps
    gamma = module.responsibilities(z)
    expected = torch.distributions.Normal(
        module.decode(z), torch.exp(0.5 * module.decoder_logvar)
    ).log_prob(x).sum(1) - module.kl(mu, logvar, gamma)
    torch.testing.assert_close(module.elbo(x, eps), expected)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_diagonal_em_matches_scikit_learn():
    """EM from hard labels equals GaussianMixture(diag) from the same start, step for step.

    Our first M step turns the labels into the parameters scikit-learn is started from, so
    31 of our iterations are scikit-learn's 30.
    """
    X, y = _blobs(n_per=80, n_clusters=3, n_features=2, distance=3.0, seed=2)
    labels = (y + (X[:, 0] > 1.0)) % 3  # a deliberately imperfect start
    resp = np.eye(3)[labels]
    w, m, v = (t.numpy() for t in _diagonal_em(torch.as_tensor(X), torch.as_tensor(resp), 31, -1.0))
    nk = resp.sum(0)
    means0 = resp.T @ X / nk[:, None]
    var0 = resp.T @ X**2 / nk[:, None] - means0**2
    ref = GaussianMixture(
        3,
        covariance_type="diag",
        weights_init=nk / nk.sum(),
        means_init=means0,
        precisions_init=1.0 / var0,
        reg_covar=0.0,
        tol=0.0,
        max_iter=30,
    ).fit(X)
    np.testing.assert_allclose(w, ref.weights_, rtol=1e-9)
    np.testing.assert_allclose(m, ref.means_, rtol=1e-9)
    np.testing.assert_allclose(v, ref.covariances_, rtol=1e-7)  # E[z^2] - m^2 vs centred sums


# -- the estimator -------------------------------------------------------------------------
def test_recovers_well_separated_blobs(blobs, fitted):
    X, y = blobs
    assert fitted.likelihood_ == "gaussian"
    assert adjusted_rand_score(y, fitted.labels_) > 0.95
    np.testing.assert_array_equal(fitted.predict(X), fitted.labels_)
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(fitted.weights_, 1 / 3, atol=0.05)  # equal-size blobs


def test_samples_of_a_component_land_in_its_cluster(fitted):
    for k in range(3):
        X_k, labels = fitted.sample(200, component=k, random_state=k)
        assert X_k.shape == (200, 5) and (labels == k).all()
        assert np.mean(fitted.predict(X_k) == k) > 0.95
    X_all, labels = fitted.sample(300, random_state=0)
    assert np.mean(fitted.predict(X_all) == labels) > 0.95
    np.testing.assert_array_equal(
        fitted.sample(5, random_state=3)[0], fitted.sample(5, random_state=3)[0]
    )


def test_fit_predict_is_labels(blobs):
    X, _ = blobs
    labels = GMVAE(3, **FAST).fit_predict(X)
    np.testing.assert_array_equal(labels, GMVAE(3, **FAST).fit(X).labels_)


def test_score_is_a_reproducible_mean_elbo(blobs, fitted):
    X, _ = blobs
    assert fitted.score(X) == fitted.score(X)
    gen = torch.Generator().manual_seed(0)
    eps = torch.randn(len(X), 2, generator=gen, dtype=torch.float64).float()
    with torch.no_grad():
        expected = fitted.module_.elbo(torch.as_tensor(X, dtype=torch.float32), eps).mean()
    assert fitted.score(X) == pytest.approx(float(expected), rel=1e-5)
    # training raised the bound: the last epoch's ELBO beats the first
    assert fitted.history_["train_loss"][-1] < fitted.history_["train_loss"][0]
    assert fitted.history_.columns[:4] == ["epoch", "train_loss", "train_recon", "train_kl"]


def test_transform_and_reconstruct_shapes_and_dtype(blobs, fitted):
    X, _ = blobs
    Z = fitted.transform(X.astype(np.float32))
    assert Z.shape == (len(X), 2) and Z.dtype == np.float32
    assert fitted.reconstruct(X).shape == X.shape


def test_bernoulli_for_unit_interval_data_and_no_pretraining():
    rng = np.random.default_rng(0)
    X = rng.random((64, 12)) < np.repeat([[0.1] * 6 + [0.9] * 6, [0.9] * 6 + [0.1] * 6], 32, 0)
    gm = GMVAE(2, n_components=2, hidden_sizes=(8,), pretrain_epochs=0, max_epochs=2).fit(
        X.astype(float)
    )
    assert gm.likelihood_ == "bernoulli" and len(gm.pretrain_history_) == 0
    assert gm.reconstruct(X.astype(float)).min() >= 0.0  # probabilities


def test_save_and_load_round_trip(tmp_path, blobs, fitted):
    X, _ = blobs
    loaded = load(fitted.save(tmp_path / "gmvae.pt"))
    np.testing.assert_allclose(loaded.predict_proba(X), fitted.predict_proba(X), rtol=1e-6)
    np.testing.assert_array_equal(loaded.weights_, fitted.weights_)


# -- bad input -------------------------------------------------------------------------------
def test_bad_input_is_named(blobs, fitted):
    X, _ = blobs
    with pytest.raises(ValueError, match="X must lie in"):
        GMVAE(3, likelihood="bernoulli", **FAST).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        GMVAE(500, **FAST).fit(X)
    with pytest.raises(ValueError, match="likelihood"):
        GMVAE(3, likelihood="poisson").fit(X)
    with pytest.raises(ValueError, match="pretrain_epochs"):
        GMVAE(3, pretrain_epochs=-1).fit(X)
    with pytest.raises(ValueError, match="component"):
        fitted.sample(3, component=3)
    with pytest.raises(TypeError, match="component"):
        fitted.sample(3, component=1.5)
    with pytest.raises(ValueError, match="n_samples"):
        fitted.sample(0)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X[:, :3])
    with pytest.raises(ValueError, match="likelihood"):
        GMVAEModule(3, 2, likelihood="poisson")


# -- augmentation: contrastive pretraining, codes on a sphere, view consistency ----------------
def test_nt_xent_known_answers():
    """log(2b - 1) when codes say nothing; log(1 + (2b - 2) e^(-1/t)) for orthogonal samples."""
    b, t = 6, 0.5
    same = torch.ones(b, 3, dtype=torch.float64)
    assert float(_nt_xent(same, same, t)) == pytest.approx(math.log(2 * b - 1), rel=1e-12)
    eye = torch.eye(b, dtype=torch.float64)  # views agree, samples orthogonal; lengths ignored
    expected = math.log(1 + (2 * b - 2) * math.exp(-1 / t))
    assert float(_nt_xent(eye, 3 * eye, t)) == pytest.approx(expected, rel=1e-12)


def test_diagonal_em_of_one_step_is_the_mixture_of_the_labels():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(60, 3))
    labels = np.arange(60) % 4
    resp = torch.nn.functional.one_hot(torch.as_tensor(labels), 4).double()
    weights, means, variances = _diagonal_em(torch.as_tensor(Z), resp, 1, 1e-6)
    for k in range(4):
        members = Z[labels == k]
        assert float(weights[k]) == pytest.approx(len(members) / 60)
        np.testing.assert_allclose(means[k].numpy(), members.mean(0), rtol=1e-9)
        np.testing.assert_allclose(variances[k].numpy(), members.var(0), rtol=1e-7)


def _bars(n_per=100, size=8, seed=0):
    """Horizontal (class 0) and vertical (class 1) segments of length >= 4 at random places.

    Bars stay off the border rows/columns, so a one-pixel shift never erases one.
    """
    rng = np.random.default_rng(seed)
    X = np.zeros((2 * n_per, size, size))
    for i in range(2 * n_per):
        line = rng.integers(1, size - 1)
        start = rng.integers(0, size - 4)
        stop = rng.integers(start + 4, size + 1)
        if i < n_per:
            X[i, line, start:stop] = 1.0
        else:
            X[i, start:stop, line] = 1.0
    X = np.clip(X + 0.05 * rng.random(X.shape), 0.0, 1.0)
    return X.reshape(2 * n_per, -1), np.repeat([0, 1], n_per)


def test_augmentation_finds_the_clusters_that_pixels_miss():
    """Bars: orientation is the class, place is not.

    In pixel space two horizontal bars on different rows are further apart than a
    horizontal and a vertical bar that cross, so k-means on pixels and the plain GMVAE
    fail. One-pixel shifts link every horizontal bar to every other through a chain of
    views, and never to a vertical one: the views' graph has the two classes as its
    connected components, which contrastive training recovers (HaoChen et al. 2021,
    arXiv:2106.04156).
    """
    X, y = _bars()
    assert clustering_accuracy(y, KMeans(2, random_state=0).fit(X).labels_) < 0.75
    small = dict(n_components=4, hidden_sizes=(64,), pretrain_epochs=100, max_epochs=10)
    small["batch_size"] = 32
    plain = GMVAE(2, random_state=0, **small).fit(X)
    assert clustering_accuracy(y, plain.labels_) < 0.75
    shifts = RandomAffine((8, 8), max_shift=1, max_rotation=0, max_scale=0, max_shear=0)
    X_new, y_new = _bars(seed=1)
    for seed in (0, 1):
        gm = GMVAE(2, augment=shifts, random_state=seed, **small).fit(X)
        assert clustering_accuracy(y, gm.labels_) == 1.0
        assert clustering_accuracy(y_new, gm.predict(X_new)) == 1.0  # new bars too
    np.testing.assert_allclose(np.linalg.norm(gm.transform(X), axis=1), 5.0, rtol=1e-5)
    assert gm.module_.code_radius == 5.0 and plain.module_.code_radius is None
    assert {"train_recon", "train_contrastive"} <= set(gm.pretrain_history_.columns)
    assert {"train_kl", "train_contrastive", "train_consistency"} <= set(gm.history_.columns)
    assert np.isfinite(gm.score(X))


def test_augmented_fit_is_reproducible_and_survives_save_and_load(tmp_path):
    X, _ = _bars(n_per=20)
    aug = RandomAffine((8, 8), max_shift=1, max_rotation=5)
    params = dict(n_components=2, hidden_sizes=(8,), pretrain_epochs=2, max_epochs=2)
    a = GMVAE(2, augment=aug, random_state=3, **params).fit(X)
    b = GMVAE(2, augment=aug, random_state=3, **params).fit(X)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    loaded = load(a.save(tmp_path / "augmented.pt"))
    assert isinstance(loaded.augment, RandomAffine)
    assert loaded.augment.get_params() == aug.get_params()
    np.testing.assert_allclose(loaded.predict_proba(X), a.predict_proba(X), rtol=1e-6)


def test_bad_augment_is_named():
    X, _ = _bars(n_per=10)
    fast = dict(n_components=2, hidden_sizes=(4,), pretrain_epochs=1, max_epochs=1)
    with pytest.raises((TypeError, ValueError), match="augment"):
        GMVAE(2, augment="flip", **fast).fit(X)
    with pytest.raises(ValueError, match="augment"):
        GMVAE(2, augment=lambda x, g: x[:, :3], **fast).fit(X)
    with pytest.raises(TypeError, match="augment"):
        GMVAE(2, augment=lambda x: x, **fast).fit(X)  # no generator argument
    with pytest.raises(ValueError, match="image_shape"):
        GMVAE(2, augment=RandomAffine((7, 7)), **fast).fit(X)
    with pytest.raises(ValueError, match="temperature"):
        GMVAE(2, augment=RandomAffine((8, 8)), temperature=0.0, **fast).fit(X)
    with pytest.raises(ValueError, match="pretrain_lr"):
        GMVAE(2, pretrain_lr=-1.0, **fast).fit(X)


# -- figures and demo ------------------------------------------------------------------------
def test_plots_draw_and_reject_bad_shapes(fitted, blobs):
    from scidl.plot import (
        plot_accuracy_vs_size,
        plot_clustering_scores,
        plot_component_samples,
        plot_latent_clusters,
    )

    X, y = blobs
    fig = plot_latent_clusters(fitted.transform(X), fitted.labels_, y, means=fitted.means_)
    assert len(fig.axes) == 2
    samples, comps = fitted.sample(6, random_state=0)
    assert len(plot_component_samples(samples, comps).axes) >= 1
    assert plot_accuracy_vs_size([100, 200], [0.5, 0.6]).axes[0].get_xlabel() == "training digits"
    legend = plot_accuracy_vs_size([100, 200], [0.5, 0.6], label="GMVAE, augmented").axes[0]
    assert [t.get_text() for t in legend.get_legend().get_texts()] == ["GMVAE, augmented"]
    with pytest.raises(ValueError, match="Z must have 2 columns"):
        plot_latent_clusters(X, fitted.labels_)
    with pytest.raises(ValueError, match="clusters"):
        plot_latent_clusters(fitted.transform(X), fitted.labels_[:-1])
    with pytest.raises(ValueError, match="shape"):
        plot_component_samples(samples, comps, shape=(2, 2))
    with pytest.raises(ValueError, match="same length"):
        plot_accuracy_vs_size([100, 200], [0.5])
    bars = plot_accuracy_vs_size([100, 200], [0.5, 0.6], errors=[0.02, 0.05]).axes[0]
    assert [np.ptp(seg[:, 1]) for seg in bars.collections[0].get_segments()] == pytest.approx(
        [0.04, 0.1]
    )  # each bar spans mean ± sd
    with pytest.raises(ValueError, match="one value per size"):
        plot_accuracy_vs_size([100, 200], [0.5, 0.6], errors=[0.1])
    with pytest.raises(TypeError, match="scores"):
        plot_clustering_scores([])


@pytest.mark.slow
def test_demo_quick_runs_and_reports_every_method():
    import json

    from matplotlib.figure import Figure

    from scidl.demos import run_demo

    result = run_demo("gmvae-clustering", quick=True, random_state=0)
    assert set(result.figures) == {"latent_space", "component_samples", "scores", "elbo_terms"}
    assert all(isinstance(f, Figure) for f in result.figures.values())
    json.dumps(result.metrics, allow_nan=False)
    assert all(isinstance(v, (int, float, str)) for v in result.metrics.values())
    m = result.metrics
    for key in ("kmeans_pixels", "kmeans_ae_codes", "vade", "gmvae"):
        assert 0.1 < m[f"{key}_accuracy"] <= 1.0 and 0.0 <= m[f"{key}_nmi"] <= 1.0
    assert m["kmeans_pixels_accuracy"] > 0.4  # k-means on pixels: about 50 % on this sample
    # the augmented GMVAE beats every method without augmentation, even in quick mode (0.78
    # against at most 0.55 for seed 0)
    others = ("kmeans_pixels", "kmeans_ae_codes", "vade")
    assert m["gmvae_accuracy"] > max(m[f"{k}_accuracy"] for k in others) + 0.1
    headline = ("Augmented GMVAE clustering accuracy, held-out MNIST", m["gmvae_accuracy"])
    assert result.headline == headline
