"""StreamingMoments: any split of the stream equals one pass; the merge is Chan et al.'s."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from scidl.numerics import StreamingMoments


def _reference(X, w=None):
    """Weight, mean and centred scatter from the definitions, in float64 with NumPy."""
    X = np.asarray(X, dtype=np.float64)
    w = np.ones(len(X)) if w is None else np.asarray(w, dtype=np.float64)
    mean = w @ X / w.sum()
    Xc = X - mean
    return w.sum(), mean, (Xc * w[:, None]).T @ Xc


def _assert_moments(m, weight, mean, scatter, rtol=1e-10):
    scale = np.abs(scatter).max()
    assert m.weight == pytest.approx(weight, rel=1e-12)
    np.testing.assert_allclose(m.mean, mean, rtol=1e-12, atol=1e-12 * np.abs(mean).max())
    np.testing.assert_allclose(m.scatter, scatter, rtol=rtol, atol=rtol * scale)


def _data(n, d, seed, offset=0.0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + offset).astype(dtype)


def test_known_answer_on_four_points():
    X = np.array([[1.0, 2.0], [3.0, 0.0], [5.0, 4.0], [7.0, 2.0]])
    m = StreamingMoments(2).update(X)
    assert m.weight == 4.0
    np.testing.assert_array_equal(m.mean, [4.0, 2.0])
    np.testing.assert_allclose(m.scatter, [[20.0, 4.0], [4.0, 8.0]], rtol=1e-15)
    np.testing.assert_allclose(m.covariance(), np.cov(X.T), rtol=1e-15)
    np.testing.assert_allclose(m.covariance(ddof=0), np.cov(X.T, bias=True), rtol=1e-15)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 60),
    d=st.integers(1, 5),
    seed=st.integers(0, 2**16),
    cuts=st.lists(st.floats(0, 1), max_size=5),
    chunk_size=st.sampled_from([None, 1, 3, 7]),
    float32=st.booleans(),
)
def test_property_any_split_equals_one_pass(n, d, seed, cuts, chunk_size, float32):
    X = _data(n, d, seed, offset=100.0, dtype=np.float32 if float32 else np.float64)
    splits = sorted({int(c * n) for c in cuts})
    streamed = StreamingMoments(d)
    for part in np.split(X, splits):
        streamed.update(part, chunk_size=chunk_size)
    one_pass = StreamingMoments(d).update(X)
    _assert_moments(streamed, *_reference(X), rtol=1e-9)
    _assert_moments(streamed, one_pass.weight, one_pass.mean, one_pass.scatter, rtol=1e-9)
    np.testing.assert_array_equal(streamed.scatter, streamed.scatter.T)  # exactly symmetric


@pytest.mark.parametrize("splits", [[], [1], [10, 11], [3, 500, 999], list(range(50, 1000, 50))])
def test_merging_summaries_of_parts_equals_one_pass(splits):
    # Summaries computed separately and merged (the pairwise algorithm), float64 and float32.
    for dtype in (np.float64, np.float32):
        X = _data(1000, 4, seed=1, offset=1e4, dtype=dtype)
        merged = StreamingMoments(4)
        for part in np.split(X, splits):
            p = StreamingMoments(4).update(part)
            merged.merge(p.weight, p.mean, p.scatter)
        _assert_moments(merged, *_reference(X), rtol=1e-9)


def test_float32_input_is_multiplied_in_float64():
    # float32 samples are converted chunk by chunk: the same result as converting them first.
    X32 = _data(3000, 6, seed=2, offset=50.0, dtype=np.float32)
    a = StreamingMoments(6).update(X32, chunk_size=128)
    b = StreamingMoments(6).update(X32.astype(np.float64), chunk_size=128)
    assert a.mean.dtype == a.scatter.dtype == np.float64
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-15)
    np.testing.assert_allclose(a.scatter, b.scatter, rtol=1e-13)


def test_large_mean_keeps_float64_accuracy():
    # A naive sum of squares minus n mean^2 loses every digit here; the merge loses none.
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20_000, 2)) + 1e8
    m = StreamingMoments(2)
    for part in np.array_split(X, 37):
        m.update(part, chunk_size=100)
    Xc = X - X.mean(axis=0)
    exact = Xc.T @ Xc  # diagonal about 2e4
    np.testing.assert_allclose(m.scatter, exact, atol=1e-9 * np.abs(exact).max())
    naive = X.T @ X - len(X) * np.outer(X.mean(axis=0), X.mean(axis=0))
    assert np.abs(naive - exact).max() > 1e-3 * np.abs(exact).max()  # the test can tell


def test_weights_count_samples():
    X = _data(40, 3, seed=4)
    w = np.random.default_rng(4).integers(0, 4, size=40).astype(float)
    weighted = StreamingMoments(3).update(X, weights=w, chunk_size=7)
    repeated = StreamingMoments(3).update(np.repeat(X, w.astype(int), axis=0))
    _assert_moments(weighted, repeated.weight, repeated.mean, repeated.scatter, rtol=1e-12)
    _assert_moments(weighted, *_reference(X, w), rtol=1e-12)


def test_zero_weight_chunks_change_nothing():
    X = _data(20, 2, seed=5)
    w = np.zeros(20)
    w[10:] = 1.0
    m = StreamingMoments(2).update(X, weights=w, chunk_size=10)  # the first chunk weighs 0
    _assert_moments(m, *_reference(X[10:]), rtol=1e-12)
    before = m.scatter.copy()
    m.merge(0.0, np.full(2, 1e9), np.full((2, 2), 1e9))
    np.testing.assert_array_equal(m.scatter, before)
    m.update(np.empty((0, 2)))
    np.testing.assert_array_equal(m.scatter, before)


@pytest.mark.parametrize("weighted", [False, True])
def test_torch_tensors_equal_numpy(weighted):
    X = _data(500, 5, seed=6, offset=10.0)
    w = np.random.default_rng(6).uniform(0.5, 2.0, size=500) if weighted else None
    a = StreamingMoments(5).update(X, weights=w, chunk_size=64)
    for dtype in (torch.float64, torch.float32):
        Xt = torch.as_tensor(X, dtype=dtype)
        b = StreamingMoments(5).update(Xt, weights=w, chunk_size=64)
        rtol = 1e-12 if dtype == torch.float64 else 1e-6  # float32 tensor: its values differ
        np.testing.assert_allclose(b.scatter, a.scatter, rtol=rtol, atol=rtol * a.scatter.max())
        np.testing.assert_allclose(b.mean, a.mean, rtol=rtol)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_tensors_equal_numpy():
    X = _data(50_000, 20, seed=7, offset=3.0)
    a = StreamingMoments(20).update(X)
    b = StreamingMoments(20).update(torch.as_tensor(X, device="cuda"))
    np.testing.assert_allclose(b.scatter, a.scatter, rtol=1e-10, atol=1e-10 * a.scatter.max())


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: StreamingMoments(0), ValueError, "n_features must be >= 1; got 0"),
        (lambda: StreamingMoments(2.5), TypeError, "n_features must be an int"),
        (lambda: StreamingMoments(2).update(np.ones((3, 3))), ValueError, r"\(n_samples, 2\)"),
        (lambda: StreamingMoments(2).update(np.ones(3)), ValueError, "X must have shape"),
        (lambda: StreamingMoments(2).update(np.ones((3, 2)), [1.0]), ValueError, "weights"),
        (lambda: StreamingMoments(2).update(np.ones((2, 2)), [1.0, -1.0]), ValueError, "weights"),
        (lambda: StreamingMoments(2).update(np.ones((2, 2)), chunk_size=0), ValueError, "chunk"),
        (lambda: StreamingMoments(2).merge(-1.0, np.zeros(2), np.eye(2)), ValueError, "weight"),
        (lambda: StreamingMoments(2).merge(1.0, np.zeros(3), np.eye(2)), ValueError, "shapes"),
        (lambda: StreamingMoments(2).update(np.ones((1, 2))).covariance(), ValueError, "ddof"),
    ],
)
def test_bad_input_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --- one accumulator per update() call (review finding: a d x d merge per chunk) ------------


def _count_merges(monkeypatch):
    calls = []
    original = StreamingMoments.merge

    def spy(self, weight, mean, scatter):
        calls.append(type(scatter))
        return original(self, weight, mean, scatter)

    monkeypatch.setattr(StreamingMoments, "merge", spy)
    return calls


@pytest.mark.parametrize("as_tensor", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_one_merge_per_update_call_however_many_chunks(as_tensor, weighted, monkeypatch):
    # The chunks of one call are summed in one float64 accumulator (on the tensor's device)
    # and merged once: one d x d host copy per call, not one per chunk.
    X = _data(1000, 4, seed=8, offset=20.0)
    w = np.random.default_rng(8).uniform(0.0, 3.0, size=1000) if weighted else None
    calls = _count_merges(monkeypatch)
    m = StreamingMoments(4).update(torch.as_tensor(X) if as_tensor else X, w, chunk_size=7)
    assert len(calls) == 1 and calls[0] is np.ndarray  # 143 chunks, one merge
    _assert_moments(m, *_reference(X, w), rtol=1e-11)
    np.testing.assert_array_equal(m.scatter, m.scatter.T)  # exactly symmetric, torch too


@pytest.mark.parametrize("as_tensor", [False, True])
def test_large_mean_in_one_call_of_many_chunks(as_tensor):
    # The fixed shift (the first chunk's mean) removes the mean of 1e8 before anything is
    # squared: 200 chunks in one accumulator keep float64 accuracy, as merging them did.
    rng = np.random.default_rng(9)
    X = rng.normal(size=(20_000, 2)) + 1e8
    m = StreamingMoments(2).update(torch.as_tensor(X) if as_tensor else X, chunk_size=100)
    Xc = X - X.mean(axis=0)
    exact = Xc.T @ Xc
    np.testing.assert_allclose(m.scatter, exact, atol=1e-9 * np.abs(exact).max())
    exact_mean = (X - 1e8).mean(axis=0) + 1e8  # X - 1e8 is exact; X.mean() is not to 1e-15
    np.testing.assert_allclose(m.mean, exact_mean, rtol=1e-15)


@pytest.mark.parametrize("as_tensor", [False, True])
def test_drifting_stream_in_one_call_keeps_accuracy(as_tensor):
    # A random walk drifts far from its first chunk's mean (about 100 spreads of a chunk):
    # the subtraction s s^T / w at the end still leaves 1e-10 of relative accuracy.
    rng = np.random.default_rng(10)
    X = np.cumsum(rng.normal(size=(20_000, 3)), axis=0) + 1e4
    m = StreamingMoments(3).update(torch.as_tensor(X) if as_tensor else X, chunk_size=64)
    _assert_moments(m, *_reference(X), rtol=1e-10)


def test_torch_float32_chunks_are_converted_in_a_float64_buffer():
    # A float32 tensor is converted chunk by chunk into the float64 buffer: the same numbers
    # as converting all of it first, and as NumPy's engine.
    X32 = _data(3000, 6, seed=11, offset=50.0, dtype=np.float32)
    a = StreamingMoments(6).update(torch.as_tensor(X32), chunk_size=128)
    b = StreamingMoments(6).update(torch.as_tensor(X32, dtype=torch.float64), chunk_size=128)
    c = StreamingMoments(6).update(X32, chunk_size=128)
    np.testing.assert_array_equal(a.scatter, b.scatter)
    np.testing.assert_allclose(a.scatter, c.scatter, rtol=1e-12, atol=1e-12 * c.scatter.max())


def test_torch_all_zero_weights_change_nothing():
    m = StreamingMoments(2).update(np.ones((3, 2)))
    m.update(torch.ones((5, 2)) * 7.0, weights=torch.zeros(5), chunk_size=2)
    assert m.weight == 3.0
    np.testing.assert_array_equal(m.mean, [1.0, 1.0])
    np.testing.assert_array_equal(m.scatter, np.zeros((2, 2)))


def test_default_chunk_size_is_about_8_mb_and_at_least_256_rows():
    assert StreamingMoments.default_chunk_size(1) == 2**20
    assert StreamingMoments.default_chunk_size(200) == 5242  # 8 MiB / (8 bytes * 200)
    assert StreamingMoments.default_chunk_size(4096) == 256
    assert StreamingMoments.default_chunk_size(100_000) == 256
