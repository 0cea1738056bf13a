"""Every public scidl estimator through scikit-learn's common checks, found automatically.

Estimators are collected from the ``__all__`` of every public scidl package and module: every
class defined in scidl that subclasses ``sklearn.base.BaseEstimator`` (re-exports of
scikit-learn's own classes, such as ``scidl.model_selection.GridSearchCV``, are checked
upstream). A new estimator is checked without anyone
adding it here: the generic rule (:func:`generic_instance`) gives any estimator fast but real
hyperparameters (few epochs and small networks for neural estimators, ``random_state=0``,
``lagtime=1``); the table ``VARIANTS`` adds hand-picked settings and extra variants (other
solvers, float32/float64) where the generic rule is not enough.

Expected failures are declared by the estimator CLASS, never here: a class attribute
``_expected_failed_checks = {"check_name": "one-line reason"}``, merged along the class
hierarchy, and only where the input contract truly differs (input contracts themselves are
declared with scikit-learn tags in ``__sklearn_tags__``). Declarations are strict: a declared
failure that passes fails the test, so stale declarations cannot pile up.

Run ``python tests/test_conformance.py`` for the table estimator / checks / passed / expected
failures.
"""

from __future__ import annotations

import inspect
import warnings

import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

import _public_api as api  # tests/ is on pytest's pythonpath (pyproject)
from scidl.base import NeuralEstimator

# Public estimator classes that are not meant to be fitted themselves, with the reason.
NOT_CHECKED = {
    "scidl.base.NeuralEstimator": "base class: subclasses fill its hooks (_make_datasets, "
    "_make_step, _build_module); every concrete subclass is checked",
    "scidl.nn.RandomAffine": "a hyperparameter object (a random image transformation that "
    "GMVAE's augment= calls), with no fit; tests/nn/test_augment.py checks it",
}

NEURAL_DEFAULTS = {
    # A few epochs and a small network: the checks test the contract, not the fit quality.
    "max_epochs": 5,
    "hidden_sizes": (8,),
    "channels": (4,),
    "batch_size": 32,
    "random_state": 0,
}


def expected_failed_checks(estimator) -> dict:
    """The class's ``_expected_failed_checks``, merged from the most basic class down."""
    merged = {}
    for klass in reversed(type(estimator).__mro__):
        merged.update(klass.__dict__.get("_expected_failed_checks", {}))
    return merged


def _settable(cls, params: dict) -> dict:
    """The entries of ``params`` that ``cls`` takes as hyperparameters."""
    names = set(inspect.signature(cls).parameters)
    return {k: v for k, v in params.items() if k in names}


