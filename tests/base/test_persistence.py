import pickle

import numpy as np
import pytest
import torch

import scidl
from scidl.base import FORMAT_VERSION
from scidl.nn import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def fitted_classifier():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = np.where(X[:, 0] > 0, "up", "down")
    return MLPClassifier((8,), max_epochs=5, random_state=0).fit(X, y), X


def test_round_trip_is_bit_identical(tmp_path, fitted_classifier):
    clf, X = fitted_classifier
    path = clf.save(tmp_path / "clf.scidl")
    loaded = scidl.load(path)
    assert type(loaded) is MLPClassifier
    assert loaded.get_params() == clf.get_params() | {"callbacks": None}
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    assert loaded.classes_.tolist() == ["down", "up"]
    assert loaded.history_["train_loss"].tolist() == clf.history_["train_loss"].tolist()
    assert loaded.n_features_in_ == 3


def test_round_trip_multioutput_regressor_and_tuple_params(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 2))
    Y = np.c_[X.sum(1), X[:, 0] * 2]
    reg = MLPRegressor(hidden_sizes=(4, 3), max_epochs=3, dtype="float64", random_state=0).fit(X, Y)
    loaded = scidl.load(reg.save(tmp_path / "reg.scidl"))
    assert loaded.hidden_sizes == (4, 3)
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    assert loaded.predict(X).shape == (50, 2)


def test_failed_save_keeps_old_file(tmp_path, fitted_classifier, monkeypatch):
    clf, _ = fitted_classifier
    path = clf.save(tmp_path / "clf.scidl")
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        clf.save(path)
    assert path.read_bytes() == before
    assert len(list(tmp_path.iterdir())) == 1


def test_load_errors(tmp_path, fitted_classifier):
    clf, _ = fitted_classifier
    with pytest.raises(FileNotFoundError, match="No saved estimator"):
        scidl.load(tmp_path / "missing.scidl")
    junk = tmp_path / "junk.scidl"
    junk.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a readable scidl estimator"):
        scidl.load(junk)
    truncated = tmp_path / "trunc.scidl"
    truncated.write_bytes(clf.save(tmp_path / "ok.scidl").read_bytes()[:200])
    with pytest.raises(ValueError, match="not a readable scidl estimator"):
        scidl.load(truncated)
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(2)}, foreign)
    with pytest.raises(ValueError, match="not a scidl estimator file"):
        scidl.load(foreign)
    newer = tmp_path / "newer.scidl"
    payload = torch.load(tmp_path / "ok.scidl", weights_only=True)
    torch.save({**payload, "format_version": FORMAT_VERSION + 1}, newer)
    with pytest.raises(ValueError, match="newer scidl"):
        scidl.load(newer)
    evil_class = tmp_path / "evil.scidl"
    torch.save({**payload, "class": "os:system"}, evil_class)
    with pytest.raises(ValueError, match="only scidl estimators"):
        scidl.load(evil_class)


class _Boom:
    def __reduce__(self):
        return (print, ("pwned",))


def test_load_never_unpickles_code(tmp_path, capsys):
    path = tmp_path / "evil.scidl"
    with open(path, "wb") as fh:
        torch.save({"format": "scidl-estimator", "x": _Boom()}, fh, pickle_module=pickle)
    with pytest.raises(ValueError):
        scidl.load(path)
    assert "pwned" not in capsys.readouterr().out


def test_unfitted_and_unsaveable(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MLPClassifier().save(tmp_path / "x")
    clf = MLPClassifier((4,), max_epochs=1, optimizer=torch.optim.SGD, random_state=0).fit(
        [[0.0], [1.0]] * 5, [0, 1] * 5
    )
    with pytest.raises(ValueError, match="Cannot save hyperparameter optimizer"):
        clf.save(tmp_path / "x")
