import matplotlib as mpl
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from scidl.plot import PALETTE, STYLE, style, subplots


def test_palette_is_okabe_ito_and_distinct():
    okabe_ito = {
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }
    assert set(PALETTE) == okabe_ito
    rgb = np.array([to_rgb(c) for c in PALETTE])
    assert len(np.unique(rgb, axis=0)) == len(PALETTE)


def test_style_applies_and_restores_rcparams():
    before = mpl.rcParams["axes.spines.top"]
    with style():
        assert mpl.rcParams["axes.spines.top"] is False
        cycle = [d["color"] for d in mpl.rcParams["axes.prop_cycle"]]
        assert cycle[: len(PALETTE)] == [c.lower() for c in PALETTE] or cycle[
            : len(PALETTE)
        ] == list(PALETTE)
    assert mpl.rcParams["axes.spines.top"] == before
    assert "axes.prop_cycle" in STYLE


def test_subplots_returns_pyplot_free_figure():
    fig, axes = subplots(2, 3)
    assert isinstance(fig, Figure)
    assert axes.shape == (2, 3)
    assert len(fig.axes) == 6
    # the style was active when the axes were made
    assert not fig.axes[0].spines["top"].get_visible()
