"""VAE on the binarised MNIST sample: likelihoods next to the PyTorch example, and epoch speed.

1. Test ELBO and importance-weighted log-likelihood bound (nats per digit, IWAE with
   ``--n-importance`` samples, Burda et al. 2016) for latent sizes 2, 10 and 20, for
   scidl's default ``VAE`` and for the architecture of the PyTorch VAE example
   (784-400-k MLP, ReLU, Bernoulli decoder, Adam 1e-3, batch 128, loss summed over the
   batch), written here as a plain PyTorch loop, trained in the same run on the same
   stratified 4,000 / 1,000 split for the same number of epochs. Both are evaluated by the
   same function (one reparameterised draw for the ELBO; K draws for the IWAE bound).
2. One VAE epoch in scidl (the one training loop with ``ELBOStep``) versus an identical
   hand-written PyTorch loop over the same module and the same batches: median seconds per
   epoch and the ratio (target <= 1.10).

Run: ``python benchmarks/vae_mnist.py [--epochs 30] [--n-importance 1000] [--device cpu]``.
Anchors: the PyTorch example reaches -ELBO ~ 105.6 on full MNIST (60,000 digits) after 10
epochs; the IWAE paper's one-layer VAE reaches -86.8 nats (full MNIST, 3,280 epochs).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from scidl.data import load_mnist, train_test_split_stratified
from scidl.generative import VAE, VAEModule, gaussian_kl, iwae_bound, log_bernoulli, log_normal


class ExampleVAE(nn.Module):
    """The PyTorch example's network: 784-400-(k, k) encoder, k-400-784 decoder."""

    def __init__(self, k):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = nn.Linear(784, 400), nn.Linear(400, k), nn.Linear(400, k)
        self.fc3, self.fc4 = nn.Linear(k, 400), nn.Linear(400, 784)

    def encode(self, x):
        h = F.relu(self.fc1(x))
        return self.fc21(h), self.fc22(h)

    def decode(self, z):
        return self.fc4(F.relu(self.fc3(z)))  # logits


def train_example(k, X, epochs, seed, device):
    torch.manual_seed(seed)
    net = ExampleVAE(k).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x_all = torch.as_tensor(X, device=device)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        perm = torch.randperm(len(x_all), generator=g).to(device)
        for i in range(0, len(x_all), 128):
            x = x_all[perm[i : i + 128]]
            mu, logvar = net.encode(x)
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            bce = F.binary_cross_entropy_with_logits(net.decode(z), x, reduction="sum")
            kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
            opt.zero_grad()
            (bce + kld).backward()
            opt.step()
    return net.eval()


