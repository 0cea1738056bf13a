"""Tests of an exercise: how they are written, loaded and run against one submission.

A test file is plain Python holding functions ``test_*(sub)`` in the order they
run. ``sub`` stands for the student's module: ``sub.fit(x, y)`` calls the
student's ``fit`` inside the sandbox and returns the decoded result. Tests run
in the grader's process, never in the submission's: the submission cannot read
them, patch them or forge their verdict. A test passes when it returns; it
fails with a readable message through :func:`assert_close` /
:func:`assert_equal` (expected versus got, and a hint).
"""

from __future__ import annotations

import hashlib
import importlib.util
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from scidl.course._sandbox import (
    Limits,
    Sandbox,
    SubmissionDied,
    SubmissionFailure,
    SubmissionRaised,
)

__all__ = ["CheckFailure", "assert_close", "assert_equal", "points"]


class CheckFailure(AssertionError):
    """A test's check failed: what was checked, expected versus got, and a hint.

    Parameters
    ----------
    message : str
        What was checked, the expected and the received value.
    hint : str, default ""
        Shown to the student under the message.

    Examples
    --------
    >>> from scidl.course import CheckFailure
    >>> exc = CheckFailure("w is wrong: expected 1, got 2", hint="check the sign")
    >>> isinstance(exc, AssertionError), exc.hint
    (True, 'check the sign')
    """

    def __init__(self, message, hint=""):
        super().__init__(message)
        self.hint = hint


