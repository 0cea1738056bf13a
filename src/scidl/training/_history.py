"""Training history: one row per epoch."""

from __future__ import annotations

import numpy as np

__all__ = ["History"]


class History(list):
    """A list of per-epoch records (dicts), with column access by name.

    Rows hold ``epoch``, ``train_loss`` (and other training terms a step
    reports), ``valid_loss`` and validation metrics when a validation set is
    used, ``lr`` and ``time`` (seconds since training started).

    Parameters
    ----------
    rows : iterable of dict, optional
        Initial rows.
    status : str, default "completed"
        How training ended.

    Attributes
    ----------
    status : str
        ``"completed"``, ``"stopped_early"``, ``"interrupted"`` or ``"diverged"``.
    columns : list of str
        Every key found in the rows, in order of appearance.

    Examples
    --------
    >>> from scidl.training import History
    >>> h = History([{"epoch": 1, "train_loss": 0.5}, {"epoch": 2, "train_loss": 0.25}])
    >>> h["train_loss"]
    array([0.5 , 0.25])
    >>> h[-1]["epoch"]
    2
    """

    def __init__(self, rows=(), status="completed"):
        super().__init__(rows)
        self.status = status

    def __getitem__(self, key):
        if isinstance(key, str):
            if not self:
                return np.array([])
            if not any(key in row for row in self):
                raise KeyError(f"History has no column {key!r}; columns are {self.columns}.")
            return np.array([row.get(key, np.nan) for row in self], dtype=float)
        return super().__getitem__(key)

    @property
    def columns(self) -> list[str]:
        """Every key found in the rows, in order of appearance."""
        cols: list[str] = []
        for row in self:
            cols.extend(k for k in row if k not in cols)
        return cols

    def to_dict(self) -> dict:
        """A JSON-serialisable form (used by persistence)."""
        return {
            "status": self.status,
            "rows": [{k: float(v) if k != "epoch" else int(v) for k, v in r.items()} for r in self],
        }

    @classmethod
    def from_dict(cls, d: dict) -> History:
        """The inverse of :meth:`to_dict`."""
        return cls(d.get("rows", []), status=d.get("status", "completed"))

    def __repr__(self) -> str:
        return f"History(epochs={len(self)}, status={self.status!r}, columns={self.columns})"
