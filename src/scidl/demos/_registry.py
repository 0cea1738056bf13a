"""The registry of demos: one per syllabus topic, found by name."""

from __future__ import annotations

import dataclasses
import inspect
import math
import numbers
import time
from collections.abc import Callable
from typing import NamedTuple

from matplotlib.figure import Figure

__all__ = ["Demo", "DemoOutput", "DemoResult", "get_demo", "list_demos", "register", "run_demo"]


class DemoOutput(NamedTuple):
    """What a demo function returns: metrics, figures and an explanation.

    ``figures`` maps names to matplotlib Figures, or to the bytes of an image
    that is already encoded (an animated GIF).
    """

    metrics: dict
    figures: dict
    text: str


@dataclasses.dataclass(frozen=True)
class Demo:
    """A registered demo: its topic name, title, syllabus chapter and function.

    ``func(*, quick, random_state)`` returns a :class:`DemoOutput`.
    ``description`` is the first paragraph of the function's docstring.
    """

    name: str
    title: str
    chapter: int
    func: Callable = dataclasses.field(repr=False, compare=False)
    description: str = ""


@dataclasses.dataclass
class DemoResult:
    """The outcome of :func:`run_demo`.

    Attributes
    ----------
    name, title : str
        The topic name (as in ``scidl demo NAME``) and its title.
    metrics : dict
        JSON-serialisable numbers and strings (``json.dumps`` works on it).
    figures : dict of str to matplotlib.figure.Figure
        The demo's figures by name.
    text : str
        A short paragraph explaining what the demo shows.
    seconds : float
        Wall-clock time of the demo, including data loading and plotting.
    """

    name: str
    title: str
    metrics: dict
    figures: dict
    text: str
    seconds: float


_REGISTRY: dict[str, Demo] = {}


def register(name, title, chapter):
    """Decorator adding a demo function to the registry under ``name``.

    Parameters
    ----------
    name : str
        Topic name used on the command line, lower case with dashes.
    title : str
        A human title for reports.
    chapter : int
        Syllabus chapter (1 to 11) the topic belongs to; orders the tour.

    Examples
    --------
    >>> from scidl.demos import DemoOutput, register
    >>> @register("hello-demo", "Hello", chapter=1)
    ... def _hello(*, quick=False, random_state=0):
    ...     '''Say hello.'''
    ...     return DemoOutput({"answer": 42}, {}, "Hello.")
    >>> from scidl.demos import run_demo, unregister
    >>> run_demo("hello-demo").metrics
    {'answer': 42}
    >>> unregister("hello-demo")
    """
    if not isinstance(name, str) or not name or name != name.strip().lower() or " " in name:
        raise ValueError(
            f"name must be a non-empty lower-case string without spaces; got {name!r}."
        )
    if (
        isinstance(chapter, bool)
        or not isinstance(chapter, numbers.Integral)
        or not 1 <= chapter <= 11
    ):
        raise ValueError(f"chapter must be an int from 1 to 11 (the syllabus); got {chapter!r}.")

    def decorator(func):
        if name in _REGISTRY:
            raise ValueError(f"a demo named {name!r} is already registered.")
        doc = inspect.getdoc(func) or ""
        _REGISTRY[name] = Demo(
            name, str(title), int(chapter), func, doc.split("\n\n")[0].replace("\n", " ")
        )
        return func

    return decorator


def unregister(name):
    """Remove a demo from the registry (for tests and plug-ins)."""
    _REGISTRY.pop(name, None)


def list_demos():
    """All registered demos, ordered by chapter, then by registration.

    Returns
    -------
    list of Demo
    """
    order = {name: i for i, name in enumerate(_REGISTRY)}
    return sorted(_REGISTRY.values(), key=lambda d: (d.chapter, order[d.name]))


def get_demo(name):
    """The :class:`Demo` registered as ``name``; a ValueError lists the valid names."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        valid = ", ".join(d.name for d in list_demos())
        raise ValueError(f"unknown demo {name!r}; valid names are: {valid}.") from None


def _jsonable(value, where):
    """``value`` as plain Python numbers, strings, lists and dicts (NumPy scalars converted)."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "tolist"):  # numpy arrays and 0-d arrays
        return _jsonable(value.tolist(), where)
    raise TypeError(
        f"demo metric {where} must be a number or a string; got {type(value).__name__}."
    )


def run_demo(name, *, quick=False, random_state=0):
    """Run the demo ``name`` and return its :class:`DemoResult`.

    Parameters
    ----------
    name : str
        A name from :func:`list_demos`.
    quick : bool, default False
        Smaller data and fewer epochs: seconds instead of minutes, for smoke
        tests (the metrics are then rougher).
    random_state : int, default 0
        Seed for data splits and model initialisation; the same seed gives
        the same metrics on the CPU.

    Returns
    -------
    DemoResult
    """
    demo = get_demo(name)
    if (
        isinstance(random_state, bool)
        or not isinstance(random_state, numbers.Integral)
        or random_state < 0
    ):
        raise ValueError(f"random_state must be a non-negative int; got {random_state!r}.")
    start = time.perf_counter()
    output = demo.func(quick=bool(quick), random_state=int(random_state))
    seconds = time.perf_counter() - start
    metrics = _jsonable(dict(output.metrics), "metrics")
    for key, value in metrics.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"demo {name!r} produced a non-finite metric {key}={value}.")
    figures = dict(output.figures)
    for key, fig in figures.items():
        encoded = isinstance(fig, bytes) and fig[:4] in (b"GIF8", b"\x89PNG")
        if not (isinstance(fig, Figure) or encoded):
            raise TypeError(
                f"demo {name!r} figure {key!r} must be a matplotlib Figure or GIF/PNG bytes; got {type(fig).__name__}."
            )
    return DemoResult(
        name=demo.name,
        title=demo.title,
        metrics=metrics,
        figures=figures,
        text=str(output.text),
        seconds=seconds,
    )
