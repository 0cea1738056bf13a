import importlib
import json
import pkgutil
import re

import numpy as np
import pytest
from matplotlib.figure import Figure

import scidl.demos
from scidl.demos import DemoOutput, DemoResult, get_demo, list_demos, register, run_demo
from scidl.demos import _registry as registry

# The syllabus order the lead fixed (issue 10); SYLLABUS.md lists activations before the
# perceptron and the MLP / universal approximation topics before backpropagation.
SYLLABUS_ORDER = [
    "least-squares",
    "model-selection",
    "activations",
    "perceptron",
    "mlp-mnist",
    "depth-vs-width",
    "backprop",
    "decision-boundary",
    "feature-detectors",
    "minimization",
    "cnn-filters",
    "convnet-mnist",
    "faces",
    "ising-phases",
    "autoencoder-vs-pca",
    "clustering",
    "kinetics",
    "vae-mnist",
    "gmvae-clustering",
    "rbm-mnist",
    "dbn-pretraining",
    "gan-mode-coverage",
    "dcgan-mnist",
    "divergences",
    "normalizing-flows",
    "boltzmann-generator",
    "rnn-forecasting",
    "char-rnn",
    "molecule-vae",
    "active-learning",
    "tabular-rl",
    "deep-rl",
]


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {})


def _output(metrics=None, headline=("score", 1.0)):
    return DemoOutput(metrics or {}, {}, "", headline)


def test_lists_the_demos_in_the_syllabus_order():
    # Regression: the tour followed the alphabetical order of the module imports.
    assert [d.name for d in list_demos()] == SYLLABUS_ORDER
    places = [(d.chapter, d.position) for d in list_demos()]
    assert places == sorted(places) and len(set(places)) == len(places)
    demo = get_demo("mlp-mnist")
    assert (demo.chapter, demo.position) == (3, 3) and demo.title and demo.description


def test_every_demo_module_is_named_after_its_topic_and_defines_run():
    pattern = re.compile(r"_ch(\d+)_(\w+)")
    modules = [
        m.name for m in pkgutil.iter_modules(scidl.demos.__path__) if pattern.fullmatch(m.name)
    ]
    assert len(modules) == len(SYLLABUS_ORDER)
    by_module = {d.func.__module__: d for d in list_demos()}
    for name in modules:
        chapter, topic = pattern.fullmatch(name).groups()
        module = importlib.import_module(f"scidl.demos.{name}")
        demo = by_module[module.__name__]
        assert demo.name == topic.replace("_", "-"), name
        assert demo.chapter == int(chapter), name
        assert module.run is demo.func, name
    # ... and every registered demo lives in such a module
    assert all(pattern.fullmatch(d.func.__module__.rsplit(".", 1)[1]) for d in list_demos())


def test_registry_orders_by_position_not_by_registration(empty_registry):
    for name, position in (("third", 3), ("first", 1), ("second", 2)):
        register(name, name, chapter=4, position=position)(lambda **kw: _output())
    register("earlier-chapter", "E", chapter=2, position=9)(lambda **kw: _output())
    assert [d.name for d in list_demos()] == ["earlier-chapter", "first", "second", "third"]


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="least-squares.*mlp-mnist"):
        get_demo("nope")
    with pytest.raises(ValueError, match="unknown demo"):
        run_demo("nope")


def test_register_checks(empty_registry):
    @register("a", "A", chapter=5, position=1)
    def a(*, quick, random_state):
        return _output()

    with pytest.raises(ValueError, match="already registered"):
        register("a", "again", chapter=1, position=1)(a)
    with pytest.raises(ValueError, match=r"chapter 5, position 1 is already taken by .*'a'"):
        register("b", "B", chapter=5, position=1)(a)
    with pytest.raises(ValueError, match="chapter"):
        register("b", "B", chapter=12, position=1)
    with pytest.raises(ValueError, match="lower-case"):
        register("Has Space", "B", chapter=1, position=1)
    for bad in (0, -1, 1.5, True, "2", None):
        with pytest.raises(ValueError, match=r"position must be a positive int.*got"):
            register("b", "B", chapter=1, position=bad)
    with pytest.raises(TypeError, match="position"):
        register("b", "B", chapter=1)  # position is a required keyword


