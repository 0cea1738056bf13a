"""Tests for the IDX reader: exact round trips and clear errors on bad files."""

import gzip
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scidl.data import read_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4), (0, 28, 28)])
@pytest.mark.parametrize("compress", [False, True])
def test_round_trip_from_path(tmp_path, idx, dtype, shape, compress):
    rng = np.random.default_rng(0)
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    path = idx.write(tmp_path / "data-idx", array, compress=compress)
    result = read_idx(path)
    assert result.dtype == np.dtype(dtype)
    assert result.dtype.isnative
    assert result.shape == shape
    np.testing.assert_array_equal(result, array)
    assert result.flags.writeable


def test_round_trip_str_path_and_file_object(tmp_path, idx):
    array = np.arange(24, dtype=np.int32).reshape(2, 3, 4) - 10
    path = idx.write(tmp_path / "a.idx", array, compress=True)
    np.testing.assert_array_equal(read_idx(str(path)), array)
    with open(path, "rb") as handle:
        np.testing.assert_array_equal(read_idx(handle), array)
    np.testing.assert_array_equal(read_idx(io.BytesIO(idx.encode(array))), array)


def test_gzip_detected_by_content_not_name(tmp_path, idx):
    array = np.arange(6, dtype=np.uint8)
    plain_named_gz = tmp_path / "plain.gz"
    plain_named_gz.write_bytes(idx.encode(array))
    np.testing.assert_array_equal(read_idx(plain_named_gz), array)


def test_header_is_big_endian():
    # 0x0B = int16, 1 dimension of size 2, values 1 and 256 big-endian.
    raw = bytes([0, 0, 0x0B, 1, 0, 0, 0, 2, 0x00, 0x01, 0x01, 0x00])
    np.testing.assert_array_equal(read_idx(io.BytesIO(raw)), [1, 256])


@settings(max_examples=25, deadline=None)
@given(
    array=hnp.arrays(
        dtype=st.sampled_from([np.dtype(d) for d in DTYPES]),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5),
        elements={"allow_nan": False},
    ),
    compress=st.booleans(),
)
def test_property_round_trip(idx, array, compress):
    data = idx.encode(array)
    if compress:
        data = gzip.compress(data)
    np.testing.assert_array_equal(read_idx(io.BytesIO(data)), array)


# --- malformed files ------------------------------------------------------------


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nope")


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"", "0 bytes is too short for the 4-byte magic number"),
        (b"\x00\x00", "too short for the 4-byte magic number"),
        (b"PK\x03\x04" + bytes(20), r"must start with two zero bytes; got 0x504b0304"),
        (bytes([0, 0, 0x0A, 1, 0, 0, 0, 1, 7]), "unknown IDX type code 0x0A"),
        (bytes([0, 0, 0x08, 0]), "declares 0 dimensions"),
        (bytes([0, 0, 0x08, 3, 0, 0, 0, 1]), "truncated IDX header: 3 dimensions need 16"),
        (
            bytes([0, 0, 0x08, 1, 0, 0, 0, 5, 1, 2]),
            r"IDX file truncated: .* needs 13 bytes; the file holds 10",
        ),
        (bytes([0, 0, 0x08, 1, 0, 0, 0, 1, 1, 2]), "IDX file has trailing bytes"),
        (bytes([0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0]), r"truncated.*int32"),
    ],
)
def test_malformed_files_name_the_file(tmp_path, data, pattern):
    path = _write(tmp_path, "broken-idx1-ubyte", data)
    with pytest.raises(ValueError, match=pattern) as info:
        read_idx(path)
    assert "broken-idx1-ubyte" in str(info.value)


def test_truncated_gzip(tmp_path, idx):
    data = gzip.compress(idx.encode(np.arange(1000, dtype=np.int32)))
    path = _write(tmp_path, "cut.gz", data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"cut\.gz: not a valid gzip file"):
        read_idx(path)


def test_corrupt_gzip(tmp_path, idx):
    data = bytearray(gzip.compress(idx.encode(np.arange(1000, dtype=np.int32))))
    data[20:30] = b"\xff" * 10
    path = _write(tmp_path, "corrupt.gz", bytes(data))
    with pytest.raises(ValueError, match=r"corrupt\.gz: not a valid gzip file"):
        read_idx(path)


def test_gzip_of_truncated_idx(tmp_path, idx):
    data = idx.encode(np.zeros((4, 28, 28), dtype=np.uint8))[:-1]
    path = _write(tmp_path, "images-idx3-ubyte.gz", gzip.compress(data))
    with pytest.raises(ValueError, match=r"images-idx3-ubyte\.gz: IDX file truncated"):
        read_idx(path)
