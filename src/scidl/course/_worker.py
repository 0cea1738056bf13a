"""The untrusted side of the grader: imports one submission and answers calls.

This file runs as a script (``python -I _worker.py FD_IN FD_OUT``) inside the
sandbox. It uses the standard library and NumPy only, so that it starts fast
and never imports the grader or the tests. Protocol: length-prefixed JSON
messages over two pipes whose file descriptors the grader passed in; stdout and
stderr are a capped log file and carry no results, so a ``print`` cannot fake
one. The grader decides pass or fail from the returned values; nothing the
submission sends can say "passed".

Order of events: read the configuration message; (as root in fresh mount and
network namespaces) hide the secret paths and the writable temporary folders
under empty tmpfs mounts, keeping the work folder and the Python installation
reachable; drop to the sandbox uid; seed the generators; import the submission;
answer calls until the pipe closes.

The codec (:func:`encode`, :func:`decode`) is shared with the grader, which
imports this module for it: values are JSON with NumPy arrays as raw bytes of a
numeric dtype, so decoding never runs code (no pickle).
"""

import base64
import json
import os
import struct
import sys
import traceback

MAX_MESSAGE = 64 * 2**20  # bytes; a larger answer is refused, not read
_ARRAY_KINDS = "biufc"  # bool, int, unsigned, float, complex


# --- codec --------------------------------------------------------------------------------


def encode(value, _depth=0):
    """A JSON-able form of ``value``: scalars, str, lists, tuples, dicts, arrays."""
    if _depth > 50:
        raise ValueError("value nested more than 50 levels deep")
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**63:
            return float(value)
        return value
    if isinstance(value, complex):
        return {"__complex__": [value.real, value.imag]}
    if isinstance(value, (list, tuple)):
        items = [encode(v, _depth + 1) for v in value]
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, dict):
        return {
            "__dict__": [[encode(k, _depth + 1), encode(v, _depth + 1)] for k, v in value.items()]
        }
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.generic):
        return encode(value.item(), _depth + 1)
    if np is not None and isinstance(value, np.ndarray):
        if value.dtype.kind not in _ARRAY_KINDS:
            return {"__object__": f"numpy array of dtype {value.dtype}"}
        arr = np.ascontiguousarray(value)
        return {
            "__ndarray__": [
                arr.dtype.str,
                list(arr.shape),
                base64.b64encode(arr.tobytes()).decode(),
            ]
        }
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        try:
            return encode(value.detach().cpu().numpy(), _depth + 1)
        except Exception:  # noqa: BLE001 - report what it was instead
            pass
    return {"__object__": f"an object of type {type(value).__name__}"}


class Opaque:
    """A value the codec cannot carry (e.g. a function); tests see its description."""

    def __init__(self, description):
        self.description = description

    def __repr__(self):
        return f"<{self.description}>"


