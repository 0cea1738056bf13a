import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import scidl
from scidl.cli import main
from scidl.demos import DemoOutput, list_demos
from scidl.demos import _registry as registry


def _figure(n_lines=1):
    fig = Figure()
    ax = fig.add_subplot()
    for k in range(n_lines):
        ax.plot([0, 1], [k, k + 1])
    return fig


@pytest.fixture
def fake_demos(monkeypatch):
    """Replace the registry with three fast demos; ``broken`` raises."""
    monkeypatch.setattr(registry, "_REGISTRY", {})

    @registry.register("alpha", "Alpha <topic>", chapter=1, position=1)
    def alpha(*, quick, random_state):
        metrics = {"seed": random_state, "quick": str(quick), "score": 0.5}
        return DemoOutput(
            metrics,
            {"one": _figure(), "two": _figure(2)},
            "Text with <script>alert(1)</script>.",
            ("alpha score", 0.5),
        )

    @registry.register("broken", "Broken", chapter=2, position=1)
    def broken(*, quick, random_state):
        raise RuntimeError("boom in the demo")

    @registry.register("gamma", "Gamma", chapter=3, position=1)
    def gamma(*, quick, random_state):
        # a nested metric first and a "not reached" (None) inside it: the summary must
        # show the headline, metrics.json null, and nothing may show a sentinel like -1
        metrics = {
            "steps_to_tolerance": {"adam": {"rosenbrock": None, "quadratic": 12}},
            "loss": 0.25,
        }
        return DemoOutput(
            metrics, {"curve": _figure()}, "Gamma text.", ("adam steps on rosenbrock", "> 500")
        )


def read_report(out):
    page = (out / "index.html").read_text(encoding="utf-8")
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    return page, metrics


def n_figures(metrics):
    return sum(len(t["figures"]) for t in metrics["topics"].values())


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for demo in list_demos():
        assert re.search(
            rf"\b{demo.chapter}\s+{re.escape(demo.name)}\s+{re.escape(demo.title)}", out
        )


