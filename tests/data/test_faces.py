"""Face loaders: scikit-image's LFW subset and a user's one-folder-per-person directory."""

import numpy as np
import pytest
from PIL import Image

from scidl.data._faces import load_face_directory, load_lfw_subset


def test_lfw_subset_is_shipped_and_balanced():
    pytest.importorskip("skimage")
    X, y = load_lfw_subset()
    assert X.shape == (200, 25, 25) and X.dtype == np.float64
    assert 0.0 <= X.min() and X.max() <= 1.0
    np.testing.assert_array_equal(np.bincount(y), [100, 100])
    assert y[:100].all() and not y[100:].any()


def _write(path, array, mode="L"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array, mode=mode).save(path)


@pytest.fixture
def face_dir(tmp_path):
    """Three people; bob's images are RGB JPEGs of another size; carol has a single image."""
    rng = np.random.default_rng(0)
    for k in range(3):
        _write(tmp_path / "alice" / f"{k}.png", np.full((20, 16), 40 * k, dtype=np.uint8))
    for k in range(2):
        _write(
            tmp_path / "bob" / f"img{k}.jpg",
            rng.integers(0, 255, (30, 30, 3), dtype=np.uint8),
            mode="RGB",
        )
    _write(tmp_path / "carol" / "a.png", np.full((20, 16), 255, dtype=np.uint8))
    (tmp_path / "carol" / "notes.txt").write_text("not an image")
    (tmp_path / "README").write_text("ignored: not a directory")
    return tmp_path


def test_directory_loader_reads_identities_in_order(face_dir):
    X, y, names = load_face_directory(face_dir, size=(12, 10))
    assert names == ["alice", "bob", "carol"]
    assert X.shape == (6, 12, 10) and X.dtype == np.float32
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 1, 2])
    np.testing.assert_allclose(
        X[1], 40 / 255, atol=1e-6
    )  # grey levels scaled to [0, 1], resized flat image stays flat
    np.testing.assert_allclose(X[5], 1.0)


def test_directory_loader_min_images_and_original_size(face_dir):
    X, y, names = load_face_directory(face_dir, size=(8, 8), min_images=3)
    assert names == ["alice"] and len(X) == 3
    with pytest.raises(ValueError, match="different sizes"):
        load_face_directory(face_dir, size=None)
    (face_dir / "bob" / "img0.jpg").unlink()
    (face_dir / "bob" / "img1.jpg").unlink()
    X, y, names = load_face_directory(face_dir, size=None)
    assert X.shape == (4, 20, 16) and names == ["alice", "carol"]


def test_directory_loader_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_face_directory(tmp_path / "missing")
    (tmp_path / "file.png").write_bytes(b"")
    with pytest.raises(NotADirectoryError):
        load_face_directory(tmp_path / "file.png")
    (tmp_path / "empty_person").mkdir()
    with pytest.raises(ValueError, match="one sub-directory per person"):
        load_face_directory(tmp_path)
    with pytest.raises(ValueError, match="size"):
        load_face_directory(tmp_path, size=(0, 5))
