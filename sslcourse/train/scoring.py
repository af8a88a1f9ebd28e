"""Scoring a torch model on the fill-in-the-blank task, against the same Bayes limit as numpy's."""
from __future__ import annotations

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel

from .._validation import check_array, check_int, check_mask
from ..nn_torch.checks import check_masked_model
from ..nn_torch.inference import model_device, predict
from ..tasks import check_task, score
from ..threads import cpu_threads

__all__ = ["evaluate", "predict_proba", "unwrap"]


def unwrap(model):
    """The model inside a ``DistributedDataParallel`` (or ``torch.compile``) wrapper, else itself."""
    if isinstance(model, DistributedDataParallel):
        model = model.module
    return getattr(model, "_orig_mod", model)


def predict_proba(model, ids, mask, *, batch_size=1024, threads=1):
    """Probabilities of every word at the hidden positions (twin of the numpy models' method).

    Parameters
    ----------
    model : torch masked-word model (``model(ids)`` -> logits (N, L, V)), with ``.mask_id``
    ids : int ndarray (N, L); the hidden positions are replaced by ``model.mask_id`` here
    mask : bool ndarray (N, L), True = hidden
    batch_size : int, sentences per forward pass
    threads : int or None, torch's CPU threads meanwhile (see ``cpu_threads``)

    Returns
    -------
    ndarray of float64, shape (M, V), one row per True of ``mask``, in ``np.nonzero(mask)``
    order (score them with ``sc.tasks.score``)
    """
    core = check_masked_model(model, attrs=("mask_id",))
    ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
    mask = check_mask(mask, "mask", ids.shape)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    inputs = torch.from_numpy(np.where(mask, core.mask_id, ids).astype(np.int64))
    device, hidden = model_device(core), torch.from_numpy(mask)

    def probs(rows):  # logits (B, L, V) -> (M_b, V) at the hidden positions of the rows
        return core(inputs[rows].to(device))[hidden[rows].to(device)].double().softmax(dim=-1)

    with cpu_threads(threads, "threads"):
        return predict(core, len(ids), batch_size, probs).numpy()


def evaluate(model, task):
    """The model's ``sc.tasks.Score`` (accuracy, cross-entropy) on a fill-in-the-blank task.

    Compare it with ``sc.tasks.bayes_score(task)``: the best any model can do on the same sentences.
    """
    core = check_masked_model(model, attrs=("mask_id",))
    V = check_task(task).bayes.shape[1]
    if getattr(core, "vocab_size", V) != V:
        raise ValueError(
            f"task is over a vocabulary of {V} words but the model's has vocab_size = {core.vocab_size}. "
            f"Make the task with the language the model was trained on.")
    return score(predict_proba(model, task.inputs, task.mask), task.targets)
