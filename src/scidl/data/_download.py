"""Checked, atomic downloads into the scidl data cache.

Nothing here runs unless a loader is called with ``download=True``. All
network access goes through :func:`_fetch`, which tests replace.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path

_TIMEOUT_S = 60  # seconds before a stalled connection counts as failed


def data_home(subdir: str) -> Path:
    """Return the cache folder for one dataset, ``<root>/<subdir>``.

    ``<root>`` is the environment variable ``SCIDL_DATA_DIR`` when it is set
    and ``~/.cache/scidl`` otherwise. The folder is not created here.
    """
    root = os.environ.get("SCIDL_DATA_DIR") or Path.home() / ".cache" / "scidl"
    return Path(root).expanduser() / subdir


def _fetch(url: str) -> bytes:
    """Return the body of ``url``; raises ``OSError`` (``URLError``) on failure."""
    with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as response:
        return response.read()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is never seen half-written.

    The bytes go to a temporary file in the same folder, are flushed to disk,
    and the temporary file is then renamed over ``path`` with ``os.replace``,
    which is atomic on POSIX and Windows.
    """
    handle = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def file_is_valid(path: Path, sha256: str) -> bool:
    """True if ``path`` exists and its SHA-256 digest is ``sha256``."""
    return path.is_file() and _sha256(path.read_bytes()) == sha256


def download_file(name: str, mirrors, sha256: str, folder: Path) -> Path:
    """Download ``name`` into ``folder`` from the first mirror that serves it intact.

    Parameters
    ----------
    name : str
        File name, appended to each mirror's base URL.
    mirrors : sequence of str
        Base URLs ending in ``/``, tried in order.
    sha256 : str
        Expected SHA-256 hex digest of the file.
    folder : pathlib.Path
        Destination folder, created if needed.

    Returns
    -------
    pathlib.Path
        The path of the verified file.

    Raises
    ------
    OSError
        If no mirror delivered bytes with the expected checksum. The message
        lists, for each URL, the network error or the checksum mismatch.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    failures = []
    for base in mirrors:
        url = base + name
        try:
            data = _fetch(url)
        except OSError as error:
            failures.append(f"{url}: {error}")
            continue
        digest = _sha256(data)
        if digest != sha256:
            failures.append(
                f"{url}: checksum mismatch: SHA-256 {digest}, expected {sha256} "
                f"({len(data)} bytes received)"
            )
            continue
        _write_atomic(target, data)
        return target
    raise OSError(f"could not download {name}; nothing was written:\n  " + "\n  ".join(failures))
