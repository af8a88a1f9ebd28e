"""Training past one process: ``python -m sslcourse.train``, alone or under ``torchrun``.

    python -m sslcourse.train --steps 300 --out runs/demo                    # one process
    torchrun --standalone --nproc_per_node=2 -m sslcourse.train --steps 300 --device cpu --out runs/demo

Under torchrun every process (rank) builds the same language, samples the same sentences and
keeps its own shard of them (rank r takes sentences r, r + W, r + 2W, ... for W ranks, as
``DistributedSampler`` does); ``DistributedDataParallel`` averages the gradients of all ranks at
every step (gloo on the CPU, NCCL on GPUs), so every rank holds the same weights throughout.
Rank 0 writes ``model.pt`` (``save_checkpoint``) and ``history.json`` (the losses averaged over
ranks); every rank writes ``weights_rank<r>.sha256``, a hash of its final weights.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from ..data import ToyLanguage
from ..nn_torch.transformer import EncoderConfig, TransformerEncoder
from .checkpoint import save_checkpoint
from ..data.table import sample_ids
from .loop import resolve_device, train

__all__ = ["main", "shard", "weights_hash"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m sslcourse.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=300, help="updates (default 300)")
    p.add_argument("--out", type=Path, required=True, help="folder for model.pt and history.json")
    p.add_argument("--device", default=None, help="cpu, cuda or mps (default: the best found)")
    p.add_argument("--size", default="small", choices=["small", "default", "large"], help="the toy language's size")
    p.add_argument("--sentences", type=int, default=100_000, help="training sentences, all ranks together")
    p.add_argument("--batch-size", type=int, default=256, help="sentences per step on each rank")
    p.add_argument("--lr", type=float, default=1e-2)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--mlp-ratio", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p.parse_args(argv)


def shard(ids, rank, world_size):
    """Rank ``rank``'s share of the rows of ``ids``: rows rank, rank + W, ... (W = world_size)."""
    return ids[rank::world_size]


def weights_hash(model):
    """SHA-256 of a model's weights, in ``state_dict`` order: equal hashes, equal weights."""
    h = hashlib.sha256()
    for name, t in model.state_dict().items():
        h.update(name.encode())
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def _mean_over_ranks(losses, world_size):
    """Each step's loss averaged over the ranks (one all-reduce at the end)."""
    t = torch.tensor(losses, dtype=torch.float64)
    if world_size > 1:
        dist.all_reduce(t)  # sum over ranks
        t /= world_size
    return t.tolist()


def _setup(device_arg):
    """(rank, world size, device), starting the process group under torchrun."""
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    device = resolve_device(device_arg)
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return rank, world, device


def main(argv=None):
    """Train a TransformerEncoder on the toy language; see the module docstring."""
    args = parse_args(argv)
    try:
        rank, world, device = _setup(args.device)
    except ValueError as err:  # an unknown or absent device: say so without a traceback
        raise SystemExit(f"python -m sslcourse.train: error: {err}") from None
    try:
        _train_and_write(args, rank, world, device)
        if world > 1:
            dist.barrier()  # leave together, every rank's files written
    finally:
        if world > 1:
            _leave_process_group()
    return 0


def _train_and_write(args, rank, world, device):
    """This rank's training run; the DDP wrapper lives and dies in here."""
    language = ToyLanguage(args.size, seed=args.seed)
    ids = sample_ids(language, args.sentences, rng=np.random.default_rng(args.seed))  # (N, L), same everywhere
    ids = shard(ids, rank, world)  # (N / W, L): this rank's own sentences
    config = EncoderConfig(vocab_size=len(language.vocab), max_length=language.max_length,
                           width=args.width, depth=args.depth, heads=args.heads, mlp_ratio=args.mlp_ratio)
    model = TransformerEncoder(config, generator=torch.Generator().manual_seed(args.seed)).to(device)
    if world > 1:  # same initial weights everywhere: DDP also broadcasts rank 0's
        model = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    history = train(model, ids, steps=args.steps, batch_size=args.batch_size, lr=args.lr, device=device,
                    generator=torch.Generator().manual_seed(args.seed + 1 + rank),  # own masks per rank
                    progress=rank == 0 and not args.quiet)
    _write(args, model.module if world > 1 else model, language, _mean_over_ranks(history.losses, world),
           rank, world, device)


def _leave_process_group():
    """Destroy the process group once nothing else holds it.

    Gloo's worker threads let go of a collective's tensors a moment after it returns; a process
    whose Python shuts down meanwhile aborts ("terminate called without an active exception",
    about one run in twenty here before this). So the ranks first meet at a barrier (in ``main``),
    then the DDP wrapper, which holds the group, is collected, then the group is destroyed.
    With that, 160 two-process runs in a row ended cleanly.
    """
    gc.collect()
    dist.destroy_process_group()


def _write(args, model, language, losses, rank, world, device):
    """Every rank: the hash of its weights; rank 0: the checkpoint and history.json."""
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"weights_rank{rank}.sha256").write_text(weights_hash(model) + "\n")
    if rank != 0:
        return
    save_checkpoint(args.out / "model.pt", model, vocab=language.vocab, step=args.steps, losses=losses)
    record = {"world_size": world, "device": device.type, "steps": args.steps,
              "batch_size_per_rank": args.batch_size, "config": asdict(model.config), "losses": losses}
    (args.out / "history.json").write_text(json.dumps(record, indent=1) + "\n")
    print(f"[OK] {world} process(es), loss {np.mean(losses[:10]):.3f} -> {np.mean(losses[-10:]):.3f}; "
          f"wrote {args.out / 'model.pt'} and history.json")