def test_version_help_and_no_command(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"scidl {scidl.__version__}"
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "scidl tour --quick" in text and "index.html" in text
    assert main(["tour", "--help"]) == 0
    text = capsys.readouterr().out
    assert "scidl-report" in text and "--topics" in text
    assert main([]) == 0
    assert "commands" in capsys.readouterr().out


def test_tour_writes_self_contained_report(fake_demos, tmp_path, capsys):
    out = tmp_path / "report"
    assert (
        main(["tour", "--topics", "alpha", "gamma", "--out", str(out), "--seed", "4", "--quick"])
        == 0
    )
    page, metrics = read_report(out)
    assert list(metrics["topics"]) == ["alpha", "gamma"]
    assert metrics["status"] == "ok" and metrics["quick"] is True and metrics["seed"] == 4
    assert metrics["scidl_version"] == scidl.__version__
    alpha = metrics["topics"]["alpha"]
    assert (
        alpha["status"] == "ok"
        and alpha["metrics"]["seed"] == 4
        and alpha["metrics"]["quick"] == "True"
    )
    assert alpha["figures"] == ["one", "two"] and alpha["seconds"] >= 0 and alpha["error"] is None
    # every figure embedded as a PNG, nothing linked
    assert page.count("<img") == n_figures(metrics) == 3
    assert page.count('src="data:image/png;base64,') == 3
    assert not re.search(r'src="(?!data:)', page)
    # text is escaped, title, version and metrics table are there
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "Alpha &lt;topic&gt;" in page and scidl.__version__ in page and "score" in page
    summary = capsys.readouterr()
    assert (
        "alpha" in summary.out and "gamma" in summary.out and str(out / "index.html") in summary.out
    )
    assert "scidl tour" in summary.err  # the progress bar
    assert oct((out / "index.html").stat().st_mode & 0o777) != oct(0o600)


def test_failing_demo_does_not_stop_the_tour(fake_demos, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["tour", "--out", str(out)]) == 1
    page, metrics = read_report(out)
    assert list(metrics["topics"]) == ["alpha", "broken", "gamma"]
    assert metrics["status"] == "error"
    broken = metrics["topics"]["broken"]
    assert broken["status"] == "error" and "RuntimeError: boom in the demo" in broken["error"]
    assert metrics["topics"]["gamma"]["status"] == "ok"
    assert "RuntimeError: boom in the demo" in page and "Traceback" in page
    assert page.count("<img") == n_figures(metrics) == 3
    err = capsys.readouterr().err
    assert "topic 'broken' failed" in err and "1 of 3 topics failed" in err


def test_unknown_topics_exit_2(fake_demos, tmp_path, capsys):
    assert main(["tour", "--topics", "alpha", "nope", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "'nope'" in err and "alpha, broken, gamma" in err
    assert not (tmp_path / "r").exists()
    assert main(["demo", "nope"]) == 2
    assert "Valid topics" in capsys.readouterr().err


def test_usage_errors_exit_2(fake_demos, tmp_path, capsys):
    assert main(["tour", "--seed", "-1"]) == 2
    assert main(["frobnicate"]) == 2
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    assert main(["tour", "--topics", "alpha", "--out", str(not_a_folder)]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_demo_command_default_out(fake_demos, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "gamma"]) == 0
    _, metrics = read_report(tmp_path / "scidl-report-gamma")
    assert list(metrics["topics"]) == ["gamma"]
    assert main(["demo", "broken", "--out", "b"]) == 1
    _, metrics = read_report(tmp_path / "b")
    assert metrics["topics"]["broken"]["status"] == "error"


def test_tour_default_out_and_repeated_topics(fake_demos, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["tour", "--topics", "gamma", "alpha", "gamma"]) == 0
    _, metrics = read_report(tmp_path / "scidl-report")
    assert list(metrics["topics"]) == ["gamma", "alpha"]


def _scidl_command():
    script = shutil.which("scidl", path=str(Path(sys.executable).parent)) or shutil.which("scidl")
    if script is None:
        pytest.skip("the scidl console script is not installed")
    return script


def test_console_script_list():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    proc = subprocess.run(
        [_scidl_command(), "list"], capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert "least-squares" in proc.stdout and "mlp-mnist" in proc.stdout


@pytest.mark.slow
def test_real_quick_tour(tmp_path, capsys):
    out = tmp_path / "report"
    assert (
        main(["tour", "--quick", "--out", str(out)]) == 0
    )  # no timing assertion: machines are noisy
    page, metrics = read_report(out)
    assert set(metrics["topics"]) == {d.name for d in list_demos()}
    assert all(t["status"] == "ok" for t in metrics["topics"].values())
    assert page.count("<img") == n_figures(metrics) >= 6
    assert 0 < metrics["topics"]["mlp-mnist"]["metrics"]["test_accuracy"] <= 1


def test_demo_text_tables_keep_their_layout():
    from scidl.cli._report import _text_html

    table = "width  params   test MSE\n    1       4   2.9e-01\n    8      25   1.5e-05"
    text = f"A sentence <b>.\n\n{table}\n\nLast line."
    out = _text_html(text)
    assert out.count("<p>") == 2 and "&lt;b&gt;" in out
    assert f'<pre class="table">{table}</pre>' in out


def test_encoded_gif_figures_are_embedded_as_gif():
    from scidl.cli._report import TopicRecord, _section, figure_to_base64

    gif = b"GIF89a" + bytes(20)
    record = TopicRecord(
        "anim",
        "Anim",
        3,
        "ok",
        0.1,
        figures={"movie": figure_to_base64(gif), "still": figure_to_base64(_figure())},
    )
    page = _section(record)
    assert (
        page.count('src="data:image/gif;base64,') == 1
        and page.count('src="data:image/png;base64,') == 1
    )


def test_summary_shows_each_topics_headline_not_a_dict(fake_demos, tmp_path, capsys):
    # Regression: the summary printed a topic's first metric, a whole nested dict for
    # the minimization and depth-vs-width demos.
    out = tmp_path / "report"
    assert main(["tour", "--topics", "alpha", "gamma", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("topic"))
    assert header.split()[-1] == "headline"
    alpha = next(line for line in lines if line.startswith("alpha "))
    gamma = next(line for line in lines if line.startswith("gamma "))
    assert alpha.endswith("alpha score = 0.5")
    assert gamma.endswith("adam steps on rosenbrock = > 500")
    assert "{" not in alpha + gamma and "steps_to_tolerance" not in gamma


def test_not_reached_is_null_in_metrics_json_and_never_a_sentinel(fake_demos, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["tour", "--topics", "gamma", "--out", str(out)]) == 0
    page, metrics = read_report(out)
    gamma = metrics["topics"]["gamma"]
    assert gamma["metrics"]["steps_to_tolerance"]["adam"] == {"rosenbrock": None, "quadratic": 12}
    assert '"rosenbrock": null' in (out / "metrics.json").read_text(encoding="utf-8")
    assert gamma["headline"] == {"label": "adam steps on rosenbrock", "value": "> 500"}
    # the report's metric table writes nested values as JSON (null), its summary the headline
    cell = re.search(r"<td>steps_to_tolerance</td><td class=\"num\">(.*?)</td>", page).group(1)
    assert cell == "{&quot;adam&quot;: {&quot;rosenbrock&quot;: null, &quot;quadratic&quot;: 12}}"
    assert "adam steps on rosenbrock = &gt; 500" in page


def test_failed_topic_has_no_headline(fake_demos, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["tour", "--topics", "broken", "--out", str(out)]) == 1
    _, metrics = read_report(out)
    assert metrics["topics"]["broken"]["headline"] is None
    summary = capsys.readouterr().out
    assert "RuntimeError: boom in the demo" in summary


def test_list_follows_the_syllabus_order(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    positions = [out.index(f" {d.name} ") for d in list_demos()]
    assert positions == sorted(positions)
