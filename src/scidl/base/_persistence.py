"""Safe persistence: ``est.save(path)`` and :func:`scidl.load`.

A saved estimator is one ``torch.save`` archive holding only plain data:

- ``format``/``format_version`` and the scidl version,
- the estimator's class path (only classes inside the ``scidl`` package are loaded),
- its hyperparameters as a JSON string,
- its fitted attributes: NumPy arrays as tensors, everything else as JSON,
- the ``state_dict`` of its torch module (``module_``), if it has one.

Loading uses ``torch.load(weights_only=True)``: no pickled code is ever run.
Writes go to a temporary file that is renamed over the target, so a crash
never leaves a half-written model in place of a good one.
"""

from __future__ import annotations

import importlib
import json
import numbers
from pathlib import Path

import numpy as np
import torch

from scidl.training import History, is_main_process
from scidl.utils import atomic_write, check_fitted, resolve_device

__all__ = ["PersistenceMixin", "load", "FORMAT_VERSION"]

FORMAT = "scidl-estimator"
FORMAT_VERSION = 1


def _jsonable(value):
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


# Packages whose estimator classes may be named in a file (an unfitted estimator given as a
# hyperparameter, e.g. ActiveLearner(estimator=...)); anything else is refused on load.
_ESTIMATOR_PACKAGES = ("scidl", "sklearn")


def _class_path(cls):
    return f"{cls.__module__}:{cls.__qualname__}"


def _import_class(path, packages, what):
    """The class at ``module:qualname``, imported only from ``packages``."""
    module_name, _, qualname = str(path).partition(":")
    if not any(module_name == p or module_name.startswith(p + ".") for p in packages):
        raise ValueError(
            f"Refusing to load class {path!r}: only {' and '.join(packages)} {what} can be loaded."
        )
    try:
        cls = importlib.import_module(module_name)
        for part in qualname.split("."):
            cls = getattr(cls, part)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"The file names class {path!r}, which does not exist: {exc}") from None
    return cls


def _to_json_value(value):
    """Convert NumPy scalars/tuples, unfitted estimators and random generators for JSON.

    What JSON cannot hold is left as is, for the caller's error message.
    """
    from sklearn.base import BaseEstimator

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return {"__tuple__": [_to_json_value(v) for v in value]}
    if isinstance(value, list):
        return [_to_json_value(v) for v in value]
    if isinstance(value, np.random.Generator):  # its exact state: a loaded run continues it
        return {"__generator__": value.bit_generator.state}
    if isinstance(value, BaseEstimator) and value.__class__.__module__.split(".")[0] in (
        _ESTIMATOR_PACKAGES
    ):  # an estimator as a hyperparameter: its class and (JSON) hyperparameters
        params = {k: _to_json_value(v) for k, v in value.get_params(deep=False).items()}
        bad = [k for k, v in params.items() if not _jsonable(v)]
        if bad:
            return value  # the caller names it
        return {"__estimator__": _class_path(type(value)), "params": params}
    return value


def _from_json_value(value):
    from sklearn.base import BaseEstimator

    if isinstance(value, dict) and set(value) == {"__tuple__"}:
        return tuple(_from_json_value(v) for v in value["__tuple__"])
    if isinstance(value, dict) and set(value) == {"__generator__"}:
        state = value["__generator__"]
        bit_generator = getattr(np.random, str(state.get("bit_generator")), None)
        if not (
            isinstance(bit_generator, type) and issubclass(bit_generator, np.random.BitGenerator)
        ):
            raise ValueError(f"Unknown bit generator {state.get('bit_generator')!r}.")
        gen = np.random.Generator(bit_generator())
        gen.bit_generator.state = state
        return gen
    if isinstance(value, dict) and set(value) == {"__estimator__", "params"}:
        cls = _import_class(value["__estimator__"], _ESTIMATOR_PACKAGES, "estimators")
        if not (isinstance(cls, type) and issubclass(cls, BaseEstimator)):
            raise ValueError(f"{value['__estimator__']!r} is not an estimator class.")
        return cls(**{k: _from_json_value(v) for k, v in value["params"].items()})
    if isinstance(value, list):
        return [_from_json_value(v) for v in value]
    return value


