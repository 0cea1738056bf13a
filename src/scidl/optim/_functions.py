"""Test functions of two variables with exact gradients, Hessians and known minima."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["TestFunction", "TEST_FUNCTIONS", "get_test_function"]


@dataclass(frozen=True)
class TestFunction:
    """A function of ``x = (x1, x2)`` with exact derivatives and its minima.

    ``f`` works on NumPy arrays *and* torch tensors (only arithmetic is used);
    ``grad`` and ``hessian`` are the hand-derived derivatives, in NumPy.

    Parameters
    ----------
    name : str
        Short name (the key in :data:`TEST_FUNCTIONS`).
    f : callable
        ``f(x)`` for ``x = (x1, x2)``, on NumPy arrays or torch tensors.
    grad, hessian : callable
        Exact gradient ``(2,)`` and Hessian ``(2, 2)`` at ``x``, in NumPy.
    minima : ndarray of shape (n_minima, 2)
        Global minimisers.
    f_min : float
        The minimum value.
    x0 : tuple
        The standard starting point.
    xlim, ylim : tuple
        Plotting window.
    lr : dict, optional
        Learning rates by kind of method (see Attributes).
    saddles : ndarray of shape (n_saddles, 2), optional
        Saddle points.
    description : str, optional
        One line for tables and figures.

    Attributes
    ----------
    name : str
        Short name.
    f, grad, hessian : callable
        The function and its exact derivatives.
    minima : ndarray (n_minima, 2)
        Global minimisers (for the saddle: the two minima; the saddle point
        itself is in ``saddles``).
    f_min : float
        The minimum value.
    x0 : tuple
        The standard starting point.
    xlim, ylim : tuple
        Plotting window.
    saddles : ndarray (n_saddles, 2)
        Saddle points (empty for most functions).
    description : str
        One line for tables and figures.
    lr : dict
        Learning rates that work from ``x0``: ``"sgd"`` for (momentum) gradient
        descent, ``"adaptive"`` for AdaGrad, RMSProp, Adam and AdamW.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.optim import TEST_FUNCTIONS
    >>> q = TEST_FUNCTIONS["quadratic"]                # 0.5 (x^2 + 20 y^2)
    >>> float(q(np.array([0.0, 1.0]))), q.grad(np.array([0.0, 1.0])).tolist()
    (10.0, [0.0, 20.0])
    >>> float(q.distance_to_minimum([3.0, 4.0]))
    5.0
    >>> import torch
    >>> float(q(torch.tensor([0.0, 1.0])))             # f works on tensors too
    10.0
    """

    __test__ = False  # not a pytest class

    name: str
    f: callable
    grad: callable
    hessian: callable
    minima: np.ndarray
    f_min: float
    x0: tuple
    xlim: tuple
    ylim: tuple
    lr: dict = field(default_factory=dict)
    saddles: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    description: str = ""

    def __call__(self, x):
        return self.f(x)

    def distance_to_minimum(self, x):
        """Euclidean distance from ``x`` (or each row of it) to the nearest minimum."""
        x = np.asarray(x, dtype=float)
        d = np.linalg.norm(x[..., None, :] - self.minima, axis=-1)
        return d.min(axis=-1)


_KAPPA = 20.0  # condition number of the quadratic: GD needs ~ kappa steps per decade


def _quadratic():
    return TestFunction(
        name="quadratic",
        f=lambda x: 0.5 * (x[0] ** 2 + _KAPPA * x[1] ** 2),
        grad=lambda x: np.array([x[0], _KAPPA * x[1]]),
        hessian=lambda x: np.diag([1.0, _KAPPA]),
        minima=np.array([[0.0, 0.0]]),
        f_min=0.0,
        x0=(-4.0, 1.5),
        xlim=(-5, 5),
        ylim=(-2, 2),
        lr={"sgd": 1.0 / _KAPPA, "adaptive": 0.1},
        description=f"0.5 (x^2 + {_KAPPA:g} y^2), condition number {_KAPPA:g}",
    )


def _rosenbrock():
    def grad(x):
        a, b = x
        return np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])

    def hessian(x):
        a, b = x
        return np.array([[2 - 400 * (b - 3 * a * a), -400 * a], [-400 * a, 200.0]])

    return TestFunction(
        name="rosenbrock",
        f=lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2,
        grad=grad,
        hessian=hessian,
        minima=np.array([[1.0, 1.0]]),
        f_min=0.0,
        x0=(-1.2, 1.0),
        xlim=(-2, 2),
        ylim=(-1, 3),
        lr={"sgd": 1e-3, "adaptive": 0.02},
        description="(1 - x)^2 + 100 (y - x^2)^2: a curved, flat-bottomed valley",
    )


def _beale():
    c = (1.5, 2.25, 2.625)

    def terms(x):
        a, b = x
        return [(c[k] - a + a * b ** (k + 1)) for k in range(3)]

    def grad(x):
        a, b = x
        r = terms(x)
        ga = sum(2 * r[k] * (-1 + b ** (k + 1)) for k in range(3))
        gb = sum(2 * r[k] * a * (k + 1) * b**k for k in range(3))
        return np.array([ga, gb])

    def hessian(x):
        a, b = x
        r = terms(x)
        haa = sum(2 * (-1 + b ** (k + 1)) ** 2 for k in range(3))
        hbb = sum(
            2 * (a * (k + 1) * b**k) ** 2 + 2 * r[k] * a * (k + 1) * k * b ** max(k - 1, 0)
            for k in range(3)
        )
        hab = sum(
            2 * (-1 + b ** (k + 1)) * a * (k + 1) * b**k + 2 * r[k] * (k + 1) * b**k
            for k in range(3)
        )
        return np.array([[haa, hab], [hab, hbb]])

    return TestFunction(
        name="beale",
        f=lambda x: sum(t**2 for t in terms(x)),
        grad=grad,
        hessian=hessian,
        minima=np.array([[3.0, 0.5]]),
        f_min=0.0,
        x0=(1.0, 1.4),
        xlim=(-1, 4.5),
        ylim=(-1.5, 2),
        lr={"sgd": 0.01, "adaptive": 0.05},
        description="Beale's function: flat plateaus and steep ridges",
    )


def _himmelblau():
    def grad(x):
        a, b = x
        u, v = a * a + b - 11, a + b * b - 7
        return np.array([4 * a * u + 2 * v, 2 * u + 4 * b * v])

    def hessian(x):
        a, b = x
        u, v = a * a + b - 11, a + b * b - 7
        return np.array(
            [[4 * u + 8 * a * a + 2, 4 * a + 4 * b], [4 * a + 4 * b, 2 + 4 * v + 8 * b * b]]
        )

    return TestFunction(
        name="himmelblau",
        f=lambda x: (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2,
        grad=grad,
        hessian=hessian,
        minima=np.array(
            [
                [3.0, 2.0],
                [-2.805118086952745, 3.131312518250573],
                [-3.779310253377747, -3.283185991286170],
                [3.584428340330492, -1.848126526964404],
            ]
        ),
        f_min=0.0,
        x0=(0.0, -1.0),
        xlim=(-5, 5),
        ylim=(-5, 5),
        lr={"sgd": 0.01, "adaptive": 0.1},
        description="Himmelblau's function: four global minima",
    )


def _saddle():
    return TestFunction(
        name="saddle",
        f=lambda x: x[0] ** 2 - x[1] ** 2 + x[1] ** 4 / 4,
        grad=lambda x: np.array([2 * x[0], -2 * x[1] + x[1] ** 3]),
        hessian=lambda x: np.array([[2.0, 0.0], [0.0, -2 + 3 * x[1] ** 2]]),
        minima=np.array([[0.0, np.sqrt(2.0)], [0.0, -np.sqrt(2.0)]]),
        f_min=-1.0,
        x0=(1.5, 1e-3),
        xlim=(-2, 2),
        ylim=(-2, 2),
        lr={"sgd": 0.1, "adaptive": 0.05},
        saddles=np.array([[0.0, 0.0]]),
        description="x^2 - y^2 + y^4/4: a saddle at the origin between minima at (0, +-sqrt 2)",
    )


TEST_FUNCTIONS = {
    fn.name: fn for fn in (_quadratic(), _rosenbrock(), _beale(), _himmelblau(), _saddle())
}
"""Name -> :class:`TestFunction`: quadratic, rosenbrock, beale, himmelblau, saddle."""


def get_test_function(name):
    """The :class:`TestFunction` called ``name`` (or ``name`` itself if it is one).

    Parameters
    ----------
    name : str or TestFunction
        A key of :data:`TEST_FUNCTIONS`.

    Returns
    -------
    TestFunction

    Examples
    --------
    >>> from scidl.optim import get_test_function
    >>> f = get_test_function("rosenbrock")
    >>> f.minima.tolist(), f.f_min, f.x0
    ([[1.0, 1.0]], 0.0, (-1.2, 1.0))
    >>> get_test_function(f) is f
    True
    """
    if isinstance(name, TestFunction):
        return name
    if name not in TEST_FUNCTIONS:
        raise ValueError(
            f"function must be one of {', '.join(map(repr, TEST_FUNCTIONS))}; got {name!r}."
        )
    return TEST_FUNCTIONS[name]
