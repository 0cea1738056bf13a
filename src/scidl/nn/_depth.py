"""Width and depth: universal approximation and Telgarsky's depth-efficiency construction.

- :func:`width_study`: a one-hidden-layer network's error on a smooth 1D target
  falls as its width grows (Cybenko 1989, Hornik 1989).
- :func:`tent_map_network`: the tent map ``m(x) = 2 relu(x) - 4 relu(x - 1/2)``
  composed ``k`` times, as a ReLU network of width 2 and depth ``k``; it has
  exactly ``2**k`` linear pieces on [0, 1] (Telgarsky 2016).
- :func:`depth_efficiency_table`: deep versus shallow on the ``2**k + 1``
  alternating points, k = 1...8.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from scidl.numerics import get_activation
from scidl.training import DivergenceError, train
from scidl.utils import torch_threads

__all__ = [
    "width_study",
    "tent_map_network",
    "count_linear_pieces",
    "alternating_points",
    "shallow_units_lower_bound",
    "depth_efficiency_table",
    "format_depth_table",
]


def _fit_full_batch(module, X, y, loss_fn, *, steps, history_size=50):
    """Full-batch L-BFGS on all weights, through the one training loop.

    One epoch with ``batch_size = n`` is one ``LBFGS.step``, which runs up to
    ``steps`` iterations with a strong-Wolfe line search; the tolerances are set
    so tiny that the iteration budget, not a stalled loss, ends the run. Measured
    against a hand-written L-BFGS loop on the full depth study (k = 1..8, width
    study, 512-unit net at k = 8): identical accuracies (every trained shallow
    net 100%) in the same time (31 s against 36 s). A non-finite loss in a line
    search ends the run and keeps the last finite weights (the loop's guard); the
    studies then score those weights as they are.
    """
    try:
        train(
            module,
            (X, y),
            loss_fn=loss_fn,
            optimizer="lbfgs",
            lr=1.0,
            optimizer_kwargs={
                "max_iter": steps,
                "history_size": history_size,
                "tolerance_grad": 1e-12,
                "tolerance_change": 1e-15,
            },
            batch_size=len(X),
            max_epochs=1,
            verbose=0,
            random_state=0,
        )
    except DivergenceError:
        pass
    return module


def _default_target(x):
    return np.sin(2 * np.pi * x) * np.exp(-(x**2))


def width_study(
    function=None,
    widths=(1, 2, 4, 8, 16, 32),
    *,
    n_train=200,
    activation="tanh",
    steps=300,
    restarts=2,
    random_state=0,
):
    """Approximation error of one-hidden-layer networks of growing width.

    Each network ``x -> sum_j a_j act(w_j x + b_j) + c`` is fitted to
    ``n_train`` noise-free samples of ``function`` on [-1, 1] by full-batch
    L-BFGS (float64); the error is the mean squared error on a 4x finer test
    grid. For each width the best (lowest training error) of ``restarts``
    random starts and one grown start is kept: the grown start is the best
    narrower net of the previous width plus new units whose read-out weights
    start at zero, so it begins at that net's error and L-BFGS only lowers it.
    The training error therefore never rises with width, as the theory says
    it should not; from random starts alone, wide nets often stopped worse
    than narrower ones within ``steps`` iterations.

    Parameters
    ----------
    function : callable, optional
        Target; default ``sin(2 pi x) exp(-x^2)``.
    widths : sequence of int, default (1, 2, 4, 8, 16, 32)
        Hidden units of the networks compared.
    n_train : int, default 200
        Training points, evenly spaced on [-1, 1].
    activation : str, default "tanh"
        Any name in :data:`scidl.nn.ACTIVATIONS`.
    steps : int, default 300
        L-BFGS iterations per network.
    restarts : int, default 2
        Random starts per width (plus the grown start).
    random_state : int, default 0
        Seeds the random starts.

    Returns
    -------
    list of dict
        ``{"width", "parameters", "train_mse", "test_mse"}`` per width.

    Examples
    --------
    >>> from scidl.nn import width_study
    >>> rows = width_study(widths=(1, 8), steps=100, restarts=1)
    >>> bool(rows[1]["test_mse"] < rows[0]["test_mse"])
    True
    """
    function = _default_target if function is None else function
    x_train = np.linspace(-1, 1, n_train)
    x_test = np.linspace(-1, 1, 4 * n_train - 1)
    X, Xt = (torch.tensor(v[:, None], dtype=torch.float64) for v in (x_train, x_test))
    y, yt = (torch.tensor(np.asarray(function(v), dtype=float)[:, None]) for v in (x_train, x_test))

    def make(width, seed, grow_from=None):
        torch.manual_seed(seed)
        net = nn.Sequential(
            nn.Linear(1, width), get_activation(activation), nn.Linear(width, 1)
        ).double()
        if grow_from is not None:  # the narrower net's units, plus new ones that start switched off
            m = grow_from[0].out_features
            with torch.no_grad():
                net[0].weight[:m] = grow_from[0].weight
                net[0].bias[:m] = grow_from[0].bias
                net[2].weight.zero_()
                net[2].weight[:, :m] = grow_from[2].weight
                net[2].bias.copy_(grow_from[2].bias)
        return net

    with torch_threads(1):  # tiny networks: one thread is faster
        return _width_rows(widths, make, X, y, Xt, yt, steps, restarts, random_state)


def _width_rows(widths, make, X, y, Xt, yt, steps, restarts, random_state):
    rows, best_net = [], None
    for width in widths:
        best = None
        candidates = [(make, (width, random_state * 1000 + r)) for r in range(restarts)]
        if best_net is not None and best_net[0].out_features <= width:
            candidates.append((make, (width, random_state * 1000 + restarts, best_net)))
        for build, args in candidates:
            net = build(*args)
            _fit_full_batch(net, X, y, nn.functional.mse_loss, steps=steps)
            with torch.no_grad():
                train_mse = float(nn.functional.mse_loss(net(X), y))
                test_mse = float(nn.functional.mse_loss(net(Xt), yt))
            if not np.isfinite(train_mse):
                continue
            if best is None or train_mse < best["train_mse"]:
                best = {
                    "width": int(width),
                    "parameters": 3 * int(width) + 1,
                    "train_mse": train_mse,
                    "test_mse": test_mse,
                }
                best_net = net
        rows.append(
            best
            or {
                "width": int(width),
                "parameters": 3 * int(width) + 1,
                "train_mse": np.nan,
                "test_mse": np.nan,
            }
        )
    return rows


def tent_map_network(k):
    """The k-fold composed tent map as a ReLU network of width 2 and depth k.

    One layer computes ``h = (relu(z), relu(z - 1/2))`` and the next reads
    ``m(z) = 2 h_1 - 4 h_2``; the read-out is folded into the next layer's
    weights, so every hidden layer has weights ``[[2, -4], [2, -4]]`` and
    biases ``(0, -1/2)``.

    Parameters
    ----------
    k : int
        Number of compositions (hidden layers), at least 1.

    Returns
    -------
    torch.nn.Sequential
        A float64 network ``[0, 1] -> [0, 1]`` with ``2**k`` linear pieces.

    Examples
    --------
    >>> import torch
    >>> from scidl.nn import tent_map_network
    >>> net = tent_map_network(2)
    >>> x = torch.tensor([[0.0], [0.25], [0.5], [0.75], [1.0]], dtype=torch.float64)
    >>> net(x).flatten().tolist()
    [0.0, 1.0, 0.0, 1.0, 0.0]
    """
    k = int(k)
    if k < 1:
        raise ValueError(f"k must be >= 1; got {k}.")
    layers = [nn.Linear(1, 2), nn.ReLU()]
    for _ in range(k - 1):
        layers += [nn.Linear(2, 2), nn.ReLU()]
    layers.append(nn.Linear(2, 1))
    net = nn.Sequential(*layers).double()
    with torch.no_grad():
        linear = [m for m in net if isinstance(m, nn.Linear)]
        linear[0].weight.copy_(torch.tensor([[1.0], [1.0]]))
        for layer in linear[:-1]:
            layer.bias.copy_(torch.tensor([0.0, -0.5]))
        for layer in linear[1:-1]:
            layer.weight.copy_(torch.tensor([[2.0, -4.0], [2.0, -4.0]]))
        linear[-1].weight.copy_(torch.tensor([[2.0, -4.0]]))
        linear[-1].bias.zero_()
    return net


def count_linear_pieces(fn, lo=0.0, hi=1.0, *, resolution=2**16, rtol=1e-6):
    """Number of linear pieces of a piecewise-linear ``fn`` on [lo, hi].

    The pieces are counted from slope changes on a fine grid. Kinks closer
    together than the grid spacing are missed, so use a grid much finer than
    the expected pieces (default 65,537 points).

    Parameters
    ----------
    fn : callable
        Maps a float64 tensor of shape ``(n, 1)`` to ``n`` values (a torch module
        or a function).
    lo, hi : float, default 0.0 and 1.0
        The interval.
    resolution : int, default 2**16
        Number of grid cells.
    rtol : float, default 1e-6
        A slope change smaller than ``rtol`` times the largest slope is no kink.

    Returns
    -------
    int
        The number of linear pieces.

    Examples
    --------
    >>> import torch
    >>> from scidl.nn import count_linear_pieces, tent_map_network
    >>> count_linear_pieces(tent_map_network(3))          # 2**3 pieces
    8
    >>> count_linear_pieces(lambda x: torch.abs(x - 0.5))
    2
    """
    x = np.linspace(lo, hi, resolution + 1)
    with torch.no_grad():
        y = np.asarray(fn(torch.tensor(x[:, None], dtype=torch.float64))).reshape(-1)
    slopes = np.diff(y) / np.diff(x)
    scale = max(1.0, float(np.abs(slopes).max()))
    changes = np.abs(np.diff(slopes)) > rtol * scale
    # a kink strictly inside a grid cell changes the slope over two consecutive cells: count runs
    starts = changes & ~np.concatenate([[False], changes[:-1]])
    return int(1 + starts.sum())


def alternating_points(k):
    """The ``2**k + 1`` points ``i / 2**k`` of [0, 1] with labels ``i mod 2``.

    Parameters
    ----------
    k : int
        ``2**k + 1`` points.

    Returns
    -------
    x : ndarray of shape (2**k + 1,)
        The points.
    y : ndarray of shape (2**k + 1,)
        Their labels, alternating 0 and 1.

    Examples
    --------
    >>> from scidl.nn import alternating_points
    >>> x, y = alternating_points(2)
    >>> x.tolist(), y.tolist()
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0, 1, 0, 1, 0])
    """
    n = 2 ** int(k)
    x = np.arange(n + 1) / n
    return x, np.arange(n + 1) % 2


def shallow_units_lower_bound(k):
    """Hidden ReLU units a one-hidden-layer network needs for the ``2**k + 1`` alternating points.

    Its output is piecewise linear with at most ``m + 1`` pieces for ``m`` units;
    ``f - 1/2`` must change sign ``2**k`` times, which takes ``2**k`` pieces, so
    ``m >= 2**k - 1``.

    Parameters
    ----------
    k : int
        ``2**k + 1`` alternating points.

    Returns
    -------
    int
        ``2**k - 1``.

    Examples
    --------
    >>> from scidl.nn import shallow_units_lower_bound
    >>> [shallow_units_lower_bound(k) for k in (1, 2, 3, 8)]
    [1, 3, 7, 255]
    """
    return 2 ** int(k) - 1


def _train_classifier(net, x, y, steps):
    X = torch.tensor(x[:, None], dtype=torch.float64)
    Y = torch.tensor(y[:, None], dtype=torch.float64)
    _fit_full_batch(net, X, Y, nn.functional.binary_cross_entropy_with_logits, steps=steps)
    with torch.no_grad():
        return float(((net(X) > 0).double() == Y).double().mean())


def _train_shallow(x, y, width, steps, seed):
    """A one-hidden-layer ReLU net of ``width`` units, trained on squared error to ``2y - 1``.

    Start: unit ``j`` is ``relu(width * (x - t_j))`` with kinks ``t_j`` on a
    jittered grid over [0, 1] (so that every gap between neighbouring points
    holds some) and a zero read-out; the input scale ``width`` makes the
    read-out weights the solution needs of order one. Then full-batch L-BFGS on
    all weights and biases (memory 200). Returns the training accuracy.
    """
    gen = torch.Generator().manual_seed(seed)
    net = nn.Sequential(nn.Linear(1, width), nn.ReLU(), nn.Linear(width, 1)).double()
    with torch.no_grad():
        net[0].weight.fill_(float(width))
        net[0].bias.copy_(
            -(
                torch.arange(width, dtype=torch.float64)
                + torch.rand(width, dtype=torch.float64, generator=gen)
            )
        )
        net[2].weight.zero_()
        net[2].bias.zero_()
    X = torch.tensor(x[:, None], dtype=torch.float64)
    T = torch.tensor(2.0 * y[:, None] - 1.0, dtype=torch.float64)
    # A long L-BFGS memory: with 50 pairs the 512-unit net of k = 8 stalled at 81 %.
    _fit_full_batch(net, X, T, nn.functional.mse_loss, steps=steps, history_size=200)
    with torch.no_grad():
        return float(np.mean((net(X).numpy().ravel() > 0) == y))


def depth_efficiency_table(
    ks=range(1, 9), *, steps=300, shallow_steps=1000, shallow_factor=2, random_state=0
):
    """Deep versus shallow ReLU networks on Telgarsky's alternating points, for each k.

    For each ``k``:

    - the exact deep construction (:func:`tent_map_network`, width 2, depth k):
      its counted linear pieces and accuracy (predict 1 where ``m^k(x) > 1/2``);
    - a width-2, depth-k ReLU network of the same shape trained from random
      initial weights (full-batch L-BFGS on the cross-entropy, at most
      ``steps`` iterations): gradient descent rarely finds the construction;
    - the shallow lower bound ``2**k - 1`` hidden units;
    - two one-hidden-layer networks trained the same way (all weights, L-BFGS
      on squared error, at most ``shallow_steps`` iterations, kinks started on
      a grid): one with ``2**k - 2`` units, one unit below the bound, which can
      never classify every point, and one with ``shallow_factor * 2**k`` units.

    Parameters
    ----------
    ks : iterable of int, default range(1, 9)
        The values of k.
    steps : int, default 300
        L-BFGS iterations for the trained deep network.
    shallow_steps : int, default 1000
        L-BFGS iterations for the trained shallow networks.
    shallow_factor : int, default 2
        The wide shallow net has ``shallow_factor * 2**k`` units.
    random_state : int, default 0
        Seeds the initial weights.

    Returns
    -------
    list of dict
        One row per k: ``k``, ``points``, ``deep_pieces``,
        ``deep_exact_accuracy``, ``deep_params``, ``deep_trained_accuracy``,
        ``shallow_min_units``, ``shallow_below_bound_width``,
        ``shallow_below_bound_accuracy``, ``shallow_width``, ``shallow_params``,
        ``shallow_trained_accuracy``.

    Examples
    --------
    >>> from scidl.nn import depth_efficiency_table
    >>> rows = depth_efficiency_table(ks=[1, 2], steps=10, shallow_steps=20)
    >>> [(r["k"], r["points"], r["deep_pieces"], r["shallow_min_units"]) for r in rows]
    [(1, 3, 2, 1), (2, 5, 4, 3)]
    >>> [r["deep_exact_accuracy"] for r in rows]      # the construction classifies every point
    [1.0, 1.0]
    """
    with torch_threads(1):  # tiny networks: one thread is faster
        return [_depth_row(k, steps, shallow_steps, shallow_factor, random_state) for k in ks]


def _depth_row(k, steps, shallow_steps, shallow_factor, random_state):
    """One row of :func:`depth_efficiency_table`."""
    x, y = alternating_points(k)
    exact = tent_map_network(k)
    with torch.no_grad():
        exact_pred = (exact(torch.tensor(x[:, None])) > 0.5).numpy().reshape(-1)
    torch.manual_seed(random_state + k)
    deep = nn.Sequential(
        nn.Linear(1, 2),
        nn.ReLU(),
        *[m for _ in range(k - 1) for m in (nn.Linear(2, 2), nn.ReLU())],
        nn.Linear(2, 1),
    ).double()
    deep_acc = _train_classifier(deep, x, y, steps)
    width = shallow_factor * 2**k
    below = shallow_units_lower_bound(k) - 1
    return {
        "k": int(k),
        "points": len(x),
        "deep_pieces": count_linear_pieces(exact),
        "deep_exact_accuracy": float(np.mean(exact_pred == y)),
        "deep_params": sum(p.numel() for p in exact.parameters()),
        "deep_trained_accuracy": deep_acc,
        "shallow_min_units": shallow_units_lower_bound(k),
        "shallow_below_bound_width": below,
        "shallow_below_bound_accuracy": _train_shallow(x, y, below, shallow_steps, random_state + k)
        if below > 0
        else float(np.mean(y == np.round(y.mean()))),
        "shallow_width": width,
        "shallow_params": 3 * width + 1,
        "shallow_trained_accuracy": _train_shallow(x, y, width, shallow_steps, random_state + k),
    }


def format_depth_table(rows):
    """Plain-text table of :func:`depth_efficiency_table` rows.

    Parameters
    ----------
    rows : list of dict
        The result of :func:`depth_efficiency_table`.

    Returns
    -------
    str
        A header line and one line per k.

    Examples
    --------
    >>> from scidl.nn import depth_efficiency_table, format_depth_table
    >>> table = format_depth_table(depth_efficiency_table(ks=[1, 2], steps=10, shallow_steps=20))
    >>> len(table.splitlines())                       # a header and one line per k
    3
    >>> table.splitlines()[2].split()[:5]             # k, points, pieces, deep exact, deep params
    ['2', '5', '4', '100%', '13']
    """
    columns = [
        ("k", 2),
        ("points", 6),
        ("pieces", 6),
        ("deep exact", 10),
        ("deep params", 11),
        ("deep trained", 12),
        ("shallow >=", 10),
        ("below bound", 15),
        ("shallow width", 13),
        ("shallow params", 14),
        ("shallow trained", 15),
    ]
    lines = [" ".join(f"{name:>{width}}" for name, width in columns)]
    for r in rows:
        below = f"{r['shallow_below_bound_width']} u: {r['shallow_below_bound_accuracy']:.0%}"
        cells = [
            r["k"],
            r["points"],
            r["deep_pieces"],
            f"{r['deep_exact_accuracy']:.0%}",
            r["deep_params"],
            f"{r['deep_trained_accuracy']:.0%}",
            r["shallow_min_units"],
            below,
            r["shallow_width"],
            r["shallow_params"],
            f"{r['shallow_trained_accuracy']:.0%}",
        ]
        lines.append(" ".join(f"{cell:>{width}}" for cell, (_, width) in zip(cells, columns)))
    return "\n".join(lines)