def test_run_demo_result_converts_numpy_and_passes_arguments(empty_registry):
    seen = {}

    @register("fake", "Fake demo", chapter=1, position=1)
    def fake(*, quick, random_state):
        seen.update(quick=quick, random_state=random_state)
        fig = Figure()
        fig.add_subplot().plot([0, 1])
        metrics = {"acc": np.float32(0.5), "n": np.int64(3), "name": "x"}
        return DemoOutput(metrics, {"fig": fig}, "text", ("accuracy", np.float32(0.5)))

    result = run_demo("fake", quick=True, random_state=7)
    assert isinstance(result, DemoResult)
    assert seen == {"quick": True, "random_state": 7}
    assert result.name == "fake" and result.title == "Fake demo" and result.text == "text"
    assert result.metrics == {"acc": 0.5, "n": 3, "name": "x"}
    assert type(result.metrics["acc"]) is float and type(result.metrics["n"]) is int
    assert result.headline == ("accuracy", 0.5) and type(result.headline[1]) is float
    json.dumps(result.metrics)
    assert result.seconds >= 0 and isinstance(result.figures["fig"], Figure)


def test_not_reached_is_none_and_nested_non_finite_values_are_caught(empty_registry):
    @register("budget", "Budget", chapter=1, position=1)
    def budget(*, quick, random_state):
        steps = {"adam": {"rosenbrock": None, "quadratic": np.int64(12)}}
        return _output({"steps": steps}, headline=("adam steps", "> 500"))

    @register("nested-nan", "Nested NaN", chapter=1, position=2)
    def nested_nan(*, quick, random_state):
        return _output({"curve": {"a": [1.0, float("inf")]}})

    result = run_demo("budget")
    assert result.metrics == {"steps": {"adam": {"rosenbrock": None, "quadratic": 12}}}
    assert '"rosenbrock": null' in json.dumps(result.metrics)
    assert result.headline == ("adam steps", "> 500")
    with pytest.raises(ValueError, match=r"non-finite metric metrics\['curve'\]\['a'\]\[1\]"):
        run_demo("nested-nan")


@pytest.mark.parametrize(
    ("headline", "error", "match"),
    [
        (None, TypeError, r"headline must be a \(label, value\) tuple"),
        (("only label",), TypeError, r"\(label, value\)"),
        (("", 1.0), ValueError, "label must be a non-empty string"),
        (("x", {"nested": 1}), TypeError, "one number or a string; got dict"),
        (("x", True), TypeError, "one number or a string; got bool"),
        (("x", None), TypeError, "one number or a string; got NoneType"),
        (("x", float("nan")), ValueError, "must be finite"),
    ],
)
def test_run_demo_checks_the_headline(empty_registry, headline, error, match):
    @register("bad-headline", "Bad", chapter=1, position=1)
    def bad(*, quick, random_state):
        return DemoOutput({}, {}, "", headline)

    with pytest.raises(error, match=match):
        run_demo("bad-headline")


def test_run_demo_rejects_bad_outputs(empty_registry):
    @register("nan", "NaN", chapter=1, position=1)
    def nan(*, quick, random_state):
        return _output({"loss": float("nan")})

    @register("nofig", "No figure", chapter=1, position=2)
    def nofig(*, quick, random_state):
        return DemoOutput({}, {"fig": "not a figure"}, "", ("x", 1))

    @register("tuple", "Plain tuple", chapter=1, position=3)
    def plain(*, quick, random_state):
        return ({}, {}, "")

    with pytest.raises(ValueError, match="non-finite"):
        run_demo("nan")
    with pytest.raises(TypeError, match="Figure"):
        run_demo("nofig")
    with pytest.raises(TypeError, match="must return a DemoOutput; got tuple"):
        run_demo("tuple")
    with pytest.raises(ValueError, match="random_state"):
        run_demo("nan", random_state=-1)


def test_finite_metrics_helper():
    assert registry._jsonable(np.float64(1.5), "m") == 1.5
    with pytest.raises(TypeError, match="number, a string or None"):
        registry._jsonable(object(), "m")
