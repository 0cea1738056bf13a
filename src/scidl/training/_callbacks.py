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
    """Base class: override any of the hooks; each receives the :class:`TrainState`."""

    def on_train_begin(self, state):
        pass

    def on_epoch_begin(self, state):
        pass

    def on_batch_end(self, state, outputs):
        pass

    def on_epoch_end(self, state):
        pass

    def on_train_end(self, state):
        pass


class ProgressBar(Callback):
    """A per-epoch tqdm bar showing the latest losses; silent when not on a terminal."""

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
                f"EarlyStopping monitors {self.monitor!r}, which is not in the history; columns: {list(row)}."
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
    rank 0 writes under ``torchrun``.
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
    """Read a :class:`Checkpoint` file without unpickling code."""
    return torch.load(path, map_location="cpu", weights_only=True)


class Recorder(Callback):
    """Call ``fn(state)`` every ``every`` epochs (or batches) and keep what it returns.

    Used for snapshots during training, e.g. a decision boundary after each
    batch. The results are in ``records`` as ``(epoch, batch, value)`` tuples;
    ``fn`` runs under ``torch.no_grad()`` with the module in eval mode and is
    also called once before the first step (epoch 0, batch 0).
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
