"""as_tensor (one way from arrays to tensors) and accelerator_device (NumPy or torch)."""

import warnings

import numpy as np
import pytest
import torch

from scidl.utils import accelerator_device, as_tensor


def _shares_memory(t, a):
    return t.data_ptr() == a.ctypes.data


def test_writable_contiguous_array_is_shared_not_copied():
    a = np.arange(12.0).reshape(3, 4)
    t = as_tensor(a)
    assert _shares_memory(t, a) and t.dtype == torch.float64
    t[0, 0] = 7.0
    assert a[0, 0] == 7.0
    same = as_tensor(a, dtype=torch.float64, device="cpu")  # nothing to do: still shared
    assert _shares_memory(same, a)


@pytest.mark.parametrize("device", [None, "cpu"])
def test_read_only_array_is_copied_without_a_warning(device):
    # torch.as_tensor would share it (with a UserWarning) and let a write reach the source.
    a = np.arange(6.0).reshape(2, 3)
    a.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = as_tensor(a, device=device)
    assert not _shares_memory(t, a)
    t[0, 0] = -1.0
    np.testing.assert_array_equal(a, np.arange(6.0).reshape(2, 3))


def test_read_only_memmap_is_copied(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.arange(8, dtype=np.float32).reshape(4, 2))
    m = np.load(path, mmap_mode="r")
    t = as_tensor(m)
    t += 1.0  # writing is safe: the file is untouched
    np.testing.assert_array_equal(np.load(path), np.arange(8, dtype=np.float32).reshape(4, 2))
    assert t.dtype == torch.float32


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a[:, ::2],  # strided columns
        lambda a: a[::-1],  # negative strides, which torch.from_numpy rejects
        lambda a: a.T,  # Fortran order
    ],
)
def test_non_contiguous_arrays_become_contiguous_copies(make):
    a = np.arange(24.0).reshape(4, 6)
    view = make(a)
    t = as_tensor(view)
    assert t.is_contiguous()
    np.testing.assert_array_equal(t.numpy(), view)
    t.zero_()
    assert a.sum() == np.arange(24.0).sum()


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (torch.float32, torch.float32),
        ("float32", torch.float32),
        ("torch.float64", torch.float64),
        (np.float32, torch.float32),
        (np.dtype("int64"), torch.int64),
        (torch.bfloat16, torch.bfloat16),
    ],
)
def test_dtype_conversion(dtype, expected):
    a = np.array([[1.5, -2.0], [3.25, 4.0]])
    t = as_tensor(a, dtype=dtype)
    assert t.dtype == expected and t.is_contiguous()
    torch.testing.assert_close(t, torch.tensor(a).to(expected), rtol=0, atol=0)


def test_conversion_of_a_read_only_strided_array_is_one_writable_copy():
    a = np.arange(12.0).reshape(3, 4)
    a.flags.writeable = False
    t = as_tensor(a[:, 1:3], dtype=torch.float32)
    assert t.is_contiguous() and t.dtype == torch.float32
    np.testing.assert_array_equal(t.numpy(), a[:, 1:3].astype(np.float32))


def test_tensors_pass_through_or_convert():
    x = torch.arange(6.0).reshape(2, 3)
    assert as_tensor(x) is x
    assert as_tensor(x, dtype=torch.float64).dtype == torch.float64
    y = as_tensor(x.T)
    assert y.is_contiguous()
    torch.testing.assert_close(y, x.T)


def test_lists_and_scalars():
    assert as_tensor([[1, 2], [3, 4]]).dtype == torch.int64
    assert as_tensor(2.5).shape == ()


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"x": np.array(["a", "b"])}, TypeError, r"x must hold numbers.*<U1"),
        ({"x": np.array([None, 1.0])}, TypeError, r"x must hold numbers.*object"),
        ({"x": np.ones(2), "dtype": 3}, TypeError, "dtype must be"),
        ({"x": np.ones(2), "dtype": "float3"}, ValueError, "dtype must name a numeric dtype"),
        ({"x": np.ones(2), "device": "tpu"}, ValueError, "device must be"),
        ({"x": np.ones(2), "device": 0}, TypeError, "device must be"),
    ],
)
def test_bad_input_names_the_argument(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        as_tensor(**kwargs)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_read_only_array_goes_to_the_gpu_without_a_warning():
    a = np.arange(6.0).reshape(2, 3)
    a.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = as_tensor(a, dtype=torch.float32, device="cuda")
    assert t.device.type == "cuda" and t.dtype == torch.float32
    np.testing.assert_array_equal(t.cpu().numpy(), a)


def test_accelerator_device_is_none_on_the_cpu(monkeypatch):
    assert accelerator_device("cpu") is None
    assert accelerator_device(torch.device("cpu")) is None
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert accelerator_device("auto") is None
    with pytest.raises(ValueError, match="CUDA is not available"):
        accelerator_device("cuda")
    with pytest.raises(TypeError, match="device must be"):
        accelerator_device(None)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_accelerator_device_is_the_gpu():
    assert accelerator_device("cuda").type == "cuda"
