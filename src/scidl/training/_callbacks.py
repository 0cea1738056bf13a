"""Callbacks: small objects the training loop calls at fixed points.

The loop calls, in order, ``on_train_begin``, then per epoch ``on_epoch_begin``,
``on_batch_end`` after every optimisation step (only callbacks that override
it are called, so unused hooks cost nothing), ``on_epoch_end`` after the
history row is written, and finally ``on_train_end``, which runs even when
training is interrupted or diverges. A callback stops training by setting
``state.stop = True``.
"""

from __future__ import annotations

import copy
import math
import sys

import torch

from scidl.utils import atomic_write

__all__ = ["Callback", "ProgressBar", "EarlyStopping", "Checkpoint", "Recorder", "load_checkpoint"]


class Callback:
    """Base class: override any of the hooks; each receives the :class:`TrainState`.

    A callback has no state of its own; subclasses keep what they need (e.g.
    :class:`Recorder`'s ``records``). Setting ``state.stop = True`` in a hook
    ends training after the current epoch.

    Attributes
    ----------
    (none)
        A callback holds no state of its own; subclasses add theirs (e.g.
        :class:`Recorder`'s ``records``, :class:`EarlyStopping`'s ``best_``).

    Examples
    --------
    >>> import torch
    >>> from scidl.training import Callback, train
    >>> class StopAfterTwoEpochs(Callback):
    ...     def on_epoch_end(self, state):
    ...         state.stop = state.epoch >= 2
    >>> net = torch.nn.Linear(1, 1)
    >>> x = torch.linspace(-1, 1, 8)[:, None]
    >>> history = train(
    ...     net, (x, 2 * x), loss_fn=torch.nn.functional.mse_loss, max_epochs=10,
    ...     callbacks=[StopAfterTwoEpochs()], verbose=0,
    ... )
    >>> len(history)
    2
    """

    def on_train_begin(self, state):
        """Called once before the first epoch."""

    def on_epoch_begin(self, state):
        """Called at the start of every epoch."""

    def on_batch_end(self, state, outputs):
        """Called after every optimisation step with the step's outputs (e.g. ``loss``)."""

    def on_epoch_end(self, state):
        """Called after the epoch's history row is written."""

    def on_train_end(self, state):
        """Called once at the end, also after an interrupt or divergence."""


