import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_array,
    check_int_sequence,
    check_option,
    make_seed,
    resolve_device,
    resolve_dtype,
    seed_everything,
    validate_params,
)


def test_check_array_accepts_lists_tensors_and_keeps_float32():
    assert check_array([[1, 2]]).dtype == np.float64
    out = check_array(torch.ones(3, 2, dtype=torch.float32))
    assert out.dtype == np.float32 and out.shape == (3, 2)


@pytest.mark.parametrize(
    "bad, exc, match",
    [
        ([[1.0, np.nan]], ValueError, "NaN or infinity"),
        ([[1.0, np.inf]], ValueError, "NaN or infinity"),
        ([1.0, 2.0], ValueError, "Expected 2D array for X, got 1D"),
        (np.zeros((0, 3)), ValueError, "0 sample"),
        ([["a", "b"]], ValueError, "X must contain numbers"),
        (np.array([[1 + 2j]]), ValueError, "Complex data"),
        ("abc", TypeError, "array-like"),
    ],
)
def test_check_array_rejects_bad_input(bad, exc, match):
    with pytest.raises(exc, match=match):
        check_array(bad)


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 5), st.integers(1, 4)),
        elements=st.floats(allow_nan=True, allow_infinity=True),
    )
)
def test_check_array_finite_iff_accepted(a):
    if np.isfinite(a).all():
        np.testing.assert_array_equal(check_array(a), a)
    else:
        with pytest.raises(ValueError, match="Input X contains NaN"):
            check_array(a)


def test_check_option_names_argument():
    with pytest.raises(ValueError, match=r"solver must be one of 'a', 'b'; got 'c'"):
        check_option("c", "solver", {"a", "b"})
    with pytest.raises(TypeError, match="solver must be a string"):
        check_option(3, "solver", {"a"})


class _Est:
    def __init__(self, **p):
        self.p = p

    def get_params(self, deep=False):
        return self.p


def test_validate_params_messages():
    cons = {
        "lr": [Interval(float, 0, None, closed="neither")],
        "mode": [Options("x", "y")],
        "cb": [InstanceOf(list), None],
    }
    import numbers

    cons["lr"] = [Interval(numbers.Real, 0, None, closed="neither")]
    validate_params(_Est(lr=0.1, mode="x", cb=None), cons)
    with pytest.raises(
        ValueError, match=r"'lr' parameter of _Est must be a float in the range \(0, inf\); got -1"
    ):
        validate_params(_Est(lr=-1, mode="x", cb=None), cons)
    with pytest.raises(TypeError, match="'lr' parameter"):
        validate_params(_Est(lr="fast", mode="x", cb=None), cons)
    with pytest.raises(
        ValueError, match="'mode' parameter of _Est must be one of 'x', 'y'; got 'z'"
    ):
        validate_params(_Est(lr=1, mode="z", cb=None), cons)
    with pytest.raises(TypeError, match="'cb'"):
        validate_params(_Est(lr=1, mode="x", cb=3), cons)
    # booleans are not numbers here
    with pytest.raises(TypeError):
        validate_params(_Est(lr=True, mode="x", cb=None), cons)


def test_int_sequence():
    assert check_int_sequence(5, "h") == (5,)
    assert check_int_sequence([3, 4], "h") == (3, 4)
    with pytest.raises(ValueError, match="h must contain integers >= 1"):
        check_int_sequence([3, 0], "h")
    with pytest.raises(TypeError):
        check_int_sequence("abc", "h")


def test_seeding_helpers():
    seed_everything(3)
    a = torch.rand(2), np.random.rand()  # noqa: NPY002 - testing the legacy global seed
    seed_everything(3)
    b = torch.rand(2), np.random.rand()  # noqa: NPY002
    assert torch.equal(a[0], b[0]) and a[1] == b[1]
    assert make_seed(5) == 5
    assert make_seed(np.random.default_rng(0)) == make_seed(np.random.default_rng(0))
    with pytest.raises(ValueError, match="non-negative"):
        make_seed(-1)
    with pytest.raises(TypeError, match="random_state"):
        make_seed("x")


