"""Training a torch masked-word model: the twin of ``sc.nn_numpy.train``, on any device.

One step: draw a batch of sentences and hide words (on the CPU, from a ``torch.Generator``,
so a seed gives the same run on every device), run the model (in bf16 autocast on a GPU),
score only the hidden positions, backpropagate, step AdamW. The learning rate warms up
over the first 5% of the steps, then decays to zero along a cosine.
"""
from __future__ import annotations

import contextlib
import math
import time
from dataclasses import astuple

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel

from .._validation import check_bool, check_int, check_number, check_ratio
from ..env import default_device
from ..history import History
from ..nn_torch.layers import softmax_cross_entropy
from ..nn_torch.checks import check_generator, check_masked_model
from ..nn_torch.masking import bert_mask
from ..nn_torch.step import optimizer_step
from ..tasks import FillInTask
from ..threads import cpu_threads
from .scoring import evaluate

__all__ = ["History", "adamw", "fit", "resolve_device", "train", "training_step"]

DEVICES = ("cpu", "cuda", "cuda:<index>", "mps")
AMP = ("auto", "bf16", "off")


def _available():
    found = ["cpu"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    mps = getattr(torch.backends, "mps", None)
    return found + (["mps"] if mps is not None and mps.is_available() else [])


def resolve_device(device=None):
    """The ``torch.device`` to use: ``None`` picks cuda, then mps, then cpu.

    Parameters
    ----------
    device : str, torch.device or None, one of "cpu", "cuda", "cuda:<index>", "mps"
    """
    if device is None:
        return torch.device(default_device())
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be a str like 'cpu' or None, got {type(device).__name__}. "
                        f"Pass device='cpu', device='cuda', or None to choose automatically.")
    try:
        d = torch.device(device)
    except RuntimeError:
        d = None
    here = _available()
    if d is None or d.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"device must be one of {DEVICES} or None (choose automatically), got {device!r}. "
                         f"Available here: {here}.")
    name = f"cuda:{d.index or 0}" if d.type == "cuda" else d.type
    if name not in here:
        raise ValueError(f"device {device!r} is not available on this machine. Available here: {here}; "
                         f"pass device=None to choose automatically.")
    return d


def _amp_dtype(amp, device):
    """The autocast dtype, or None for full precision."""
    if amp not in AMP:
        raise ValueError(f"amp must be one of {AMP}, got {amp!r}. 'auto' uses bf16 on a CUDA GPU only.")
    if amp == "bf16" or (amp == "auto" and device.type == "cuda" and torch.cuda.is_bf16_supported()):
        return torch.bfloat16
    return None


def training_step(model, optimizer, inputs, targets, mask, *, amp_dtype=None):
    """One update on a batch; returns the loss (a detached scalar tensor).

    Parameters
    ----------
    model : nn.Module, ids (N, L) -> logits (N, L, V)
    optimizer : torch.optim.Optimizer over the model's parameters
    inputs : int Tensor (N, L), the corrupted sentences the model sees
    targets : int Tensor (N, L), the true words
    mask : bool Tensor (N, L), True = hidden (scored)
    amp_dtype : torch.bfloat16 or None, autocast's dtype for the forward pass
    """
    amp = contextlib.nullcontext() if amp_dtype is None else torch.autocast(inputs.device.type, dtype=amp_dtype)
    with amp:  # in autocast, matrix products run in bf16 and the rest in float32
        logits = model(inputs)  # (N, L, V)
    if logits.dtype in (torch.float16, torch.bfloat16):
        logits = logits.float()  # the loss in float32 at least
    return optimizer_step(optimizer, softmax_cross_entropy(logits, targets, mask))


def _check_data(ids, model):
    """ids as a CPU int64 tensor (N, L) whose ids fit the model's vocabulary."""
    if isinstance(ids, np.ndarray) and ids.dtype.kind not in "iu":
        ids = None
    ids = torch.as_tensor(ids).cpu() if isinstance(ids, (np.ndarray, torch.Tensor)) else None
    if ids is None or ids.dim() != 2 or ids.dtype.is_floating_point or ids.dtype == torch.bool or not len(ids):
        raise TypeError("ids must be a non-empty int array (N, L) of encoded sentences. "
                        "Make it with language.encode(sentences, length=language.max_length).")
    V = model.vocab_size
    if ids.min() < 0 or ids.max() >= V:
        raise ValueError(
            f"ids holds id {int(ids[(ids < 0) | (ids >= V)][0])}, outside the model's vocabulary of "
            f"vocab_size = {V} words: "
            f"the data and the model use different vocabularies. Build the model with "
            f"vocab_size=len(language.vocab) of the language that made ids.")
    return ids.long()


def adamw(params, **kwargs):
    """AdamW, fused into one kernel where torch has it (several times faster for small models)."""
    params = list(params)
    try:
        return torch.optim.AdamW(params, fused=True, **kwargs)
    except (RuntimeError, TypeError, ValueError):  # an old torch, or a device without the fused kernel
        return torch.optim.AdamW(params, **kwargs)


def _schedule(steps):
    """Learning-rate factor at each step: linear warm-up (5%), then cosine decay to 0."""
    warm = max(1, steps // 20)

    def factor(s):
        if s < warm:
            return (s + 1) / warm
        return 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, steps - warm)))

    return factor


