"""Demo "vae-mnist": a variational autoencoder on the binarised MNIST sample."""

from __future__ import annotations

import time

import numpy as np

from scidl.demos._registry import DemoOutput, register

_N_TEST = 1000  # of the 5,000-image sample: a 4,000 / 1,000 split, stratified
_FULL = {"epochs": 30, "n_iwae": 200, "n_importance": 1000}
_QUICK = {"n_train": 1000, "n_test": 300, "epochs": 3, "n_iwae": 50, "n_importance": 50}
_LATENT = (2, 20)  # a 2-D code to look at, and the 20 of the PyTorch example


def _one_per_digit(y, offset=0):
    return np.array([np.flatnonzero(y == d)[offset] for d in range(10)])


@register("vae-mnist", "Variational autoencoders on MNIST digits", chapter=8, position=1)
def run(*, quick=False, random_state=0):
    """Fit VAEs with 2 and 20 latent dimensions to binarised MNIST digits.

    The 5,000-digit sample is binarised at 0.5 and split 4,000 / 1,000
    (stratified). Each VAE (encoder 784-512-256, Bernoulli decoder mirrored)
    maximises the ELBO; the test ELBO and the importance-weighted bound on the
    log-likelihood (Burda et al. 2016) are reported in nats per digit.

    Returns
    -------
    DemoOutput
        ``metrics`` (test ELBO and IWAE bound per latent size, its terms),
        ``figures`` (2-D latent codes, decoded manifold, interpolations,
        samples, reconstructions, ELBO terms per epoch), ``text`` and the
        headline (the test log-likelihood bound of the 20-dimensional VAE).
    """
    from scidl.data import load_mnist, train_test_split_stratified
    from scidl.generative import VAE
    from scidl.plot import (
        plot_elbo_terms,
        plot_image_grid,
        plot_vae_interpolations,
        plot_vae_latent,
        plot_vae_manifold,
        plot_vae_reconstructions,
    )

    start = time.perf_counter()
    X, y = load_mnist(flatten=True, normalize=True)
    X = (X > 0.5).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=_N_TEST, random_state=random_state
    )
    settings = dict(_FULL)
    if quick:
        settings = dict(_QUICK)
        X_train, y_train = X_train[: _QUICK["n_train"]], y_train[: _QUICK["n_train"]]
        X_test, y_test = X_test[: _QUICK["n_test"]], y_test[: _QUICK["n_test"]]
    models, metrics = {}, {}
    for k in _LATENT:
        vae = VAE(k, max_epochs=settings["epochs"], random_state=random_state).fit(X_train)
        models[k] = vae
        last = vae.history_[-1]
        elbo = vae.score(X_test)
        ll = vae.log_likelihood(
            X_test[: settings["n_iwae"]], settings["n_importance"], random_state=random_state
        ).mean()
        metrics[f"test_elbo_k{k}"] = elbo
        metrics[f"test_log_likelihood_k{k}"] = float(ll)
        metrics[f"test_elbo_same_digits_k{k}"] = vae.score(X_test[: settings["n_iwae"]])
        metrics[f"train_recon_k{k}"] = last["train_recon"]
        metrics[f"train_kl_k{k}"] = last["train_kl"]
        metrics[f"epochs_k{k}"] = int(vae.n_epochs_)
    metrics.update(
        n_train=int(len(X_train)),
        n_test=int(len(X_test)),
        n_importance=settings["n_importance"],
        n_iwae_digits=settings["n_iwae"],
        seconds=time.perf_counter() - start,
    )
    small, big = models[2], models[20]
    idx = _one_per_digit(y_test)
    pairs_a = _one_per_digit(y_test)[[0, 1, 3, 4, 7]]
    pairs_b = _one_per_digit(y_test)[[6, 7, 8, 9, 1]]
    figures = {
        "latent_2d": plot_vae_latent(small.transform(X_test), y_test),
        "manifold": plot_vae_manifold(small, n=15),
        "interpolations": plot_vae_interpolations(big, X_test[pairs_a], X_test[pairs_b]),
        "samples": plot_image_grid(
            big.sample(30, random_state=random_state), title="Samples E[x | z], z ~ N(0, I), k=20"
        ),
        "reconstructions": plot_vae_reconstructions(X_test[idx], big.reconstruct(X_test[idx])),
        "elbo_terms": plot_elbo_terms(big),
    }
    text = (
        "A variational autoencoder learns an encoder q(z|x) and a decoder p(x|z) by maximising "
        "the evidence lower bound ELBO = E_q[log p(x|z)] - KL(q(z|x) || N(0, I)), a lower bound "
        "on the log-likelihood log p(x); the reparameterisation z = mu + sigma * eps makes the "
        "sampled code differentiable. On the binarised MNIST sample "
        f"({len(X_train)} training digits) the test ELBO is {metrics['test_elbo_k2']:.1f} nats "
        f"with a 2-D code and {metrics['test_elbo_k20']:.1f} nats with 20 dimensions; importance "
        f"sampling with {settings['n_importance']} samples tightens the bound to "
        f"{metrics['test_log_likelihood_k20']:.1f} nats (k=20, on {settings['n_iwae']} test "
        "digits). These are far from the -86.8 nats of a one-layer VAE on full MNIST "
        "(Burda et al. 2016): 4,000 training digits instead of 60,000, and minutes of "
        "training instead of thousands of epochs. The 2-D code arranges the digits in "
        "overlapping regions of the prior; the decoded grid shows the smooth manifold of "
        "digit shapes the decoder has learned."
    )
    if quick:
        text += f" (Quick mode: {settings['epochs']} epochs; numbers are not converged.)"
    headline = ("test log-likelihood bound, k=20 (nats)", metrics["test_log_likelihood_k20"])
    return DemoOutput(metrics, figures, text, headline)
