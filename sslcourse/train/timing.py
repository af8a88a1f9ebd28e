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

from .._validation import check_array, check_ids, check_int, check_mask, check_number
from ..nn_numpy.layers import softmax_cross_entropy as np_loss
from ..nn_torch.checks import check_masked_model, check_module, check_tensor
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
    check_module(model, kind=TransformerEncoder, make="Build one with TransformerEncoder(config, generator=...).")
    length = check_int(length, "length", minimum=1)
    c = model.config
    return 6 * model.n_params(embeddings=False) + 12 * c.depth * length * c.width


def peak_flops(device_name):
    """Dense bf16 peak FLOP/s of a GPU named like ``torch.cuda.get_device_name()``, or None."""
    if not isinstance(device_name, str):
        raise TypeError(f"device_name must be a str like 'NVIDIA H100 80GB HBM3', got {type(device_name).__name__}. "
                        f"Pass torch.cuda.get_device_name().")
    for key, flops in PEAK_BF16_FLOPS.items():
        if key in device_name:
            return flops
    return None


def mfu(tokens_per_second, flops_per_token, peak):
    """Model FLOPs utilisation in [0, 1], or None when the peak is unknown (``peak=None``)."""
    tokens_per_second = check_number(tokens_per_second, "tokens_per_second", minimum=0)
    flops_per_token = check_number(flops_per_token, "flops_per_token", positive=True)
    if peak is None:
        return None
    return tokens_per_second * flops_per_token / check_number(peak, "peak", positive=True,
                                                              fix="Take it from sc.train.timing.peak_flops(name).")


def time_it(step, *, repeats=20, warmup=3, sync=None):
    """Median wall time in seconds of ``step()`` over ``repeats`` calls, after ``warmup`` calls.

    ``sync`` (e.g. ``torch.cuda.synchronize``) is called before each clock read, for GPUs.
    """
    if not callable(step) or (sync is not None and not callable(sync)):
        raise TypeError(f"step and sync must be functions of no argument, got {type(step).__name__} and "
                        f"{type(sync).__name__}. Make step with sc.train.timing.torch_step or numpy_step.")
    repeats, warmup = check_int(repeats, "repeats", minimum=1), check_int(warmup, "warmup", minimum=0)
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
    if not all(hasattr(model, a) for a in ("params", "forward", "backward", "vocab_size")):
        raise TypeError(f"model must be a numpy model of sc.nn_numpy.models (ContextModel or Encoder), got "
                        f"{type(model).__name__}. Build one with sc.nn_numpy.models.Encoder(V, L, rng=rng).")
    inputs = check_ids(inputs, "inputs", model.vocab_size)
    targets = check_ids(targets, "targets", model.vocab_size)
    if inputs.ndim != 2 or targets.shape != inputs.shape:
        raise ValueError(f"inputs and targets must be (N, L) of the same shape, got {inputs.shape} and "
                         f"{targets.shape}. Pass one batch of sentences and its true words.")
    mask = check_mask(mask, "mask", inputs.shape)
    optimizer = Adam(model.params, lr=lr)

    def step():
        logits, cache = model.forward(inputs)  # (N, L, V)
        _, dlogits = np_loss(logits, targets, mask)
        optimizer.step(model.backward(dlogits, cache))

    return step


def torch_step(model, inputs, targets, mask, *, lr=1e-3, amp_dtype=None):
    """A function doing one AdamW step of a torch model on a fixed batch (as ``sc.train.train``)."""
    check_masked_model(model)
    device = next(model.parameters()).device
    inputs, targets, mask = (_as_batch(a, name, kind) for a, name, kind in
                             ((inputs, "inputs", "int"), (targets, "targets", "int"), (mask, "mask", "bool")))
    if not inputs.shape == targets.shape == mask.shape:
        raise ValueError(f"inputs, targets and mask must have the same shape (N, L), got {tuple(inputs.shape)}, "
                         f"{tuple(targets.shape)} and {tuple(mask.shape)}. Pass one batch.")
    inputs, targets, mask = (t.to(device) for t in (inputs, targets, mask))
    optimizer = adamw(model.parameters(), lr=lr, weight_decay=0.0)
    return lambda: training_step(model, optimizer, inputs, targets, mask, amp_dtype=amp_dtype)


def _as_batch(a, name, kind):
    if isinstance(a, np.ndarray):
        a = torch.from_numpy(check_array(a, name, ndim=2, dtype_kind="b" if kind == "bool" else "iu"))
    return check_tensor(a, name, ndim=2, kind=kind)


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