def _check_args(model, generator, steps, batch_size, lr, mask_ratio, eval_task, eval_every):
    core = check_masked_model(model)
    check_generator(generator)
    steps = check_int(steps, "steps", minimum=1)
    check_int(batch_size, "batch_size", minimum=1)
    check_ratio(lr, "lr", high=math.inf)
    check_ratio(mask_ratio, "mask_ratio")
    if eval_task is not None and not isinstance(eval_task, FillInTask):
        raise TypeError(f"eval_task must be a task from sc.tasks.make_fill_in_task or None, "
                        f"got {type(eval_task).__name__}.")
    return core, steps, steps if eval_every is None else check_int(eval_every, "eval_every", minimum=1)


def train(model, ids, *, steps, batch_size=128, lr=3e-3, generator, device=None, mask_ratio=0.15,
          rates=(0.8, 0.1, 0.1), weight_decay=0.0, eval_task=None, eval_every=None, amp="auto",
          compile=False, threads=1, progress=True):
    """Train a torch masked-word model on sentences, in place (twin of ``sc.nn_numpy.train``).

    Parameters
    ----------
    model : nn.Module with .vocab_size, .pad_id, .mask_id (a DistributedDataParallel wrapper too)
    ids : int ndarray or Tensor (N, L), the training sentences, padded with ``model.pad_id``
    steps, batch_size, lr, mask_ratio, rates, eval_task, eval_every, progress : as in numpy's
    generator : torch.Generator (CPU), draws batches and masks
    device : str or None; None picks cuda, then mps, then cpu; the model is moved there
    weight_decay : float, AdamW's decoupled weight decay
    amp : {"auto", "bf16", "off"}, mixed precision; "auto" is bf16 on a CUDA GPU, off elsewhere
    compile : bool, run the model through ``torch.compile`` (needs a C++ compiler on the CPU)
    threads : int or None, torch's CPU threads while training (default 1: faster for the course's
        small models, and the same numbers whatever the machine); None leaves torch's setting

    Returns
    -------
    History
    """
    core, steps, eval_every = _check_args(model, generator, steps, batch_size, lr, mask_ratio,
                                          eval_task, eval_every)
    progress, compile = check_bool(progress, "progress"), check_bool(compile, "compile")
    weight_decay = check_number(weight_decay, "weight_decay", minimum=0.0)
    start, device, data = time.perf_counter(), resolve_device(device), _check_data(ids, core)
    amp_dtype = _amp_dtype(amp, device)
    if not isinstance(model, DistributedDataParallel):
        model.to(device)
    batches = _batches(data, core, generator, batch_size, mask_ratio, rates, device)

    def score(step):
        if eval_task is not None and (step % eval_every == 0 or step == steps):
            return astuple(evaluate(core, eval_task))
        return None

    return fit(model, batches, steps=steps, lr=lr, weight_decay=weight_decay, device=device, amp_dtype=amp_dtype,
               threads=threads, progress=progress, forward=torch.compile(model) if compile else model,
               score=score, start=start)


def fit(model, batches, *, steps, lr, weight_decay, device, amp_dtype=None, threads=1, progress=False,
        forward=None, score=None, start=None):
    """The torch training loop every text trainer shares (``train`` here, ``sc.gpt.train_gpt``).

    AdamW (fused where torch has it), the learning rate warmed up over 5% of the steps then decayed to
    0 along a cosine, torch on ``threads`` CPU threads (on the CPU), an optional progress bar, bf16
    autocast when ``amp_dtype`` is given.

    Parameters
    ----------
    model : nn.Module, already on ``device``; trained in place
    batches : iterator of (inputs, targets, mask) Tensors on ``device``, one per step
    steps : int; lr, weight_decay : AdamW's
    device : torch.device
    amp_dtype : torch.bfloat16 or None
    threads : int or None, torch's CPU threads meanwhile
    progress : bool, a progress bar with the recent loss
    forward : the callable that runs the model (a ``torch.compile`` of it), default the model
    score : callable(step) -> (accuracy, cross_entropy) or None, called after each step
    start : float, ``time.perf_counter()`` when the run began (default: now)

    Returns
    -------
    History
    """
    start = time.perf_counter() if start is None else start
    optimizer = adamw(model.parameters(), lr=lr, weight_decay=weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _schedule(steps))
    forward, losses, evals = forward or model, [], []
    model.train()
    with cpu_threads(threads if device.type == "cpu" else None, "threads"):
        for step in _steps(steps, progress, losses):
            losses.append(training_step(forward, optimizer, *next(batches), amp_dtype=amp_dtype))
            scheduler.step()
            scored = None if score is None else score(step)
            if scored is not None:
                evals.append((step, *scored))
                model.train()
    columns = tuple(zip(*evals)) or ((), (), ())
    return History(tuple(torch.stack(losses).tolist()), *(tuple(c) for c in columns),
                   device=str(device), seconds=time.perf_counter() - start)


def _batches(data, model, generator, batch_size, mask_ratio, rates, device):
    """Endless (inputs, targets, mask) batches on ``device``, drawn on the CPU from ``generator``."""
    while True:
        batch = data[torch.randint(len(data), (batch_size,), generator=generator)]  # (B, L), with replacement
        inputs, mask = bert_mask(batch, mask_id=model.mask_id, vocab_size=model.vocab_size, generator=generator,
                                 mask_ratio=mask_ratio, rates=rates, special_ids=(model.pad_id,))
        yield tuple(t.to(device, non_blocking=True) for t in (inputs, batch, mask))


def _steps(steps, progress, losses):
    """1, ..., steps, with a progress bar showing the recent loss when asked."""
    if not progress:
        yield from range(1, steps + 1)
        return
    from tqdm.auto import tqdm

    with tqdm(range(1, steps + 1), desc="training", leave=False) as bar:
        for step in bar:
            yield step
            if step % 50 == 0:
                bar.set_postfix(loss=f"{float(torch.stack(losses[-50:]).mean()):.3f}")