class PersistenceMixin:
    """Adds :meth:`save`; :func:`scidl.load` restores the estimator.

    The file holds hyperparameters as JSON, fitted arrays and the module's
    weights as tensors, and a format version; loading never unpickles code.

    Attributes
    ----------
    _unsaved_params : tuple of str
        Hyperparameters that cannot be stored as JSON (callback objects); a
        loaded estimator gets their defaults.

    Examples
    --------
    >>> import pathlib
    >>> import tempfile
    >>> import numpy as np
    >>> from scidl.base import load
    >>> from scidl.nn import MLPRegressor
    >>> X = np.linspace(-1, 1, 20)[:, None]
    >>> reg = MLPRegressor((4,), max_epochs=2, random_state=0).fit(X, X[:, 0])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     again = load(reg.save(pathlib.Path(tmp) / "reg.pt"))
    >>> bool(np.array_equal(again.predict(X), reg.predict(X)))  # bit-identical
    True
    """

    # Hyperparameters that cannot be stored as JSON (e.g. callback objects) and are reset on load.
    _unsaved_params: tuple = ("callbacks",)
    # Fitted attributes rebuilt by ``_restore_fitted`` after loading instead of being stored
    # (models of other libraries, which only a pickle could hold).
    _refitted_on_load: tuple = ()

    def _restore_fitted(self):
        """Rebuild the attributes of ``_refitted_on_load`` from the stored ones (a hook)."""

    def save(self, path):
        """Save this fitted estimator to ``path`` (atomically; rank 0 only under torchrun).

        Parameters
        ----------
        path : str or Path
            The file to write (replaced atomically if it exists).

        Returns
        -------
        Path
            ``path``.
        """
        check_fitted(self)
        path = Path(path)
        payload = self._to_payload()
        if is_main_process():
            with atomic_write(path) as fh:
                torch.save(payload, fh)
        return path

    def _to_payload(self) -> dict:
        """The plain-data dictionary ``save`` writes (tensors, strings, nested payloads)."""
        params = {}
        for name, value in self.get_params(deep=False).items():
            if name in self._unsaved_params:
                continue
            value = _to_json_value(value)
            if not _jsonable(value):
                raise ValueError(
                    f"Cannot save hyperparameter {name}={value!r}: only JSON-serialisable "
                    "values (numbers, strings, lists) can be saved."
                )
            params[name] = value
        arrays, attrs, module_state, nested = {}, {}, None, {}
        for name, value in vars(self).items():
            if not name.endswith("_") or name.startswith("_") or name in self._refitted_on_load:
                continue
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(v, PersistenceMixin) for v in value)
            ):  # fitted sub-estimators (a deep belief network's RBMs): stored recursively
                check_fitted(value[0])
                nested[name] = [v._to_payload() for v in value]
            elif isinstance(value, torch.nn.Module):
                if name != "module_":
                    raise ValueError(
                        f"Cannot save torch module attribute {name!r}; only module_ is supported."
                    )
                module_state = {k: v.detach().cpu().clone() for k, v in value.state_dict().items()}
            elif isinstance(value, History):
                attrs[name] = {"__history__": value.to_dict()}
            elif isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
                arrays[name] = torch.from_numpy(np.ascontiguousarray(value))
            elif isinstance(value, np.ndarray):
                attrs[name] = {
                    "__ndarray__": value.tolist(),
                    "dtype": value.dtype.str if value.dtype.kind != "O" else "O",
                }
            elif isinstance(
                value, str | numbers.Number | list | tuple | dict | type(None) | np.random.Generator
            ) and _jsonable(_to_json_value(value)):
                attrs[name] = _to_json_value(value)
            else:
                raise ValueError(
                    f"Cannot save fitted attribute {name!r} of type {type(value).__name__}."
                )
        payload = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "scidl_version": _scidl_version(),
            "class": _class_path(type(self)),
            "params_json": json.dumps(params),
            "attrs_json": json.dumps(attrs),
            "arrays": arrays,
            "module_state": module_state,
            "estimators": nested,
        }
        return payload


def _scidl_version():
    from scidl import __version__

    return __version__


def load(path, *, device="cpu"):
    """Load an estimator saved with ``est.save(path)``.

    Parameters
    ----------
    path : str or Path
        A file written by ``save``.
    device : str or torch.device, default "cpu"
        Where to put the torch module: ``"cpu"``, ``"cuda"`` or ``"auto"``
        (CUDA if available).

    Returns
    -------
    estimator
        The fitted estimator, of the class that was saved.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ValueError
        The file is not a scidl estimator, is corrupt, or has a newer format.

    Examples
    --------
    >>> import pathlib
    >>> import tempfile
    >>> from scidl.base import load
    >>> from scidl.nn import MLPClassifier
    >>> clf = MLPClassifier((4,), max_epochs=2, random_state=0).fit([[0.0], [1.0]], ["a", "b"])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     loaded = load(clf.save(pathlib.Path(tmp) / "clf.pt"))
    >>> type(loaded).__name__, loaded.classes_.tolist(), loaded.device_
    ('MLPClassifier', ['a', 'b'], 'cpu')
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No saved estimator at {str(path)!r}.")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for corrupt/foreign files
        raise ValueError(
            f"{str(path)!r} is not a readable scidl estimator file "
            f"(corrupt, truncated or another format): {exc}"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{str(path)!r} is not a scidl estimator file.")
    if payload.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{str(path)!r} was written by a newer scidl (format {payload['format_version']}); "
            f"this scidl reads format <= {FORMAT_VERSION}."
        )
    return _from_payload(payload, device)


def _from_payload(payload, device):
    """The estimator a payload of :meth:`PersistenceMixin._to_payload` describes."""
    cls = _import_class(payload["class"], ("scidl",), "estimators")
    if not (isinstance(cls, type) and issubclass(cls, PersistenceMixin)):
        raise ValueError(f"{payload['class']!r} is not a scidl estimator class.")
    params = {k: _from_json_value(v) for k, v in json.loads(payload["params_json"]).items()}
    est = cls(**params)
    for name, value in json.loads(payload["attrs_json"]).items():
        if isinstance(value, dict) and "__history__" in value:
            value = History.from_dict(value["__history__"])
        elif isinstance(value, dict) and "__ndarray__" in value:
            value = np.array(
                value["__ndarray__"],
                dtype=np.dtype(value["dtype"]) if value["dtype"] != "O" else object,
            )
        else:
            value = _from_json_value(value)
        setattr(est, name, value)
    for name, tensor in payload["arrays"].items():
        setattr(est, name, tensor.numpy())
    for name, children in payload.get("estimators", {}).items():
        setattr(est, name, [_from_payload(child, device) for child in children])
    if payload["module_state"] is not None:
        module = est._build_module()
        floats = [t for t in payload["module_state"].values() if t.is_floating_point()]
        if floats:  # build in the saved precision, so predictions are bit-identical
            module = module.to(dtype=floats[0].dtype)
        module.load_state_dict(payload["module_state"])
        device = resolve_device(device)
        est.module_ = module.to(device).eval()
        est.device_ = str(device)
    if est._refitted_on_load:
        est._restore_fitted()
    return est
