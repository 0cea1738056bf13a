"""Filters applied with torch's conv2d agree with SciPy's correlation and find edges."""

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
import torch

from scidl.nn import filters
from scidl.nn.filters import KERNELS, apply_filter, gabor_bank, gaussian_kernel, sobel_kernel


@pytest.fixture
def image():
    return np.random.default_rng(0).random((17, 23))


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_same_padding_equals_scipy_correlate2d(image, name):
    kernel = KERNELS[name]
    expected = scipy.signal.correlate2d(image, kernel, mode="same", boundary="fill", fillvalue=0)
    np.testing.assert_allclose(apply_filter(image, kernel), expected, atol=1e-12)
    np.testing.assert_allclose(
        apply_filter(image, kernel),
        scipy.ndimage.correlate(image, kernel, mode="constant", cval=0.0),
        atol=1e-12,
    )


def test_valid_padding_equals_scipy(image):
    kernel = gaussian_kernel(1.5)
    expected = scipy.signal.correlate2d(image, kernel, mode="valid")
    np.testing.assert_allclose(apply_filter(image, kernel, padding="valid"), expected, atol=1e-12)


def test_batches_banks_and_tensors(image):
    batch = np.stack([image, 2 * image, image[::-1]])
    bank = gabor_bank(4, size=5)
    out = apply_filter(batch, bank)
    assert out.shape == (3, 4, *image.shape)
    for i in range(3):
        for k in range(4):
            np.testing.assert_allclose(
                out[i, k], scipy.ndimage.correlate(batch[i], bank[k], mode="constant"), atol=1e-12
            )
    channels = apply_filter(batch.reshape(1, 3, *image.shape), bank)
    assert channels.shape == (1, 3, 4, *image.shape)
    np.testing.assert_allclose(channels[0], out, atol=1e-12)
    t = apply_filter(torch.as_tensor(batch, dtype=torch.float32), sobel_kernel("y"))
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32 and t.shape == batch.shape
    np.testing.assert_allclose(t.numpy(), apply_filter(batch, sobel_kernel("y")), atol=1e-5)


@pytest.mark.parametrize("column", [5, 11, 18])
def test_sobel_response_peaks_at_a_step_edge(column):
    image = np.zeros((20, 24))
    image[:, column:] = 1.0  # dark to bright, left to right
    response = apply_filter(image, sobel_kernel("x"))[2:-2]  # rows away from the zero padding
    peak_columns = np.flatnonzero(np.isclose(response[0], response[0].max()))
    np.testing.assert_array_equal(
        peak_columns, [column - 1, column]
    )  # the two pixels beside the edge
    assert response[0].max() == pytest.approx(4.0)
    # rotated edge: the y-derivative responds, the x-derivative does not (inside the image)
    response_y = apply_filter(image.T, sobel_kernel("y"))
    assert np.argmax(response_y[1:-1, 10]) + 1 in (column - 1, column)
    np.testing.assert_allclose(
        apply_filter(image.T, sobel_kernel("x"))[1:-1, 1:-1], 0.0, atol=1e-12
    )


def test_kernel_properties():
    assert filters.box_kernel(5).sum() == pytest.approx(1.0)
    assert gaussian_kernel(2.0).sum() == pytest.approx(1.0)
    assert gaussian_kernel(2.0).shape == (13, 13)
    assert filters.sharpen_kernel().sum() == pytest.approx(1.0)
    for name in ("laplacian", "sobel_x", "sobel_y", "line_horizontal", "line_vertical", "gabor_0"):
        assert KERNELS[name].sum() == pytest.approx(0.0, abs=1e-12), (
            name
        )  # flat regions give no response
    np.testing.assert_array_equal(sobel_kernel("y"), sobel_kernel("x").T)
    # a horizontal line detector prefers a horizontal line to a vertical one
    line = np.zeros((9, 9))
    line[4] = 1
    assert (
        apply_filter(line, filters.line_kernel("horizontal"))[4, 4]
        > apply_filter(line, filters.line_kernel("vertical"))[4, 4]
    )
    np.testing.assert_allclose(
        filters.line_kernel("diagonal"), filters.line_kernel("antidiagonal")[:, ::-1]
    )


def test_errors(image):
    with pytest.raises(ValueError, match="padding"):
        apply_filter(image, KERNELS["box"], padding="full")
    with pytest.raises(ValueError, match="odd"):
        apply_filter(image, np.ones((2, 2)))
    with pytest.raises(ValueError, match="images must have shape"):
        apply_filter(image[0], KERNELS["box"])
    with pytest.raises(ValueError, match="kernels must have shape"):
        apply_filter(image, np.ones(3))
    with pytest.raises(ValueError, match="axis"):
        sobel_kernel("z")
    with pytest.raises(ValueError, match="odd positive"):
        filters.box_kernel(4)
    with pytest.raises(ValueError, match="direction"):
        filters.line_kernel("up")
