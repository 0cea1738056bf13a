import json
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from scidl.demos import DemoOutput, DemoResult, get_demo, list_demos, register, run_demo
from scidl.demos import _registry as registry


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {})


def test_lists_the_demos_in_syllabus_order():
    names = [d.name for d in list_demos()]
    assert {"least-squares", "mlp-mnist"} <= set(names)
    chapters = [d.chapter for d in list_demos()]
    assert chapters == sorted(chapters)
    demo = get_demo("mlp-mnist")
    assert demo.chapter == 3 and demo.title and demo.description


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="least-squares.*mlp-mnist"):
        get_demo("nope")
    with pytest.raises(ValueError, match="unknown demo"):
        run_demo("nope")


def test_register_checks(empty_registry):
    @register("a", "A", chapter=5)
    def a(*, quick, random_state):
        return DemoOutput({}, {}, "")

    with pytest.raises(ValueError, match="already registered"):
        register("a", "again", chapter=1)(a)
    with pytest.raises(ValueError, match="chapter"):
        register("b", "B", chapter=12)
    with pytest.raises(ValueError, match="lower-case"):
        register("Has Space", "B", chapter=1)


def test_run_demo_result_converts_numpy_and_passes_arguments(empty_registry):
    seen = {}

    @register("fake", "Fake demo", chapter=1)
    def fake(*, quick, random_state):
        seen.update(quick=quick, random_state=random_state)
        fig = Figure()
        fig.add_subplot().plot([0, 1])
        return DemoOutput(
            {"acc": np.float32(0.5), "n": np.int64(3), "name": "x"}, {"fig": fig}, "text"
        )

    result = run_demo("fake", quick=True, random_state=7)
    assert isinstance(result, DemoResult)
    assert seen == {"quick": True, "random_state": 7}
    assert result.name == "fake" and result.title == "Fake demo" and result.text == "text"
    assert result.metrics == {"acc": 0.5, "n": 3, "name": "x"}
    assert type(result.metrics["acc"]) is float and type(result.metrics["n"]) is int
    json.dumps(result.metrics)
    assert result.seconds >= 0 and isinstance(result.figures["fig"], Figure)


def test_run_demo_rejects_bad_outputs(empty_registry):
    @register("nan", "NaN", chapter=1)
    def nan(*, quick, random_state):
        return DemoOutput({"loss": float("nan")}, {}, "")

    @register("nofig", "No figure", chapter=1)
    def nofig(*, quick, random_state):
        return DemoOutput({}, {"fig": "not a figure"}, "")

    with pytest.raises(ValueError, match="non-finite"):
        run_demo("nan")
    with pytest.raises(TypeError, match="Figure"):
        run_demo("nofig")
    with pytest.raises(ValueError, match="random_state"):
        run_demo("nan", random_state=-1)


def test_finite_metrics_helper():
    assert math.isfinite(registry._jsonable(np.float64(1.5), "m"))
    with pytest.raises(TypeError, match="number or a string"):
        registry._jsonable(object(), "m")
