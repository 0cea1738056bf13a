import numpy as np
import pytest
from matplotlib.figure import Figure

from scidl.plot import plot_history, subplots
from scidl.training import History

ROWS = [
    {
        "epoch": e,
        "train_loss": 1.0 / e,
        "valid_loss": 1.2 / e,
        "valid_accuracy": 0.5 + 0.1 * e,
        "lr": 1e-3,
        "time": 0.1 * e,
    }
    for e in range(1, 5)
]


class FittedLike:
    """Anything with a ``history_`` attribute counts as a fitted estimator."""

    history_ = History(ROWS, status="stopped_early")


def test_panels_for_loss_and_accuracy():
    fig = plot_history(History(ROWS))
    assert isinstance(fig, Figure)
    loss_ax, acc_ax = fig.axes
    assert len(loss_ax.lines) == 2  # train and valid loss
    assert len(acc_ax.lines) == 1
    assert loss_ax.get_ylabel() == "loss" and acc_ax.get_ylabel() == "accuracy"
    np.testing.assert_allclose(loss_ax.lines[0].get_ydata(), [r["train_loss"] for r in ROWS])
    np.testing.assert_allclose(loss_ax.lines[0].get_xdata(), [1, 2, 3, 4])
    assert loss_ax.lines[1].get_linestyle() == "--"  # validation dashed


def test_accepts_estimator_and_shows_status():
    fig = plot_history(FittedLike())
    assert "stopped early" in fig.get_suptitle()


def test_accepts_list_and_dict_of_columns():
    assert len(plot_history(ROWS).axes) == 2
    fig = plot_history({"train_loss": [3.0, 2.0, 1.0]})
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), [1, 2, 3])


def test_keys_and_log_scale():
    fig = plot_history(ROWS, keys=["train_loss", "valid_loss"], log_scale=True)
    assert len(fig.axes) == 1
    assert fig.axes[0].get_yscale() == "log"
    fig = plot_history(ROWS, keys="valid_accuracy", log_scale=True)
    assert fig.axes[0].get_yscale() == "linear"  # only loss panels go logarithmic


def test_given_ax_gets_every_curve():
    fig, ax = subplots()
    assert plot_history(ROWS, ax=ax) is fig
    assert len(fig.axes) == 1
    assert len(ax.lines) == 3


def test_errors():
    with pytest.raises(KeyError, match="no column"):
        plot_history(ROWS, keys=["nope"])
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_history([{"epoch": 1, "lr": 0.1}])
    with pytest.raises(TypeError, match="history_or_estimator"):
        plot_history(42)
    with pytest.raises(ValueError, match="equal lengths"):
        plot_history({"a": [1, 2], "b": [1]})
