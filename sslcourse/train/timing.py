"""How fast a training step runs: numpy against torch on the same model and batch, and the
throughput of a bigger model on a GPU (tokens per second, model FLOPs utilisation).

Model FLOPs utilisation (MFU, PaLM 2022, appendix B) is the share of the hardware's peak spent on
the model's own arithmetic::

    flops_per_token = 6 * N + 12 * depth * L * D     # N non-embedding parameters, L tokens, D width
    MFU = tokens_per_second * flops_per_token / peak_flops

6N counts the multiply-adds of every weight, forward (2N) and backward (4N); 12 depth L D the
attention scores and their weighted sums. The peaks are dense bf16 numbers from the data sheets.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from ..nn_numpy.layers import softmax_cross_entropy as np_loss
from ..nn_numpy.optim import Adam
from ..nn_torch.transformer import EncoderConfig

__all__ = ["PEAK_BF16_FLOPS", "SCALE_UP", "flops_per_token", "mfu", "peak_flops", "time_it",
           "numpy_step", "torch_step"]

# dense bf16 peak FLOP/s (data sheets; the SXM parts for H100/H200/A100)
PEAK_BF16_FLOPS = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "L40S": 362e12, "L4": 121e12,
                   "A10G": 70e12, "A10": 125e12, "RTX 4090": 165e12, "RTX 3090": 71e12, "V100": 125e12,
                   "T4": 65e12}


@dataclass(frozen=True)
class ScaleUp:
    """A configuration meant for a GPU: a wider, deeper encoder and long batches, in bf16."""

    width: int = 512
    depth: int = 8
    heads: int = 8
    length: int = 128
    batch_size: int = 64

    def config(self, vocab_size):
        """The ``EncoderConfig`` of this scale-up for a vocabulary of ``vocab_size`` words."""
        return EncoderConfig(vocab_size=vocab_size, max_length=self.length, width=self.width,
                             depth=self.depth, heads=self.heads)


SCALE_UP = ScaleUp()


def flops_per_token(model, length):
    """Training FLOPs per token of a ``TransformerEncoder`` on sequences of ``length`` tokens."""
    c = model.config
    return 6 * model.n_params(embeddings=False) + 12 * c.depth * length * c.width


def peak_flops(device_name):
    """Dense bf16 peak FLOP/s of a GPU named like ``torch.cuda.get_device_name()``, or None."""
    for key, flops in PEAK_BF16_FLOPS.items():
        if key in device_name:
            return flops
    return None


def mfu(tokens_per_second, flops_per_token, peak):
    """Model FLOPs utilisation in [0, 1], or None when the peak is unknown."""
    return None if peak is None else tokens_per_second * flops_per_token / peak


def time_it(step, *, repeats=20, warmup=3, sync=None):
    """Median wall time in seconds of ``step()`` over ``repeats`` calls, after ``warmup`` calls.

    ``sync`` (e.g. ``torch.cuda.synchronize``) is called before each clock read, for GPUs.
    """
    sync = sync or (lambda: None)
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        sync()
        start = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def numpy_step(model, inputs, targets, mask, *, lr=1e-3):
    """A function doing one Adam step of a numpy model on a fixed batch (as ``sc.nn_numpy.train``)."""
    optimizer = Adam(model.params, lr=lr)

    def step():
        logits, cache = model.forward(inputs)  # (N, L, V)
        _, dlogits = np_loss(logits, targets, mask)
        optimizer.step(model.backward(dlogits, cache))

    return step


def torch_step(model, inputs, targets, mask, *, lr=1e-3, amp_dtype=None):
    """A function doing one AdamW step of a torch model on a fixed batch (as ``sc.train.train``)."""
    from .loop import training_step

    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    device = next(model.parameters()).device
    inputs, targets, mask = (torch.as_tensor(a).to(device) for a in (inputs, targets, mask))
    return lambda: training_step(model, optimizer, inputs, targets, mask, amp_dtype=amp_dtype)
