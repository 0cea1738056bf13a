"""GANs: known answers for the losses, the step, the estimators and the coverage metrics."""

import copy
import math

import numpy as np
import pytest
import scipy.linalg
import torch

import scidl
from scidl.data import grid_modes, ring_modes
from scidl.generative import (
    DCGAN,
    GAN,
    DCGANModule,
    GANModule,
    GANStep,
    discriminator_loss,
    frechet_distance,
    generator_loss,
    gradient_penalty,
    mode_coverage,
)
from scidl.training import train


# -- losses ------------------------------------------------------------------------
def test_discriminator_loss_is_log4_at_equilibrium():
    # D = 1/2 everywhere (logit 0): -log(1/2) - log(1/2) = log 4, for any batch sizes
    loss = discriminator_loss(torch.zeros(7), torch.zeros(3))
    assert loss.item() == pytest.approx(math.log(4), rel=1e-7)


def test_optimal_discriminator_on_two_gaussians():
    # p_data = N(0, 1), p_g = N(1, 1): D*(x) = p_data / (p_data + p_g) = sigmoid(1/2 - x),
    # linear in x, so a logistic discriminator trained on the loss must find w = -1, b = 1/2.
    gen = torch.Generator().manual_seed(0)
    real = torch.randn(20_000, 1, generator=gen, dtype=torch.float64)
    fake = 1.0 + torch.randn(20_000, 1, generator=gen, dtype=torch.float64)
    d = torch.nn.Linear(1, 1).double()
    opt = torch.optim.LBFGS(d.parameters(), max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = discriminator_loss(d(real)[:, 0], d(fake)[:, 0])
        loss.backward()
        return loss

    opt.step(closure)
    assert d.weight.item() == pytest.approx(-1.0, abs=0.05)
    assert d.bias.item() == pytest.approx(0.5, abs=0.05)


@pytest.mark.parametrize("s", [0.0, 0.1, 0.3])
def test_label_smoothing_moves_the_optimum_to_one_minus_s(s):
    # the smoothed real term (1-s) softplus(-l) + s softplus(l) is minimal at sigmoid(l) = 1-s
    logit = torch.tensor([math.log((1 - s) / s) if s else 30.0], requires_grad=True)
    loss = discriminator_loss(logit, torch.full((1,), -30.0), label_smoothing=s)
    (grad,) = torch.autograd.grad(loss, logit)
    assert abs(grad.item()) < 1e-6


def test_generator_losses_have_the_textbook_gradients():
    scores = torch.linspace(-6, 6, 13, dtype=torch.float64, requires_grad=True)
    n = len(scores)
    # d/dl [-log sigmoid(l)] = -(1 - sigmoid(l)); d/dl [log(1 - sigmoid(l))] = -sigmoid(l)
    expected = {
        "non-saturating": -(1 - torch.sigmoid(scores)) / n,
        "minimax": -torch.sigmoid(scores) / n,
        "wgan-gp": torch.full((n,), -1.0 / n, dtype=torch.float64),
    }
    for loss, grad_expected in expected.items():
        (grad,) = torch.autograd.grad(generator_loss(scores, loss=loss), scores)
        torch.testing.assert_close(grad, grad_expected.detach())
    # the saturation: with a confident discriminator the minimax gradient vanishes
    assert expected["minimax"][0].abs() < 1e-2 * expected["non-saturating"][0].abs()


def test_wgan_critic_loss_is_the_difference_of_means():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([0.5, 0.5, 2.0])
    assert discriminator_loss(real, fake, loss="wgan-gp").item() == pytest.approx(1.0 - 2.0)


@pytest.mark.parametrize("scale, expected", [(1.0, 0.0), (2.0, 1.0), (0.5, 0.25)])
def test_gradient_penalty_of_a_linear_critic(scale, expected):
    # f(x) = scale * u.x with |u| = 1 has |grad f| = scale everywhere: penalty (scale - 1)^2
    critic = torch.nn.Linear(3, 1)
    with torch.no_grad():
        critic.weight.copy_(scale * torch.tensor([[2.0, -1.0, 2.0]]) / 3.0)
    gen = torch.Generator().manual_seed(0)
    real, fake = torch.randn(16, 3, generator=gen), torch.randn(16, 3, generator=gen)
    assert gradient_penalty(critic, real, fake).item() == pytest.approx(expected, abs=1e-6)


def test_loss_names_are_checked():
    with pytest.raises(ValueError, match="loss"):
        generator_loss(torch.zeros(2), loss="hinge")
    with pytest.raises(ValueError, match="real and fake"):
        gradient_penalty(torch.nn.Linear(2, 1), torch.zeros(3, 2), torch.zeros(4, 2))


# -- modules and step ----------------------------------------------------------------
def test_packing_concatenates_consecutive_rows():
    net = GANModule(2, 3, (5,), pack=3)
    x = torch.randn(6, 2)
    expected = net.discriminator(torch.cat([x[:3].reshape(1, 6), x[3:].reshape(1, 6)]))[:, 0]
    torch.testing.assert_close(net.discriminate(x), expected)
    with pytest.raises(ValueError, match="multiple of pack"):
        net.discriminate(x[:4])


def test_dcgan_module_shapes_and_packing():
    net = DCGANModule((5, 7), 4, (6, 3), pack=2, output="identity")
    x = net(torch.randn(4, 4))
    assert x.shape == (4, 35)
    images = x.reshape(2, 2, 5, 7)  # two packs of two images, stacked as channels
    torch.testing.assert_close(net.discriminate(x), net.discriminator(images)[:, 0])
    assert (torch.sigmoid(x) > 0).all()
    assert DCGANModule((28, 28), 4, (4, 2))(torch.zeros(3, 4)).shape == (3, 784)


def test_n_critic_skips_generator_updates():
    torch.manual_seed(0)
    net = GANModule(2, 2, (4,))
    before = copy.deepcopy(dict(net.named_parameters()))
    x = torch.randn(64, 2)
    # 2 batches: global steps 1 and 2 update only the critic when n_critic = 3
    train(net, (x,), step=GANStep(n_critic=3), batch_size=32, max_epochs=1, verbose=0)
    after = dict(net.named_parameters())
    for name in before:
        same = torch.equal(before[name], after[name])
        assert same == name.startswith("generator"), name


def test_step_reports_losses_and_scores():
    torch.manual_seed(0)
    history = train(
        GANModule(2, 2, (8,)),
        (torch.randn(64, 2),),
        step=GANStep(),
        verbose=0,
        validation_data=(torch.randn(32, 2),),
        max_epochs=1,
    )
    row = history[-1]
    assert 0 < row["train_d_real"] < 1 and 0 < row["train_d_fake"] < 1
    assert {"valid_loss", "valid_g_loss"} <= set(row)


# -- estimators ----------------------------------------------------------------------
def test_gan_learns_a_1d_gaussian():
    X = np.random.default_rng(0).normal(3.0, 0.5, size=(4096, 1))
    gan = GAN(2, hidden_sizes=(32, 32), batch_size=256, max_epochs=60, random_state=0).fit(X)
    s = gan.sample(4000, random_state=1)[:, 0]
    assert s.mean() == pytest.approx(3.0, abs=0.1)
    assert s.std() == pytest.approx(0.5, abs=0.1)


def test_wgan_gp_critic_finds_the_penalised_wasserstein_distance():
    # Real N(3, s^2), fake N(10, s^2): W1 = 7 with the potential f(x) = -x. A linear critic
    # f(x) = a x maximises 7 |a| - lam (|a| - 1)^2 (its gradient norm is |a| everywhere), so
    # |a| = 1 + 7 / (2 lam) and the critic's estimate is 7 |a| = 9.45 for lam = 10.
    torch.manual_seed(0)
    critic = torch.nn.Linear(1, 1)
    opt = torch.optim.Adam(critic.parameters(), lr=0.05)
    for _ in range(400):
        real, fake = 3 + 0.5 * torch.randn(512, 1), 10 + 0.5 * torch.randn(512, 1)
        w = discriminator_loss(critic(real)[:, 0], critic(fake)[:, 0], loss="wgan-gp")
        loss = w + 10.0 * gradient_penalty(critic, real, fake)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert critic.weight.item() == pytest.approx(-1.35, abs=0.02)


def test_wgan_gp_estimator_trains_the_critic():
    X = np.random.default_rng(0).normal(3.0, 0.5, size=(512, 1))
    gan = GAN(
        2,
        hidden_sizes=(16,),
        loss="wgan-gp",
        n_critic=5,
        pack=1,
        standardize=False,
        batch_size=32,
        max_epochs=3,
        random_state=0,
    ).fit(X)
    # the critic separates data (mean 3) from the young generator's samples (near 0)
    assert gan.history_[-1]["train_d_real"] > gan.history_[-1]["train_d_fake"]
    assert gan.discriminate(X).mean() > gan.discriminate(gan.sample(512, random_state=0)).mean()


def test_fixed_seed_reproduces_the_fit():
    X = np.random.default_rng(0).normal(size=(300, 2))
    a = GAN(2, hidden_sizes=(8,), max_epochs=3, random_state=5).fit(X)
    b = GAN(2, hidden_sizes=(8,), max_epochs=3, random_state=5).fit(X)
    c = GAN(2, hidden_sizes=(8,), max_epochs=3, random_state=6).fit(X)
    np.testing.assert_array_equal(a.sample(10, random_state=0), b.sample(10, random_state=0))
    assert not np.array_equal(a.sample(10, random_state=0), c.sample(10, random_state=0))
    np.testing.assert_array_equal(a.discriminate(X), b.discriminate(X))


def test_interpolate_is_the_generator_on_a_line():
    X = np.random.default_rng(0).normal(size=(200, 3))
    gan = GAN(4, hidden_sizes=(8,), max_epochs=2, random_state=0).fit(X)
    start, end = np.zeros(4), np.ones(4)
    path = gan.interpolate(3, start=start, end=end)
    np.testing.assert_allclose(path, gan.generate(np.array([start, end / 2, end])), atol=1e-6)
    with pytest.raises(ValueError, match="start"):
        gan.interpolate(3, start=np.zeros(5))
    with pytest.raises(ValueError, match="n_steps"):
        gan.interpolate(1)
    with pytest.raises(ValueError, match="n_components"):
        gan.generate(np.zeros((2, 3)))


def test_discriminate_scores_each_row_alone():
    X = np.random.default_rng(0).normal(size=(50, 2))
    gan = GAN(2, hidden_sizes=(8,), pack=3, max_epochs=2, random_state=0).fit(X)
    np.testing.assert_allclose(gan.discriminate(X[7:8]), gan.discriminate(X)[7:8], rtol=1e-6)


def test_dcgan_reads_images_and_picks_its_output():
    rng = np.random.default_rng(0)
    pixels = rng.random((40, 36))
    gan = DCGAN(4, channels=(4, 2), max_epochs=1, random_state=0).fit(pixels)
    assert gan.image_shape_ == (6, 6) and gan.output_activation_ == "sigmoid"
    s = gan.sample(5, random_state=0)
    assert s.shape == (5, 36) and s.min() >= 0 and s.max() <= 1
    real = DCGAN(4, channels=(4,), image_shape=(4, 9), max_epochs=1, random_state=0)
    real.fit(rng.normal(size=(40, 36)))
    assert real.image_shape_ == (4, 9) and real.output_activation_ == "identity"
    strip = DCGAN(4, channels=(4,), max_epochs=1, random_state=0).fit(pixels[:, :5])
    assert strip.image_shape_ == (1, 5)
    with pytest.raises(ValueError, match="image_shape"):
        DCGAN(channels=(4,), image_shape=(5, 5), max_epochs=1).fit(pixels)


def test_save_and_load_keep_the_generator(tmp_path):
    X = np.random.default_rng(0).normal(size=(100, 2))
    gan = GAN(2, hidden_sizes=(8,), max_epochs=2, random_state=0).fit(X)
    gan.save(tmp_path / "gan")
    loaded = scidl.load(tmp_path / "gan")
    np.testing.assert_array_equal(loaded.sample(5, random_state=0), gan.sample(5, random_state=0))
    np.testing.assert_array_equal(loaded.discriminate(X), gan.discriminate(X))


def test_betas_are_checked():
    with pytest.raises(ValueError, match="betas"):
        GAN(betas=(0.5, 1.5), max_epochs=1).fit(np.zeros((10, 2)))


# -- metrics -------------------------------------------------------------------------
def test_mode_coverage_on_hand_made_samples():
    modes, sigma = ring_modes(), 0.01
    perfect = np.repeat(modes, 10, axis=0)
    r = mode_coverage(perfect, modes, sigma)
    assert (r.n_covered, r.n_modes, r.high_quality, r.reverse_kl) == (8, 8, 1.0, 0.0)
    collapsed = np.repeat(modes[:1], 50, axis=0)
    r = mode_coverage(collapsed, modes, sigma)
    assert r.n_covered == 1 and r.reverse_kl == pytest.approx(math.log(8))
    # 2.9 sigma from a mode is high quality, 3.1 sigma is not
    near = modes[[0, 1]] + np.array([[2.9 * sigma, 0.0], [0.0, 3.1 * sigma]])
    r = mode_coverage(near, modes, sigma)
    assert r.n_covered == 1 and r.high_quality == 0.5
    np.testing.assert_array_equal(r.counts, [1, 0, 0, 0, 0, 0, 0, 0])
    # two of four grid modes, one sample each, plus two samples between modes
    g = grid_modes()
    r = mode_coverage(np.vstack([g[[3, 17]], [[1.0, 1.0], [0.0, 1.0]]]), g, 0.05)
    assert r.n_covered == 2 and r.high_quality == 0.5
    assert r.reverse_kl == pytest.approx(math.log(25 / 2))
    r = mode_coverage(np.full((3, 2), 9.0), g, 0.05)
    assert r.n_covered == 0 and math.isnan(r.reverse_kl)


def test_mode_coverage_checks_its_arguments():
    with pytest.raises(ValueError, match="columns"):
        mode_coverage(np.zeros((3, 3)), ring_modes(), 0.01)
    with pytest.raises(ValueError, match="sigma"):
        mode_coverage(np.zeros((3, 2)), ring_modes(), 0.0)
    with pytest.raises(TypeError, match="n_sigma"):
        mode_coverage(np.zeros((3, 2)), ring_modes(), 0.01, n_sigma="3")


def _exact_moments(rng, n, mean, cov):
    """Samples whose sample mean and covariance (n - 1) are exactly ``mean`` and ``cov``."""
    z = rng.standard_normal((n, len(mean)))
    z -= z.mean(0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.atleast_2d(np.cov(z, rowvar=False)))).T
    return z @ np.linalg.cholesky(cov).T + mean


