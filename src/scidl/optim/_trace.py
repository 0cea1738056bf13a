"""Trajectories of optimizers on test functions, and steps to reach a tolerance."""

from __future__ import annotations

import inspect

import numpy as np
import torch

from scidl.optim._functions import get_test_function
from scidl.training import OPTIMIZERS

__all__ = [
    "METHODS",
    "TORCH_EQUIVALENTS",
    "trace",
    "steps_to_tolerance",
    "compare_optimizers",
    "format_table",
]

# The lecture's update rules, written out in NumPy on the exact gradient g(x).
# Each has the semantics (and defaults) of its torch.optim counterpart, listed in
# TORCH_EQUIVALENTS; the tests check that both give the same trajectory.


class _Rule:
    def __init__(self, lr):
        self.lr = lr
        self.t = 0

    def __call__(self, x, g):
        self.t += 1
        return x - self.update(g)


class _GD(_Rule):
    """x <- x - lr g."""

    def update(self, g):
        return self.lr * g


class _Momentum(_Rule):
    """Heavy ball: v <- mu v + g; x <- x - lr v.  Nesterov: x <- x - lr (g + mu v)."""

    def __init__(self, lr, momentum=0.9, nesterov=False):
        super().__init__(lr)
        self.mu, self.nesterov, self.v = momentum, nesterov, None

    def update(self, g):
        self.v = g.copy() if self.v is None else self.mu * self.v + g
        return self.lr * (g + self.mu * self.v if self.nesterov else self.v)


class _AdaGrad(_Rule):
    """s <- s + g^2; x <- x - lr g / (sqrt(s) + eps): per-coordinate steps shrink with history."""

    def __init__(self, lr, eps=1e-10):
        super().__init__(lr)
        self.eps, self.s = eps, 0.0

    def update(self, g):
        self.s = self.s + g * g
        return self.lr * g / (np.sqrt(self.s) + self.eps)


class _RMSProp(_Rule):
    """s <- a s + (1 - a) g^2; x <- x - lr g / (sqrt(s) + eps): a moving average, not a sum."""

    def __init__(self, lr, alpha=0.99, eps=1e-8):
        super().__init__(lr)
        self.alpha, self.eps, self.s = alpha, eps, 0.0

    def update(self, g):
        self.s = self.alpha * self.s + (1 - self.alpha) * g * g
        return self.lr * g / (np.sqrt(self.s) + self.eps)


