"""Checkers for the exercises of lesson 04 (solutions/04_exercises.ipynb): PyTorch.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use. Torch results are turned into numpy
(values, plus device and dtype where they matter) before the comparison.
"""
from __future__ import annotations

import dataclasses
import numbers

import numpy as np
import torch
import torch.nn.functional as F

from ..nn_torch.models import ContextModel
from ._core import REGISTRY, Case, Mistake, check_function, describe

__all__ = ["check_masked_cross_entropy_torch", "check_to_device", "check_training_step"]

_RNG_SEED = 404


def _run_check(name, learner, reference, observe, cases, *, mistakes, hint, more, outputs=None):
    """``check_function`` on ``observe(fn, *args)``; returns ``learner`` or ``reference`` themselves."""
    def wrap(fn):
        return lambda *args: observe(fn, *args)

    planted = [Mistake(wrap(m.wrong), m.hint, m.more) for m in mistakes]
    wrapped = wrap(reference)
    checked = wrapped if learner is reference else wrap(learner) if callable(learner) else learner
    used = check_function(name, checked, wrapped, cases, mistakes=planted, hint=hint, more=more,
                          outputs=outputs, source=reference)
    REGISTRY[name] = dataclasses.replace(REGISTRY[name], reference=reference, mistakes=tuple(mistakes))
    return learner if used is checked else reference


def _kind(x):
    """What a function returned, in words: "a scalar tensor", "float", "a list of 3"..."""
    if isinstance(x, torch.Tensor):
        return "a scalar tensor" if x.dim() == 0 else f"a tensor of shape {tuple(x.shape)}"
    if isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)):
        return "float"
    return describe(x)


# ---- masked_cross_entropy: the loss on hidden positions, in torch; autograd gives the gradient
def _masked_cross_entropy(logits, targets, mask):
    return F.cross_entropy(logits[mask], targets[mask])  # (M, V), (M,) -> mean over hidden


def _ce_all_positions(logits, targets, mask):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def _ce_flipped(logits, targets, mask):
    return F.cross_entropy(logits[~mask], targets[~mask])


def _ce_sum(logits, targets, mask):
    return F.cross_entropy(logits[mask], targets[mask], reduction="sum")


def _ce_mean_over_all(logits, targets, mask):
    return F.cross_entropy(logits[mask], targets[mask], reduction="sum") / mask.numel()


def _observe_loss(fn, logits, targets, mask):
    """(loss, dlogits) of ``fn`` on float64 tensors made from numpy arrays."""
    z = torch.tensor(logits, requires_grad=True)
    loss = fn(z, torch.from_numpy(targets), torch.from_numpy(mask))
    kind = _kind(loss)
    if kind != "a scalar tensor" or not loss.requires_grad:
        return (kind if kind != "a scalar tensor" else "a tensor with no gradient (detached?)"), None, None
    loss.backward()
    return kind, _as_float(loss), z.grad.numpy()


def _as_float(x):
    return float(x.detach()) if isinstance(x, torch.Tensor) else float(x)


def _ce_cases():
    rng = np.random.default_rng(_RNG_SEED)
    logits, targets = rng.standard_normal((2, 4, 6)), rng.integers(0, 6, size=(2, 4))
    mask = np.array([[True, False, False, True], [False, True, False, False]])
    one = np.zeros((2, 4), bool)
    one[1, 2] = True
    return [Case("2 sentences of 4 words, 3 hidden", (logits, targets, mask)),
            Case("a single hidden word", (logits, targets, one)),
            Case("huge logits (1000)", (logits * 1000, targets, mask))]


def _ce_detached(logits, targets, mask):
    return F.cross_entropy(logits[mask], targets[mask]).detach()


