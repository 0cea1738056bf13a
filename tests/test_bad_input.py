"""Bad input at every public boundary ends in a clear error, found automatically.

Every public estimator (a ``sklearn.base.BaseEstimator`` subclass defined in scidl and listed
in a public ``__all__``; discovery is shared with the other API-wide tests in
tests/_public_api.py) and every public function with array arguments is probed:

- estimators: ``fit`` with NaN, +inf, -inf, empty, 1-D, 3-D (where 2-D is expected),
  string/object data, and ``X``/``y`` of different lengths;
- the fitted estimator's ``predict``, ``predict_proba``, ``transform``, ``inverse_transform``
  and ``score`` (where present) with NaN, +inf, the wrong number of features, 1-D, empty and
  string data;
- EVERY ``__init__`` parameter set to True, a string, -1, 0 and NaN. A value must raise
  ValueError/TypeError naming the hyperparameter, or be a documented acceptance listed in
  ``ACCEPTED`` with its reason (``random_state=0`` is a seed). The class's own
  ``_parameter_constraints`` does NOT decide what is valid, so a too-permissive table shows up
  here; the table is only held to its word (a value it rejects must be rejected by ``fit``);
- time-series estimators (a ``lagtime`` hyperparameter): lag times equal to and beyond the
  trajectory length;
- discrete-trajectory estimators (an ``n_states`` hyperparameter: MarkovStateModel,
  TransitionCounts): negative, fractional and huge (10**9) state labels. Huge labels run in a
  subprocess under a 4 GiB address-space cap and a time limit, so an allocation in the
  label's size fails the case instead of the machine; an accepted huge label must give the
  observed states ``[0, 1, 10**9]`` and a 3 x 3 count matrix;
- public functions whose parameters are array-like by name (X, x, data, trajs, dtrajs,
  images, ...): each array argument in turn gets the bad arrays, in a valid call built from
  the function's recipe in ``RECIPES`` (the other arguments). A function that cannot be called
  without a recipe FAILS (add the recipe), it is never skipped.

Every case must end in ValueError/TypeError whose message names the argument, or in a
documented correct result listed in ``ALLOWED``/``ACCEPTED`` with its reason: never another
exception, MemoryError, a hang, or a silently accepted bad value.

``python tests/test_bad_input.py`` prints the table case kind x outcome.
"""

from __future__ import annotations

import collections
import functools
import inspect
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import is_classifier, is_regressor

import _public_api as api  # tests/ is on pytest's pythonpath (pyproject)
from _bad_input_recipes import GOOD_ARRAYS, RECIPES, good_argument, recipe  # valid calls
from scidl.utils import parameter_constraints

NOT_PROBED = {
    "scidl.base.NeuralEstimator": "base class; its concrete subclasses are probed",
    "scidl.nn.RandomAffine": "a hyperparameter object with no fit or predict; its bad input "
    "(shapes, ranges) is tested in tests/nn/test_augment.py",
}

# Documented correct results for (qualified name, case kind), with the reason. Filled below,
# after discovery, for rules that hold for a whole family of estimators.
ALLOWED: dict[tuple[str, str], str] = {}
THREE_D_TRAJECTORIES = (
    "time-series estimators read a 3-D array as a stack of trajectories (trajectories, "
    "frames, features), as scidl.kinetics documents"
)

FAST = {
    "max_epochs": 2,
    "hidden_sizes": (4,),
    "channels": (2,),
    "batch_size": 16,
    "random_state": 0,
    "lagtime": 1,
    "n_clusters": 2,
    "n_centers": 3,
}

OBJECTS = api.public_objects(modules=False)
ESTIMATORS = {q: o for q, o in api.public_estimator_classes().items() if q not in NOT_PROBED}
for _q, _cls in ESTIMATORS.items():
    if "lagtime" in inspect.signature(_cls).parameters:
        ALLOWED[(_q, "3-D (2-D expected)")] = THREE_D_TRAJECTORIES
