"""The chapter-8 performance targets of issue 12 in one run, each against its peer.

1. One VAE epoch on the one training loop vs an identical hand-written PyTorch loop on the
   same batches (target <= 1.10): ``benchmarks/vae_mnist.py --skip-likelihoods``.
2. One RBM CD-1 epoch vs scikit-learn's BernoulliRBM at the same size (target <= 0.5), and
   AIS with 1,000 temperatures and 100 chains on a 784 x 500 RBM (seconds):
   ``benchmarks/rbm.py``.

Run: ``python benchmarks/generative.py [--repeat 3] [--threads 1]``. The likelihood tables
(VAE vs the PyTorch example; GMVAE clustering; DBN pretraining) take minutes each and have
their own scripts: ``vae_mnist.py``, ``gmvae_clustering.py``, ``dbn_pretraining.py``.
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


if __name__ == "__main__":
    main()