def points(value):
    """Give a test function ``value`` points (the default is 1).

    Parameters
    ----------
    value : int or float
        Points the test is worth; non-negative.

    Returns
    -------
    callable
        A decorator that records the points on the test function.

    Examples
    --------
    >>> from scidl.course import points
    >>> @points(3)
    ... def test_shape(sub):
    ...     pass
    >>> test_shape.points
    3
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"points must be a non-negative number; got {value!r}")

    def decorate(func):
        func.points = value
        return func

    return decorate


def _short(value, limit=300):
    text = (
        np.array2string(value, precision=5, threshold=12)
        if isinstance(value, np.ndarray)
        else repr(value)
    )
    return text if len(text) <= limit else text[:limit] + " ..."


def assert_close(got, expected, *, rtol=1e-6, atol=1e-8, what="the result", hint=""):
    """Fail with a readable message unless ``got`` equals ``expected`` within tolerances.

    Parameters
    ----------
    got : array-like or float
        What the submission returned.
    expected : array-like or float
        The right answer.
    rtol, atol : float
        Relative and absolute tolerance, as in :func:`numpy.allclose`.
    what : str
        What is compared, for the message (e.g. ``"fit_least_squares(X, y)"``).
    hint : str
        A hint shown to the student when the check fails.

    Returns
    -------
    None

    Raises
    ------
    CheckFailure
        Naming ``what``, the expected and the received value (or shape).

    Examples
    --------
    >>> from scidl.course import assert_close
    >>> assert_close([1.0, 2.0], [1.0, 2.0 + 1e-9])
    >>> try:
    ...     assert_close([1.0, 2.5], [1.0, 2.0], what="w")
    ... except AssertionError as exc:
    ...     print(str(exc).splitlines()[0])
    w is wrong: expected [1. 2.], got [1.  2.5]
    """
    expected_arr = np.asarray(expected, dtype=float)
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(
            f"{what} should be numbers of shape {expected_arr.shape}; got {_short(got)}", hint
        ) from None
    if got_arr.shape != expected_arr.shape:
        raise CheckFailure(
            f"{what} has the wrong shape: expected {expected_arr.shape}, got {got_arr.shape}", hint
        )
    if not np.allclose(got_arr, expected_arr, rtol=rtol, atol=atol, equal_nan=False):
        diff = np.abs(got_arr - expected_arr)
        detail = ""
        if got_arr.ndim:
            where = np.unravel_index(
                int(np.nanargmax(np.where(np.isnan(diff), np.inf, diff))), diff.shape
            )
            detail = f"\n(largest difference at index {tuple(int(i) for i in where)})"
        raise CheckFailure(
            f"{what} is wrong: expected {_short(expected_arr)}, got {_short(got_arr)}{detail}", hint
        )


def assert_equal(got, expected, *, what="the result", hint=""):
    """Fail with a readable message unless ``got == expected`` (arrays: element-wise).

    Parameters
    ----------
    got : object
        What the submission returned.
    expected : object
        The right answer.
    what : str
        What is compared, for the message.
    hint : str
        A hint shown to the student when the check fails.

    Returns
    -------
    None

    Raises
    ------
    CheckFailure

    Examples
    --------
    >>> from scidl.course import assert_equal
    >>> assert_equal((2, 3), (2, 3))
    >>> try:
    ...     assert_equal(3, 4, what="n")
    ... except AssertionError as exc:
    ...     print(exc)
    n is wrong: expected 4, got 3
    """
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        same = np.shape(got) == np.shape(expected) and bool(np.all(np.asarray(got) == expected))
    else:
        try:
            same = bool(got == expected)
        except Exception:  # noqa: BLE001 - an odd object is simply not equal
            same = False
    if not same:
        raise CheckFailure(f"{what} is wrong: expected {_short(expected)}, got {_short(got)}", hint)


# --- loading ------------------------------------------------------------------------------


@dataclass
class TestCase:
    name: str
    func: object
    points: float
    public: bool
    doc: str


def load_tests(path, *, public: bool) -> list[TestCase]:
    """The ``test_*`` functions of a test file, in the order they are defined."""
    path = Path(path)
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(f"_scidl_course_tests_{digest}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases = []
    for name, func in vars(module).items():
        if name.startswith("test_") and callable(func):
            doc = (func.__doc__ or "").strip().splitlines()
            cases.append(
                TestCase(name, func, getattr(func, "points", 1), public, doc[0] if doc else "")
            )
    return cases


# --- running ------------------------------------------------------------------------------


@dataclass
class TestResult:
    name: str
    public: bool
    points: float
    max_points: float
    status: str  # passed | failed | error | timeout | crashed | not run
    message: str = ""
    hint: str = ""

    def to_dict(self):
        return asdict(self)


class _Proxy:
    """The student's module as the tests see it: attribute calls go to the sandbox."""

    def __init__(self, runner):
        self._runner = runner

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)

        def call(*args, **kwargs):
            return self._runner.sandbox_call(name, *args, **kwargs)

        call.__name__ = name
        return call


class _Runner:
    def __init__(self, source, *, limits, mode, secrets, slot, seed):
        self.source = source
        self.limits = limits
        self.mode = mode
        self.secrets = secrets
        self.slot = slot
        self.seed = seed
        self.sandbox = None
        self.deadline = time.monotonic() + limits.total_timeout
        self.import_error = None
        self.output = []
        self.hung = {}  # function name -> why it is not called again
        self.fatal = None  # a reason to stop restarting the submission
        self.filename = "submission.py"
        self.run = None

    def ensure(self):
        if self.sandbox is not None and self.sandbox.proc is not None:
            return
        self.stop()
        if self.run is not None and self.run.is_set():
            raise SubmissionDied("not run: grading was interrupted")
        if self.fatal:
            raise SubmissionDied(f"not run: {self.fatal}")
        if time.monotonic() >= self.deadline:
            raise SubmissionDied("not run: the total time for this submission is used up")
        self.sandbox = Sandbox(
            self.source,
            limits=self.limits,
            mode=self.mode,
            secrets=self.secrets,
            slot=self.slot,
            seed=self.seed,
            filename=self.filename,
            run=self.run,
        )
        try:
            self.sandbox.start(self.deadline)
        except SubmissionFailure as exc:
            self.import_error = exc
            self.output.append(getattr(self.sandbox, "output", ""))
            self.sandbox = None
            raise

    def sandbox_call(self, name, *args, **kwargs):
        if name in self.hung:
            raise SubmissionDied(f"{name}() was not called again: it {self.hung[name]} earlier")
        self.ensure()
        try:
            return self.sandbox.call(name, *args, **kwargs)
        except SubmissionDied as exc:
            if "timed out after" in exc.reason:
                self.hung[name] = "timed out"
            elif "died" in exc.reason or "exited" in exc.reason:
                self.hung[name] = "killed its process"
            elif exc.fatal:
                self.fatal = exc.reason
            raise

    def stop(self):
        if self.sandbox is not None:
            self.sandbox.close()
            self.output.append(getattr(self.sandbox, "output", ""))
            self.sandbox = None


