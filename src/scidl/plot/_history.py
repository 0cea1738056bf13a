"""Learning curves: loss and metrics per epoch, training versus validation."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from scidl.plot._style import PALETTE, figure_of, new_figure, styled

__all__ = ["plot_history"]

# Columns of a History that are bookkeeping, not curves to plot by default.
_NOT_CURVES = ("epoch", "lr", "time")
_PREFIXES = ("train_", "valid_")


def _as_history(history_or_estimator):
    """The per-epoch records of a History, an estimator with ``history_``, or dicts."""
    history = getattr(history_or_estimator, "history_", history_or_estimator)
    if isinstance(history, dict):  # a dict of columns, e.g. {"train_loss": [...]}
        lengths = {len(v) for v in history.values()}
        if len(lengths) > 1:
            raise ValueError(
                f"history columns must have equal lengths; got lengths {sorted(lengths)}."
            )
        n = lengths.pop() if lengths else 0
        return [{k: history[k][i] for k in history} for i in range(n)]
    if not isinstance(history, (list, tuple)):
        raise TypeError(
            "history_or_estimator must be a scidl.training.History, a list of per-epoch dicts, a "
            f"dict of columns or a fitted estimator with history_; got {type(history).__name__}."
        )
    return list(history)


def _column(rows, key):
    return np.array([row.get(key, np.nan) for row in rows], dtype=float)


def _panel_name(key):
    """``train_loss`` and ``valid_loss`` share the panel ``loss``."""
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


@styled
def plot_history(history_or_estimator, keys=None, *, log_scale=False, ax=None):
    """Plot learning curves: loss and metrics per epoch, training versus validation.

    Curves that differ only by a ``train_``/``valid_`` prefix share a panel
    (``train_loss`` and ``valid_loss`` in "loss", ``valid_accuracy`` in
    "accuracy"); training curves are solid blue, validation curves dashed orange.

    Parameters
    ----------
    history_or_estimator : History, list of dict, dict of arrays or estimator
        A :class:`scidl.training.History`, anything with a ``history_``
        attribute (a fitted scidl estimator), a list of per-epoch dicts or a
        dict of columns.
    keys : sequence of str, default None
        Columns to plot. ``None`` plots every column except ``epoch``, ``lr``
        and ``time``.
    log_scale : bool, default False
        Use a logarithmic y axis for the loss panels (names containing "loss").
    ax : matplotlib Axes, default None
        Draw every curve on this one Axes instead of one panel per quantity.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_history
    >>> fig = plot_history([{"epoch": 1, "train_loss": 1.0, "valid_loss": 1.2},
    ...                     {"epoch": 2, "train_loss": 0.5, "valid_loss": 0.7}])
    >>> len(fig.axes), len(fig.axes[0].lines)
    (1, 2)
    """
    rows = _as_history(history_or_estimator)
    columns = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    if keys is None:
        keys = [k for k in columns if k not in _NOT_CURVES]
    else:
        keys = [keys] if isinstance(keys, str) else list(keys)
        missing = [k for k in keys if k not in columns]
        if missing:
            raise KeyError(f"history has no column(s) {missing}; columns are {columns}.")
    if not keys:
        raise ValueError(f"nothing to plot: the history has no curve columns (columns: {columns}).")

    panels: dict[str, list[str]] = {}
    for key in keys:
        panels.setdefault(_panel_name(key), []).append(key)

    if ax is None:
        fig, axes = new_figure(ncols=len(panels), squeeze=False)
        axes = list(axes[0])
    else:
        fig, axes = figure_of(ax), [ax] * len(panels)

    epochs = (
        _column(rows, "epoch") if "epoch" in columns else np.arange(1, len(rows) + 1, dtype=float)
    )
    for (panel, panel_keys), panel_ax in zip(panels.items(), axes):
        for key in panel_keys:
            is_valid = key.startswith("valid_")
            values = _column(rows, key)
            panel_ax.plot(
                epochs,
                values,
                color=PALETTE[1] if is_valid else PALETTE[0],
                linestyle="--" if is_valid else "-",
                marker="o" if len(rows) <= 30 else None,
                markersize=3,
                label=key.replace("_", " "),
            )
        if log_scale and "loss" in panel:
            panel_ax.set_yscale("log")
        panel_ax.set_xlabel("epoch")
        panel_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        panel_ax.set_ylabel(panel.replace("_", " ") if ax is None else "value")
        panel_ax.legend()
    if ax is None:
        title = "Learning curves"
        status = getattr(
            getattr(history_or_estimator, "history_", history_or_estimator), "status", None
        )
        if status and status != "completed":
            title += f" ({status.replace('_', ' ')})"
        fig.suptitle(title)
    return fig
