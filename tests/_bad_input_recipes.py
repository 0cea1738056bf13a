"""Valid calls of scidl's public functions, for the bad-input probe (tests/test_bad_input.py).

For each public function that takes array arguments, the probe needs one valid call: the
standard good array for the probed argument (``good_argument``, or ``GOOD_ARRAYS`` where a
function needs another one) and, in ``RECIPES``, the other arguments. A new public function
whose valid call cannot be built from its array arguments alone needs a recipe here.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import numpy as np
import torch


def good_argument(name):
    rng = np.random.default_rng(0)
    if name in ("dtraj", "dtrajs"):
        return np.tile([0, 0, 1, 1, 2, 1, 0, 2], 5)
    if name == "images":
        return rng.random((6, 8, 8))
    return rng.normal(size=(40, 2))


def _labels(n=40):
    return np.arange(n) % 2


@functools.cache
def _tmpdir():
    return Path(tempfile.mkdtemp(prefix="scidl-bad-input-"))


@functools.cache
def _recorder():
    """A boundary recorder filled by a short real fit on the standard (40, 2) X."""
    from scidl.nn import MLPClassifier
    from scidl.plot import boundary_recorder

    X = good_argument("X")
    rec = boundary_recorder(X, every=2, resolution=10)
    MLPClassifier((4,), max_epochs=1, batch_size=16, callbacks=[rec], random_state=0).fit(
        X, _labels()
    )
    return rec


def _msm():
    from scidl.kinetics import MarkovStateModel

    return MarkovStateModel(lagtime=1).fit(good_argument("dtrajs"))


def _mlp_module():
    from scidl.nn import MLP

    return MLP(2, 2, (3,))


@functools.cache
def _flow():
    """A RealNVP fitted (one short epoch) on the standard (40, 2) X."""
    from scidl.generative import RealNVP

    return RealNVP(n_layers=2, hidden_sizes=(4,), max_epochs=1, random_state=0).fit(
        good_argument("X")
    )


def _vamp():
    from scidl.kinetics import VAMP

    return VAMP(lagtime=1, n_components=1)


def _logistic():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression().fit(good_argument("X"), _labels())


def _poly_regression():
    from scidl.linear import PolynomialFeatures, make_feature_regression

    return make_feature_regression(PolynomialFeatures())


# A valid call of each public function with array arguments: ``{argument: value}`` for the
# arguments other than the probed one (which gets the standard good value of _good_argument,
# then each bad array). A callable builds its values when the case runs. A function whose
# valid call cannot be built from its array arguments alone must have a recipe here.
RECIPES: dict[str, object] = {
    "scidl.active.expected_model_change": lambda: {
        "committee_predictions": np.random.default_rng(0).normal(size=(3, 40))
    },
    "scidl.active.select_batch": lambda: {
        "utility": np.linspace(0.0, 1.0, 40),
        "batch_size": 3,
        "diversity": 0.5,
    },
    "scidl.autodiff.numerical_gradient": lambda: {"f": lambda x: float((x**2).sum())},
    "scidl.data.train_test_split_stratified": lambda: {"y": _labels()},
    "scidl.generative.compare_pretraining": lambda: {
        "y": _labels(),
        "X_test": good_argument("X"),
        "y_test": _labels(),
        "n_labels": (10,),
        "n_seeds": 1,
        "hidden_sizes": (3,),
        "dbn_params": {"max_epochs": 1},
        "n_steps": 2,
    },
    "scidl.generative.log_bernoulli": lambda: {"logits": torch.zeros(40, 2)},
    "scidl.generative.log_normal": lambda: {"mu": torch.zeros(40, 2), "logvar": torch.zeros(40, 2)},
    "scidl.kinetics.ck_test": lambda: {"msm": _msm(), "mlags": 2},
    "scidl.kinetics.count_transitions": lambda: {"lagtime": 1},
    "scidl.kinetics.implied_timescales": lambda: {"lagtimes": [1, 2], "n_timescales": 1},
    "scidl.kinetics.vamp_cross_validate": lambda: {
        "estimator": _vamp(),
        "n_splits": 2,
    },
    "scidl.linear.novikoff_bound": lambda: {"y": _labels(), "direction": [1.0, 0.0, 0.0]},
    "scidl.model_selection.complexity_curve": lambda: {
        "estimator": _poly_regression(),
        "y": np.linspace(0, 1, 40),
        "param_name": "features__degree",
        "param_range": [1, 2],
        "cv": 2,
    },
    "scidl.model_selection.learning_curve_errors": lambda: {
        "estimator": _poly_regression(),
        "y": np.linspace(0, 1, 40),
        "train_sizes": (0.5, 1.0),
        "cv": 2,
    },
    "scidl.nn.filters.apply_filter": lambda: {"kernels": np.ones((3, 3)) / 9},
    "scidl.nn.hidden_activations": lambda: {"estimator_or_module": _mlp_module()},
    "scidl.nn.top_activating": lambda: {"estimator_or_module": _mlp_module(), "n_top": 2},
    "scidl.numerics.derivative": lambda: {"name": "tanh"},
    "scidl.plot.plot_boundary_snapshots": lambda: {
        "recorder": _recorder(),
        "y": _labels(),
        "n_panels": 2,
    },
    "scidl.plot.plot_decision_boundary": lambda: {
        "estimator": _logistic(),
        "y": _labels(),
        "resolution": 10,
    },
    "scidl.plot.plot_filter_effects": lambda: {"kernels": {"box": np.ones((3, 3)) / 9}},
    "scidl.plot.plot_flow_density": lambda: {"flow": _flow(), "resolution": 8},
    "scidl.plot.plot_flow_latent": lambda: {"flow": _flow(), "n_samples": 10},
    "scidl.plot.plot_queried_samples": lambda: {"labeled": np.arange(5), "n_initial": 2},
    "scidl.plot.plot_regression_1d": lambda: {
        "estimator_or_predict": lambda X: X[:, 0],
        "y": np.linspace(0, 1, 40),
    },
    "scidl.plot.plot_top_activating": lambda: {
        "estimator_or_module": _mlp_module(),
        "units": [0],
        "n_top": 2,
        "shape": (1, 2),
    },
    "scidl.plot.save_boundary_animation": lambda: {
        "recorder": _recorder(),
        "y": _labels(),
        "path": _tmpdir() / "boundary.gif",
        "max_frames": 2,
    },
    "scidl.training.train": lambda: {
        "module": torch.nn.Linear(2, 2),
        "loss_fn": lambda out, target: ((out - target) ** 2).mean(),
        "max_epochs": 1,
        "batch_size": 16,
        "verbose": 0,
    },
}


def recipe(qualified) -> dict:
    recipe = RECIPES.get(qualified, {})
    return dict(recipe() if callable(recipe) else recipe)


# The valid value of a probed array argument where the standard one (_good_argument) is not
# valid for the function; the bad arrays are made from it.
GOOD_ARRAYS: dict[tuple[str, str], object] = {
    ("scidl.nn.random_affine", "x"): torch.rand(2, 1, 8, 8),
    ("scidl.plot.plot_regression_1d", "X"): np.linspace(0.0, 1.0, 40)[:, None],
    # torch building blocks take tensors: their bad arrays are tensors too (strings stay NumPy)
    ("scidl.training.train", "data"): torch.as_tensor(good_argument("data"), dtype=torch.float32),
    ("scidl.generative.log_bernoulli", "x"): torch.zeros(40, 2),
    ("scidl.generative.log_normal", "x"): torch.zeros(40, 2),
    ("scidl.generative.double_well_energy", "x"): torch.zeros(40, 2),
    ("scidl.generative.harmonic_energy", "x"): torch.zeros(40, 2),
    ("scidl.generative.wasserstein_1d", "X"): np.linspace(0.0, 1.0, 40),
    ("scidl.generative.wasserstein_1d", "Y"): np.linspace(0.5, 2.0, 30),
}
