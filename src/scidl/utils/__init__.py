"""Shared utilities: input validation, hyperparameter checks, seeding, devices, atomic I/O.

- :func:`check_array`, :func:`validate_data`, :func:`check_option`, :func:`check_fitted`
- :class:`Interval`, :class:`Options`, :class:`InstanceOf`, :func:`validate_params`,
  :func:`parameter_constraints`
- :func:`seed_everything`, :func:`make_seed`, :func:`seeded`
- :func:`resolve_device`, :func:`resolve_dtype`, :func:`torch_threads`, :func:`as_tensor`,
  :func:`accelerator_device`
- :func:`atomic_write`
"""

from scidl.utils._device import (
    accelerator_device,
    as_tensor,
    resolve_device,
    resolve_dtype,
    torch_threads,
)
from scidl.utils._io import atomic_write
from scidl.utils._params import (
    InstanceOf,
    Interval,
    Options,
    parameter_constraints,
    validate_params,
)
from scidl.utils._seed import make_seed, seed_everything, seeded
from scidl.utils._validation import (
    NotFittedError,
    as_numpy,
    check_array,
    check_fitted,
    check_int_sequence,
    check_option,
    validate_data,
)

__all__ = [
    "InstanceOf",
    "Interval",
    "NotFittedError",
    "Options",
    "accelerator_device",
    "as_numpy",
    "as_tensor",
    "atomic_write",
    "check_array",
    "check_fitted",
    "check_int_sequence",
    "check_option",
    "make_seed",
    "parameter_constraints",
    "resolve_device",
    "torch_threads",
    "resolve_dtype",
    "seed_everything",
    "seeded",
    "validate_data",
    "validate_params",
]
