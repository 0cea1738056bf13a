"""Small RBMs with random parameters and all binary states: shared by the RBM and AIS tests."""

from __future__ import annotations

import itertools

import torch

from scidl.generative import RBMModule


def random_rbm(n_visible, n_hidden, *, visible="bernoulli", scale=1.0, seed=0):
    """A float64 RBMModule with N(0, scale^2) weights and N(0, 1) biases."""
    torch.manual_seed(seed)
    rbm = RBMModule(n_visible, n_hidden, visible=visible).double()
    with torch.no_grad():
        rbm.weight.normal_(0.0, scale)
        rbm.hidden_bias.normal_(0.0, 1.0)
        rbm.visible_bias.normal_(0.0, 1.0)
    return rbm


def all_states(n):
    """Every binary vector of length n, as the rows of a float64 tensor."""
    return torch.tensor(list(itertools.product([0.0, 1.0], repeat=n)), dtype=torch.float64)
