"""The one training loop and its parts.

- :func:`train`: minibatch gradient descent with validation, callbacks,
  divergence guard, interrupt handling and torchrun data parallelism.
- :class:`Step`, :class:`SupervisedStep`: what one minibatch update does.
- :class:`History`: per-epoch records.
- :class:`IndexedData`, :func:`lagged_pairs`: minibatches gathered by index
  (lagged pairs of a trajectory without copying it).
- Callbacks: :class:`ProgressBar`, :class:`EarlyStopping`, :class:`Checkpoint`,
  :class:`Recorder`, base :class:`Callback`.
- :data:`OPTIMIZERS`, :data:`SCHEDULERS`, :func:`make_optimizer`,
  :func:`make_scheduler`: optimizers and schedules by name. ``OPTIMIZERS`` is the
  one table of optimizer names; :func:`scidl.optim.trace` uses the same names.
"""

from scidl.training._callbacks import (
    Callback,
    Checkpoint,
    EarlyStopping,
    ProgressBar,
    Recorder,
    load_checkpoint,
)
from scidl.training._data import IndexedData, lagged_pairs
from scidl.training._distributed import distributed_context, is_main_process
from scidl.training._history import History
from scidl.training._loop import DivergenceError, StepContext, TrainState, train
from scidl.training._optim import OPTIMIZERS, SCHEDULERS, make_optimizer, make_scheduler
from scidl.training._steps import Step, SupervisedStep

__all__ = [
    "OPTIMIZERS",
    "SCHEDULERS",
    "Callback",
    "Checkpoint",
    "DivergenceError",
    "EarlyStopping",
    "History",
    "IndexedData",
    "ProgressBar",
    "Recorder",
    "Step",
    "StepContext",
    "SupervisedStep",
    "TrainState",
    "distributed_context",
    "is_main_process",
    "lagged_pairs",
    "load_checkpoint",
    "make_optimizer",
    "make_scheduler",
    "train",
]
