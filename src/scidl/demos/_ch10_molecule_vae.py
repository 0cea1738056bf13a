"""Demo "molecule-vae": a variational autoencoder of SMILES: samples, decoding, interpolation."""

from __future__ import annotations

import time

from scidl.demos._registry import DemoOutput, register

_FULL = {
    "n_train": 16_000, "epochs": 3, "hidden": (256,), "n_components": 32, "n_samples": 1000,
    "n_test": 1000,
}  # fmt: skip
# A KL weight below 1 (a beta-VAE) keeps information in the code on a small training set; at
# beta = 1 the posterior collapses onto the prior (KL ~ 0.1 nats) and every code decodes alike.
_BETA = 0.2
_QUICK = {
    "n_train": 1000, "epochs": 1, "hidden": (64,), "n_components": 8, "n_samples": 100,
    "n_test": 200,
}  # fmt: skip


@register("molecule-vae", "A variational autoencoder of molecules (SMILES)", chapter=10,
          position=3)  # fmt: skip
def run(*, quick=False, random_state=0):
    """Fit a SMILES VAE to MOSES molecules; sample, reconstruct and interpolate.

    A bidirectional GRU encodes a SMILES string into ``q(z|x)``; a GRU decoder
    reads ``z`` and generates the string token by token. Training maximises the
    ELBO of chapter 8. The demo reports the MOSES metrics of molecules decoded
    from the prior, how many test molecules are reconstructed exactly from
    their codes, and decodes the straight line between two test molecules.

    Returns
    -------
    DemoOutput
        ``metrics`` (validity, uniqueness, novelty, internal diversity of prior
        samples, exact reconstructions of test molecules, ELBO terms),
        ``figures`` (prior samples and an interpolation drawn with RDKit, property
        histograms, ELBO terms per epoch), ``text`` and the headline (validity of
        prior samples).
    """
    import numpy as np

    from scidl.data import load_moses_smiles
    from scidl.plot import plot_elbo_terms, plot_molecule_grid, plot_property_histograms
    from scidl.sequence import (
        SMILESVAE,
        canonical_smiles,
        molecular_properties,
        moses_metrics,
        tokenize_smiles,
    )
    from scidl.utils import torch_threads

    settings = _QUICK if quick else _FULL
    start = time.perf_counter()
    train = load_moses_smiles("train", n=settings["n_train"], random_state=random_state)
    test = load_moses_smiles("test", n=settings["n_test"], random_state=random_state)
    with torch_threads(1):  # a small GRU: one thread wastes least on a shared machine
        vae = SMILESVAE(
            settings["n_components"], hidden_sizes=settings["hidden"], beta=_BETA, lr=3e-3,
            batch_size=64,
            max_epochs=settings["epochs"], random_state=random_state, device="cpu",
        )  # fmt: skip
        # the VAE reads only tokens it has seen: keep test molecules made of training tokens
        vae.fit(train)
        known = set(vae.tokens_)
        test = [s for s in test if set(tokenize_smiles(s)) <= known]
        samples = list(vae.sample(settings["n_samples"], random_state=random_state))
        m = moses_metrics(samples, train=train, ks=(1000,))
        recon = vae.reconstruct(test[:200])
        path = list(vae.interpolate(test[0], test[1], n_steps=6))
        elbo = vae.score(test[:200])
    last = vae.history_[-1]
    metrics = {
        "valid": m["valid"],
        "unique@1000": m["unique@1000"],
        "novelty": m["novelty"],
        "IntDiv1": None if np.isnan(m["IntDiv1"]) else m["IntDiv1"],  # None: no valid sample
        "reconstructed_exactly": float(np.mean(np.asarray(recon) == np.asarray(test[:200]))),
        "reconstructed_same_molecule": float(
            np.mean(
                [
                    a is not None and a == b
                    for a, b in zip(canonical_smiles(list(recon)), test[:200])
                ]
            )
        ),  # fmt: skip
        "test_elbo": elbo,
        "train_recon": last["train_recon"],
        "train_kl": last["train_kl"],
        "n_train": len(train),
        "epochs": int(vae.n_epochs_),
        "seconds": time.perf_counter() - start,
    }
    valid = [s for s, c in zip(samples, canonical_smiles(samples)) if c is not None]
    figures = {
        "samples": plot_molecule_grid(
            (valid or samples)[:10], n_cols=5, title="Valid molecules decoded from z ~ N(0, I)"
        ),
        "interpolation": plot_molecule_grid(
            path, n_cols=6, title="Decoding the line between two test molecules"
        ),
        "properties": plot_property_histograms(
            molecular_properties(samples),
            molecular_properties(test),
            labels=("VAE samples", "MOSES test"),
        ),  # fmt: skip
        "elbo_terms": plot_elbo_terms(vae),
    }
    text = (
        "The molecule VAE (Gomez-Bombarelli et al. 2018) encodes a SMILES string with a "
        "bidirectional GRU into a Gaussian posterior q(z|x) and decodes it with a GRU that "
        "reads z at every step; training uses the ELBO step of chapter 8 with a KL weight "
        f"beta = {_BETA} (a beta-VAE), which keeps {metrics['train_kl']:.1f} nats of "
        "information per molecule in the code (at beta = 1 the posterior collapses onto the "
        "prior on a training set this small, and every code decodes to similar strings). "
        f"After {vae.n_epochs_} epochs on {len(train):,} MOSES molecules (one CPU thread), "
        f"{m['valid']:.0%} of the strings decoded from the prior are valid molecules, "
        f"{m['unique@1000']:.0%} of them distinct and {m['novelty']:.0%} new; "
        f"{metrics['reconstructed_exactly']:.0%} of test molecules come back exactly from "
        "their codes. The interpolation decodes evenly spaced points between the codes of two "
        "test molecules. MOSES's VAE (full data, a GPU) reaches validity 0.95; "
        "benchmarks/molecules.py measures the CPU learning curve."
    )
    if quick:
        text += " (Quick mode: a tiny model for seconds; numbers are not converged.)"
    return DemoOutput(metrics, figures, text, ("validity of prior samples", m["valid"]))