def generic_instance(cls):
    """Fast but real hyperparameters for any estimator class, from its constructor alone."""
    params = {"random_state": 0, "lagtime": 1}
    if issubclass(cls, NeuralEstimator):
        params.update(NEURAL_DEFAULTS)
    required = [
        p.name
        for p in inspect.signature(cls).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    if required:
        raise TypeError(
            f"{cls.__name__} has required constructor arguments {required}: add it to VARIANTS "
            "in tests/test_conformance.py"
        )
    return cls(**_settable(cls, params))


# Hand-picked settings and extra variants, per qualified class name: a list of constructor
# keyword dicts replacing the generic instance.
VARIANTS = {
    "scidl.linear.LeastSquaresRegressor": [{}, {"alpha": 1.0, "solver": "qr"}],
    "scidl.linear.PolynomialFeatures": [{}, {"powers": [1, 2]}],
    # Default float32: inference is batch-invariant (fixed-size padded chunks), so
    # check_methods_subset_invariance holds bitwise. Enough epochs for the checks'
    # accuracy thresholds (e.g. > 0.83 on three blobs).
    "scidl.nn.MLPClassifier": [
        {"hidden_sizes": (32,), "max_epochs": 60, "lr": 0.01, "random_state": 0}
    ],
    "scidl.nn.MLPRegressor": [
        {"hidden_sizes": (32,), "max_epochs": 100, "lr": 0.01, "random_state": 0},
        {
            "hidden_sizes": (32,),
            "max_epochs": 100,
            "lr": 0.01,
            "random_state": 0,
            "dtype": "float64",
        },
    ],
    # The checks' accuracy thresholds on 2-feature blobs need ~20 epochs of a small ConvNet.
    "scidl.nn.ConvNetClassifier": [
        {"channels": (4,), "hidden_sizes": (16,), "max_epochs": 20, "lr": 0.01, "random_state": 0}
    ],
    "scidl.nn.ConvNetRegressor": [
        {"channels": (4,), "hidden_sizes": (16,), "max_epochs": 20, "lr": 0.01, "random_state": 0}
    ],
    "scidl.unsupervised.PCA": [
        {"n_components": 2},
        {"n_components": 2, "svd_solver": "randomized", "random_state": 0},
    ],
    # Trained by example (the generic instance) and, with an energy, by example and energy.
    "scidl.generative.BoltzmannGenerator": [
        {"max_epochs": 5, "hidden_sizes": (8,), "batch_size": 32, "random_state": 0},
        {
            "energy": "harmonic",
            "max_epochs": 5,
            "hidden_sizes": (8,),
            "batch_size": 32,
            "random_state": 0,
        },
    ],
    # Also the time-lagged covariance.
    "scidl.kinetics.Covariance": [{"lagtime": 1, "compute_c0t": True}],
    # The default (logistic regression), a bootstrap committee, a regression committee.
    "scidl.active.ActiveLearner": [
        {"random_state": 0},
        {"strategy": "vote_entropy", "committee": 3, "random_state": 0},
        {"estimator": Ridge(), "strategy": "variance", "committee": 3, "random_state": 0},
    ],
}


def _instances(qualified, cls):
    if qualified not in VARIANTS:
        return [generic_instance(cls)]
    return [cls(**kwargs) for kwargs in VARIANTS[qualified]]


ESTIMATOR_CLASSES = api.public_estimator_classes()


def estimators_to_check():
    out = []
    for qualified, cls in ESTIMATOR_CLASSES.items():
        if qualified not in NOT_CHECKED:
            out.extend(_instances(qualified, cls))
    return out


ESTIMATORS = estimators_to_check()


def test_public_modules_import():
    api.assert_public_modules_import()


def test_discovery_finds_every_estimator():
    # A known floor, so that discovery cannot silently find nothing.
    expected = {
        "scidl.kinetics.TICA",
        "scidl.kinetics.MarkovStateModel",
        "scidl.linear.LeastSquaresRegressor",
        "scidl.nn.MLPClassifier",
        "scidl.autodiff.MLPClassifier",
        "scidl.unsupervised.KMeans",
    }
    assert expected <= set(ESTIMATOR_CLASSES)
    assert set(NOT_CHECKED) <= set(ESTIMATOR_CLASSES), "NOT_CHECKED names an unknown class"
    assert set(VARIANTS) <= set(ESTIMATOR_CLASSES), "VARIANTS names an unknown class"
    checked = {type(e) for e in ESTIMATORS}
    for qualified, cls in ESTIMATOR_CLASSES.items():
        assert cls in checked or qualified in NOT_CHECKED, f"{qualified} is not checked"


def test_expected_failures_merge_along_the_hierarchy():
    class Base(BaseEstimator):
        _expected_failed_checks = {"check_a": "base reason", "check_b": "base"}

    class Child(Base):
        _expected_failed_checks = {"check_b": "child reason"}

    assert expected_failed_checks(Child()) == {"check_a": "base reason", "check_b": "child reason"}


def test_expected_failure_declarations_have_reasons():
    for cls in ESTIMATOR_CLASSES.values():
        for check, reason in cls.__dict__.get("_expected_failed_checks", {}).items():
            assert check.startswith("check_"), f"{cls.__name__}: {check!r} is not a check name"
            assert isinstance(reason, str) and reason.strip(), f"{cls.__name__}.{check}: no reason"


@parametrize_with_checks(
    ESTIMATORS, expected_failed_checks=expected_failed_checks, xfail_strict=True
)
def test_sklearn_conformance(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # e.g. "training stopped early"
        check(estimator)


if __name__ == "__main__":  # the conformance table: python tests/test_conformance.py
    import collections
    import sys
    import tempfile
    import xml.etree.ElementTree as ET

    with tempfile.NamedTemporaryFile(suffix=".xml") as fh:
        pytest.main(
            [__file__, "-q", "-p", "no:cacheprovider", "-k", "conformance", f"--junitxml={fh.name}"]
        )
        tree = ET.parse(fh.name)
    rows = collections.defaultdict(collections.Counter)
    for case in tree.iter("testcase"):
        name = case.get("name")
        if not name.startswith("test_sklearn_conformance["):
            continue
        est = name[len("test_sklearn_conformance[") :].split("-check_")[0].split("(")[0]
        outcome = "passed"
        for child in case:
            outcome = {"skipped": "xfail/skip", "failure": "FAILED", "error": "FAILED"}.get(
                child.tag, outcome
            )
        rows[est]["run"] += 1
        rows[est][outcome] += 1
    print(f"{'estimator':28} {'checks':>6} {'passed':>6} {'xfail/skip':>10} {'FAILED':>6}")
    for est, c in sorted(rows.items()):
        print(f"{est:28} {c['run']:6} {c['passed']:6} {c['xfail/skip']:10} {c['FAILED']:6}")
    sys.exit(0)
