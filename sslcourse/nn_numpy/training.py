"""Training a numpy masked-word model: hide words BERT's way, predict them, step.

One step: draw a batch of sentences, hide words with ``sc.masking.bert_mask``, run the
model, score only the hidden positions with ``softmax_cross_entropy``, backpropagate, and
let the optimiser update the parameters in place.
"""
from __future__ import annotations

import math

from .._validation import check_array, check_int, check_ratio, check_rng
from ..history import History
from ..masking import _check_rates, bert_mask
from ..tasks import FillInTask, score
from ..threads import blas_threads
from .layers import softmax_cross_entropy
from .models import ContextModel, Encoder  # noqa: F401  (sc.nn_numpy.models, loaded with train)
from .optim import SGD, Adam

__all__ = ["History", "train"]

OPTIMIZERS = ("adam", "sgd")
SCHEDULES = ("cosine", "constant")


def _check_train_args(model, ids, steps, batch_size, mask_ratio, rates, rng, optimizer, eval_task, eval_every):
    for method in ("forward", "backward", "params"):
        if not hasattr(model, method):
            raise TypeError(
                f"model must have .params, .forward and .backward (like sc.nn_numpy.models.Encoder), "
                f"got {type(model).__name__} without .{method}."
            )
    ids = model._check_ids(ids) if hasattr(model, "_check_ids") else check_array(ids, "ids", ndim=2, dtype_kind="iu")
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_ratio(mask_ratio, "mask_ratio")
    _check_rates(rates)
    check_rng(rng)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}.")
    if eval_task is not None and not isinstance(eval_task, FillInTask):
        raise TypeError(
            f"eval_task must be a task from sc.tasks.make_fill_in_task or None, got {type(eval_task).__name__}."
        )
    eval_every = steps if eval_every is None else check_int(eval_every, "eval_every", minimum=1)
    return ids, steps, batch_size, eval_every


def train(model, ids, *, steps, batch_size=128, lr=3e-3, rng, mask_ratio=0.15, rates=(0.8, 0.1, 0.1),
          optimizer="adam", schedule="cosine", eval_task=None, eval_every=None, progress=True):
    """Train a masked-word model on sentences, in place.

    Parameters
    ----------
    model : ContextModel or Encoder (anything with .params, .forward, .backward,
        .predict_proba, .vocab_size, .pad_id, .mask_id)
    ids : int ndarray (N, L), the training sentences, padded with ``model.pad_id``
    steps : int, the number of updates
    batch_size : int, sentences per step (drawn uniformly, with replacement)
    lr : float, the learning rate
    rng : numpy.random.Generator, draws batches and masks
    mask_ratio : float in (0, 1), the share of each sentence's words hidden (at least one)
    rates : (mask token, random word, unchanged) for the hidden words, summing to 1
    optimizer : {"adam", "sgd"}
    schedule : {"cosine", "constant"}, the learning rate at step t: cosine decays from ``lr``
        to 0 as ``lr * (1 + cos(pi * (t - 1) / steps)) / 2``; constant keeps ``lr``
    eval_task : FillInTask or None, scored every ``eval_every`` steps and at the end
    eval_every : int or None (only at the end)
    progress : bool, show a progress bar

    Returns
    -------
    History
    """
    ids, steps, batch_size, eval_every = _check_train_args(
        model, ids, steps, batch_size, mask_ratio, rates, rng, optimizer, eval_task, eval_every)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}.")
    opt = Adam(model.params, lr=lr) if optimizer == "adam" else SGD(model.params, lr=lr, momentum=0.9)
    losses, evals = [], []
    with blas_threads(1):  # tiny matrices: one thread is faster, and the same numbers everywhere
        for step in _steps(steps, progress):
            if schedule == "cosine":
                opt.lr = lr * 0.5 * (1.0 + math.cos(math.pi * (step - 1) / steps))
            loss, ev = _step(model, opt, ids, batch_size, mask_ratio, rates, rng, eval_task,
                             step % eval_every == 0 or step == steps)
            losses.append(loss)
            if ev is not None:
                evals.append((step, ev.accuracy, ev.cross_entropy))
    columns = tuple(zip(*evals)) or ((), (), ())
    return History(tuple(losses), *(tuple(c) for c in columns))


def _step(model, opt, ids, batch_size, mask_ratio, rates, rng, eval_task, evaluate):
    """One update; returns the batch's loss and the score on eval_task (or None)."""
    batch = ids[rng.integers(0, len(ids), size=batch_size)]  # (B, L), the true words
    inputs, mask = bert_mask(batch, mask_id=model.mask_id, vocab_size=model.vocab_size, rng=rng,
                             mask_ratio=mask_ratio, rates=rates, special_ids=(model.pad_id,))
    logits, cache = model.forward(inputs)  # (B, L, V)
    loss, dlogits = softmax_cross_entropy(logits, batch, mask)  # only the hidden positions count
    opt.step(model.backward(dlogits, cache))
    if eval_task is None or not evaluate:
        return loss, None
    return loss, score(model.predict_proba(eval_task.inputs, eval_task.mask), eval_task.targets)


def _steps(steps, progress):
    """1, ..., steps, with a progress bar when asked."""
    if not progress:
        return range(1, steps + 1)
    from tqdm.auto import tqdm

    return tqdm(range(1, steps + 1), desc="training", leave=False)