@torch.no_grad()
def evaluate(net, X, n_importance, device, seed=0, rows=50):
    """(mean ELBO, mean IWAE bound) in nats, the same code for every model."""
    g = torch.Generator(device=device).manual_seed(seed)
    x_all = torch.as_tensor(X, device=device)
    elbos, bounds = [], []
    for i in range(0, len(x_all), rows):
        x = x_all[i : i + rows]
        mu, logvar = net.encode(x)
        eps = torch.randn(mu.shape, generator=g, device=device)
        z = mu + torch.exp(0.5 * logvar) * eps
        elbos.append(log_bernoulli(x, net.decode(z)) - gaussian_kl(mu, logvar))
        log_w = []
        block = max(1, 2**21 // (len(x) * 784))
        for s in range(0, n_importance, block):
            kb = min(block, n_importance - s)
            eps = torch.randn((kb, *mu.shape), generator=g, device=device)
            zk = (mu + torch.exp(0.5 * logvar) * eps).reshape(-1, mu.shape[1])
            xs = x.expand(kb, -1, -1).reshape(-1, 784)
            lw = (
                log_bernoulli(xs, net.decode(zk))
                + log_normal(zk, 0.0, 0.0)
                - log_normal(zk, mu.repeat(kb, 1), logvar.repeat(kb, 1))
            )
            log_w.append(lw.reshape(kb, -1))
        bounds.append(iwae_bound(torch.cat(log_w).double()))
    return float(torch.cat(elbos).double().mean()), float(torch.cat(bounds).mean())


def hand_loop_epochs(module, X, epochs, seed, device):
    """The identical update as scidl's ELBOStep, in a bare loop; seconds per epoch."""
    opt = torch.optim.Adam(module.parameters(), lr=1e-3)
    x_all = torch.as_tensor(X, device=device)
    g = torch.Generator().manual_seed(seed)
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(len(x_all), generator=g).to(device)
        shuffled = x_all.index_select(0, perm)
        for i in range(0, len(x_all), 128):
            x = shuffled[i : i + 128]
            opt.zero_grad(set_to_none=True)
            mu, logvar = module.encode(x)
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            log_px = log_bernoulli(x, module.decode(z))
            loss = (gaussian_kl(mu, logvar) - log_px).mean()
            loss.item()  # the loop's divergence check reads the loss once per batch
            loss.backward()
            opt.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--n-importance", type=int, default=1000)
    parser.add_argument("--n-test", type=int, default=1000, help="test digits for the IWAE bound")
    parser.add_argument("--latents", type=int, nargs="+", default=[2, 10, 20])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--timing-epochs", type=int, default=5)
    parser.add_argument("--skip-likelihoods", action="store_true")
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="also train scidl's VAE with 10 %% held out for early stopping (patience 10)",
    )
    parser.add_argument("--json", default=None, help="write the results to this file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    X, y = load_mnist(flatten=True, normalize=True)
    X = (X > 0.5).astype(np.float32)
    X_train, X_test, _, _ = train_test_split_stratified(X, y, test_size=1000, random_state=0)
    X_eval = X_test[: args.n_test]
    results = {"epochs": args.epochs, "n_importance": args.n_importance, "rows": []}
    print(
        f"binarised MNIST sample: {len(X_train)} train / {len(X_test)} test, {args.epochs} "
        f"epochs, IWAE K={args.n_importance} on {len(X_eval)} test digits"
    )

    if not args.skip_likelihoods:
        print(f"{'model':34} {'k':>3} {'test ELBO':>10} {'IWAE':>10} {'seconds':>8}")
        for k in args.latents:
            names = ["scidl VAE (default)", "PyTorch example 784-400-k"]
            if args.holdout:
                names.insert(1, "scidl VAE (10 % held out)")
            for name in names:
                t0 = time.perf_counter()
                if name.startswith("scidl"):
                    holdout = (
                        {} if "default" in name else {"validation_fraction": 0.1, "patience": 10}
                    )
                    est = VAE(
                        k, max_epochs=args.epochs, device=str(device), random_state=0, **holdout
                    )
                    net = est.fit(X_train).module_
                    epochs_run = est.n_epochs_
                else:
                    net = train_example(k, X_train, args.epochs, 0, device)
                    epochs_run = args.epochs
                fit_s = time.perf_counter() - t0
                elbo, _ = evaluate(net, X_test, 1, device)
                _, ll = evaluate(net, X_eval, args.n_importance, device)
                row = {"model": name, "k": k, "test_elbo": elbo, "test_iwae": ll,
                       "fit_seconds": fit_s, "epochs_run": epochs_run}  # fmt: skip
                results["rows"].append(row)
                print(f"{name:34} {k:3d} {elbo:10.2f} {ll:10.2f} {fit_s:8.1f}", flush=True)

    # -- epoch speed: scidl's loop vs a hand-written loop, same module and batches --------
    n_ep = args.timing_epochs
    est = VAE(20, hidden_sizes=(400,), max_epochs=n_ep, validation_fraction=0.0, patience=None,
              device=str(device), random_state=0)  # fmt: skip
    scidl_epochs, hand_epochs = [], []
    for rep in range(3):
        t0 = time.perf_counter()
        est.fit(X_train)
        total = time.perf_counter() - t0
        times = [r["time"] for r in est.history_]
        scidl_epochs += [b - a for a, b in zip([0.0, *times[:-1]], times)][1:]
        torch.manual_seed(rep)
        module = VAEModule(784, 20, (400,)).to(device)
        hand_epochs += hand_loop_epochs(module, X_train, n_ep, rep, device)[1:]
    s, h = statistics.median(scidl_epochs), statistics.median(hand_epochs)
    results["timing"] = {"scidl_epoch_s": s, "hand_epoch_s": h, "ratio": s / h,
                         "scidl_fit_s_per_epoch": total / n_ep}  # fmt: skip
    print(f"epoch (784-400-20, batch 128, {len(X_train)} digits, {device}): scidl {s * 1e3:.1f} ms,"
          f" hand-written {h * 1e3:.1f} ms, ratio {s / h:.3f} (target <= 1.10);"
          f" whole fit incl. setup {total / n_ep * 1e3:.1f} ms/epoch")  # fmt: skip
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    assert math.isfinite(s / h)


if __name__ == "__main__":
    main()
