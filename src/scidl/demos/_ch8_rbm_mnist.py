"""Demo "rbm-mnist": restricted Boltzmann machines on binarised MNIST digits, CD versus PCD."""

from __future__ import annotations

import time

import numpy as np

from scidl.demos._registry import DemoOutput, register

_N_TEST = 1000  # of the 5,000-image sample: a 4,000 / 1,000 split
_FULL = {
    "n_hidden": 500,  # the size of the published anchors
    "epochs": 20,
    "ais_chains": 100,
    "ais_betas": 1000,
    "gibbs_steps": 1000,
}
_QUICK = {
    "n_train": 1000,
    "n_test": 200,
    "n_hidden": 64,
    "epochs": 3,
    "ais_chains": 20,
    "ais_betas": 200,
    "gibbs_steps": 100,
}
_THRESHOLD = 0.5  # pixels in [0, 1] above it are ink (1), the rest background (0)
# Salakhutdinov & Murray (2008), full MNIST (60,000 digits), 500 hidden units, log Z by AIS
_ANCHORS = {"published CD-1 (full MNIST)": -125.53, "published CD-25 (full MNIST)": -86.34}
_COMMON = {"lr": 0.05, "momentum": 0.5, "batch_size": 64, "lr_schedule": "cosine"}


def _log_likelihoods(module, base, X_test, X_train, chains, betas, seed):
    """Mean test and train log-likelihood (nats) of an RBMModule, log Z by AIS, and its error."""
    import torch

    from scidl.generative import ais_log_partition

    log_z, stderr = ais_log_partition(
        module, n_chains=chains, n_betas=betas, base_intercept=base, random_state=seed
    )
    with torch.no_grad():
        dtype = module.weight.dtype
        f_test = module.free_energy(torch.as_tensor(X_test, dtype=dtype)).double().mean()
        f_train = module.free_energy(torch.as_tensor(X_train, dtype=dtype)).double().mean()
    return -float(f_test) - log_z, -float(f_train) - log_z, log_z, stderr


