"""Demo "char-rnn": character-level language models of text and of molecules (SMILES)."""

from __future__ import annotations

import codecs
import contextlib
import io
import time

import numpy as np

from scidl.demos._registry import DemoOutput, register

_FULL = {
    "n_train": 30_000, "epochs": 3, "hidden": (256,), "n_samples": 2000, "text_epochs": 150,
    "n_test": 2000,
}  # fmt: skip
_QUICK = {
    "n_train": 1500, "epochs": 1, "hidden": (64,), "n_samples": 100, "text_epochs": 3,
    "n_test": 200,
}  # fmt: skip
_TEMPERATURES = (0.5, 1.0, 1.5)


def _zen_of_python():
    """The Zen of Python (CPython's ``this`` module, ROT13 in the source), one line per string."""
    with contextlib.redirect_stdout(io.StringIO()):  # importing ``this`` prints it
        import this
    return [line for line in codecs.decode(this.s, "rot13").splitlines() if line.strip()]


@register("char-rnn", "Character-level RNNs: text and molecules", chapter=10, position=2)
def run(*, quick=False, random_state=0):
    """Train CharRNN language models on the Zen of Python and on MOSES SMILES.

    A character-level LSTM learns ``p(next character | prefix)``. On the 19
    aphorisms of the Zen of Python it memorises and recombines phrases; on
    drug-like molecules of the MOSES training split (SMILES tokens) it learns
    the grammar of SMILES (balanced rings and branches, valences), measured by
    the MOSES metrics of its samples: validity, uniqueness, novelty.

    Returns
    -------
    DemoOutput
        ``metrics`` (validity, unique fraction, novelty and internal diversity of
        the samples at each temperature, test negative log-likelihood per token),
        ``figures`` (generated text and SMILES by temperature, molecules drawn with
        RDKit, property histograms, the training loss), ``text`` and the headline
        (validity at temperature 1).
    """
    from scidl.data import load_moses_smiles
    from scidl.plot import (
        plot_generated_text,
        plot_history,
        plot_molecule_grid,
        plot_property_histograms,
    )
    from scidl.sequence import CharRNN, molecular_properties, moses_metrics, tokenize_smiles
    from scidl.utils import torch_threads

    settings = _QUICK if quick else _FULL
    start = time.perf_counter()
    metrics = {}
    with torch_threads(1):  # a small LSTM: one thread wastes least on a shared machine
        zen = _zen_of_python()
        text_model = CharRNN(
            (128,), embedding_dim=16, lr=5e-3, batch_size=19, max_epochs=settings["text_epochs"],
            random_state=random_state, device="cpu",
        ).fit(zen)  # fmt: skip
        text_samples = {
            f"T = {t}": list(text_model.sample(4, temperature=t, random_state=random_state))
            for t in (0.5, 1.0)
        }
        metrics["zen_nll_per_char"] = float(
            -text_model.log_likelihood(zen).sum() / sum(len(s) + 1 for s in zen)
        )

        train = load_moses_smiles("train", n=settings["n_train"], random_state=random_state)
        test = load_moses_smiles("test", n=settings["n_test"], random_state=random_state)
        model = CharRNN(
            settings["hidden"], tokenizer="smiles", lr=3e-3, batch_size=64,
            max_epochs=settings["epochs"], random_state=random_state, device="cpu",
        ).fit(train)  # fmt: skip
        ll = model.log_likelihood(test)
        n_tokens = sum(len(tokenize_smiles(s)) + 1 for s in test)
        metrics["test_nll_per_token"] = float(-ll.sum() / n_tokens)
        samples = {}
        for t in _TEMPERATURES:
            samples[t] = list(
                model.sample(settings["n_samples"], temperature=t, random_state=random_state)
            )
            m = moses_metrics(samples[t], train=train, ks=(1000,))
            for key in ("valid", "unique@1000", "novelty", "IntDiv1"):
                # IntDiv needs a valid molecule: None ("not reached") when there is none
                metrics[f"{key}_T{t}"] = None if np.isnan(m[key]) else m[key]
    metrics.update(
        n_train=len(train), epochs=int(model.n_epochs_), seconds=time.perf_counter() - start
    )
    shown = samples[1.0][:15]
    figures = {
        "generated_text": plot_generated_text(
            {
                **{f"Zen of Python, {k}": v for k, v in text_samples.items()},
                **{f"SMILES, T = {t}": samples[t][:5] for t in _TEMPERATURES},
            },
            title="Samples of character-level LSTMs",
        ),
        "molecules": plot_molecule_grid(shown, n_cols=5, title="CharRNN samples (T = 1)"),
        "properties": plot_property_histograms(
            molecular_properties(samples[1.0]),
            molecular_properties(test),
            labels=("CharRNN samples", "MOSES test"),
        ),  # fmt: skip
        "training_loss": plot_history(model.history_),
    }
    v1 = metrics["valid_T1.0"]
    text = (
        "A character-level LSTM predicts the next character from the prefix and generates by "
        "feeding its own draws back, from softmax(logits / T). On the Zen of Python it reaches "
        f"{metrics['zen_nll_per_char']:.2f} nats per character and recombines its phrases. "
        f"Trained on {len(train):,} MOSES molecules ({model.n_epochs_} epochs on one CPU "
        f"thread), {v1:.0%} of its samples at T = 1 are valid molecules (RDKit), "
        f"{metrics['valid_T0.5']:.0%} at T = 0.5 and {metrics['valid_T1.5']:.0%} at T = 1.5: "
        "a lower temperature trades diversity for validity. The MOSES CharRNN (three "
        "768-unit LSTM layers, 1.6 million molecules, a GPU) reaches 0.96; "
        "benchmarks/molecules.py measures the CPU learning curve."
    )
    if quick:
        text += " (Quick mode: a tiny model for seconds; numbers are not converged.)"
    return DemoOutput(metrics, figures, text, ("validity of samples, T = 1", v1))
