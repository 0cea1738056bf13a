import pytest

from scidl.utils import atomic_write


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "f.bin"
    with atomic_write(target) as fh:
        fh.write(b"good")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write(b"half-written")
            raise RuntimeError("crash")
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]  # no temp file left behind


def test_atomic_write_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        with atomic_write(tmp_path / "nope" / "f.bin"):
            pass


def test_atomic_write_uses_normal_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "f") as fh:
            fh.write(b"x")
    finally:
        os.umask(umask)
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o644
