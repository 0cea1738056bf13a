"""The registry of demos: one per syllabus topic, found by name, kept in syllabus order."""

from __future__ import annotations

import dataclasses
import inspect
import math
import numbers
import time
from collections.abc import Callable
from typing import NamedTuple

from matplotlib.figure import Figure

__all__ = [
    "Demo",
    "DemoOutput",
    "DemoResult",
    "get_demo",
    "list_demos",
    "register",
    "run_demo",
    "unregister",
]

# The syllabus has eleven chapters; a demo belongs to one of them.
_N_CHAPTERS = 11


class DemoOutput(NamedTuple):
    """What a demo function returns: metrics, figures, an explanation and one headline.

    Parameters
    ----------
    metrics : dict
        Numbers, strings, ``None`` (for "not reached", written as ``null`` in
        ``metrics.json``), and lists or dicts of those.
    figures : dict
        Figure names to matplotlib Figures, or to the bytes of an image that
        is already encoded (an animated GIF or a PNG).
    text : str
        A short explanation of what the demo shows, for the report.
    headline : tuple (str, number or str)
        The one scalar result a reader looks at first, as ``(label, value)``,
        e.g. ``("test accuracy", 0.985)`` or ``("best CV degree", 5)``; the
        summary table of ``scidl tour`` shows it for each topic.

    Attributes
    ----------
    metrics : dict
        As given.
    figures : dict
        As given.
    text : str
        As given.
    headline : tuple (str, number or str)
        As given.

    Examples
    --------
    >>> from scidl.demos import DemoOutput
    >>> out = DemoOutput({"accuracy": 0.9}, {}, "A toy.", ("accuracy", 0.9))
    >>> out.headline
    ('accuracy', 0.9)
    """

    metrics: dict
    figures: dict
    text: str
    headline: tuple


@dataclasses.dataclass(frozen=True)
class Demo:
    """A registered demo: its topic name, title, place in the syllabus and function.

    Parameters
    ----------
    name : str
        The topic name used by ``scidl demo NAME``.
    title : str
        A human title for reports.
    chapter : int
        The syllabus chapter (1 to 11).
    position : int
        The place of the topic within its chapter (1, 2, ...).
    func : callable
        ``func(*, quick, random_state)`` returns a :class:`DemoOutput`.
    description : str, default ""
        The first paragraph of the function's docstring.

    Attributes
    ----------
    name, title : str
        As given.
    chapter, position : int
        As given; :func:`list_demos` orders the demos by ``(chapter, position)``.
    func : callable
        As given.
    description : str
        As given.

    Examples
    --------
    >>> from scidl.demos import get_demo
    >>> demo = get_demo("least-squares")
    >>> demo.name, demo.chapter, demo.position
    ('least-squares', 2, 1)
    """

    name: str
    title: str
    chapter: int
    position: int
    func: Callable = dataclasses.field(repr=False, compare=False)
    description: str = ""


@dataclasses.dataclass
class DemoResult:
    """The outcome of :func:`run_demo`: the demo's output, checked, and its running time.

    Parameters
    ----------
    name, title : str
        The topic name (as in ``scidl demo NAME``) and its title.
    metrics : dict
        JSON-serialisable numbers, strings and ``None``.
    figures : dict
        Figure names to matplotlib Figures or encoded image bytes.
    text : str
        A short paragraph explaining what the demo shows.
    seconds : float
        Wall-clock time of the demo, including data loading and plotting.
    headline : tuple (str, int or float or str)
        The demo's headline result ``(label, value)``.

    Attributes
    ----------
    name, title : str
        The topic name and its title.
    metrics : dict
        JSON-serialisable numbers, strings and ``None`` (``json.dumps`` works on it).
    figures : dict of str to matplotlib.figure.Figure or bytes
        The demo's figures by name.
    text : str
        A short paragraph explaining what the demo shows.
    seconds : float
        Wall-clock time of the demo.
    headline : tuple (str, int or float or str)
        The headline ``(label, value)``, with NumPy scalars turned into Python ones.

    Examples
    --------
    >>> from scidl.demos import run_demo
    >>> result = run_demo("least-squares")
    >>> label, k = result.headline
    >>> label, abs(k - 3.0) < 0.2
    ('fitted spring constant k (true 3)', True)
    """

    name: str
    title: str
    metrics: dict
    figures: dict
    text: str
    seconds: float
    headline: tuple