class ProgressBar(Callback):
    """A per-epoch tqdm bar showing the latest losses; silent when not on a terminal.

    :func:`train` adds one by itself when ``verbose > 0``.

    Parameters
    ----------
    desc : str, default "training"
        Label of the bar.
    force : bool, default False
        Show the bar even when standard error is not a terminal.

    Attributes
    ----------
    desc : str
        Label of the bar.
    force : bool
        Whether the bar is shown off terminals too.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import ProgressBar, train
    >>> x = torch.linspace(-1, 1, 8)[:, None]
    >>> bar = ProgressBar(desc="linear fit")  # writes to stderr, only on a terminal
    >>> history = train(
    ...     torch.nn.Linear(1, 1), (x, x), loss_fn=torch.nn.functional.mse_loss,
    ...     max_epochs=3, callbacks=[bar], verbose=0,
    ... )
    >>> len(history), bar.desc
    (3, 'linear fit')
    """

    def __init__(self, *, desc="training", force=False):
        self.desc = desc
        self.force = force

    def on_train_begin(self, state):
        from tqdm.auto import tqdm

        disable = not (self.force or sys.stderr.isatty())
        self._bar = tqdm(
            total=state.max_epochs,
            initial=len(state.history),
            desc=self.desc,
            unit="epoch",
            disable=disable,
            leave=False,
        )

    def on_epoch_end(self, state):
        row = state.history[-1]
        self._bar.set_postfix(
            {k: f"{v:.4g}" for k, v in row.items() if k.endswith(("loss", "accuracy"))},
            refresh=False,
        )
        self._bar.update(1)

    def on_train_end(self, state):
        if getattr(self, "_bar", None) is not None:
            self._bar.close()
            self._bar = None


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs; restore the best weights.

    Parameters
    ----------
    monitor : str
        History column to watch (lower is better), e.g. ``"valid_loss"``.
    patience : int
        Epochs without improvement before stopping.
    min_delta : float
        Minimum decrease that counts as an improvement.
    restore_best_weights : bool
        At the end of training (also after an interrupt) load the weights of the
        best epoch back into the module.

    Attributes
    ----------
    best_ : float
        The best value of ``monitor`` seen.
    best_epoch_ : int or None
        The epoch it was seen in.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import EarlyStopping, train
    >>> x = torch.linspace(-1, 1, 8)[:, None]
    >>> stop = EarlyStopping("train_loss", patience=2, min_delta=1e9)  # nothing counts as better
    >>> history = train(
    ...     torch.nn.Linear(1, 1), (x, x), loss_fn=torch.nn.functional.mse_loss,
    ...     max_epochs=20, callbacks=[stop], verbose=0,
    ... )
    >>> len(history), history.status, stop.best_epoch_
    (3, 'stopped_early', 1)
    """

    def __init__(
        self, monitor="valid_loss", *, patience=10, min_delta=0.0, restore_best_weights=True
    ):
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, state):
        self.best_ = math.inf
        self.best_epoch_ = None
        self._best_state = None
        self._wait = 0

    def on_epoch_end(self, state):
        row = state.history[-1]
        if self.monitor not in row:
            raise KeyError(
                f"EarlyStopping monitors {self.monitor!r}, which is not in the history; "
                f"columns: {list(row)}."
            )
        value = row[self.monitor]
        if value < self.best_ - self.min_delta:
            self.best_, self.best_epoch_, self._wait = value, row["epoch"], 0
            if self.restore_best_weights:
                self._best_state = {
                    k: v.detach().clone() for k, v in state.module.state_dict().items()
                }
        else:
            self._wait += 1
            if self._wait >= self.patience:
                state.stop = True
                state.history.status = "stopped_early"

    def on_train_end(self, state):
        if (
            self.restore_best_weights
            and self._best_state is not None
            and state.history.status != "diverged"
        ):
            state.module.load_state_dict(self._best_state)


class Checkpoint(Callback):
    """Save weights, optimizer state and history every ``every`` epochs (atomically).

    The file is a ``torch.save`` archive of tensors and plain containers, readable
    with :func:`load_checkpoint` (``weights_only``: loading never runs code). Only
    rank 0 writes under ``torchrun``. After an interrupt the last state is saved too.

    Parameters
    ----------
    path : str or Path
        The file, overwritten at each save.
    every : int, default 1
        Save after every ``every`` epochs.

    Attributes
    ----------
    path : str or Path
        The checkpoint file.
    every : int
        Epochs between saves.

    Examples
    --------
    >>> import pathlib
    >>> import tempfile
    >>> import torch
    >>> from scidl.training import Checkpoint, load_checkpoint, train
    >>> x = torch.linspace(-1, 1, 8)[:, None]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "ckpt.pt"
    ...     history = train(
    ...         torch.nn.Linear(1, 1), (x, x), loss_fn=torch.nn.functional.mse_loss,
    ...         max_epochs=3, callbacks=[Checkpoint(path, every=2)], verbose=0,
    ...     )
    ...     saved = load_checkpoint(path)
    >>> saved["epoch"], sorted(saved["module"]), len(saved["history"]["rows"])
    (2, ['bias', 'weight'], 2)
    """

    def __init__(self, path, *, every=1):
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive int; got {every!r}.")
        self.path = path
        self.every = every

    def _save(self, state):
        if state.rank != 0:
            return
        payload = {
            "epoch": len(state.history),
            "module": {k: v.detach().cpu() for k, v in state.module.state_dict().items()},
            "optimizers": {k: opt.state_dict() for k, opt in state.optimizers.items()},
            "history": state.history.to_dict(),
        }
        with atomic_write(self.path) as fh:
            torch.save(payload, fh)

    def on_epoch_end(self, state):
        if len(state.history) % self.every == 0:
            self._save(state)

    def on_train_end(self, state):
        if state.history and state.history.status in ("interrupted",):
            self._save(state)


def load_checkpoint(path) -> dict:
    """Read a :class:`Checkpoint` file without unpickling code.

    Parameters
    ----------
    path : str or Path
        A file written by :class:`Checkpoint`.

    Returns
    -------
    dict
        ``epoch``, ``module`` (a state dict of CPU tensors), ``optimizers``
        (their state dicts) and ``history`` (:meth:`History.to_dict`).

    Examples
    --------
    >>> import pathlib
    >>> import tempfile
    >>> import torch
    >>> from scidl.training import Checkpoint, load_checkpoint, train
    >>> net = torch.nn.Linear(1, 1)
    >>> x = torch.linspace(-1, 1, 8)[:, None]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "ckpt.pt"
    ...     _ = train(
    ...         net, (x, x), loss_fn=torch.nn.functional.mse_loss, max_epochs=1,
    ...         callbacks=[Checkpoint(path)], verbose=0,
    ...     )
    ...     state = load_checkpoint(path)
    >>> fresh = torch.nn.Linear(1, 1)
    >>> _ = fresh.load_state_dict(state["module"])
    >>> bool(torch.equal(fresh.weight, net.weight))
    True
    """
    return torch.load(path, map_location="cpu", weights_only=True)


class Recorder(Callback):
    """Call ``fn(state)`` every ``every`` epochs (or batches) and keep what it returns.

    Used for snapshots during training, e.g. a decision boundary after each
    batch. The results are in ``records`` as ``(epoch, batch, value)`` tuples;
    ``fn`` runs under ``torch.no_grad()`` with the module in eval mode and is
    also called once before the first step (epoch 0, batch 0).

    Parameters
    ----------
    fn : callable
        ``fn(state) -> value``; the value is deep-copied.
    every : int, default 1
        Record every ``every`` epochs (or optimisation steps).
    on : {"epoch", "batch"}, default "epoch"
        What ``every`` counts.

    Attributes
    ----------
    records : list of tuple
        ``(epoch, batch, value)`` for each call.
    fn, every, on
        As given.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import Recorder, train
    >>> net = torch.nn.Linear(1, 1)
    >>> x = torch.linspace(-1, 1, 8)[:, None]
    >>> rec = Recorder(lambda state: state.module.weight.item())
    >>> _ = train(
    ...     net, (x, x), loss_fn=torch.nn.functional.mse_loss, batch_size=2, max_epochs=2,
    ...     callbacks=[rec], verbose=0,
    ... )
    >>> [(epoch, batch) for epoch, batch, _ in rec.records]  # before training, then per epoch
    [(0, 0), (1, 4), (2, 4)]
    >>> rec.records[-1][2] == net.weight.item()
    True
    """

    def __init__(self, fn, *, every=1, on="epoch"):
        if on not in ("epoch", "batch"):
            raise ValueError(f"on must be 'epoch' or 'batch'; got {on!r}.")
        self.fn = fn
        self.every = every
        self.on = on
        self.records = []

    def _record(self, state):
        was_training = state.module.training
        state.module.eval()
        with torch.no_grad():
            value = self.fn(state)
        state.module.train(was_training)
        self.records.append((state.epoch, state.batch, copy.deepcopy(value)))

    def on_train_begin(self, state):
        self.records = []
        self._record(state)

    def on_batch_end(self, state, outputs):
        if self.on == "batch" and state.global_step % self.every == 0:
            self._record(state)

    def on_epoch_end(self, state):
        if self.on == "epoch" and len(state.history) % self.every == 0:
            self._record(state)