def run_tests(
    source: str,
    tests,
    *,
    limits: Limits,
    mode: str,
    secrets=(),
    slot=0,
    seed=0,
    filename="submission.py",
    run=None,
):
    """Run ``tests`` against the submission ``source``; one :class:`TestResult` per test.

    Returns ``(results, output, import_error)``; ``output`` is what the submission
    printed (capped), ``import_error`` the reason it never imported, or ``""``.
    """
    runner = _Runner(source, limits=limits, mode=mode, secrets=secrets, slot=slot, seed=seed)
    runner.filename = filename
    runner.run = run  # a threading.Event set when the grading run is interrupted
    results = []
    try:
        for case in tests:
            results.append(_run_one(runner, case))
            if isinstance(
                runner.import_error, SubmissionFailure
            ) and runner.import_error.reason.startswith("the submission did not import"):
                reason = runner.import_error.reason
                results += [
                    TestResult(c.name, c.public, 0, c.points, "not run", reason)
                    for c in tests[len(results) :]
                ]
                break
    finally:
        runner.stop()
    output = "\n".join(o for o in runner.output if o).strip()
    import_error = runner.import_error.reason if runner.import_error is not None else ""
    if import_error and runner.import_error.detail:
        import_error += "\n" + runner.import_error.detail
    return results, output, import_error


def _run_one(runner, case) -> TestResult:
    def result(status, message="", hint="", score=0):
        return TestResult(case.name, case.public, score, case.points, status, message, hint)

    try:
        runner.ensure()
        case.func(_Proxy(runner))
    except CheckFailure as exc:
        return result("failed", str(exc), exc.hint)
    except AssertionError as exc:
        return result("failed", str(exc) or f"{case.name} failed", "")
    except SubmissionRaised as exc:
        hint = _hint_from_traceback(exc.detail, runner.filename)
        if "raised NotImplementedError" in exc.reason:
            name = exc.reason.split("()")[0]
            return result("error", f"{name}() is not implemented yet (raises NotImplementedError)")
        return result("error", exc.reason, hint)
    except SubmissionDied as exc:
        runner.stop()
        status = "timeout" if "timed out" in exc.reason else "crashed"
        if exc.reason.startswith("the submission did not import") or exc.reason.startswith(
            "not run"
        ):
            status = "not run"
        return result(status, exc.reason)
    except SubmissionFailure as exc:
        return result("not run", exc.reason)
    except Exception as exc:  # noqa: BLE001 - an unexpected return value, or a bug in a test
        tb = traceback.format_exc(limit=-2)
        return result("error", f"the result could not be checked: {type(exc).__name__}: {exc}", tb)
    return result("passed", score=case.points)


def _hint_from_traceback(tb: str, filename="submission.py") -> str:
    """The submission's own frames of a traceback (the worker's are dropped)."""
    lines = [ln for ln in tb.strip().splitlines() if ln.strip() and set(ln.strip()) - set("^~")]
    for i, ln in enumerate(lines):
        if f'File "{filename}"' in ln:
            return "\n".join(lines[i:][-8:])
    return ""