def check_masked_cross_entropy_torch(masked_cross_entropy):
    """Check ``masked_cross_entropy(logits, targets, mask) -> loss`` (a scalar tensor)."""
    mistakes = [
        Mistake(_ce_all_positions, "the loss counts the visible positions too: only hidden positions are "
                "scored.", "A boolean mask can select the hidden positions of both tensors at once."),
        Mistake(_ce_flipped, "the mask polarity is flipped: True means hidden, and the hidden positions "
                "are the ones scored.", "Select where the mask is True."),
        Mistake(_ce_sum, "the loss is a sum over the hidden positions: take their mean, so it does not grow "
                "with the batch.", "Look at the reduction that torch's cross-entropy uses by default."),
        Mistake(_ce_mean_over_all, "the sum is divided by all N * L positions: the mean runs over the "
                "hidden positions only.", "Divide by the number of hidden positions, or let the loss "
                "function average over the selected ones."),
        Mistake(_ce_detached, "the loss was detached from the graph, so backward cannot reach the logits.",
                "Return the tensor the loss function gives, not a copy cut from autograd."),
    ]
    return _run_check("masked_cross_entropy", masked_cross_entropy, _masked_cross_entropy, _observe_loss,
                      _ce_cases(), mistakes=mistakes, outputs=("what came back", "loss", "dlogits"),
                      hint="the same masked loss as lesson 02, in torch: select the hidden positions, then "
                           "a cross-entropy averaged over them; autograd then gives the gradient.",
                      more="torch's cross-entropy function wants logits (M, V) and integer targets (M,): shape the "
                           "selected positions that way, and return the scalar tensor.")


# ---- to_device: a numpy batch -> tensors of the right dtypes on the device
def _to_device(batch, device):
    inputs, targets, mask = batch
    return (torch.as_tensor(inputs, dtype=torch.long).to(device),
            torch.as_tensor(targets, dtype=torch.long).to(device),
            torch.as_tensor(mask, dtype=torch.bool).to(device))


def _device_ignored(batch, device):
    inputs, targets, mask = batch
    return torch.as_tensor(inputs).long(), torch.as_tensor(targets).long(), torch.as_tensor(mask)


def _all_long(batch, device):
    return tuple(torch.as_tensor(a, dtype=torch.long).to(device) for a in batch)


def _ids_dtype_kept(batch, device):
    return tuple(torch.as_tensor(a).to(device) for a in batch)


def _unchanged(batch, device):
    return tuple(batch)


def _observe_batch(fn, batch, device):
    """Per tensor: ("tensor on <device>", dtype, values or None on the meta device)."""
    out = fn(batch, device)
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        return f"{type(out).__name__}, not a tuple of 3 tensors"
    return tuple((f"tensor on {t.device.type}", str(t.dtype), None if t.device.type == "meta" else t.cpu().numpy())
                 if isinstance(t, torch.Tensor) else (type(t).__name__, str(getattr(t, "dtype", "")), None)
                 for t in out)


def _batch_cases():
    rng = np.random.default_rng(_RNG_SEED + 1)
    ids = rng.integers(2, 9, size=(3, 5)).astype(np.int32)
    mask = rng.random((3, 5)) < 0.3
    batch = (np.where(mask, 1, ids), ids.astype(np.int64), mask)
    return [Case("a numpy batch (int32 inputs, int64 targets, bool mask) to 'cpu'", (batch, "cpu")),
            Case("the same batch to another device ('meta', a device with no data)", (batch, "meta"))]


def _mask_as_float(batch, device):
    inputs, targets, mask = _to_device(batch, device)
    return inputs, targets, mask.float()


def check_to_device(to_device):
    """Check ``to_device(batch, device) -> (inputs, targets, mask)`` as tensors on ``device``."""
    mistakes = [
        Mistake(_unchanged, "the arrays come back as numpy arrays: the model needs torch tensors.",
                "torch has a function that turns an array into a tensor, with a dtype argument."),
        Mistake(_device_ignored, "the tensors stay on the CPU: the model's weights live on the device, and "
                "both sides of an operation must be on the same one.",
                "Moving a tensor returns a new tensor: keep what the move returns."),
        Mistake(_all_long, "the mask became a number tensor: indexing with a number tensor picks rows, "
                "indexing with a bool tensor selects positions.", "Give the mask the bool dtype."),
        Mistake(_ids_dtype_kept, "the ids keep their numpy dtype (int32 here): embedding lookups and "
                "cross-entropy targets expect 64-bit integers.", "torch's name for int64 is long."),
        Mistake(_mask_as_float, "the mask became floats: it must stay True/False to select positions.",
                "Each of the three tensors has its own dtype: ids, ids, bool."),
    ]
    return _run_check("to_device", to_device, _to_device, _observe_batch, _batch_cases(), mistakes=mistakes,
                      outputs=("inputs", "targets", "mask"),
                      hint="a batch for the model: three tensors, each of the dtype the model and the loss "
                           "expect, on the device the model is on.",
                      more="Ids are integer tensors of torch's default integer type, the mask is bool; "
                           "then move each tensor to the device.")


