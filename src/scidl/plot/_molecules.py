"""Figures of generated strings and molecules: RDKit drawings, property histograms,
validity over training, and text samples."""

from __future__ import annotations

import io
import numbers

import numpy as np

from scidl.plot._style import PALETTE, check_ax, figure_of, new_figure, styled
from scidl.sequence import check_strings

__all__ = [
    "plot_generated_text",
    "plot_molecule_grid",
    "plot_property_histograms",
    "plot_validity_curve",
]

_PROPERTY_LABELS = {"logP": "logP (Crippen)", "QED": "QED", "weight": "molecular weight (g/mol)"}


def _molecule_png(smiles, size):
    """A PNG of one molecule drawn by RDKit, or None when ``smiles`` is not a valid molecule."""
    try:
        from rdkit import Chem, RDLogger
        from rdkit.Chem.Draw import rdMolDraw2D
    except ImportError as exc:
        raise ModuleNotFoundError(
            'plot_molecule_grid draws with RDKit, which is not installed: pip install "scidl[chem]"'
        ) from exc
    RDLogger.DisableLog("rdApp.*")
    try:
        mol = Chem.MolFromSmiles(smiles) if smiles else None
    finally:
        RDLogger.EnableLog("rdApp.*")
    if mol is None:
        return None
    drawer = rdMolDraw2D.MolDraw2DCairo(size, size)
    drawer.DrawMolecule(mol)
    drawer.FinishDrawing()
    return drawer.GetDrawingText()