class _Adam(_Rule):
    """Momentum on g and RMSProp on g^2, both bias-corrected (Kingma & Ba 2015)."""

    def __init__(self, lr, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(lr)
        (self.b1, self.b2), self.eps, self.m, self.v = betas, eps, 0.0, 0.0

    def update(self, g):
        self.m = self.b1 * self.m + (1 - self.b1) * g
        self.v = self.b2 * self.v + (1 - self.b2) * g * g
        m_hat = self.m / (1 - self.b1**self.t)
        v_hat = self.v / (1 - self.b2**self.t)
        return self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class _AdamW(_Adam):
    """Adam with decoupled weight decay: x <- (1 - lr wd) x before the Adam step (Loshchilov &
    Hutter 2019); the decay pulls every coordinate towards zero, so the iterates settle where the
    gradient balances the decay, not exactly at a minimum of f."""

    def __init__(self, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(lr, betas=betas, eps=eps)
        self.weight_decay = weight_decay

    def __call__(self, x, g):
        self.t += 1
        return x * (1 - self.lr * self.weight_decay) - self.update(g)


# The names are those of the training loop (scidl.training.OPTIMIZERS), so that
# "adam" on a test function and "adam" in MLPClassifier(optimizer=...) are one method.
# name -> (NumPy rule, which learning rate of the test function it uses)
_RULES = {
    "sgd": (_GD, "sgd"),
    "momentum": (_Momentum, "sgd"),
    "nesterov": (_Momentum, "sgd"),
    "adagrad": (_AdaGrad, "adaptive"),
    "rmsprop": (_RMSProp, "adaptive"),
    "adam": (_Adam, "adaptive"),
    "adamw": (_AdamW, "adaptive"),
}
# L-BFGS runs as torch.optim.LBFGS: one iteration (up to 25 evaluations) per trace step.
_LBFGS_OPTIONS = {
    "max_iter": 1,
    "max_eval": 25,
    "history_size": 10,
    "line_search_fn": "strong_wolfe",
}


def _methods():
    methods = {}
    for name, (_, fixed) in OPTIMIZERS.items():
        if name == "lbfgs":
            methods[name] = (None, dict(_LBFGS_OPTIONS), None)
        elif name in _RULES:
            rule, which = _RULES[name]
            methods[name] = (rule, dict(fixed), which)
        else:  # a new optimizer in the training loop needs its lecture rule here
            raise NotImplementedError(f"scidl.optim has no update rule for optimizer {name!r}.")
    methods["newton"] = ("newton", {}, None)
    return methods


# name -> (NumPy rule, "newton", or None for a torch optimizer; keyword arguments; which lr)
METHODS = _methods()

# name -> (torch optimizer class, keyword arguments): the same update in PyTorch
TORCH_EQUIVALENTS = {
    name: (cls, dict(_LBFGS_OPTIONS) if name == "lbfgs" else dict(fixed))
    for name, (cls, fixed) in OPTIMIZERS.items()
}


def _newton(function, x0, steps, lr, until):
    """Newton's method x <- x - lr H^-1 g with the exact Hessian (it seeks any stationary point)."""
    x = np.array(x0, dtype=np.float64)
    path = [x.copy()]
    for _ in range(steps):
        g, H = function.grad(x), function.hessian(x)
        try:
            x = x - lr * np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        path.append(x.copy())
        if not np.all(np.isfinite(x)) or (
            until is not None and function.distance_to_minimum(x) < until
        ):
            break
    return np.array(path)


def _numpy_rule(rule, function, x0, steps, until):
    x = np.array(x0, dtype=np.float64)
    path = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run just ends
        for _ in range(steps):
            x = rule(x, function.grad(x))
            path.append(x.copy())
            if not np.all(np.isfinite(x)) or (
                until is not None and function.distance_to_minimum(x) < until
            ):
                break
    return np.array(path)


def trace(optimizer, function, x0=None, steps=100, *, lr=None, until=None, **kwargs):
    """Run ``optimizer`` on a 2D ``function`` and return the trajectory.

    Parameters
    ----------
    optimizer : str, torch.optim.Optimizer class or callable
        A name in :data:`METHODS`: the training loop's names
        (:data:`scidl.training.OPTIMIZERS`: "sgd", "momentum", "nesterov",
        "adagrad", "rmsprop", "adam", "adamw", "lbfgs") and "newton"; any ``torch.optim.Optimizer``
        subclass, or a factory ``params -> optimizer``. The named first-order
        methods are the NumPy update rules of the lecture on the exact gradient
        (the same trajectories as their torch counterparts in
        :data:`TORCH_EQUIVALENTS`, but ~50x faster); "lbfgs" is
        ``torch.optim.LBFGS`` with one iteration per step and a strong-Wolfe line
        search; "newton" uses the exact Hessian.
    function : str or TestFunction
        E.g. ``"rosenbrock"`` (see :data:`TEST_FUNCTIONS`).
    x0 : array-like of shape (2,), optional
        Starting point (default ``function.x0``).
    steps : int
        Maximum number of optimizer steps.
    lr : float, optional
        Learning rate; by default the function's ``lr["sgd"]`` for (momentum)
        gradient descent and ``lr["adaptive"]`` for AdaGrad/RMSProp/Adam/AdamW;
        1 for Newton and L-BFGS.
    until : float, optional
        Stop early once the distance to the nearest minimum is below this.
    **kwargs
        Passed to the optimizer (class).

    Returns
    -------
    ndarray of shape (n_steps + 1, 2)
        ``x`` before the first step and after each; shorter if stopped early or
        if the iterates stop being finite.

    Examples
    --------
    >>> from scidl.optim import trace
    >>> path = trace("newton", "quadratic", steps=3)
    >>> path.shape, bool(abs(path[1]).max() < 1e-12)   # one Newton step on a quadratic
    ((4, 2), True)
    >>> import torch
    >>> trace(torch.optim.SGD, "quadratic", steps=10, lr=0.05).shape
    (11, 2)
    """
    function = get_test_function(function)
    x0 = function.x0 if x0 is None else x0
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0; got {steps}.")
    if isinstance(optimizer, str):
        if optimizer not in METHODS:
            raise ValueError(
                f"optimizer must be one of {', '.join(map(repr, METHODS))}, "
                f"a torch optimizer class or a factory; got {optimizer!r}."
            )
        rule, fixed, which = METHODS[optimizer]
        if lr is None:
            lr = function.lr[which] if which else 1.0
        if rule == "newton":
            return _newton(function, x0, steps, lr, until)
        if rule is not None:
            return _numpy_rule(rule(lr, **{**fixed, **kwargs}), function, x0, steps, until)
        factory = lambda params: torch.optim.LBFGS(params, lr=lr, **{**fixed, **kwargs})  # noqa: E731
    elif inspect.isclass(optimizer) and issubclass(optimizer, torch.optim.Optimizer):

        def factory(params):
            return optimizer(params, **({"lr": lr} if lr is not None else {}), **kwargs)  # noqa: E731
    elif callable(optimizer):
        factory = optimizer
    else:
        raise TypeError(
            "optimizer must be a name, a torch.optim.Optimizer class or a factory; "
            f"got {optimizer!r}."
        )

    x = torch.tensor(np.asarray(x0, dtype=np.float64), requires_grad=True)
    opt = factory([x])

    def closure():
        opt.zero_grad()
        value = function.f(x)
        value.backward()
        return value

    path = [x.detach().numpy().copy()]
    for _ in range(steps):
        opt.step(closure)
        point = x.detach().numpy().copy()
        path.append(point)
        if not np.all(np.isfinite(point)) or (
            until is not None and function.distance_to_minimum(point) < until
        ):
            break
    return np.array(path)


def steps_to_tolerance(path, function, tol=1e-4):
    """The first step at which the trajectory is within ``tol`` of a minimum (None if never).

    Parameters
    ----------
    path : ndarray of shape (n_points, 2)
        A trajectory, e.g. from :func:`trace`.
    function : str or TestFunction
        The function whose minima count.
    tol : float, default 1e-4
        Distance to the nearest minimum that counts as arrived.

    Returns
    -------
    int or None
        The index of the first point within ``tol``, None if no point is.

    Examples
    --------
    >>> from scidl.optim import steps_to_tolerance, trace
    >>> steps_to_tolerance(trace("newton", "quadratic", steps=3), "quadratic")
    1
    >>> path = trace("sgd", "quadratic", steps=500)
    >>> steps_to_tolerance(path, "quadratic"), steps_to_tolerance(path[:10], "quadratic")
    (207, None)
    """
    function = get_test_function(function)
    close = np.flatnonzero(function.distance_to_minimum(path) < tol)
    return int(close[0]) if len(close) else None


def compare_optimizers(methods=None, functions=None, *, tol=1e-4, max_steps=2000):
    """Steps to reach ``tol`` (distance to the nearest minimum) per method and function.

    Parameters
    ----------
    methods : sequence of str, optional
        Names in :data:`METHODS` (default: all of them).
    functions : sequence of str, optional
        Names in :data:`TEST_FUNCTIONS` (default: all of them).
    tol : float, default 1e-4
        Distance to the nearest minimum that counts as arrived.
    max_steps : int, default 2000
        Steps each method may take.

    Returns
    -------
    dict of {method: {function: int or None}}
        None when ``max_steps`` were not enough (or the method went elsewhere,
        e.g. Newton's method into a saddle).

    Examples
    --------
    >>> from scidl.optim import compare_optimizers
    >>> table = compare_optimizers(["newton"], ["quadratic"], max_steps=5)
    >>> table["newton"]["quadratic"]
    1
    """
    from scidl.optim._functions import TEST_FUNCTIONS

    methods = list(METHODS) if methods is None else list(methods)
    functions = list(TEST_FUNCTIONS) if functions is None else list(functions)
    table = {}
    for m in methods:
        table[m] = {}
        for f in functions:
            fn = get_test_function(f)
            table[m][fn.name] = steps_to_tolerance(
                trace(m, fn, steps=max_steps, until=tol), fn, tol
            )
    return table


def format_table(table, *, max_steps=None):
    """A plain-text table of :func:`compare_optimizers`' result.

    Parameters
    ----------
    table : dict of {method: {function: int or None}}
        The result of :func:`compare_optimizers`.
    max_steps : int, optional
        The step budget, shown as ``>max_steps`` for runs that never arrived
        (``never`` when not given).

    Returns
    -------
    str
        One line per method, one column per function.

    Examples
    --------
    >>> from scidl.optim import compare_optimizers, format_table
    >>> table = compare_optimizers(["sgd", "newton"], ["quadratic", "rosenbrock"], max_steps=200)
    >>> print(format_table(table, max_steps=200))
    method       quadratic  rosenbrock
    sgd               >200        >200
    newton               1           5
    """
    functions = list(next(iter(table.values())))
    never = f">{max_steps}" if max_steps else "never"
    width = max(11, *(len(f) + 2 for f in functions))
    lines = ["method".ljust(10) + "".join(f.rjust(width) for f in functions)]
    for m, row in table.items():  # noqa: B007
        lines.append(
            m.ljust(10)
            + "".join((never if row[f] is None else str(row[f])).rjust(width) for f in functions)
        )
    return "\n".join(lines)
