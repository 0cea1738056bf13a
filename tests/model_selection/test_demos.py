"""Quick runs of the chapter 2-4 demos (issue 3): metrics, figures and text."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from scidl.demos import get_demo  # noqa: E402

NAMES = [
    "model-selection",
    "activations",
    "perceptron",
    "depth-vs-width",
    "backprop",
    "decision-boundary",
    "feature-detectors",
    "minimization",
]


def _demo(name):
    return get_demo(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_quick_demo_runs(name):
    out = _demo(name).func(quick=True, random_state=0)
    assert out.figures and all(isinstance(f, Figure) for f in out.figures.values())
    assert out.metrics and isinstance(out.text, str) and out.text
    label, value = out.headline
    assert label and not isinstance(value, (dict, list, tuple))


def test_demos_register_with_chapters():
    chapters = {name: _demo(name).chapter for name in NAMES}
    assert chapters["model-selection"] == 2 and chapters["minimization"] == 4
    assert all(c == 3 for n, c in chapters.items() if n not in ("model-selection", "minimization"))


@pytest.mark.slow
def test_full_decision_boundary_demo_returns_the_animation():
    pytest.importorskip("PIL")
    from scidl.demos import run_demo

    _demo("decision-boundary")
    out = run_demo(
        "decision-boundary", quick=False, random_state=0
    )  # through the registry's checks
    gif = out.figures["boundary_animation"]
    assert isinstance(gif, bytes) and gif[:4] == b"GIF8" and out.metrics["animated"] is True
