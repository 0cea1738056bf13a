"""Bad input at every public boundary ends in a clear error, found automatically.

Every public estimator (a ``sklearn.base.BaseEstimator`` subclass defined in scidl and listed
in a public ``__all__``) and every public function with array arguments is probed:

- estimators: ``fit`` with NaN, +inf, -inf, empty, 1-D, 3-D (where 2-D is expected),
  string/object data, and ``X``/``y`` of different lengths;
- every hyperparameter in the merged ``_parameter_constraints`` set to True, a string, -1, 0
  and NaN: a value the constraints reject must raise ValueError/TypeError naming the
  hyperparameter; a value they accept must fit, or raise ValueError/TypeError naming it;
- time-series estimators (a ``lagtime`` hyperparameter): lag times equal to and beyond the
  trajectory length;
- discrete-trajectory estimators (an ``n_states`` hyperparameter: MarkovStateModel,
  TransitionCounts): negative, fractional and huge (10**9) state labels. Huge labels run in a
  subprocess under a 4 GiB address-space cap and a time limit, so an allocation in the
  label's size fails the case instead of the machine;
- public functions whose parameters are array-like by name (X, x, data, trajs, dtrajs,
  images, ...): each array argument in turn gets the bad arrays.

Every case must end in ValueError/TypeError whose message names the argument, or in a
documented correct result listed in ``ALLOWED`` with its reason: never another exception,
MemoryError, a hang, or a silently accepted bad value.

``python tests/test_bad_input.py`` prints the table case kind x outcome.
"""

from __future__ import annotations

import collections
import importlib
import inspect
import json
import math
import os
import pkgutil
import re
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, is_classifier, is_regressor

import scidl
from scidl.utils import parameter_constraints

NOT_PROBED = {"scidl.base.NeuralEstimator": "base class; its concrete subclasses are probed"}

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

# --- discovery -----------------------------------------------------------------------------

IMPORT_ERRORS: dict[str, str] = {}


def _record(name, exc=None):
    IMPORT_ERRORS[name] = repr(exc) if exc is not None else "import failed while walking"


def public_modules():
    names = sorted(
        info.name
        for info in pkgutil.walk_packages(scidl.__path__, prefix="scidl.", onerror=_record)
        if not any(part.startswith("_") for part in info.name.split("."))
    )
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except Exception as exc:  # noqa: BLE001 - reported by test_public_modules_import
            _record(name, exc)
    return modules


MODULES = public_modules()


def _public_objects():
    seen = {}
    for module in MODULES:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if getattr(obj, "__module__", "").startswith("scidl."):
                qualified = f"{obj.__module__.split('._')[0]}.{obj.__name__}"
                seen.setdefault(qualified, obj)
    return dict(sorted(seen.items()))


OBJECTS = _public_objects()
ESTIMATORS = {
    q: o
    for q, o in OBJECTS.items()
    if inspect.isclass(o) and issubclass(o, BaseEstimator) and q not in NOT_PROBED
}
for _q, _cls in ESTIMATORS.items():
    if "lagtime" in inspect.signature(_cls).parameters:
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

# Parameter names that hold arrays, and a valid value for each.
ARRAY_PARAMS = {"X", "x", "data", "traj", "trajs", "dtraj", "dtrajs", "images", "Y"}
# scidl.utils holds the validators themselves (check_array, as_numpy: their message names
# the argument they are told to name); tests/utils checks them.
FUNCTIONS = {
    q: o
    for q, o in OBJECTS.items()
    if inspect.isfunction(o)
    and ARRAY_PARAMS & set(inspect.signature(o).parameters)
    and not q.startswith("scidl.utils.")
}


# --- data ----------------------------------------------------------------------------------


def _params(cls):
    return set(inspect.signature(cls).parameters)


def kind_of(cls) -> str:
    """'dtraj' (integer state sequences), 'images' (3-D accepted: tags) or 'table'."""
    params = _params(cls)
    if "n_states" in params:
        return "dtraj"
    tags = cls().__sklearn_tags__()
    if tags.input_tags.three_d_array:
        return "images"
    return "table"


