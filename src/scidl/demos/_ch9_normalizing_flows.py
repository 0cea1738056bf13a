"""Demo "normalizing-flows": RealNVP on two moons, exact likelihood and latent space."""

from __future__ import annotations

import time

import numpy as np

from scidl.demos._registry import DemoOutput, register

# The published RealNVP example (Keras, "Density estimation using Real NVP"): 3,000 moons
# with noise 0.05, standardised, 20% held out; it reports NLL ~1.26 train / ~1.30 validation.
_ANCHOR = {"train": 1.26, "valid": 1.30}
_FULL = {"n": 3000, "epochs": 300}
_QUICK = {"n": 500, "epochs": 4}


@register("normalizing-flows", "Normalizing flows: RealNVP", chapter=9, position=2)
def run(*, quick=False, random_state=0):
    """Fit a RealNVP flow to two moons; report the exact held-out NLL per point.

    3,000 points of two moons (noise 0.05) are split 80/20; the NLL is reported in nats per
    point of the standardised data (the published example's units: ``NLL - sum log std``),
    next to the published 1.26 (train) and 1.30 (validation).

    Returns
    -------
    DemoOutput
        ``metrics`` (train and held-out NLL, inversion error), ``figures`` (density,
        data / latent / samples, learning curve), ``text`` and the headline (held-out NLL).
    """
    from scidl.data import make_moons
    from scidl.generative import RealNVP
    from scidl.plot import plot_flow_density, plot_flow_latent, plot_history

    start = time.perf_counter()
    s = _QUICK if quick else _FULL
    X, y = make_moons(s["n"], noise=0.05, random_state=random_state)
    perm = np.random.default_rng(random_state).permutation(len(X))
    n_train = int(0.8 * len(X))
    tr, va = perm[:n_train], perm[n_train:]
    flow = RealNVP(
        n_layers=10,
        hidden_sizes=(64, 64),
        activation="tanh",
        lr=2e-3,
        weight_decay=1e-4,
        clip_grad_norm=5.0,
        batch_size=256,
        max_epochs=s["epochs"],
        lr_schedule="cosine",
        validation_fraction=0.0,
        patience=None,
        random_state=random_state,
    ).fit(X[tr])
    # NLL of the standardised data: -log p(x) - sum log std (the Jacobian of the scaling)
    shift = float(np.log(X[tr].std(axis=0)).sum())
    nll_train = -flow.score(X[tr]) - shift
    nll_valid = -flow.score(X[va]) - shift
    per_point = -flow.score_samples(X[va]) - shift
    roundtrip = float(np.abs(flow.inverse_transform(flow.transform(X[va])) - X[va]).max())
    cov = np.cov(((X[tr] - X[tr].mean(0)) / X[tr].std(0)).T)
    gauss = float(0.5 * np.log(np.linalg.det(2 * np.pi * np.e * cov)))
    metrics = {
        "nll_train": nll_train,
        "nll_valid": nll_valid,
        "nll_valid_median": float(np.median(per_point)),
        "nll_gaussian": gauss,
        "anchor_train": _ANCHOR["train"],
        "anchor_valid": _ANCHOR["valid"],
        "inversion_error_max": roundtrip,
        "n_train": int(len(tr)),
        "n_valid": int(len(va)),
        "epochs": int(flow.n_epochs_),
        "seconds": time.perf_counter() - start,
    }
    figures = {
        "density": plot_flow_density(flow, X[va], title="RealNVP density, held-out points"),
        "latent": plot_flow_latent(flow, X[va], y[va], random_state=random_state),
        "learning_curve": plot_history(flow.history_),
    }
    text = (
        "A normalizing flow maps a standard normal z to data by an invertible map x = f(z); "
        "the change of variables log p(x) = log N(f^-1(x)) + log |det df^-1/dx| makes the "
        "likelihood exact. RealNVP's affine coupling layers keep half of the coordinates and "
        "scale and shift the other half by functions of the kept half, so the Jacobian is "
        "triangular and the inverse is explicit. On two moons (noise 0.05, "
        f"{len(tr)} training and {len(va)} held-out points) ten coupling layers reach "
        f"{nll_train:.3f} nats per point on the training data and {nll_valid:.3f} held out "
        f"(standardised units; median {metrics['nll_valid_median']:.3f}), against "
        f"{_ANCHOR['train']} / {_ANCHOR['valid']} for the published RealNVP example and "
        f"{gauss:.2f} for the best single Gaussian. The mean is pulled up by a few held-out "
        "points in the thin tails, where the flow's density falls off too fast. The inverse "
        f"reproduces the data to {roundtrip:.1e}; the latent codes of the two moons fill the "
        "unit Gaussian."
    )
    if quick:
        text += f" (Quick mode: {s['n']} points, {s['epochs']} epochs; not converged.)"
    headline = ("held-out NLL, two moons (nats/point)", nll_valid)
    return DemoOutput(metrics, figures, text, headline)
