"""Minimization methods: test functions, optimizer trajectories and their speed.

- :data:`TEST_FUNCTIONS`, :class:`TestFunction`, :func:`get_test_function`:
  ill-conditioned quadratic, Rosenbrock, Beale, Himmelblau and a saddle, with
  exact gradients, Hessians and known minima.
- :func:`trace`: the trajectory of gradient descent, momentum, Nesterov,
  AdaGrad, RMSProp, Adam, AdamW, L-BFGS, Newton's method or any torch optimizer;
  :data:`METHODS` names them as the training loop does
  (:data:`scidl.training.OPTIMIZERS`: ``"sgd"``, ``"adam"``...), plus ``"newton"``.
- :func:`steps_to_tolerance`, :func:`compare_optimizers`, :func:`format_table`:
  steps needed to reach a tolerance, per method and function.
- The contour plot with trajectories is :func:`scidl.plot.plot_trajectories`.
"""

from scidl.optim._functions import TEST_FUNCTIONS, TestFunction, get_test_function
from scidl.optim._trace import (
    METHODS,
    TORCH_EQUIVALENTS,
    compare_optimizers,
    format_table,
    steps_to_tolerance,
    trace,
)

__all__ = [
    "METHODS",
    "TEST_FUNCTIONS",
    "TORCH_EQUIVALENTS",
    "TestFunction",
    "compare_optimizers",
    "format_table",
    "get_test_function",
    "steps_to_tolerance",
    "trace",
]
