"""``python -m sslcourse.train`` alone and under torchrun with two CPU processes (gloo).

Under DistributedDataParallel both ranks must end with the same weights (each writes a hash of
its own) and the loss must fall. The two-process run takes about 20 seconds.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import torch

from sslcourse.train import load_checkpoint
from sslcourse.train.distributed import main, shard, weights_hash

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--steps", "30", "--device", "cpu", "--size", "small", "--sentences", "4000", "--batch-size", "64",
        "--width", "32", "--depth", "1", "--heads", "2", "--lr", "1e-2", "--quiet"]


def _falls(losses):
    return sum(losses[-5:]) / 5 < sum(losses[:5]) / 5 - 0.5


def test_torchrun_two_cpu_processes_train_the_same_weights(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           "-m", "sslcourse.train", *ARGS, "--out", str(tmp_path)]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    hashes = [(tmp_path / f"weights_rank{r}.sha256").read_text() for r in (0, 1)]
    assert hashes[0] == hashes[1]
    record = json.loads((tmp_path / "history.json").read_text())
    assert record["world_size"] == 2 and len(record["losses"]) == 30 and _falls(record["losses"])
    ck = load_checkpoint(tmp_path / "model.pt")
    assert weights_hash(ck.model) == hashes[0].strip() and ck.step == 30
    assert "[OK] 2 process(es)" in done.stdout


def test_the_same_entry_point_in_one_process(tmp_path, capsys):
    assert main([*ARGS, "--out", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "history.json").read_text())
    assert record["world_size"] == 1 and _falls(record["losses"])
    assert (tmp_path / "model.pt").exists() and (tmp_path / "weights_rank0.sha256").exists()
    assert capsys.readouterr().out.startswith("[OK] 1 process(es), loss ")


def test_shard_gives_each_rank_its_own_rows():
    ids = torch.arange(10)[:, None]
    parts = [shard(ids, r, 3) for r in range(3)]
    assert [p[:, 0].tolist() for p in parts] == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]


def test_an_unknown_device_is_a_clear_error(tmp_path):
    import pytest

    with pytest.raises(SystemExit, match=r"python -m sslcourse.train: error: device must be one of \('cpu', "
                                         r"'cuda', 'cuda:<index>', 'mps'\) or None \(choose automatically\), got 'gpu'."):
        main(["--steps", "1", "--device", "gpu", "--out", str(tmp_path)])