_REGISTRY: dict[str, Demo] = {}


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def register(name, title, *, chapter, position):
    """Decorator adding a demo function to the registry under ``name``.

    Parameters
    ----------
    name : str
        Topic name used on the command line, lower case with dashes.
    title : str
        A human title for reports.
    chapter : int
        Syllabus chapter (1 to 11) the topic belongs to.
    position : int
        The topic's place within its chapter (1, 2, ...): the tour runs the
        demos in order of ``(chapter, position)``, and no two demos may share
        one.

    Returns
    -------
    callable
        The decorator; it registers the function and returns it unchanged.

    Examples
    --------
    >>> from scidl.demos import DemoOutput, register, run_demo, unregister
    >>> @register("hello-demo", "Hello", chapter=1, position=99)
    ... def run(*, quick=False, random_state=0):
    ...     '''Say hello.'''
    ...     return DemoOutput({"answer": 42}, {}, "Hello.", ("the answer", 42))
    >>> run_demo("hello-demo").metrics
    {'answer': 42}
    >>> unregister("hello-demo")
    """
    if not isinstance(name, str) or not name or name != name.strip().lower() or " " in name:
        raise ValueError(
            f"name must be a non-empty lower-case string without spaces; got {name!r}."
        )
    if not _is_int(chapter) or not 1 <= chapter <= _N_CHAPTERS:
        raise ValueError(
            f"chapter must be an int from 1 to {_N_CHAPTERS} (the syllabus); got {chapter!r}."
        )
    if not _is_int(position) or position < 1:
        raise ValueError(
            f"position must be a positive int (the topic's place in its chapter); got {position!r}."
        )

    def decorator(func):
        if name in _REGISTRY:
            raise ValueError(f"a demo named {name!r} is already registered.")
        for other in _REGISTRY.values():
            if (other.chapter, other.position) == (chapter, position):
                raise ValueError(
                    f"chapter {chapter}, position {position} is already taken by the demo "
                    f"{other.name!r}; give {name!r} another position."
                )
        doc = inspect.getdoc(func) or ""
        _REGISTRY[name] = Demo(
            name,
            str(title),
            int(chapter),
            int(position),
            func,
            doc.split("\n\n")[0].replace("\n", " "),
        )
        return func

    return decorator


def unregister(name):
    """Remove a demo from the registry (for tests and plug-ins); unknown names are ignored.

    Parameters
    ----------
    name : str
        The topic name to remove.

    Returns
    -------
    None

    Examples
    --------
    >>> from scidl.demos import DemoOutput, list_demos, register, unregister
    >>> @register("tmp-demo", "Temporary", chapter=11, position=99)
    ... def run(*, quick=False, random_state=0):
    ...     return DemoOutput({}, {}, "", ("nothing", 0))
    >>> unregister("tmp-demo")
    >>> "tmp-demo" in [d.name for d in list_demos()]
    False
    """
    _REGISTRY.pop(name, None)


def list_demos():
    """All registered demos in syllabus order: by chapter, then by position in the chapter.

    Returns
    -------
    list of Demo

    Examples
    --------
    >>> from scidl.demos import list_demos
    >>> [d.name for d in list_demos()][:3]
    ['least-squares', 'model-selection', 'activations']
    """
    return sorted(_REGISTRY.values(), key=lambda d: (d.chapter, d.position))


def get_demo(name):
    """The :class:`Demo` registered as ``name``.

    Parameters
    ----------
    name : str
        A topic name from :func:`list_demos`.

    Returns
    -------
    Demo

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid names.

    Examples
    --------
    >>> from scidl.demos import get_demo
    >>> get_demo("mlp-mnist").chapter
    3
    """
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
        f"demo metric {where} must be a number, a string or None; got {type(value).__name__}."
    )


def _non_finite(value, where):
    """The path of the first non-finite float inside ``value``, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return where
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite(item, f"{where}[{key!r}]")
        if found:
            return found
    return None


def _check_headline(headline, name):
    """The headline as ``(label, value)`` with a Python scalar value, or a clear error."""
    if not isinstance(headline, tuple) or len(headline) != 2:
        raise TypeError(f"demo {name!r} headline must be a (label, value) tuple; got {headline!r}.")
    label, value = headline
    if not isinstance(label, str) or not label.strip():
        raise ValueError(f"demo {name!r} headline label must be a non-empty string; got {label!r}.")
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:  # NumPy scalars
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
        raise TypeError(
            f"demo {name!r} headline value must be one number or a string; "
            f"got {type(value).__name__} {value!r}."
        )
    if isinstance(value, numbers.Integral):
        value = int(value)
    elif isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"demo {name!r} headline value must be finite; got {value}.")
    return (label, value)


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

    Examples
    --------
    >>> from scidl.demos import run_demo
    >>> result = run_demo("least-squares", quick=True)
    >>> result.name, sorted(result.figures)
    ('least-squares', ['harmonic', 'line', 'sine_features'])
    """
    demo = get_demo(name)
    if not _is_int(random_state) or random_state < 0:
        raise ValueError(f"random_state must be a non-negative int; got {random_state!r}.")
    start = time.perf_counter()
    output = demo.func(quick=bool(quick), random_state=int(random_state))
    seconds = time.perf_counter() - start
    if not isinstance(output, DemoOutput):
        raise TypeError(f"demo {name!r} must return a DemoOutput; got {type(output).__name__}.")
    metrics = _jsonable(dict(output.metrics), "metrics")
    bad = _non_finite(metrics, "metrics")
    if bad:
        raise ValueError(
            f"demo {name!r} produced a non-finite metric {bad}; use None for 'not reached'."
        )
    headline = _check_headline(output.headline, name)
    figures = dict(output.figures)
    for key, fig in figures.items():
        encoded = isinstance(fig, bytes) and fig[:4] in (b"GIF8", b"\x89PNG")
        if not (isinstance(fig, Figure) or encoded):
            raise TypeError(
                f"demo {name!r} figure {key!r} must be a matplotlib Figure or GIF/PNG bytes; "
                f"got {type(fig).__name__}."
            )
    return DemoResult(
        name=demo.name,
        title=demo.title,
        metrics=metrics,
        figures=figures,
        text=str(output.text),
        seconds=seconds,
        headline=headline,
    )