def decode(obj):
    """Inverse of :func:`encode`; never executes code from the message."""
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if len(obj) != 1:
        raise ValueError("malformed message")
    ((tag, payload),) = obj.items()
    if tag == "__tuple__":
        return tuple(decode(v) for v in payload)
    if tag == "__dict__":
        return {_hashable(decode(k)): decode(v) for k, v in payload}
    if tag == "__complex__":
        return complex(float(payload[0]), float(payload[1]))
    if tag == "__object__":
        return Opaque(str(payload)[:200])
    if tag == "__ndarray__":
        import numpy as np

        dtype_str, shape, data = payload
        dtype = np.dtype(str(dtype_str))
        if dtype.kind not in _ARRAY_KINDS or dtype.hasobject:
            raise ValueError(f"refused array dtype {dtype_str!r}")
        shape = tuple(int(s) for s in shape)
        if any(s < 0 for s in shape):
            raise ValueError("negative array dimension")
        raw = base64.b64decode(data)
        size = 1
        for s in shape:
            size *= s
        if size * dtype.itemsize != len(raw):
            raise ValueError("array size does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    raise ValueError(f"unknown tag {tag!r}")


def _hashable(key):
    return key if not isinstance(key, list) else tuple(key)


def send(fd, message):
    data = json.dumps(message, allow_nan=True).encode()
    if len(data) > MAX_MESSAGE:
        data = json.dumps({"kind": "too_large", "bytes": len(data)}).encode()
    data = struct.pack(">Q", len(data)) + data
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _read_exact(fd, n):
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def receive(fd):
    (n,) = struct.unpack(">Q", _read_exact(fd, 8))
    if n > MAX_MESSAGE:
        raise ValueError(f"message of {n} bytes is over the limit of {MAX_MESSAGE}")
    return json.loads(_read_exact(fd, n))


# --- isolation (only in the child) --------------------------------------------------------

_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REMOUNT, _MS_BIND, _MS_REC = 1, 2, 4, 32, 4096, 16384


def _mount(source, target, fstype, flags, data):
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
    rc = libc.mount(
        source.encode() if source else None,
        target.encode(),
        fstype.encode() if fstype else None,
        flags,
        data.encode() if data else None,
    )
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _cover(path, keep, keep_writable):
    """Mount an empty tmpfs on ``path``, then bind ``keep`` paths below it back in."""
    fds = {}
    for k in keep:
        fds[k] = os.open(k, os.O_PATH | os.O_DIRECTORY)
    _mount("tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=64m")
    for k, fd in fds.items():
        os.makedirs(k, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", k, None, _MS_BIND | _MS_REC, None)
        if k not in keep_writable:
            _mount(None, k, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_REC, None)
        os.close(fd)


def _isolate(config):
    """Hide secrets and writable shared folders; must run before dropping root."""
    covers = config.get("covers", [])  # [[path, [keep...]], ...], outermost first
    writable = set(config.get("writable", []))
    for path, keep in covers:
        if os.path.isdir(path):
            _cover(path, [k for k in keep if os.path.isdir(k)], writable)
    for path in config.get("hide_files", []):
        if os.path.isfile(path):
            _mount("/dev/null", path, None, _MS_BIND, None)
            _mount(None, path, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY, None)


def _set_limits(limits):
    import resource

    for name, value in limits.items():
        value = int(value)
        resource.setrlimit(getattr(resource, name), (value, value))


def _drop_privileges(uid, gid):
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise RuntimeError("could not drop privileges")


class _CappedText:
    """sys.stdout / sys.stderr that keep the first ``limit`` characters and drop the rest."""

    def __init__(self, stream, limit):
        self._stream, self._left, self._warned = stream, limit, False

    def write(self, text):
        text = str(text)
        if self._left > 0:
            part = text[: self._left]
            self._left -= len(part)
            self._stream.write(part)
        elif not self._warned:
            self._warned = True
            self._stream.write("\n[scidl: further output dropped]\n")
        self._stream.flush()
        return len(text)

    def flush(self):
        self._stream.flush()

    def isatty(self):
        return False

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _cap_output(limit):
    shared = [limit // 2]
    sys.stdout = _CappedText(sys.stdout, shared[0])
    sys.stderr = _CappedText(sys.stderr, shared[0])


def _watch_parent(fd):
    """Exit as soon as the grader is gone (its end of the pipe closes), even mid-call."""
    import select
    import threading

    exit_now = os._exit

    def watch():
        poller = select.poll()
        poller.register(fd, 0)  # POLLHUP and POLLERR are always reported
        while True:
            for _, event in poller.poll():
                if event & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
                    exit_now(5)

    threading.Thread(target=watch, daemon=True, name="scidl-watchdog").start()


def _seed(seed):
    import random

    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed)  # noqa: NPY002 - the legacy global generator students may use
    except ImportError:
        pass


def main(argv):
    fd_in, fd_out = int(argv[1]), int(argv[2])
    config = receive(fd_in)
    try:
        if config.get("isolate"):
            _isolate(config)
        _set_limits(config.get("limits", {}))
        if config.get("uid") is not None and os.getuid() == 0:
            _drop_privileges(int(config["uid"]), int(config["gid"]))
        os.chdir(config["workdir"])
        import numpy  # noqa: F401 - preloaded for the submission and the codec

        _seed(int(config.get("seed", 0)))
    except BaseException as exc:  # noqa: BLE001 - the grader must hear about it
        send(fd_out, {"kind": "setup_error", "error": f"{type(exc).__name__}: {exc}"})
        return 3
    _cap_output(int(config.get("max_output", 1 << 20)))
    _watch_parent(fd_in)
    # keep private references: the submission may monkeypatch module attributes
    _send, _receive, _encode, _decode, _format = send, receive, encode, decode, traceback.format_exc
    sys.path.insert(0, config["workdir"])
    sys.argv = ["submission.py"]
    namespace = {"__name__": "submission", "__file__": config["workdir"] + "/submission.py"}
    module = type(sys)("submission")
    module.__dict__.update(namespace)
    sys.modules["submission"] = module
    try:
        with open(config["workdir"] + "/submission.py", encoding="utf-8") as f:
            source = f.read()
        exec(compile(source, config.get("filename", "submission.py"), "exec"), module.__dict__)
    except BaseException as exc:  # noqa: BLE001 - SystemExit and all: it is graded, not run
        _send(
            fd_out, {"kind": "import_error", "error": _describe(exc), "traceback": _tail(_format())}
        )
        return 4
    _send(fd_out, {"kind": "ready"})
    while True:
        try:
            request = _receive(fd_in)
        except EOFError:
            return 0
        call_id = request.get("id")
        try:
            func = module.__dict__.get(request["func"])
            if func is None or not callable(func):
                raise NameError(f"the submission defines no function {request['func']!r}")
            args = _decode(request.get("args", []))
            kwargs = _decode(request.get("kwargs", {}))
            result = func(*args, **kwargs)
            reply = {"kind": "result", "id": call_id, "value": _encode(result)}
        except BaseException as exc:  # noqa: BLE001 - SystemExit, MemoryError, ...
            reply = {
                "kind": "raised",
                "id": call_id,
                "error": _describe(exc),
                "traceback": _tail(_format()),
            }
        _send(fd_out, reply)


def _describe(exc):
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) < 2000 else text[:2000] + " ..."


def _tail(text, limit=4000):
    return text if len(text) <= limit else "..." + text[-limit:]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
