"""Data-parallel training under torchrun matches single-process training."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch.distributed as dist

import scidl
from scidl.nn import MLPRegressor

SCRIPT = Path(__file__).with_name("ddp_fit.py")
spec = importlib.util.spec_from_file_location("ddp_fit", SCRIPT)
ddp_fit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ddp_fit)


@pytest.mark.slow
@pytest.mark.skipif(
    not dist.is_available() or not dist.is_gloo_available(),
    reason="torch.distributed with gloo is not available",
)
def test_torchrun_two_processes_match_single_process(tmp_path):
    out = tmp_path / "ddp.scidl"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")
    }
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        str(SCRIPT),
        str(out),
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert [p.name for p in tmp_path.iterdir()] == ["ddp.scidl"]  # only rank 0 wrote

    X, y = ddp_fit.data()
    single = MLPRegressor(**ddp_fit.PARAMS).fit(X, y)
    distributed = scidl.load(out)
    np.testing.assert_allclose(
        distributed.history_["train_loss"], single.history_["train_loss"], rtol=1e-10
    )
    for (name, a), b in zip(
        single.module_.state_dict().items(), distributed.module_.state_dict().values()
    ):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(distributed.predict(X), single.predict(X), rtol=1e-9, atol=1e-12)
