"""Demo: classic convolution filters applied to digits and a photograph."""

from __future__ import annotations

import numpy as np

from scidl.demos._registry import DemoOutput, register

_SHOWN = (
    "box",
    "gaussian",
    "sharpen",
    "sobel_x",
    "sobel_y",
    "laplacian",
    "line_horizontal",
    "gabor_45",
)


def _photograph(quick):
    """scikit-image's camera man (512x512, shipped in the wheel), downsampled."""
    from skimage.data import camera

    image = camera().astype(np.float64) / 255.0
    return image[::4, ::4] if quick else image[::2, ::2]


@register("cnn-filters", "Convolution filters as image processing", chapter=5, position=1)
def run(*, quick=False, random_state=0):
    """Blur, sharpen, edge, line and Gabor kernels applied to an MNIST digit and a photograph.

    The kernels are applied with torch's conv2d.

    A convolution layer slides one small kernel over the whole image; the
    classic hand-made kernels show what such a kernel can detect.
    """
    from scidl.data import load_mnist
    from scidl.nn.filters import KERNELS, apply_filter, sobel_kernel
    from scidl.plot import plot_filter_effects

    digits, labels = load_mnist(flatten=False, normalize=True)
    rng = np.random.default_rng(random_state)
    digit = digits[rng.integers(len(digits))].astype(np.float64)
    photo = _photograph(quick)
    kernels = {name: KERNELS[name] for name in _SHOWN}
    figures = {"filters": plot_filter_effects(kernels, [digit, photo])}

    gx, gy = apply_filter(photo, sobel_kernel("x")), apply_filter(photo, sobel_kernel("y"))
    magnitude = np.hypot(gx, gy)[1:-1, 1:-1]  # drop the zero-padded border
    edge_fraction = float(np.mean(magnitude > 0.5))
    metrics = {
        "n_kernels": len(kernels),
        "photo_shape": "x".join(map(str, photo.shape)),
        "edge_pixel_fraction": edge_fraction,
        "blur_variance_ratio": float(
            apply_filter(photo, KERNELS["gaussian"])[3:-3, 3:-3].var() / photo[3:-3, 3:-3].var()
        ),
    }
    text = (
        "Each column shows one 3x3 or 7x7 kernel (red positive, blue negative weights) and what "
        "it does when slid over a handwritten digit and the camera-man photograph. Averaging "
        "kernels (box, Gaussian) blur and remove detail: the Gaussian keeps "
        f"{metrics['blur_variance_ratio']:.0%} of the photograph's pixel variance. Derivative "
        "kernels (Sobel x/y, Laplacian) respond only where the intensity changes, i.e. at edges: "
        f"{edge_fraction:.1%} of the photograph's pixels have a Sobel gradient magnitude above "
        "0.5. Line and Gabor kernels respond to structures of one orientation, like the "
        "first-layer filters a ConvNet learns. torch's conv2d computes a cross-correlation; tests "
        "check it against scipy.signal.correlate2d."
    )
    headline = ("photograph pixels on an edge (Sobel magnitude > 0.5)", edge_fraction)
    return DemoOutput(metrics, figures, text, headline)
