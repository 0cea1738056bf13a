"""Computing graphs as DOT text."""

import re
import shutil

import numpy as np
import pytest
import torch

from scidl.autodiff import Value, draw_graph, graphviz_available, render_dot


def _edges(dot):
    return re.findall(r"n\d+ -> n\d+", dot)


def test_value_graph_has_ops_shapes_and_every_edge():
    x = Value(np.ones((4, 2)), name="x", requires_grad=False)
    W = Value(np.ones((2, 3)), name="W")
    b = Value(np.zeros(3), name="b")
    loss = (x @ W + b).relu().sum()
    dot = draw_graph(loss)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for text in ["@", "+", "relu", "sum", "(4, 2)", "(2, 3)", "(4, 3)", "W", "b", "x"]:
        assert text in dot
    assert len(_edges(dot)) == 6  # x,W -> @ ; @,b -> + ; + -> relu ; relu -> sum
    assert "grad" not in dot


def test_value_graph_shows_gradients_after_backward():
    a = Value(2.0, name="a")
    y = a * a
    y.backward()
    dot = draw_graph(y, show_grad=True)
    assert 'label="a\\n()\\ngrad 4"' in dot  # d(a^2)/da = 2a = 4
    assert 'label="*\\n()\\ngrad 1"' in dot  # the output's own gradient
    assert "grad" not in draw_graph(y, show_grad=False)
    out = a * 3.0
    out.backward()
    dot = draw_graph(out, show_grad=True)
    assert 'label="a\\n()\\ngrad 3"' in dot
    assert 'label="const\\n()",' in dot  # constants (requires_grad=False) carry no gradient
    x = Value([3.0, 4.0], name="x")
    (x * x).sum().backward()  # grad 2x = (6, 8): an array shows its norm
    assert 'label="x\\n(2)\\n|grad| 10"' in draw_graph((x * x).sum(), show_grad=True)


def test_torch_graph_walks_grad_fn():
    w = torch.ones(3, 2, requires_grad=True)
    x = torch.ones(4, 3)
    y = torch.tanh(x @ w).sum()
    dot = draw_graph(y)
    assert "Mm" in dot and "Tanh" in dot and "Sum" in dot
    assert "leaf" in dot and "(3, 2)" in dot
    assert len(_edges(dot)) == 4  # leaf -> Mm -> Tanh -> Sum -> output
    # every operation carries the shape of its result
    assert (
        'label="Mm\\n(4, 2)"' in dot
        and 'label="Tanh\\n(4, 2)"' in dot
        and 'label="Sum\\n()"' in dot
    )
    y.backward()
    assert "|grad|" in draw_graph(y, show_grad=True)


def test_bad_input():
    with pytest.raises(TypeError, match="Value or a torch.Tensor"):
        draw_graph(np.ones(3))


def test_render_without_graphviz_returns_none(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert not graphviz_available()
    assert render_dot("digraph { a -> b }", tmp_path / "g.svg") is None
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_render_svg_with_graphviz(tmp_path):
    x = Value(np.ones(2), name="x")
    draw_graph((x * x).sum(), path=tmp_path / "g.svg")
    assert "<svg" in (tmp_path / "g.svg").read_text()


@pytest.mark.skipif(not graphviz_available(), reason="Graphviz 'dot' is not installed")
def test_render_png_and_svg_with_graphviz(tmp_path):
    x = Value(np.ones((3, 2)), name="x")
    W = Value(np.ones((2, 2)), name="W")
    loss = (x @ W).tanh().sum()
    loss.backward()
    dot = draw_graph(loss, show_grad=True, path=tmp_path / "g.png")  # format from the suffix
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert render_dot(dot, tmp_path / "g.svg") == tmp_path / "g.svg"
    svg = (tmp_path / "g.svg").read_text()
    assert "<svg" in svg and "tanh" in svg
    assert (
        render_dot(dot, tmp_path / "g.img", format="png") == tmp_path / "g.img"
    )  # explicit format wins
    assert (tmp_path / "g.img").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="svg' or 'png"):
        render_dot(dot, tmp_path / "g.pdf")
