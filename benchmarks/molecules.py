"""Molecule generation on the MOSES SMILES within a CPU time budget, against the MOSES anchors.

Trains scidl's :class:`~scidl.sequence.CharRNN` and :class:`~scidl.sequence.SMILESVAE` on a
random subset of the MOSES training split for ``--minutes`` of training each, records the
learning curve (validity of 1,000 samples against training time, sampling time excluded),
then samples ``--n-samples`` molecules and computes the MOSES metrics with scidl
(validity, unique@1k/10k, novelty against the full training split, IntDiv, and Wasserstein
distances of logP, QED and weight to a 10,000-molecule test subset).

Anchors (MOSES, full data on a GPU, as quoted in issue 14): CharRNN validity 0.960,
unique@10k 0.999; VAE validity 0.953, unique@10k 0.999. Targets on 2 CPU cores within 20
minutes: CharRNN validity >= 0.90, VAE validity >= 0.80, unique@10k >= 0.99 and novelty
>= 0.8 for both.

On a machine shared with other jobs, ``--clock cpu --threads 1`` measures the budget in
CPU seconds of this process (what an idle core would take).

The SMILES VAE's KL weight is ``--vae-beta 0.5`` by default: with the ELBO's weight 1 its
posterior collapsed on this data (KL 0.1 nats per molecule after 4 minutes), which makes it
a plain language model; at 0.5 the code keeps about 5 nats.

Run: ``python benchmarks/molecules.py --minutes 20`` (both models, 2 threads), or e.g.
``--model charrnn --minutes 10 --threads 1 --json out.json``.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
import torch

from scidl.data import load_moses_smiles
from scidl.sequence import CharRNN, moses_metrics, validity
from scidl.training import Callback

ANCHORS = {"charrnn": {"valid": 0.960, "unique@10k": 0.999}, "vae": {"valid": 0.953,
           "unique@10k": 0.999}}  # fmt: skip
TARGETS = {"charrnn": 0.90, "vae": 0.80}


class TimeBudget(Callback):
    """Validity of fresh samples every ``every`` s of training; stop after ``budget`` s.

    Sampling time is excluded from the training clock. Training ends mid-epoch through the
    loop's interrupt path, which keeps the weights (a KeyboardInterrupt is how a user stops a
    long fit, too).
    """

    def __init__(self, estimator, budget, every, n_eval=1000, clock=time.perf_counter):
        self.estimator, self.budget, self.every, self.n_eval = estimator, budget, every, n_eval
        self.clock = clock
        self.curve = []  # (training seconds, epoch, step, validity)
        self.kl = None  # the VAE's KL term (nats per molecule) on the latest batch

    def on_train_begin(self, state):
        self.train_time, self.mark, self.next_eval = 0.0, self.clock(), self.every

    def _evaluate(self, state):
        module = state.module
        smiles = self.estimator.sample(self.n_eval, random_state=len(self.curve))
        module.train()
        v = validity(list(smiles))
        self.curve.append((round(self.train_time, 1), state.epoch, state.global_step, v))
        kl = "" if self.kl is None else f" KL {self.kl:.1f} nats"
        print(f"  t={self.train_time:7.1f}s epoch {state.epoch} step {state.global_step:6d} "
              f"validity {v:.3f}{kl}  e.g. {smiles[0]}", flush=True)  # fmt: skip

    def on_batch_end(self, state, outputs):
        now = self.clock()
        if "kl" in outputs:  # a collapsed posterior (KL ~ 0) would make the VAE a plain LM
            self.kl = float(outputs["kl"])
        self.train_time += now - self.mark
        if self.train_time >= self.next_eval or self.train_time >= self.budget:
            self._evaluate(state)
            self.next_eval += self.every
        self.mark = self.clock()
        if self.train_time >= self.budget:
            raise KeyboardInterrupt  # the loop keeps the weights and the history


def make_model(name, random_state, vae_beta=1.0):
    if name == "charrnn":
        return CharRNN((256, 256), tokenizer="smiles", lr=2e-3, batch_size=128, max_epochs=1000,
                       random_state=random_state, device="cpu")  # fmt: skip
    from scidl.sequence import SMILESVAE

    return SMILESVAE(64, hidden_sizes=(256, 256), lr=2e-3, batch_size=128, max_epochs=1000,
                     beta=vae_beta, random_state=random_state, device="cpu")  # fmt: skip


def run(name, args, train_all, test):
    rng = np.random.default_rng(args.seed)
    X = train_all[rng.choice(len(train_all), size=args.n_train, replace=False)]
    est = make_model(name, args.seed, args.vae_beta)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    budget = TimeBudget(est, args.minutes * 60, args.eval_every, clock=clock)
    est.set_params(callbacks=[budget])
    print(f"\n=== {name}: {args.minutes} min on {args.n_train} molecules, "
          f"{torch.get_num_threads()} threads ===\n{est}", flush=True)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "training interrupted": the budget
        est.fit(X)
    t0 = time.perf_counter()
    smiles = list(est.sample(args.n_samples, random_state=args.seed))
    t_sample = time.perf_counter() - t0
    metrics = moses_metrics(smiles, train=train_all, test=test)
    metrics.update(train_seconds=budget.train_time, sample_seconds=t_sample,
                   epochs=est.n_epochs_, curve=budget.curve, last_batch_kl=budget.kl)  # fmt: skip
    anchor = ANCHORS[name]
    print(f"{name}: " + ", ".join(f"{k}={v:.4f}" for k, v in metrics.items()
                                   if isinstance(v, float)))  # fmt: skip
    print(f"{name}: validity {metrics['valid']:.3f} (target >= {TARGETS[name]}, MOSES GPU "
          f"anchor {anchor['valid']}); unique@10k {metrics['unique@10000']:.4f} (anchor "
          f"{anchor['unique@10k']}); novelty {metrics['novelty']:.3f}", flush=True)  # fmt: skip
    return metrics


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=["charrnn", "vae", "both"], default="both")
    parser.add_argument("--minutes", type=float, default=20.0, help="training time per model")
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--n-train", type=int, default=250_000, help="training molecules")
    parser.add_argument("--n-samples", type=int, default=30_000, help="MOSES samples 30,000")
    parser.add_argument("--eval-every", type=float, default=60.0, help="seconds between points")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--vae-beta",
        type=float,
        default=0.5,
        help="KL weight per molecule of the SMILES VAE (1: the ELBO; MOSES's VAE ends at "
        "0.05 per token, about 1.9 per molecule). At 1 the posterior collapsed here (KL 0.1 "
        "nats: a plain language model); 0.5 keeps about 5 nats in the code",
    )
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="training clock: wall time, or this process's CPU time (for a shared machine)",
    )
    parser.add_argument("--json", default=None, help="write the metrics here")
    parser.add_argument("--figure", default=None, help="save the learning curves (PNG) here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train_all = load_moses_smiles("train")
    test = load_moses_smiles("test", n=10_000, random_state=args.seed)
    names = ["charrnn", "vae"] if args.model == "both" else [args.model]
    results = {name: run(name, args, train_all, test) for name in names}
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    if args.figure:
        from scidl.plot import plot_validity_curve

        curves = {
            {"charrnn": "CharRNN", "vae": "SMILES VAE"}[name]: (
                [p[0] for p in r["curve"]],
                [p[3] for p in r["curve"]],
            )
            for name, r in results.items()
        }
        anchors = {f"MOSES {k} (GPU)": ANCHORS[k]["valid"] for k in results}
        plot_validity_curve(curves, anchors=anchors).savefig(args.figure, dpi=120)


if __name__ == "__main__":
    main()
