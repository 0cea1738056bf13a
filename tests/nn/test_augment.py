"""random_affine's zoom and shear, and RandomAffine (augmentation for rows of pixels)."""

import numpy as np
import pytest
import torch
from sklearn.base import clone

from scidl.nn import RandomAffine, random_affine


def _row_centroids(img):
    """Column centroid of each row that holds at least half a pixel of mass."""
    cols = torch.arange(img.shape[1], dtype=img.dtype)
    mass = img.sum(1)
    rows = torch.nonzero(mass > 0.5).flatten()
    return rows.double(), ((img[rows] * cols).sum(1) / mass[rows]).double()


def test_shear_slants_a_vertical_bar_by_at_most_max_shear():
    """A shear x' = x + k y turns a vertical bar into a line of slope -k (columns per row)."""
    x = torch.zeros(64, 1, 21, 21, dtype=torch.float64)
    x[:, 0, 3:18, 10] = 1.0  # a vertical bar through the centre
    out = random_affine(x, max_shear=0.3, generator=torch.Generator().manual_seed(0))
    slopes = []
    for img in out[:, 0]:
        rows, cent = _row_centroids(img)
        slope = np.polyfit(rows.numpy(), cent.numpy(), 1)[0]
        residual = cent.numpy() - np.polyval(np.polyfit(rows.numpy(), cent.numpy(), 1), rows)
        assert np.abs(residual).max() < 0.05  # still a straight line
        slopes.append(slope)
    slopes = np.abs(slopes)
    assert slopes.max() <= 0.3 + 1e-6
    assert slopes.max() > 0.25 and slopes.min() < 0.05  # uniform draws fill [0, 0.3]
    torch.testing.assert_close(out.sum((1, 2, 3)), x.sum((1, 2, 3)), rtol=0.03, atol=0)


def test_zoom_scales_a_square_and_its_area():
    """A zoom by s maps a centred square of side a to one of side s a: area times s^2."""
    x = torch.zeros(64, 1, 31, 31, dtype=torch.float64)
    x[:, 0, 10:21, 10:21] = 1.0  # side 11, centred
    out = random_affine(x, max_scale=0.25, generator=torch.Generator().manual_seed(1))
    ratio = (out.sum((1, 2, 3)) / 121.0).numpy()
    assert ratio.min() >= 0.75**2 - 0.03 and ratio.max() <= 1.25**2 + 0.03
    assert ratio.min() < 0.7 and ratio.max() > 1.4  # zooms in and out are both drawn
    # the centre stays put: the mass centroid is the image centre
    grid = torch.arange(31, dtype=torch.float64)
    row_centre = (out[:, 0].sum(2) * grid).sum(1) / out.sum((1, 2, 3))
    torch.testing.assert_close(row_centre, torch.full((64,), 15.0, dtype=torch.float64))


def test_zoom_and_shear_off_keep_the_shift_and_rotation_draws():
    x = torch.rand(8, 1, 12, 12)
    a = random_affine(x, max_shift=2, max_rotation=20, generator=torch.Generator().manual_seed(3))
    b = random_affine(
        x,
        max_shift=2,
        max_rotation=20,
        max_scale=0.0,
        max_shear=0.0,
        generator=torch.Generator().manual_seed(3),
    )
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert torch.equal(random_affine(x, max_scale=0.0, max_shear=0.0), x)


def test_random_affine_rejects_bad_zoom_and_shear():
    x = torch.rand(2, 1, 8, 8)
    with pytest.raises(ValueError, match="max_scale"):
        random_affine(x, max_scale=1.0)
    with pytest.raises(ValueError, match="max_shear"):
        random_affine(x, max_shear=-0.1)


def test_random_affine_object_views_rows_of_pixels():
    rows = torch.rand(16, 3 * 8 * 8)
    aug = RandomAffine((3, 8, 8), max_shift=1, max_rotation=10)
    a = aug(rows, torch.Generator().manual_seed(0))
    b = aug(rows, torch.Generator().manual_seed(0))
    assert a.shape == rows.shape and torch.equal(a, b)  # seeded: reproducible
    expected = random_affine(
        rows.reshape(16, 3, 8, 8),
        max_shift=1,
        max_rotation=10,
        max_scale=0.1,
        max_shear=0.2,
        generator=torch.Generator().manual_seed(0),
    ).reshape(16, -1)
    torch.testing.assert_close(a, expected, rtol=0, atol=0)  # the same transformation
    assert not torch.equal(a, rows)
    copy = clone(aug)
    assert copy.get_params() == aug.get_params() and copy is not aug
    assert aug.check(64 * 3) == (3, 8, 8) and RandomAffine((8, 8)).check(64) == (1, 8, 8)


@pytest.mark.parametrize(
    "params, n_features, match",
    [
        ({"image_shape": (8, 8)}, 63, "image_shape"),
        ({"image_shape": (0, 8)}, 0, "image_shape"),
        ({"image_shape": "28x28"}, 784, "image_shape"),
        ({"image_shape": (8, 8), "max_scale": 1.2}, 64, "max_scale"),
        ({"image_shape": (8, 8), "max_shear": -1}, 64, "max_shear"),
        ({"image_shape": (8, 8), "max_rotation": "a lot"}, 64, "max_rotation"),
        ({"image_shape": (8, 8), "max_shift": 1.5}, 64, "max_shift"),
    ],
)
def test_random_affine_object_names_bad_settings(params, n_features, match):
    aug = RandomAffine(**params)
    with pytest.raises((TypeError, ValueError), match=match):
        aug.check(n_features)
    with pytest.raises((TypeError, ValueError), match=match):
        aug(torch.rand(2, n_features))


def test_random_affine_object_rejects_a_non_matrix():
    with pytest.raises(ValueError, match="2-D torch.Tensor"):
        RandomAffine((4, 4))(np.zeros((2, 16)))
    with pytest.raises(ValueError, match="2-D torch.Tensor"):
        RandomAffine((4, 4))(torch.zeros(2, 1, 4, 4))