@register(
    "rbm-mnist",
    "Restricted Boltzmann machines: contrastive divergence, AIS likelihoods",
    chapter=8,
    position=3,
)
def run(*, quick=False, random_state=0):
    """Train RBMs by CD-1, CD-10 and PCD on binarised MNIST digits and compare likelihoods.

    The MNIST sample (pixels binarised at 0.5) is split 4,000 / 1,000, stratified. Three RBMs
    with 500 hidden units are trained for 20 epochs with the same optimizer settings
    (SGD, learning rate 0.05 decayed by a cosine schedule, momentum 0.5, minibatches of 64),
    by CD-1, CD-10 and persistent CD; scikit-learn's ``BernoulliRBM`` (PCD-1) gets the same
    hidden size, epochs, minibatch and learning rate. Every machine is scored with scidl's
    AIS estimate of ``log Z`` (100 chains, 1,000 inverse temperatures).

    Returns
    -------
    DemoOutput
        ``metrics`` (test and train log-likelihoods in nats, log Z and its standard error,
        seconds per fit), ``figures`` (filters, samples of long Gibbs chains, the
        log-likelihood bars, reconstruction error per epoch), ``text`` and the headline (the
        best test log-likelihood).
    """
    import torch
    from sklearn.neural_network import BernoulliRBM

    from scidl.data import load_mnist, train_test_split_stratified
    from scidl.generative import RBM, RBMModule
    from scidl.plot import plot_image_grid, plot_log_likelihoods, plot_rbm_filters, subplots

    start = time.perf_counter()
    settings = _QUICK if quick else _FULL
    X, y = load_mnist(flatten=True, normalize=True)
    X = (X > _THRESHOLD).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=_N_TEST, random_state=random_state
    )
    if quick:
        X_train, X_test = X_train[: settings["n_train"]], X_test[: settings["n_test"]]
    n_hidden, epochs = settings["n_hidden"], settings["epochs"]
    chains, betas = settings["ais_chains"], settings["ais_betas"]
    variants = {"CD-1": {"k": 1}, "CD-10": {"k": 10}, "PCD-1": {"persistent": True}}

    results, fitted, seconds = {}, {}, {}
    for name, params in variants.items():
        t0 = time.perf_counter()
        rbm = RBM(
            n_hidden,
            max_epochs=epochs,
            random_state=random_state,
            device="cpu",
            **_COMMON,
            **params,
        ).fit(X_train)
        seconds[name] = time.perf_counter() - t0
        fitted[name] = rbm
        results[name] = _log_likelihoods(
            rbm.module_, rbm.base_intercept_, X_test, X_train, chains, betas, random_state
        )

    # scikit-learn's BernoulliRBM (PCD-1, no momentum) with the same size and budget,
    # evaluated by scidl's AIS after copying its parameters into an RBMModule.
    t0 = time.perf_counter()
    sk = BernoulliRBM(
        n_components=n_hidden,
        learning_rate=_COMMON["lr"],
        batch_size=_COMMON["batch_size"],
        n_iter=epochs,
        random_state=random_state,
    ).fit(X_train)
    seconds["scikit-learn BernoulliRBM"] = time.perf_counter() - t0
    module = RBMModule(X_train.shape[1], n_hidden).double()
    with torch.no_grad():
        module.weight.copy_(torch.as_tensor(sk.components_))
        module.hidden_bias.copy_(torch.as_tensor(sk.intercept_hidden_))
        module.visible_bias.copy_(torch.as_tensor(sk.intercept_visible_))
    base = fitted["CD-1"].base_intercept_  # the same base model: the training marginals
    results["scikit-learn BernoulliRBM"] = _log_likelihoods(
        module, base, X_test, X_train, chains, betas, random_state
    )

    best = max(results, key=lambda n: results[n][0])
    shown = fitted[best] if best in fitted else fitted["PCD-1"]
    shown_name = best if best in fitted else "PCD-1"
    samples = shown.sample(
        20, n_steps=settings["gibbs_steps"], random_state=random_state, mean=True
    )
    history_fig, ax = subplots(figsize=(5.5, 3.8))
    for name, rbm in fitted.items():
        ax.plot(rbm.history_["epoch"], rbm.history_["train_loss"], marker="o", ms=3, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("squared reconstruction error per digit")
    ax.set_title("One Gibbs sweep from the data: a monitor, not the objective")
    ax.legend()
    figures = {
        "filters": plot_rbm_filters(
            shown, n_filters=64, title=f"{shown_name}: filters of 64 hidden units"
        ),
        "gibbs_samples": plot_image_grid(
            samples,
            ncols=10,
            title=f"{shown_name}: {settings['gibbs_steps']} Gibbs sweeps from noise (E[v|h])",
        ),
        "log_likelihoods": plot_log_likelihoods(
            {n: r[0] for n, r in results.items()},
            {n: r[3] for n, r in results.items()},
            anchors=None if quick else _ANCHORS,
        ),
        "reconstruction_error": history_fig,
    }
    metrics = {
        "test_log_likelihood": {n: r[0] for n, r in results.items()},
        "train_log_likelihood": {n: r[1] for n, r in results.items()},
        "log_z": {n: r[2] for n, r in results.items()},
        "log_z_stderr": {n: r[3] for n, r in results.items()},
        "fit_seconds": seconds,
        "anchors_full_mnist": dict(_ANCHORS),
        "binarisation_threshold": _THRESHOLD,
        "n_hidden": int(n_hidden),
        "max_epochs": int(epochs),
        "ais_chains": int(chains),
        "ais_betas": int(betas),
        "n_train": int(len(X_train)),
        "n_test": int(len(X_test)),
        "seconds": time.perf_counter() - start,
    }
    lls = ", ".join(f"{n} {r[0]:.1f}" for n, r in results.items())
    text = (
        "A restricted Boltzmann machine models binary images with hidden binary features; its "
        "likelihood needs the partition function Z, estimated here by annealed importance "
        f"sampling. Test log-likelihoods in nats per digit (pixels binarised at {_THRESHOLD}): "
        f"{lls} (AIS standard errors "
        f"{min(r[3] for r in results.values()):.2f}-{max(r[3] for r in results.values()):.2f}). "
        "Longer negative chains (CD-k with larger k) and persistent chains (PCD) follow the "
        "likelihood gradient more faithfully than CD-1; the published results on full MNIST "
        "(500 hidden units) are CD-1 -125.5 and CD-25 -86.3 nats. This sample has 4,000 "
        "training digits and a budget of 20 epochs, so the numbers are not comparable one to "
        "one: fewer data overfit (compare the train log-likelihoods in the metrics) and a short "
        "budget leaves every method short of convergence. The filters (the couplings of single "
        "hidden units) show strokes and parts of digits; long Gibbs chains from noise give "
        "digit-like samples."
    )
    if quick:
        text += (
            f" (Quick mode: {len(X_train)} training digits, {n_hidden} hidden units, {epochs} "
            "epochs and a short AIS run; the numbers are not converged.)"
        )
    headline = (f"best test log-likelihood, nats ({best})", results[best][0])
    return DemoOutput(metrics, figures, text, headline)