for _q in (
    "scidl.sequence.LinearAutoregressive",
    "scidl.sequence.RNNForecaster",
    "scidl.sequence.WaveNet",
):
    ALLOWED[(_q, "3-D (2-D expected)")] = THREE_D_TRAJECTORIES

ELEMENTWISE = (
    "elementwise maths on any shape: NaN/inf propagate by IEEE rules and an empty array "
    "gives an empty result, the correct answer"
)
for _case in ("NaN", "+inf", "-inf", "empty", "1-D", "3-D (2-D expected)"):
    ALLOWED[("scidl.data.harmonic_energy", f"x: {_case}")] = ELEMENTWISE
    ALLOWED[("scidl.autodiff.as_value", f"x: {_case}")] = (
        "wraps any number or array as an autodiff Value; the engine computes with "
        "non-finite values as NumPy does"
    )
for _case in ("NaN", "+inf", "-inf"):
    ALLOWED[("scidl.plot.plot_image_grid", f"images: {_case}")] = (
        "matplotlib draws non-finite pixels blank: a faithful picture of the data"
    )
ALLOWED[("scidl.plot.plot_image_grid", "images: empty")] = (
    "documented: no images (e.g. no misclassified digits) draws a 'no images' panel"
)
for _case in ("NaN", "+inf", "-inf", "empty", "1-D", "3-D (2-D expected)"):
    ALLOWED[("scidl.numerics.derivative", f"x: {_case}")] = ELEMENTWISE
    ALLOWED[("scidl.autodiff.numerical_gradient", f"x: {_case}")] = (
        "central differences of f at a point of any shape: non-finite values reach f and come "
        "back as IEEE results; an empty point has an empty gradient"
    )
for _case in ("NaN", "+inf", "-inf", "empty"):
    for _q in ("scidl.generative.double_well_energy", "scidl.generative.harmonic_energy"):
        ALLOWED[(_q, f"x: {_case}")] = ELEMENTWISE + " (a torch energy, row by row)"
for _p in ("X", "Y"):
    ALLOWED[("scidl.generative.wasserstein_1d", f"{_p}: 1-D")] = (
        "documented: 1-D samples are the input of the one-dimensional Wasserstein distance"
    )
for _case in ("NaN", "+inf", "-inf", "empty", "string/object", "1-D", "3-D (2-D expected)"):
    ALLOWED[("scidl.data.train_test_split_stratified", f"X: {_case}")] = (
        "splits rows by index and never computes with X, as sklearn's train_test_split: any "
        "array with a first axis of len(y) is valid"
    )
for _case in ("NaN", "+inf", "-inf", "empty"):
    ALLOWED[("scidl.nn.filters.apply_filter", f"images: {_case}")] = ELEMENTWISE + (
        " (a convolution: a non-finite pixel spreads over its kernel's footprint)"
    )
    ALLOWED[("scidl.nn.random_affine", f"x: {_case}")] = (
        "moves pixels (non-finite ones too) as a torch augmentation; an empty batch stays empty"
    )
for _case in ("NaN", "+inf", "-inf"):
    for _fn in ("scidl.generative.log_bernoulli", "scidl.generative.log_normal"):
        ALLOWED[(_fn, f"x: {_case}")] = (
            "a differentiable torch building block called inside training steps: values "
            "propagate as in any torch function (checking them would make every step wait "
            "for the device); types and shapes are checked"
        )
    ALLOWED[("scidl.plot.plot_filter_effects", f"images: {_case}")] = (
        "matplotlib draws non-finite pixels blank: a faithful picture of the data"
    )
ALLOWED[("scidl.kinetics.vamp_cross_validate", "X: 3-D (2-D expected)")] = THREE_D_TRAJECTORIES
ALLOWED[("scidl.plot.plot_regression_1d", "X: 1-D")] = (
    "documented: X of shape (n_samples,) or (n_samples, 1); the 1-D case is valid"
)
for _case in ("1-D", "3-D (2-D expected)"):
    ALLOWED[("scidl.training.train", f"data: {_case}")] = (
        "train feeds batches to any torch module and cannot know the input shape it expects: "
        "the module's own shape error (torch's RuntimeError) is the documented contract"
    )