def test_devices_and_dtypes():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "cuda")
    assert resolve_dtype("float64") is torch.float64
    with pytest.raises(ValueError, match="dtype must be one of"):
        resolve_dtype("int8")
    with pytest.raises(ValueError, match="device must be"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda")


def test_torch_threads_rejects_bad_counts_and_restores():
    import torch

    from scidl.utils import torch_threads

    before = torch.get_num_threads()
    for bad in (0, -1, 1.5, "2", True):
        with pytest.raises(ValueError, match="int >= 1"):
            with torch_threads(bad):
                pass
    with pytest.raises(RuntimeError):
        with torch_threads(1):
            raise RuntimeError("inside")
    assert torch.get_num_threads() == before


# --- messages name the argument (issue 11: the bad-input probe found NumPy's bare message) ---


@pytest.mark.parametrize(
    "bad, exc",
    [
        (np.full((3, 2), "x", dtype=object), ValueError),  # strings in an object array
        (np.array([["a", "b"]]), ValueError),  # a string array
        (np.array([[1.0, {"foo": "bar"}]], dtype=object), TypeError),  # not a number at all
    ],
)
def test_validate_data_names_x_for_non_numeric_input(bad, exc):
    from sklearn.base import BaseEstimator

    from scidl.utils import validate_data

    with pytest.raises(exc, match=r"^X must contain numbers \(convertible to float64\)"):
        validate_data(BaseEstimator(), bad)


def test_validate_data_keeps_numpy_reason_for_scikit_learn_checks():
    # scikit-learn's check_dtype_object expects this TypeError text for a dict entry.
    from sklearn.base import BaseEstimator

    from scidl.utils import validate_data

    bad = np.array([[1.0, {"foo": "bar"}]], dtype=object)
    with pytest.raises(TypeError, match="argument must be .* string.* number"):
        validate_data(BaseEstimator(), bad)


def test_validate_data_accepts_object_arrays_of_numbers():
    from sklearn.base import BaseEstimator

    from scidl.utils import validate_data

    X = validate_data(BaseEstimator(), np.arange(6.0).reshape(3, 2).astype(object))
    assert X.dtype == np.float64 and X[2, 1] == 5.0


def test_check_array_names_the_argument_for_strings():
    with pytest.raises(ValueError, match=r"^dtrajs must contain numbers.*'x'"):
        check_array(np.full(4, "x", dtype=object), name="dtrajs", ndim=1)
    with pytest.raises(TypeError, match=r"^X must contain numbers"):
        check_array(np.array([[{"a": 1}]], dtype=object))


@pytest.mark.parametrize("device", ["auto", "cpu", torch.device("cpu")])
def test_resolve_device_accepts_auto_cpu_and_devices(device):
    out = resolve_device(device)
    assert isinstance(out, torch.device)
    assert out.type == ("cuda" if device == "auto" and torch.cuda.is_available() else "cpu")


def test_resolve_device_cuda_without_cuda_is_a_clear_error():
    if torch.cuda.is_available():
        assert resolve_device("cuda").type == "cuda"
    else:
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda")
    with pytest.raises(TypeError, match="device must be"):
        resolve_device(0.5)


def test_parameter_constraints_leave_out_scikit_learn_tables():
    # scidl.unsupervised.DBSCAN subclasses scikit-learn's: its table ("boolean", callable,
    # types) is in scikit-learn's vocabulary and scikit-learn checks it in fit.
    import numbers

    from sklearn.cluster import DBSCAN as SklearnDBSCAN

    from scidl.utils import parameter_constraints

    class Mine(SklearnDBSCAN):
        _parameter_constraints = {"extra": [Interval(numbers.Integral, 1, None)]}

    assert parameter_constraints(Mine) == {"extra": [Interval(numbers.Integral, 1, None)]}
    assert parameter_constraints(SklearnDBSCAN) == {}
