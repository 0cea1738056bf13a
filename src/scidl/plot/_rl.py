"""Figures of reinforcement learning: learning curves with seed bands, value and policy maps
on grid worlds, and a rendered episode as an animated GIF."""

from __future__ import annotations

import io
import numbers

import numpy as np

from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled

__all__ = ["episode_animation", "plot_return_curves", "plot_value_function"]

_ARROWS = {0: (-1, 0), 1: (0, 1), 2: (1, 0), 3: (0, -1)}  # left, down, right, up (x, y-down)
_CELL_COLOURS = {"#": "0.25", "X": "#D55E00", "G": "#009E73"}


def _curve(run, x_key, y_key):
    history = getattr(run, "history_", run)
    try:
        x, y = np.asarray(history[x_key], float), np.asarray(history[y_key], float)
    except (KeyError, TypeError, IndexError):
        raise ValueError(
            f"each run must be a fitted deep agent or a History with columns {x_key!r} and "
            f"{y_key!r}; got {type(run).__name__}."
        ) from None
    keep = np.isfinite(y)
    return x[keep], y[keep]


@styled
def plot_return_curves(
    runs,
    *,
    column="eval_return",
    steps_column="timesteps",
    target=None,
    ax=None,
    title="Learning curves (mean over seeds, band: min to max)",
):
    """Return against environment steps per method: the seed mean and a min-max band.

    Parameters
    ----------
    runs : dict
        ``{label: [agent or History, ...]}``, one entry per seed; each a fitted
        deep agent (its ``history_``) or a History with both columns below.
    column : str, default "eval_return"
        The column to plot (``"episode_return"``: training episodes).
    steps_column : str, default "timesteps"
        The column of the horizontal axis.
    target : float, optional
        A horizontal line (e.g. 500, CartPole's maximum).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    title : str
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> from scidl.plot import plot_return_curves
    >>> from scidl.training import History
    >>> seeds = [History([{"timesteps": t, "eval_return": t / 10 + s} for t in (100, 200)])
    ...          for s in range(3)]
    >>> fig = plot_return_curves({"agent": seeds}, target=20)
    >>> fig.axes[0].get_xlabel()
    'environment steps'
    """
    if not isinstance(runs, dict) or not runs:
        raise TypeError(
            f"runs must be a non-empty dict {{label: [runs]}}; got {type(runs).__name__}."
        )
    if ax is None:
        fig, ax = new_figure(figsize=(5.6, 3.6))
    else:
        check_ax(ax)
        fig = figure_of(ax)
    for i, (label, seeds) in enumerate(runs.items()):
        seeds = list(seeds) if isinstance(seeds, list | tuple) else [seeds]
        if not seeds:
            raise ValueError(f"runs[{label!r}] is empty.")
        curves = [_curve(s, steps_column, column) for s in seeds]
        curves = [c for c in curves if len(c[0])]
        if not curves:
            continue
        grid = np.unique(np.concatenate([c[0] for c in curves]))
        # each seed held at its last value after it stopped (e.g. once solved)
        ys = np.array([np.interp(grid, cx, cy, right=cy[-1]) for cx, cy in curves])
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(
            grid,
            ys.mean(axis=0),
            color=colour,
            lw=1.8,
            label=f"{label} ({len(curves)} seed{'s' if len(curves) > 1 else ''})",
        )
        if len(curves) > 1:
            ax.fill_between(grid, ys.min(axis=0), ys.max(axis=0), color=colour, alpha=0.2, lw=0)
    if target is not None:
        ax.axhline(target, color="0.4", ls="--", lw=1, label=f"target {target:g}")
    ax.set_xlabel("environment steps")
    ax.set_ylabel(column.replace("_", " "))
    ax.set_title(title)
    ax.legend(loc="best", fontsize="small")
    return fig


