import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    from scidl import plot

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)

    class Threshold:
        classes_ = np.array([0, 1])
        def predict_proba(self, Z):
            p = 1 / (1 + np.exp(-4 * Z[:, 0]))
            return np.column_stack([1 - p, p])
        def predict(self, Z):
            return (Z[:, 0] > 0).astype(int)

    figs = [
        plot.plot_history([{"epoch": 1, "train_loss": 1.0}, {"epoch": 2, "train_loss": 0.5}]),
        plot.plot_regression_1d(lambda Z: Z[:, 0], X[:, :1], X[:, 0]),
        plot.plot_decision_boundary(Threshold(), X, y, resolution=20),
        plot.plot_image_grid(rng.random((4, 64)), [1, 2, 3, 4]),
        plot.plot_confusion_matrix(y, y),
    ]
    for i, fig in enumerate(figs):
        fig.savefig(sys.argv[1] + f"/{i}.png")
    assert "matplotlib.pyplot" not in sys.modules, "scidl.plot imported pyplot"
    print("ok")
    """
)


def test_plots_work_headless_without_pyplot(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")
    }
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{i}.png" for i in range(5)]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in tmp_path.iterdir())
