"""GAN and DCGAN epochs in scidl versus identical hand-written PyTorch loops (target <= 1.10).

scidl trains through the one training loop with ``GANStep`` (two Adam optimizers, betas
(0.5, 0.999)); the peer is a bare PyTorch loop over the same module class, the same batches
(one permutation per epoch, contiguous slices) and the same update: ``z ~ N(0, I)``, ``G(z)``
once, a discriminator step on the non-saturating loss with ``G(z)`` detached, then a
generator step against the updated discriminator, reading both losses once per batch (as the
loop's divergence guard does). Median seconds per epoch over interleaved repeats (the first
epoch of each fit is dropped) and the ratio scidl / hand-written, against two peers: the
hand-written loop with PyTorch's default Adam (what the PyTorch examples write) and with
``fused=True`` (the kernel scidl's loop picks where PyTorch has one), so the loop's own
overhead is visible apart from the optimizer kernel.

1. GAN (MLP 2-128-128-2, pack 2) on 10,000 points of the 8-Gaussian ring, batch 64.
2. DCGAN (channels 64, 32; 28 x 28) on ``--n-digits`` MNIST digits, batch 64.

Run: ``python benchmarks/gan.py [--repeat 3] [--epochs 4] [--threads 1] [--device cpu]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from scidl.data import load_mnist, make_ring_mixture
from scidl.generative import (
    DCGAN,
    GAN,
    DCGANModule,
    GANModule,
    discriminator_loss,
    generator_loss,
)


def hand_loop_epochs(module, X, epochs, batch_size, lr, seed, device, fused=False):
    """The update of GANStep in a bare loop (default or fused Adam); seconds per epoch."""
    adam = dict(lr=lr, betas=(0.5, 0.999), fused=fused or None)
    opt_d = torch.optim.Adam(module.discriminator.parameters(), **adam)
    opt_g = torch.optim.Adam(module.generator.parameters(), **adam)
    x_all = torch.as_tensor(X, device=device)
    g = torch.Generator().manual_seed(seed)
    pack, k = module.pack, module.n_components
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(len(x_all), generator=g).to(device)
        shuffled = x_all.index_select(0, perm)
        for i in range(0, len(x_all), batch_size):
            x = shuffled[i : i + batch_size]
            x = x[: len(x) - len(x) % pack]
            fake = module.generate(torch.randn(len(x), k, device=device))
            opt_d.zero_grad(set_to_none=True)
            d_loss = discriminator_loss(module.discriminate(x), module.discriminate(fake.detach()))
            d_loss.item()
            d_loss.backward()
            opt_d.step()
            opt_g.zero_grad(set_to_none=True)
            g_loss = generator_loss(module.discriminate(fake))
            g_loss.item()
            g_loss.backward()
            opt_g.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return times


def compare(name, make_estimator, make_module, X, args, device):
    est = make_estimator()
    scidl_epochs, hand_epochs, fused_epochs = [], [], []
    for rep in range(args.repeat):
        est.set_params(random_state=rep).fit(X)
        times = [r["time"] for r in est.history_]
        scidl_epochs += [b - a for a, b in zip([0.0, *times[:-1]], times)][1:]
        for fused, out in ((False, hand_epochs), (True, fused_epochs)):
            torch.manual_seed(rep)
            module = make_module().to(device)
            out += hand_loop_epochs(
                module, X, args.epochs, est.batch_size, est.lr, rep, device, fused=fused
            )[1:]
    s, h, hf = (statistics.median(t) for t in (scidl_epochs, hand_epochs, fused_epochs))
    print(
        f"{name}: scidl {s * 1e3:.1f} ms/epoch, hand-written {h * 1e3:.1f} ms/epoch (default "
        f"Adam), {hf * 1e3:.1f} ms/epoch (fused Adam); ratios {s / h:.3f} and {s / hf:.3f} "
        "(target <= 1.10)",
        flush=True,
    )
    return s / h, s / hf


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--n-digits", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--only", choices=["gan", "dcgan"], default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    common = dict(max_epochs=args.epochs, lr_schedule=None, device=str(device))
    if args.only in (None, "gan"):
        X, _ = make_ring_mixture(10_000, random_state=0)
        X = X.astype(np.float32)
        compare(
            "GAN (MLP 128-128, pack 2, 10,000 ring points, batch 64)",
            lambda: GAN(pack=2, **common),
            lambda: GANModule(2, 8, (128, 128), pack=2),
            X,
            args,
            device,
        )
    if args.only in (None, "dcgan"):
        images, _ = load_mnist(flatten=True, normalize=True)
        images = np.ascontiguousarray(images[: args.n_digits], dtype=np.float32)
        compare(
            f"DCGAN (channels 64-32, {len(images)} MNIST digits, batch 64)",
            lambda: DCGAN(**common),
            lambda: DCGANModule((28, 28), 64, (64, 32)),
            images,
            args,
            device,
        )


if __name__ == "__main__":
    main()