def good_data(cls):
    """A valid (X, y) for ``cls``."""
    rng = np.random.default_rng(0)
    kind = kind_of(cls)
    if kind == "dtraj":
        return np.tile([0, 0, 1, 1, 2, 1, 0, 2], 5), None
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


def _accepts(constraints, value) -> bool:
    return any(
        (c is None and value is None) or (c is not None and c.is_satisfied_by(value))
        for c in constraints
    )


def hyperparameter_cases():
    for qualified, cls in ESTIMATORS.items():
        for param, constraints in sorted(parameter_constraints(cls).items()):
            for label, value in PROBE_VALUES.items():
                yield pytest.param(
                    qualified,
                    param,
                    label,
                    value,
                    _accepts(constraints, value),
                    id=f"{qualified}-{param}-{label}",
                )


@pytest.mark.parametrize("qualified, param, label, value, accepted", list(hyperparameter_cases()))
def test_hyperparameter_probe(qualified, param, label, value, accepted):
    cls = ESTIMATORS[qualified]
    X, y = good_data(cls)
    est = make(cls, **{param: value})
    result = outcome(lambda: est.fit(X, y) if y is not None else est.fit(X), param)
    if not accepted and result[0] == "accepted":
        _note("hyperparameter=" + label, "accepted (violates constraints)")
        pytest.fail(f"{qualified}: {param}={value!r} violates its constraints but fit accepted it")
    _check(qualified, f"{param}={label}", result, accepted_ok=accepted)


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
                cls(lagtime=1).fit(dtraj)
            out[qualified] = ["accepted", ""]
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
    status, message = huge_label_results[qualified]
    named = status == "error" and names_argument(message, x_name(ESTIMATORS[qualified]))
    _note("label 10**9", "clear error" if named else status)
    if named:
        return
    # Accepting the label is correct if nothing of its size was allocated (the 4 GiB cap
    # would have turned that into MemoryError); the model then has 3 states.
    if status == "accepted":
        return
    pytest.fail(f"{qualified} [label 10**9]: {status}: {message[:400]}")


def _good_argument(name):
    rng = np.random.default_rng(0)
    if name in ("dtraj", "dtrajs"):
        return np.tile([0, 0, 1, 1, 2, 1, 0, 2], 5)
    if name == "images":
        return rng.random((6, 8, 8))
    return rng.normal(size=(40, 2))


def function_cases():
    for qualified, func in FUNCTIONS.items():
        for param in inspect.signature(func).parameters:
            if param not in ARRAY_PARAMS:
                continue
            kind = "dtraj" if param in ("dtraj", "dtrajs") else "table"
            for case in bad_arrays(kind, _good_argument(param)):
                yield pytest.param(qualified, param, case, id=f"{qualified}-{param}-{case}")


def _call_with(func, param, value):
    sig = inspect.signature(func)
    kwargs = {}
    for name, p in sig.parameters.items():
        if name == param:
            kwargs[name] = value
        elif name in ARRAY_PARAMS and p.default is inspect.Parameter.empty:
            kwargs[name] = _good_argument(name)
    return func(**kwargs)


@pytest.mark.parametrize("qualified, param, case", list(function_cases()))
def test_function_rejects_bad_arrays(qualified, param, case):
    func = FUNCTIONS[qualified]
    baseline = outcome(lambda: _call_with(func, param, _good_argument(param)), param)
    if baseline[0] != "accepted":
        pytest.skip(f"cannot build a valid call automatically: {baseline[1][:200]}")
    kind = "dtraj" if param in ("dtraj", "dtrajs") else "table"
    bad = bad_arrays(kind, _good_argument(param))[case]
    _check(qualified, f"{param}: {case}", outcome(lambda: _call_with(func, param, bad), param))


def test_public_modules_import():
    assert not IMPORT_ERRORS, IMPORT_ERRORS


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
    print(f"{'case kind':28}" + "".join(f"{s:>18}" for s in statuses) + f"{'total':>8}")
    for group, counts in sorted(rows.items()):
        cells = "".join(f"{counts[s]:18}" for s in statuses)
        print(f"{group:28}{cells}{sum(counts.values()):8}")
    total = collections.Counter()
    for counts in rows.values():
        total.update(counts)
    print(f"{'all':28}" + "".join(f"{total[s]:18}" for s in statuses) + f"{sum(total.values()):8}")