def test_frechet_distance_matches_the_closed_form():
    rng = np.random.default_rng(0)
    m1, m2 = np.array([0.0, 1.0, -1.0]), np.array([2.0, 0.0, 0.5])
    a1, a2 = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    c1, c2 = a1 @ a1.T + 0.1 * np.eye(3), a2 @ a2.T + 0.1 * np.eye(3)  # not commuting
    x1, x2 = _exact_moments(rng, 500, m1, c1), _exact_moments(rng, 700, m2, c2)
    cross = scipy.linalg.sqrtm(c1 @ c2).real
    expected = np.sum((m1 - m2) ** 2) + np.trace(c1 + c2 - 2 * cross)
    assert frechet_distance(x1, x2) == pytest.approx(expected, rel=1e-9)
    assert frechet_distance(x2, x1) == pytest.approx(expected, rel=1e-9)
    # one dimension: (m1 - m2)^2 + (s1 - s2)^2
    y1 = _exact_moments(rng, 100, np.array([1.0]), np.array([[4.0]]))
    y2 = _exact_moments(rng, 100, np.array([-1.0]), np.array([[9.0]]))
    assert frechet_distance(y1, y2) == pytest.approx(4.0 + 1.0, rel=1e-9)


def test_frechet_distance_invariances():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(300, 4)), rng.normal(1.0, 2.0, size=(200, 4))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)
    d = frechet_distance(a, b)
    assert frechet_distance(a[rng.permutation(300)], b[rng.permutation(200)]) == pytest.approx(d)
    q = np.linalg.qr(rng.normal(size=(4, 4)))[0]  # a rotation of the feature space
    assert frechet_distance(a @ q, b @ q) == pytest.approx(d)
    with pytest.raises(ValueError, match="columns"):
        frechet_distance(a, b[:, :3])


def test_standardize_puts_the_data_units_in_the_module():
    X = np.random.default_rng(0).normal([100.0, -5.0], [10.0, 0.1], size=(400, 2))
    gan = GAN(2, hidden_sizes=(8,), max_epochs=1, random_state=0).fit(X)
    np.testing.assert_allclose(gan.module_.loc.numpy(), X.mean(0), rtol=1e-6)
    np.testing.assert_allclose(gan.module_.scale.numpy(), X.std(0), rtol=1e-6)
    # the generator works in standard units: G(z) = loc + scale * generator(z)
    z = torch.randn(5, 2)
    with torch.no_grad():
        u = gan.module_.generator(z).double().numpy()
    np.testing.assert_allclose(gan.generate(z.numpy()), X.mean(0) + X.std(0) * u, rtol=1e-5)
    raw = GAN(2, hidden_sizes=(8,), standardize=False, max_epochs=1, random_state=0).fit(X)
    assert raw.module_.loc.abs().max() == 0 and (raw.module_.scale == 1).all()
