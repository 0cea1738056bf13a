"""SMILESVAE: the ELBO identity by quadrature, autoencoding, decoding and interpolation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import scidl
from scidl.generative import ELBOStep, gaussian_kl
from scidl.sequence import SMILESVAE, SequenceELBOStep
from scidl.utils import torch_threads

MOLECULES = ["CCO", "c1ccccc1", "CCCl", "OCC(=O)N"]


@pytest.fixture(autouse=True)
def one_thread():
    with torch_threads(1):  # tiny networks: more threads only add overhead
        yield


@pytest.fixture(scope="module")
def fitted():
    with torch_threads(1):
        return SMILESVAE(
            2, hidden_sizes=(32,), encoder_size=16, beta=0.1, kl_warmup=5, max_epochs=40,
            lr=0.01, batch_size=16, random_state=0, device="cpu",
        ).fit(MOLECULES * 4)  # fmt: skip


def test_elbo_identity_by_quadrature():
    """log p(x) - ELBO(x) = KL(q(z|x) || p(z|x)) >= 0, all by quadrature over a 1-D latent."""
    vae = SMILESVAE(1, hidden_sizes=(8,), encoder_size=4, max_epochs=3, random_state=0,
                    dtype="float64", device="cpu").fit(MOLECULES * 2)  # fmt: skip
    module = vae.module_
    ids = torch.as_tensor(vae.vocabulary_.encode(["CCCl"])[0])
    z = torch.linspace(-10, 10, 2001, dtype=torch.float64)[:, None]
    dz = float(z[1, 0] - z[0, 0])
    with torch.no_grad():
        log_lik = module.log_likelihood(ids.expand(len(z), -1), z)  # log p(x|z)
        mu, logvar = module.encode(ids)
    log_prior = -0.5 * z[:, 0] ** 2 - 0.5 * math.log(2 * math.pi)
    log_joint = log_lik + log_prior
    log_px = float(torch.logsumexp(log_joint, 0)) + math.log(dz)
    log_q = -0.5 * (z[:, 0] - mu) ** 2 / logvar.exp() - 0.5 * (math.log(2 * math.pi) + logvar)
    q = log_q.squeeze().exp() * dz
    elbo = float((q * log_lik).sum() - gaussian_kl(mu, logvar)[0])
    log_posterior = log_joint - log_px
    kl_q_posterior = float((q * (log_q.squeeze() - log_posterior)).sum())
    assert elbo < log_px
    assert log_px - elbo == pytest.approx(kl_q_posterior, abs=1e-6)


def test_autoencodes_its_training_molecules(fitted):
    np.testing.assert_array_equal(fitted.reconstruct(MOLECULES), MOLECULES)
    Z = fitted.transform(MOLECULES)
    assert Z.shape == (4, 2) and Z.dtype == np.float64
    np.testing.assert_array_equal(fitted.inverse_transform(Z), MOLECULES)
    np.testing.assert_array_equal(fitted.decode(Z, temperature=0.0), MOLECULES)


def test_the_step_is_the_vae_chapters(fitted):
    assert issubclass(SequenceELBOStep, ELBOStep)
    weights = [row["train_kl_weight"] for row in fitted.history_]
    np.testing.assert_allclose(weights[:6], [0.02, 0.04, 0.06, 0.08, 0.1, 0.1], rtol=1e-6)
    last = fitted.history_[-1]
    assert last["train_loss"] == pytest.approx(
        last["train_recon"] + 0.1 * last["train_kl"], rel=1e-5
    )


def test_interpolation_runs_from_start_to_end(fitted):
    path = fitted.interpolate("CCO", "c1ccccc1", n_steps=5)
    assert path.shape == (5,)
    assert (path[0], path[-1]) == ("CCO", "c1ccccc1")
    slerp = fitted.interpolate("CCO", "c1ccccc1", n_steps=3, spherical=True)
    assert (slerp[0], slerp[-1]) == ("CCO", "c1ccccc1")
    with pytest.raises(ValueError, match="n_steps"):
        fitted.interpolate("CCO", "CCCl", n_steps=1)
    with pytest.raises(TypeError, match="start"):
        fitted.interpolate(["CCO"], "CCCl")


def test_sampling_is_seeded_and_mostly_training_molecules(fitted):
    a = fitted.sample(200, random_state=0)
    np.testing.assert_array_equal(a, fitted.sample(200, random_state=0))
    assert list(a) != list(fitted.sample(200, random_state=1))
    # four molecules learnt well: most prior samples decode to one of them
    assert np.isin(a, MOLECULES).mean() > 0.5


def test_save_load_and_bad_codes(tmp_path, fitted):
    path = tmp_path / "vae.pt"
    fitted.save(path)
    loaded = scidl.load(path)
    np.testing.assert_array_equal(loaded.transform(MOLECULES), fitted.transform(MOLECULES))
    with pytest.raises(ValueError, match="n_components"):
        fitted.decode(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"\bX\b"):
        fitted.inverse_transform(np.full((1, 2), np.nan))
    with pytest.raises(ValueError, match=r"\bX\b.*not seen"):
        fitted.transform(["CCBr"])


def test_molecule_vae_demo_quick():
    from scidl.demos import run_demo

    result = run_demo("molecule-vae", quick=True, random_state=0)
    assert set(result.figures) == {"samples", "interpolation", "properties", "elbo_terms"}
    m = result.metrics
    assert 0 <= m["valid"] <= 1 and 0 <= m["reconstructed_exactly"] <= 1
    assert m["train_kl"] >= 0 and m["test_elbo"] < 0
    assert result.headline == ("validity of prior samples", m["valid"])
