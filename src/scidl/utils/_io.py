"""Atomic file writes: a crash never leaves a half-written file in place of a good one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write"]


@contextlib.contextmanager
def atomic_write(path, mode="wb"):
    """Open a temporary file next to ``path``; on success rename it over ``path``.

    If the block raises (or the process is interrupted) the temporary file is
    removed and any existing file at ``path`` is left untouched.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; its directory must exist.
    mode : str, default "wb"
        The mode to open the temporary file with ("wb" or "w").

    Yields
    ------
    file object
        The open temporary file.

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from scidl.utils import atomic_write
    >>> path = os.path.join(tempfile.mkdtemp(), "model.txt")
    >>> with atomic_write(path, "w") as fh:
    ...     _ = fh.write("weights")
    >>> open(path).read()
    'weights'
    >>> try:
    ...     with atomic_write(path, "w") as fh:
    ...         _ = fh.write("half")
    ...         raise RuntimeError("crash")
    ... except RuntimeError:
    ...     pass
    >>> open(path).read()
    'weights'
    """
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise FileNotFoundError(
            f"Directory {str(path.parent)!r} does not exist; cannot write {str(path)!r}."
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600 files; give the usual permissions
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