# Parameter names that hold arrays, and a valid value for each.
ARRAY_PARAMS = {"X", "x", "data", "traj", "trajs", "dtraj", "dtrajs", "images", "Y"}
# scidl.utils holds the validators themselves (check_array, as_numpy: their message names
# the argument they are told to name); tests/utils checks them.
FUNCTIONS = {
    q: o
    for q, o in api.public_functions().items()
    if ARRAY_PARAMS & set(inspect.signature(o).parameters) and not q.startswith("scidl.utils.")
}


# --- data ----------------------------------------------------------------------------------


def _params(cls):
    return set(inspect.signature(cls).parameters)


def kind_of(cls) -> str:
    """'dtraj' (state sequences), 'strings' (string tag), 'images' (3-D accepted) or 'table'."""
    params = _params(cls)
    if "n_states" in params:
        return "dtraj"
    tags = cls().__sklearn_tags__()
    if tags.input_tags.string:  # a sequence of strings (text, SMILES)
        return "strings"
    if tags.input_tags.three_d_array:
        return "images"
    return "table"


def good_data(cls):
    """A valid (X, y) for ``cls``."""
    rng = np.random.default_rng(0)
    kind = kind_of(cls)
    if kind == "dtraj":
        return np.tile([0, 0, 1, 1, 2, 1, 0, 2], 5), None
    if kind == "strings":
        return np.array(["CCO", "CCN", "c1ccccc1", "CCCl", "OCC(=O)N"] * 4, dtype=object), None
    X = rng.random((12, 8, 8)) if kind == "images" else rng.normal(size=(40, 3))
    est = cls()
    labels = np.arange(len(X)) % 2
    if is_classifier(est):
        return X, labels
    if is_regressor(est):
        return X, labels + 0.1 * rng.normal(size=len(X))
    return X, None


def make(cls, **overrides):
    est = cls(**{k: v for k, v in FAST.items() if k in _params(cls)})
    return est.set_params(**overrides)


def x_name(cls) -> str:
    """The name of ``fit``'s data argument (``X`` or ``dtrajs``)."""
    return [p for p in inspect.signature(cls.fit).parameters if p != "self"][0]


def bad_arrays(kind: str, good):
    """``{case kind: bad value}`` for a data argument of the given kind."""
    good = np.asarray(good)
    cases = {}
    if kind == "strings":  # a 1-D sequence of strings
        cases["NaN"] = np.array([0.5, np.nan, 1.0])
        cases["numbers"] = np.arange(len(good), dtype=float)
        cases["empty"] = good[:0]
        cases["non-string item"] = np.array([*good[:3], 7], dtype=object)
        cases["2-D (1-D expected)"] = good.reshape(-1, 1)
        cases["single string"] = str(good[0])
        return cases
    if kind == "dtraj":
        cases["negative label"] = np.where(good == 2, -1, good)
        cases["fractional label"] = good + 0.5
        cases["NaN"] = np.where(good == 2, np.nan, good.astype(float))
        cases["empty"] = good[:0]
        cases["string/object"] = np.full(good.shape, "x", dtype=object)
        cases["3-D"] = good.reshape(1, 1, -1)
        return cases
    f = good.astype(float)
    for label, value in [("NaN", np.nan), ("+inf", np.inf), ("-inf", -np.inf)]:
        arr = f.copy()
        arr.flat[1] = value
        cases[label] = arr
    cases["empty"] = f[:0]
    cases["string/object"] = np.full(f.shape, "x", dtype=object)
    cases["1-D"] = f.reshape(-1)
    if kind == "table":
        cases["1-D"] = f[:, 0]
        cases["3-D (2-D expected)"] = f[:, :, None]
    return cases


# --- outcomes ------------------------------------------------------------------------------


def names_argument(message: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message) is not None


