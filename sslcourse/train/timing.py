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
from ..nn_torch.models import twin
from ..nn_torch.transformer import EncoderConfig, TransformerEncoder
from ..threads import cpu_threads
from .loop import adamw, training_step

__all__ = ["PEAK_BF16_FLOPS", "SCALE_UP", "Throughput", "compare_step_times", "flops_per_token", "mfu",
           "numpy_step", "peak_flops", "throughput", "time_it", "torch_step"]

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
    optimizer = adamw(model.parameters(), lr=lr, weight_decay=0.0)
    device = next(model.parameters()).device
    inputs, targets, mask = (torch.as_tensor(a).to(device) for a in (inputs, targets, mask))
    return lambda: training_step(model, optimizer, inputs, targets, mask, amp_dtype=amp_dtype)


def _sync(device):
    return torch.cuda.synchronize if torch.device(device).type == "cuda" else None


def compare_step_times(numpy_model, inputs, targets, mask, *, devices=("cpu",), repeats=20):
    """Seconds per training step of a numpy model and of its torch twin, same weights, same batch.

    numpy runs on one BLAS thread and torch on one CPU thread, as in training (a GPU runs as it is).

    Parameters
    ----------
    numpy_model : sc.nn_numpy.models.ContextModel or Encoder (float32 for a fair race)
    inputs, targets : int ndarray (N, L); mask : bool ndarray (N, L)
    devices : torch devices to time the twin on, e.g. ("cpu", "cuda")
    repeats : int, steps timed (the median is kept)

    Returns
    -------
    dict, row name ("numpy (cpu)", "torch (cpu)", ...) -> seconds per step
    """
    from threadpoolctl import threadpool_limits

    params = {k: v.copy() for k, v in numpy_model.params.items()}  # timing must not train the model
    with threadpool_limits(1, user_api="blas"):
        times = {"numpy (cpu)": time_it(numpy_step(numpy_model, inputs, targets, mask), repeats=repeats)}
    numpy_model.params.update(params)
    for device in devices:
        model = twin(numpy_model).to(device)
        with cpu_threads(1 if torch.device(device).type == "cpu" else None):
            step = torch_step(model, inputs, targets, mask)
            times[f"torch ({device})"] = time_it(step, repeats=repeats, sync=_sync(device))
    return times


@dataclass(frozen=True, repr=False)
class Throughput:
    """Training speed of a model: tokens per second and, on a known GPU, its MFU."""

    tokens_per_second: float
    flops_per_token: float
    mfu: float | None
    device: str

    def __repr__(self):
        util = "MFU unknown (no peak for this device)" if self.mfu is None else f"MFU {self.mfu:.1%}"
        return f"Throughput({self.tokens_per_second:,.0f} tokens/s on {self.device}, {util})"


def throughput(config, *, batch_size, device, amp_dtype=torch.bfloat16, steps=10, generator):
    """Time training steps of a fresh ``TransformerEncoder(config)`` on random ids of full length.

    Parameters
    ----------
    config : EncoderConfig; batches are (batch_size, config.max_length)
    batch_size : int
    device : str, "cuda" for the real thing (works anywhere, slowly)
    amp_dtype : torch.bfloat16 or None
    steps : int, steps timed after 3 warm-up steps
    generator : torch.Generator (CPU), draws the weights and the ids

    Returns
    -------
    Throughput
    """
    model = TransformerEncoder(config, generator=generator).to(device)
    shape = (batch_size, config.max_length)
    targets = torch.randint(3, config.vocab_size, shape, generator=generator)
    mask = torch.rand(shape, generator=generator) < 0.15
    inputs = targets.masked_fill(mask, config.mask_id)
    seconds = time_it(torch_step(model, inputs, targets, mask, amp_dtype=amp_dtype), repeats=steps,
                      sync=_sync(device))
    name = torch.cuda.get_device_name(torch.device(device)) if torch.device(device).type == "cuda" else str(device)
    rate, fpt = batch_size * config.max_length / seconds, flops_per_token(model, config.max_length)
    return Throughput(rate, fpt, mfu(rate, fpt, peak_flops(name)), name)
