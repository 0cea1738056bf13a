"""The chapter-8 performance targets of issue 12 in one run, each against its peer.

1. One VAE epoch on the one training loop vs an identical hand-written PyTorch loop on the
   same batches (target <= 1.10): ``benchmarks/vae_mnist.py --skip-likelihoods``.
2. One RBM CD-1 epoch vs scikit-learn's BernoulliRBM at the same size (target <= 0.5), and
   AIS with 1,000 temperatures and 100 chains on a 784 x 500 RBM (seconds):
   ``benchmarks/rbm.py``.
3. One GAN epoch and one DCGAN epoch (issue 13) vs identical hand-written PyTorch loops on the
   same batches (target <= 1.10): ``benchmarks/gan.py``.
4. One RealNVP epoch (issue 13, chapter 9) vs an identical hand-written PyTorch loop on the
   same data (target <= 1.10): ``benchmarks/flows.py`` (``--nll`` adds the two-moons
   likelihood table; the Boltzmann generator has ``boltzmann_generator.py``).

Run: ``python benchmarks/generative.py [--repeat 3] [--threads 1]``. The likelihood tables
(VAE vs the PyTorch example; GMVAE clustering; DBN pretraining) take minutes each and have
their own scripts: ``vae_mnist.py``, ``gmvae_clustering.py``, ``dbn_pretraining.py``; so do
the GAN quality tables: ``gan_mode_coverage.py`` and ``dcgan_mnist.py``.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(script, argv):
    print(f"\n=== {script} {' '.join(argv)} ===", flush=True)
    saved = sys.argv
    sys.argv = [str(HERE / script), *argv]
    try:
        runpy.run_path(str(HERE / script), run_name="__main__")
    finally:
        sys.argv = saved


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per RBM measurement")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    threads = ["--threads", str(args.threads)]
    _run("vae_mnist.py", ["--skip-likelihoods", *threads])
    _run("rbm.py", ["--repeat", str(args.repeat), *threads])
    _run("gan.py", ["--repeat", str(args.repeat), *threads])
    _run("flows.py", ["--repeat", str(args.repeat), *threads])


if __name__ == "__main__":
    main()