def outcome(call, name: str) -> tuple[str, str]:
    """Run ``call``; classify: 'clear error', 'unnamed error', 'other exception', 'accepted'."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call()
    except (ValueError, TypeError) as exc:
        message = str(exc)
        if names_argument(message, name):
            return "clear error", message
        return "unnamed error", f"{type(exc).__name__}: {message}"
    except Exception as exc:  # noqa: BLE001 - any other exception is the finding
        return "other exception", f"{type(exc).__name__}: {exc}"
    return "accepted", ""


def _note(group, status):
    """Append one outcome to the file named by SCIDL_BAD_INPUT_LOG (for the report table)."""
    path = os.environ.get("SCIDL_BAD_INPUT_LOG")
    if path:
        with open(path, "a") as fh:
            fh.write(json.dumps([group, status]) + "\n")


def _group(kind):
    if re.fullmatch(r"\w+=\w+", kind):  # a hyperparameter probe, "lr=NaN"
        return "hyperparameter=" + kind.split("=", 1)[1]
    head, _, case = kind.partition(": ")
    if head in METHODS:  # a fitted estimator's predict/transform/...: "predict: NaN"
        return "method: " + case
    return kind.split(": ", 1)[-1]


def _check(qualified, kind, result, *, accepted_ok=False):
    status, message = result
    allowed = (qualified, kind) in ALLOWED
    _note(_group(kind), "allowed" if allowed and status != "clear error" else status)
    if status == "clear error" or (status == "accepted" and accepted_ok):
        return
    if (qualified, kind) in ALLOWED:
        return
    pytest.fail(f"{qualified} [{kind}]: {status}: {message[:400]}")


# --- cases ---------------------------------------------------------------------------------


def data_cases():
    for qualified, cls in ESTIMATORS.items():
        X, y = good_data(cls)
        for kind, bad in bad_arrays(kind_of(cls), X).items():
            yield pytest.param(qualified, kind, bad, id=f"{qualified}-{kind}")
        if y is not None:
            yield pytest.param(qualified, "X/y length mismatch", None, id=f"{qualified}-Xy")


@pytest.mark.parametrize("qualified, kind, bad", list(data_cases()))
def test_fit_rejects_bad_data(qualified, kind, bad):
    cls = ESTIMATORS[qualified]
    X, y = good_data(cls)
    est = make(cls)
    if kind == "X/y length mismatch":
        result = outcome(lambda: est.fit(X, y[:-3]), "y")
        if result[0] == "unnamed error" or result[0] == "clear error":
            result = outcome(lambda: est.fit(X, y[:-3]), x_name(cls))
    else:
        result = outcome(lambda: est.fit(bad, y) if y is not None else est.fit(bad), x_name(cls))
    _check(qualified, kind, result)


PROBE_VALUES = {"bool": True, "str": "bogus", "negative": -1, "zero": 0, "NaN": math.nan}

# Values of a hyperparameter that are CORRECT to accept, with the reason. Keyed by
# (parameter, probe label) for every estimator, or (qualified name, parameter, probe label)
# for one. Anything accepted and not listed here fails: the constraints table is too
# permissive, or the acceptance needs its reason written down here.
_SEED = "random_state=0 is a seed; a seed may be any int"
ACCEPTED: dict[tuple, str] = {
    ("random_state", "zero"): _SEED,
    ("verbose", "zero"): "verbose=0 is silent training",
    ("verbose", "bool"): "verbose=True is verbose=1 (bool is an int), as in scikit-learn",
    ("weight_decay", "zero"): "no weight decay",
    ("alpha", "zero"): "no regularization: ordinary least squares",
    ("momentum", "zero"): "no momentum: plain SGD",
    ("dropout", "zero"): "no dropout",
    ("noise_std", "zero"): "no input noise",
    ("clip_grad_norm", "zero"): "documented: 0 or None disables clipping",
    ("shuffle", "bool"): "a boolean switch",
    ("fit_intercept", "bool"): "a boolean switch",
    ("reversible", "bool"): "a boolean switch",
    ("scaling", "bool"): "a boolean switch",
    ("whiten", "bool"): "a boolean switch",
    ("batch_norm", "bool"): "a boolean switch",
    ("early_stopping", "bool"): "a boolean switch",
    ("include_bias", "bool"): "a boolean switch",
    ("centering", "bool"): "a boolean switch",
    ("tol", "zero"): "tol=0 runs to max_iter, as in scikit-learn",
    ("max_shift", "zero"): "no shift augmentation",
    ("max_rotation", "zero"): "no rotation augmentation",
    ("contrastive_weight", "zero"): "GMVAE with augment: no contrastive loss",
    ("consistency_weight", "zero"): "GMVAE with augment: no view-consistency term",
    ("persistent", "bool"): "a boolean switch (persistent contrastive divergence)",
    ("spectral_norm", "bool"): "a boolean switch (spectral normalisation of a discriminator)",
    ("label_smoothing", "zero"): "no label smoothing (the plain GAN targets)",
    ("standardize", "bool"): "a boolean switch (GAN: train on standardised features)",
    ("bessel", "bool"): "a boolean switch",
    ("remove_mean", "bool"): "a boolean switch",
    ("compute_c0t", "bool"): "a boolean switch",
    ("compute_ctt", "bool"): "a boolean switch",
    ("validation_fraction", "zero"): (
        "documented (NeuralEstimator): 0 trains on everything, early stopping watches the "
        "training loss"
    ),
    ("epsilon", "zero"): (
        "documented (scidl.numerics.inv_sqrt): a relative eigenvalue cut-off; 0 keeps every "
        "direction of positive variance and still drops the null ones"
    ),
    ("rcond", "zero"): "numpy.linalg.lstsq's cut-off: 0 drops only exactly-zero singular values",
    ("iterated_power", "zero"): "randomized SVD without power iterations, as in scikit-learn",
    ("beta", "zero"): "beta=0 drops the KL term: the autoencoder limit of the beta-VAE family",
    ("kl_warmup", "zero"): "no warm-up: the full KL weight from the first epoch",
    ("pretrain_epochs", "zero"): "no pre-training",
    ("diversity", "zero"): "documented (ActiveLearner): no diversity term, the top batch",
    ("residual", "bool"): "a boolean switch (forecast the increment)",
    ("teacher_forcing", "bool"): "documented (RNNForecaster, WaveNet): True is one-step training",
    ("teacher_forcing", "zero"): "documented (RNNForecaster, WaveNet): 0 is free-running training",
    ("scidl.unsupervised.DBSCAN", "n_jobs", "negative"): "n_jobs=-1 uses every core (joblib)",
}


def _accepts(constraints, value) -> bool:
    return any(
        (c is None and value is None) or (c is not None and c.is_satisfied_by(value))
        for c in constraints
    )


def accepted_reason(qualified: str, param: str, label: str) -> str | None:
    """Why accepting ``param=<label value>`` is correct, or None when it is not documented."""
    return ACCEPTED.get((qualified, param, label), ACCEPTED.get((param, label)))


def hyperparameter_cases():
    for qualified, cls in ESTIMATORS.items():
        for param in _params(cls):
            for label, value in PROBE_VALUES.items():
                yield pytest.param(
                    qualified, param, label, value, id=f"{qualified}-{param}-{label}"
                )


@pytest.mark.parametrize("qualified, param, label, value", list(hyperparameter_cases()))
def test_hyperparameter_probe(qualified, param, label, value):
    cls = ESTIMATORS[qualified]
    table = parameter_constraints(cls)
    X, y = good_data(cls)
    est = make(cls, **{param: value})
    status, message = outcome(lambda: est.fit(X, y) if y is not None else est.fit(X), param)
    group = "hyperparameter=" + label
    if status == "clear error":
        _note(group, status)
        return
    if status == "accepted":
        if param in table and not _accepts(table[param], value):
            _note(group, "accepted (violates constraints)")
            pytest.fail(f"{qualified}: {param}={value!r} violates its constraints, fit accepted it")
        if accepted_reason(qualified, param, label):
            _note(group, "allowed")
            return
        _note(group, "accepted")
        where = (
            "its _parameter_constraints entry is too permissive"
            if param in table
            else ("it has no _parameter_constraints entry")
        )
        pytest.fail(
            f"{qualified}: fit accepted {param}={value!r} silently ({where}); reject it with a "
            f"ValueError/TypeError naming {param!r}, or document the acceptance in ACCEPTED"
        )
    _note(group, status)
    pytest.fail(f"{qualified} [{param}={label}]: {status}: {message[:400]}")


# --- the fitted estimator's other methods -----------------------------------------------------

METHODS = ("predict", "predict_proba", "transform", "inverse_transform", "score")


@functools.cache
def fitted(qualified):
    """A fitted instance of the estimator (fast settings) and its valid (X, y)."""
    cls = ESTIMATORS[qualified]
    X, y = good_data(cls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = make(cls).fit(X, y) if y is not None else make(cls).fit(X)
    return est, X, y


def _method_input(qualified, method):
    """A valid input of ``method`` on the fitted estimator (the output space for inverse)."""
    est, X, _ = fitted(qualified)
    if method == "inverse_transform":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(est.transform(X))
    return X


def bad_method_inputs(qualified, method):
    """``{case: bad input}`` for a method: NaN, +inf, wrong n_features, 1-D, empty, strings."""
    good = np.asarray(_method_input(qualified, method))
    kind = kind_of(ESTIMATORS[qualified])
    if kind == "strings" and method != "inverse_transform":
        cases = bad_arrays("strings", good)
        cases["unknown token"] = np.array([*good[:2], "CCXe"], dtype=object)
        return cases
    if kind == "dtraj":
        cases = bad_arrays("dtraj", good)
        cases.pop("3-D")
        return cases
    f = good.astype(float)
    cases = {}
    for label, value in [("NaN", np.nan), ("+inf", np.inf)]:
        arr = f.copy()
        arr.flat[1] = value
        cases[label] = arr
    cases["wrong n_features"] = (
        f[:, 1:, 1:] if f.ndim == 3 else np.concatenate([f, f[:, :1]], axis=1)
    )
    cases["1-D"] = f.reshape(-1) if f.ndim == 3 else f[:, 0]
    cases["empty"] = f[:0]
    cases["string/object"] = np.full(f.shape, "x", dtype=object)
    return cases


def method_cases():
    for qualified, cls in ESTIMATORS.items():
        for method in METHODS:
            if not hasattr(cls, method):
                continue
            if method == "inverse_transform" and not hasattr(cls, "transform"):
                continue
            if kind_of(cls) == "strings" and method != "inverse_transform":
                for case in sorted(bad_arrays("strings", ["C"]).keys() | {"unknown token"}):
                    yield pytest.param(qualified, method, case, id=f"{qualified}-{method}-{case}")
                continue
            for case in ("NaN", "+inf", "wrong n_features", "1-D", "empty", "string/object"):
                if kind_of(cls) == "dtraj" and case in ("+inf", "wrong n_features", "1-D"):
                    continue
                yield pytest.param(qualified, method, case, id=f"{qualified}-{method}-{case}")
            if kind_of(cls) == "dtraj":
                for case in ("negative label", "fractional label"):
                    yield pytest.param(qualified, method, case, id=f"{qualified}-{method}-{case}")


@pytest.mark.parametrize("qualified, method, case", list(method_cases()))
def test_fitted_methods_reject_bad_data(qualified, method, case):
    est, _, y = fitted(qualified)
    bound = getattr(est, method, None)
    if bound is None:  # available_if hid it on this fitted instance: nothing to call
        return
    name = [p for p in inspect.signature(bound).parameters][0]
    bad = bad_method_inputs(qualified, method)[case]
    if method == "score" and y is not None:
        call = functools.partial(bound, bad, y[: len(bad)])
    else:
        call = functools.partial(bound, bad)
    _check(qualified, f"{method}: {case}", outcome(call, name))


def lagtime_cases():
    for qualified, cls in ESTIMATORS.items():
        if "lagtime" in _params(cls):
            for label in ("lagtime = T", "lagtime > T"):
                yield pytest.param(qualified, label, id=f"{qualified}-{label}")


@pytest.mark.parametrize("qualified, label", list(lagtime_cases()))
def test_lagtime_beyond_trajectory(qualified, label):
    cls = ESTIMATORS[qualified]
    X, _ = good_data(cls)
    lag = len(X) if label == "lagtime = T" else 10 * len(X)
    result = outcome(lambda: make(cls, lagtime=lag).fit(X), "lagtime")
    _check(qualified, label, result)


HUGE_LABEL_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys, warnings
    import numpy as np
    limit = 4 * 1024**3  # an allocation in the label's size (10**9) needs more than this
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import importlib
    out = {}
    for qualified in json.loads(sys.argv[1]):
        package, _, name = qualified.rpartition(".")
        cls = getattr(importlib.import_module(package), name)
        dtraj = np.tile([0, 0, 1, 1, 10**9, 1, 0, 10**9], 5)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est = cls(lagtime=1).fit(dtraj)
            counts = getattr(est, "count_matrix_", None)
            out[qualified] = ["accepted", {
                "states_": np.asarray(est.states_).tolist(),
                "count_matrix_shape": None if counts is None else list(np.shape(counts)),
            }]
        except (ValueError, TypeError) as exc:
            out[qualified] = ["error", str(exc)]
        except BaseException as exc:
            out[qualified] = ["other exception", type(exc).__name__ + ": " + str(exc)]
    print(json.dumps(out))
    """
)