@styled
def plot_molecule_grid(smiles, *, n_cols=5, legends=None, size=220, title=None):
    """Draw molecules given as SMILES in a grid (RDKit depictions); invalid strings are marked.

    Parameters
    ----------
    smiles : sequence of str
        The molecules (e.g. samples of a generative model).
    n_cols : int, default 5
        Molecules per row.
    legends : sequence of str or None, default None
        A caption under each molecule; None shows the SMILES (shortened).
    size : int, default 220
        Pixels per depiction.
    title : str or None, default None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_molecule_grid
    >>> fig = plot_molecule_grid(["CCO", "c1ccccc1", "C1CC"], n_cols=3)
    >>> len(fig.axes)
    3
    """
    import matplotlib.image as mpimg

    smiles = check_strings(smiles, "smiles")
    if not isinstance(n_cols, numbers.Integral) or isinstance(n_cols, bool) or n_cols < 1:
        raise ValueError(f"n_cols must be a positive int; got {n_cols!r}.")
    if not isinstance(size, numbers.Integral) or isinstance(size, bool) or size < 32:
        raise ValueError(f"size must be an int >= 32 (pixels); got {size!r}.")
    if legends is not None:
        legends = check_strings(legends, "legends")
        if len(legends) != len(smiles):
            raise ValueError(
                f"legends must have one entry per molecule ({len(smiles)}); got {len(legends)}."
            )
    n_cols = min(int(n_cols), len(smiles))
    n_rows = -(-len(smiles) // n_cols)
    fig, axes = new_figure(
        nrows=n_rows, ncols=n_cols, figsize=(2.2 * n_cols, 2.4 * n_rows), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if i >= len(smiles):
            ax.set_axis_off()
            continue
        png = _molecule_png(smiles[i], int(size))
        if png is None:
            ax.text(0.5, 0.5, "invalid", ha="center", va="center", color=PALETTE[5])
        else:
            ax.imshow(mpimg.imread(io.BytesIO(png), format="png"))
        caption = legends[i] if legends is not None else smiles[i]
        if len(caption) > 28:
            caption = caption[:26] + "…"
        ax.set_xlabel(caption, fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


@styled
def plot_property_histograms(generated, reference, *, labels=("generated", "test"), bins=40):
    """Histograms of logP, QED and molecular weight: generated versus reference molecules.

    Parameters
    ----------
    generated, reference : dict of str to array-like
        Property arrays by name, as :func:`scidl.sequence.molecular_properties`
        returns them (``"logP"``, ``"QED"``, ``"weight"``; other names are
        drawn too). Only names present in both are drawn.
    labels : tuple of str, default ("generated", "test")
        Legend entries.
    bins : int, default 40
        Bins per histogram (shared by both sets).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per property, densities normalised to area 1.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.plot import plot_property_histograms
    >>> rng = np.random.default_rng(0)
    >>> gen = {"logP": rng.normal(2, 1, 100), "QED": rng.uniform(0, 1, 100)}
    >>> ref = {"logP": rng.normal(2.5, 1, 100), "QED": rng.uniform(0, 1, 100)}
    >>> fig = plot_property_histograms(gen, ref)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['logP (Crippen)', 'QED']
    """
    for name, value in (("generated", generated), ("reference", reference)):
        if not isinstance(value, dict):
            raise TypeError(
                f"{name} must be a dict of property arrays (molecular_properties); "
                f"got {type(value).__name__}."
            )
    names = [k for k in generated if k in reference]
    if not names:
        raise ValueError(
            "generated and reference share no property name; got "
            f"{sorted(generated)} and {sorted(reference)}."
        )
    if not isinstance(bins, numbers.Integral) or isinstance(bins, bool) or bins < 1:
        raise ValueError(f"bins must be a positive int; got {bins!r}.")
    fig, axes = new_figure(ncols=len(names), figsize=(3.6 * len(names), 3.0), squeeze=False)
    for ax, name in zip(axes.flat, names):
        g = np.asarray(generated[name], dtype=float).ravel()
        r = np.asarray(reference[name], dtype=float).ravel()
        both = np.concatenate([g[np.isfinite(g)], r[np.isfinite(r)]])
        if both.size == 0:
            ax.text(0.5, 0.5, "no molecules", ha="center", va="center", transform=ax.transAxes)
        else:
            edges = np.histogram_bin_edges(both, bins=int(bins))
            ax.hist(r, bins=edges, density=True, color=PALETTE[1], alpha=0.45, label=labels[1])
            ax.hist(g, bins=edges, density=True, histtype="step", lw=1.8, color=PALETTE[0],
                    label=labels[0])  # fmt: skip
        ax.set_xlabel(_PROPERTY_LABELS.get(name, name))
        ax.set_ylabel("density")
    axes.flat[0].legend(frameon=False)
    return fig


@styled
def plot_validity_curve(curves, *, anchors=None, target=None, ax=None,
                        title="Validity of samples during training"):  # fmt: skip
    """Validity of generated molecules against training time, one line per model.

    Parameters
    ----------
    curves : dict of str to (times, validities)
        For each model, training seconds and the validity of samples drawn then.
    anchors : dict of str to float or None, default None
        Reference validities (e.g. the MOSES GPU baselines), drawn as dashed lines.
    target : float or None, default None
        A target validity, drawn as a dotted line.
    ax : matplotlib Axes, default None
        Draw on this Axes.
    title : str
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_validity_curve
    >>> fig = plot_validity_curve({"CharRNN": ([60, 120], [0.3, 0.7])}, anchors={"MOSES": 0.96})
    >>> fig.axes[0].get_ylabel()
    'validity'
    """
    check_ax(ax)
    if not isinstance(curves, dict) or not curves:
        raise TypeError(f"curves must be a non-empty dict of (times, validities); got {curves!r}.")
    if ax is None:
        fig, ax = new_figure(figsize=(5.6, 3.6))
    else:
        fig = figure_of(ax)
    for i, (name, (times, values)) in enumerate(curves.items()):
        t = np.asarray(times, dtype=float)
        v = np.asarray(values, dtype=float)
        if t.shape != v.shape or t.ndim != 1:
            raise ValueError(
                f"curves[{name!r}] must hold two 1-D arrays of one length; got shapes "
                f"{t.shape} and {v.shape}."
            )
        color = PALETTE[i % len(PALETTE)]
        ax.plot(t / 60.0, v, "o-", color=color, label=name, ms=3)
    for j, (name, value) in enumerate((anchors or {}).items()):
        ax.axhline(value, ls="--", lw=1, color=PALETTE[(j + 2) % len(PALETTE)], label=name)
    if target is not None:
        ax.axhline(target, ls=":", lw=1, color="0.3", label=f"target {target:g}")
    ax.set_xlabel("training time (min)")
    ax.set_ylabel("validity")
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    return fig


@styled
def plot_generated_text(samples, *, title="Generated samples", max_chars=90):
    """Show generated strings as lines of monospaced text, grouped under headings.

    Parameters
    ----------
    samples : dict of str to sequence of str, or sequence of str
        Strings, optionally grouped (e.g. by sampling temperature).
    title : str, default "Generated samples"
        Figure title.
    max_chars : int, default 90
        Longer lines are cut with an ellipsis.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from scidl.plot import plot_generated_text
    >>> fig = plot_generated_text({"T = 0.5": ["CCO", "CCN"], "T = 1.0": ["c1ccccc1"]})
    >>> len(fig.axes)
    1
    """
    groups = samples if isinstance(samples, dict) else {"": samples}
    groups = {str(k): check_strings(v, "samples") for k, v in groups.items()}
    lines = []
    for head, strings in groups.items():
        if head:
            lines.append((head, True))
        for s in strings:
            s = s.replace("\n", " ")
            lines.append((s if len(s) <= max_chars else s[: max_chars - 1] + "…", False))
    fig, ax = new_figure(figsize=(7.5, 0.22 * len(lines) + 0.8))
    ax.set_axis_off()
    for i, (text, is_head) in enumerate(lines):
        y = 1 - (i + 0.5) / len(lines)
        ax.text(0.0, y, text, family="monospace", fontsize=8,
                fontweight="bold" if is_head else "normal", va="center",
                transform=ax.transAxes)  # fmt: skip
    ax.set_title(title)
    return fig