# ---- training_step: zero the gradients, forward, masked loss, backward, step
def _training_step(model, optimizer, inputs, targets, mask):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs)[mask], targets[mask])
    loss.backward()
    optimizer.step()
    return loss.item()


def _step_no_zero_grad(model, optimizer, inputs, targets, mask):
    loss = F.cross_entropy(model(inputs)[mask], targets[mask])
    loss.backward()
    optimizer.step()
    return loss.item()


def _step_no_step(model, optimizer, inputs, targets, mask):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs)[mask], targets[mask])
    loss.backward()
    return loss.item()


def _step_all_positions(model, optimizer, inputs, targets, mask):
    return _training_step(model, optimizer, inputs, targets, torch.ones_like(mask))


def _step_on_targets(model, optimizer, inputs, targets, mask):
    return _training_step(model, optimizer, targets, targets, mask)


def _observe_training(fn, seed):
    """Two steps of ``fn`` on one batch of a tiny float64 ContextModel: (losses, weights after)."""
    model = ContextModel(9, 4, dim=3, hidden=5, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    g = torch.Generator().manual_seed(seed)
    targets = torch.randint(2, 9, (3, 4), generator=g)
    mask = torch.rand(3, 4, generator=g) < 0.4
    mask[:, 1] = True
    inputs = targets.masked_fill(mask, 1)  # 1 = <mask>
    returned = [fn(model, optimizer, inputs, targets, mask) for _ in range(2)]
    kinds = tuple(_kind(x) for x in returned)
    losses = np.array([_as_float(x) if k in ("float", "a scalar tensor") else np.nan for x, k in zip(returned, kinds)])
    return kinds, losses, np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])


def _step_returns_tensor(model, optimizer, inputs, targets, mask):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs)[mask], targets[mask])
    loss.backward()
    optimizer.step()
    return loss


def check_training_step(training_step):
    """Check ``training_step(model, optimizer, inputs, targets, mask) -> float``, the loss before the step."""
    mistakes = [
        Mistake(_step_no_zero_grad, "the gradients pile up from step to step: backward adds to the "
                "gradients already there, it does not overwrite them.",
                "Clear the optimizer's gradients at the start of each step."),
        Mistake(_step_no_step, "the weights never change: the gradients are computed but never applied.",
                "After backward, ask the optimizer to take its step."),
        Mistake(_step_all_positions, "the loss counts the visible positions too: score only the hidden ones.",
                "Use your masked loss from exercise 1."),
        Mistake(_step_on_targets, "the model reads the targets, where the hidden words are still visible: "
                "it would learn to copy.", "The model's input is the corrupted batch."),
        Mistake(_step_returns_tensor, "the loss comes back as a tensor: the docstring promises a Python "
                "float, so a list of losses can be averaged and printed.",
                "A one-element tensor has a method that gives its value as a Python number."),
    ]
    return _run_check("training_step", training_step, _training_step, _observe_training,
                      [Case("two steps on one batch", (0,)), Case("another model and batch", (1,))],
                      mistakes=mistakes, outputs=("what came back", "losses", "weights"),
                      hint="one step of gradient descent in torch: clear the old gradients, forward, the "
                           "masked loss, backward, the optimizer's step; return the loss as a number.",
                      more="The order matters: the loss returned is the one before the update.")