@styled
def plot_value_function(
    values, layout, *, policy=None, ax=None, title="State values", cmap="viridis"
):
    """A grid world's state values as a heat map, with the policy as arrows.

    Parameters
    ----------
    values : array-like of shape (n_states,)
        One value per cell, row by row (e.g. ``value_iteration(env).values``
        or an agent's ``values_``).
    layout : sequence of str
        The grid (``scidl.rl.grid_layout(env)``): ``#`` walls are grey, pits
        ``X`` and goals ``G`` outlined, and no arrow is drawn on them.
    policy : array-like of int, shape (n_states,), optional
        Actions (0 left, 1 down, 2 right, 3 up) drawn as arrows.
    ax : matplotlib Axes, optional
        Where to draw.
    title : str
        Axes title.
    cmap : str, default "viridis"
        Colour map of the values.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> from scidl.plot import plot_value_function
    >>> from scidl.rl import grid_layout, value_iteration
    >>> result = value_iteration("FrozenLake-v1")
    >>> fig = plot_value_function(result.values, grid_layout("FrozenLake-v1"), policy=result.policy)
    >>> fig.axes[0].get_title()
    'State values'
    """
    if isinstance(layout, str) or not all(isinstance(r, str) for r in layout):
        raise TypeError("layout must be a sequence of strings (rows of the grid).")
    rows, cols = len(layout), len(layout[0])
    values = np.asarray(values, dtype=float)
    if values.shape != (rows * cols,):
        raise ValueError(
            f"values must have one entry per cell, shape ({rows * cols},); got {values.shape}."
        )
    grid = values.reshape(rows, cols).copy()
    walls = np.array([[c == "#" for c in r] for r in layout])
    grid[walls] = np.nan
    if ax is None:
        fig, ax = new_figure(figsize=(0.75 * cols + 1.4, 0.75 * rows + 0.6))
    else:
        check_ax(ax)
        fig = figure_of(ax)
    image = ax.imshow(grid, cmap=cmap)
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for r in range(rows):
        for c in range(cols):
            cell = layout[r][c]
            if cell in _CELL_COLOURS:
                ax.add_patch(_rect(c, r, _CELL_COLOURS[cell], fill=cell == "#"))
            if cell not in "#XG" and np.isfinite(grid[r, c]) and rows * cols <= 100:
                ax.text(
                    c,
                    r + 0.32,
                    f"{grid[r, c]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="w",
                )
    if policy is not None:
        policy = np.asarray(policy)
        if policy.shape != (rows * cols,) or policy.dtype.kind not in "iu":
            raise ValueError(
                f"policy must be {rows * cols} integer actions; got shape {policy.shape}."
            )
        for s, a in enumerate(policy):
            r, c = divmod(s, cols)
            if layout[r][c] in "#XG" or int(a) not in _ARROWS:
                continue
            dx, dy = _ARROWS[int(a)]
            ax.annotate(
                "",
                xy=(c + 0.3 * dx, r + 0.3 * dy - 0.08),
                xytext=(c - 0.3 * dx, r - 0.3 * dy - 0.08),
                arrowprops=dict(arrowstyle="->", color="w", lw=1.4),
            )
    ax.set_title(title)
    return fig


def _rect(c, r, colour, *, fill):
    from matplotlib.patches import Rectangle

    return Rectangle(
        (c - 0.5, r - 0.5),
        1,
        1,
        facecolor=colour if fill else "none",
        edgecolor=colour,
        lw=0 if fill else 2.5,
    )


def episode_animation(frames, *, fps=4):
    """An animated GIF (bytes) of rendered frames, e.g. ``scidl.rl.record_episode``.

    Parameters
    ----------
    frames : sequence of ndarray of shape (height, width, 3)
        RGB images (uint8 or floats in [0, 1]), all the same shape.
    fps : int, default 4
        Frames per second.

    Returns
    -------
    bytes
        The GIF file (Pillow, which matplotlib requires).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import episode_animation
    >>> frames = [np.full((8, 8, 3), v, dtype=np.uint8) for v in (0, 128, 255)]
    >>> episode_animation(frames)[:6]
    b'GIF89a'
    """
    from PIL import Image

    if not isinstance(fps, numbers.Integral) or fps < 1:
        raise ValueError(f"fps must be a positive int; got {fps!r}.")
    frames = list(frames)
    if not frames:
        raise ValueError("frames is empty.")
    arrays = [np.asarray(f) for f in frames]
    shape = arrays[0].shape
    if len(shape) != 3 or shape[2] != 3 or any(a.shape != shape for a in arrays):
        raise ValueError(
            f"frames must be RGB images of one shape (height, width, 3); got {shape} and others."
        )
    images = [
        Image.fromarray(a if a.dtype == np.uint8 else (np.clip(a, 0, 1) * 255).astype(np.uint8))
        for a in arrays
    ]
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=int(1000 / fps),
        loop=0,
    )
    return buffer.getvalue()