def _huge_label_results():
    names = [q for q, c in ESTIMATORS.items() if kind_of(c) == "dtraj"]
    try:
        proc = subprocess.run(
            [sys.executable, "-c", HUGE_LABEL_SCRIPT, json.dumps(names)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        return {q: ["hang", "over 120 s"] for q in names}
    if proc.returncode != 0 or not proc.stdout.strip():
        return {q: ["crash", proc.stderr[-400:]] for q in names}
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def huge_label_results():
    return _huge_label_results()


@pytest.mark.parametrize("qualified", [q for q, c in ESTIMATORS.items() if kind_of(c) == "dtraj"])
def test_huge_state_label_does_not_allocate(qualified, huge_label_results):
    status, detail = huge_label_results[qualified]
    named = status == "error" and names_argument(detail, x_name(ESTIMATORS[qualified]))
    if named:
        _note("label 10**9", "clear error")
        return
    # Accepting the label is correct only if nothing of its size was allocated (the 4 GiB cap
    # would have turned that into MemoryError) and the model counts in the observed states.
    if status == "accepted":
        _note("label 10**9", "accepted (checked)")
        assert detail["states_"] == [0, 1, 10**9], detail
        assert detail["count_matrix_shape"] == [3, 3], detail
        return
    _note("label 10**9", status)
    pytest.fail(f"{qualified} [label 10**9]: {status}: {str(detail)[:400]}")


# --- public functions ------------------------------------------------------------------------


def _good_for(qualified, param):
    return GOOD_ARRAYS.get((qualified, param), good_argument(param))


def _bad_for(qualified, param, case):
    good = _good_for(qualified, param)
    bad = bad_arrays(_kind_for(qualified, param), good)[case]
    if isinstance(good, torch.Tensor) and bad.dtype != object:
        return torch.as_tensor(bad, dtype=good.dtype)
    return bad


def _kind_for(qualified, param) -> str:
    if param in ("dtraj", "dtrajs"):
        return "dtraj"
    return "table" if np.ndim(_good_for(qualified, param)) == 2 else "other"


def function_cases():
    for qualified, func in FUNCTIONS.items():
        for param in inspect.signature(func).parameters:
            if param not in ARRAY_PARAMS:
                continue
            for case in bad_arrays(_kind_for(qualified, param), _good_for(qualified, param)):
                yield pytest.param(qualified, param, case, id=f"{qualified}-{param}-{case}")


def _call_with(qualified, param, value):
    """Call the function with its recipe, the standard good arrays, and ``param=value``."""
    func = FUNCTIONS[qualified]
    kwargs = {}
    for name, p in inspect.signature(func).parameters.items():
        if name in ARRAY_PARAMS and p.default is inspect.Parameter.empty:
            kwargs[name] = _good_for(qualified, name)
    kwargs.update(recipe(qualified))
    kwargs[param] = value
    return func(**kwargs)


def _no_valid_call(qualified, param, message):
    where = (
        "scidl.generative is being written: the lead adds its recipes"
        if qualified.startswith("scidl.generative.")
        else "add one"
    )
    return (
        f"{qualified}: no valid call to probe {param!r} with ({message[:300]}). Add a recipe "
        f"RECIPES[{qualified!r}] in tests/test_bad_input.py: the other arguments of a valid "
        f"call ({where})."
    )


def _valid_call(qualified, param):
    return outcome(functools.partial(_call_with, qualified, param, _good_for(qualified, param)), "")


@pytest.mark.parametrize("qualified, param, case", list(function_cases()))
def test_function_rejects_bad_arrays(qualified, param, case):
    baseline = _valid_call(qualified, param)
    if baseline[0] != "accepted":
        _note(case, "no valid call")
        pytest.fail(_no_valid_call(qualified, param, baseline[1]))
    bad = _bad_for(qualified, param, case)
    _check(qualified, f"{param}: {case}", outcome(lambda: _call_with(qualified, param, bad), param))


def test_every_function_with_array_arguments_has_a_valid_call():
    """The probe never skips: every function is callable with its recipe (or without one)."""
    missing = {}
    for qualified, func in FUNCTIONS.items():
        for param in [p for p in inspect.signature(func).parameters if p in ARRAY_PARAMS]:
            status, message = _valid_call(qualified, param)
            if status != "accepted":
                missing[f"{qualified}({param})"] = _no_valid_call(qualified, param, message)
    assert not missing, "\n".join(missing.values())


def test_recipes_name_real_functions():
    assert set(RECIPES) <= set(FUNCTIONS), sorted(set(RECIPES) - set(FUNCTIONS))
    assert {q for q, _ in GOOD_ARRAYS} <= set(FUNCTIONS)


def test_public_modules_import():
    api.assert_public_modules_import()


def test_probe_finds_estimators_and_functions():
    assert {"scidl.kinetics.MarkovStateModel", "scidl.kinetics.TICA"} <= set(ESTIMATORS)
    assert len(FUNCTIONS) >= 5


def test_outcome_classifier():
    def raises_named():
        raise ValueError("X must be finite; got NaN.")

    def raises_unnamed():
        raise ValueError("could not convert string to float: 'x'")

    assert outcome(raises_named, "X")[0] == "clear error"
    assert outcome(raises_unnamed, "X")[0] == "unnamed error"
    assert outcome(lambda: [][1], "X")[0] == "other exception"
    assert outcome(lambda: None, "X")[0] == "accepted"
    assert not names_argument("Xavier init failed", "X")


if __name__ == "__main__":  # the outcome table: python tests/test_bad_input.py
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".jsonl") as log:
        env = {**os.environ, "SCIDL_BAD_INPUT_LOG": log.name}
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__]
        subprocess.run(cmd, env=env, capture_output=True, check=False)
        rows = collections.defaultdict(collections.Counter)
        for line in open(log.name):
            group, status = json.loads(line)
            rows[group][status] += 1
    statuses = sorted({s for c in rows.values() for s in c})
    print(f"{'case kind':28}" + "".join(f"{s:>20}" for s in statuses) + f"{'total':>8}")
    for group, counts in sorted(rows.items()):
        cells = "".join(f"{counts[s]:20}" for s in statuses)
        print(f"{group:28}{cells}{sum(counts.values()):8}")
    total = collections.Counter()
    for counts in rows.values():
        total.update(counts)
    print(f"{'all':28}" + "".join(f"{total[s]:20}" for s in statuses) + f"{sum(total.values()):8}")
