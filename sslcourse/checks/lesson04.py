"""Checkers for the exercises of lesson 04 (solutions/04_exercises.ipynb): PyTorch.

Each ``check_<name>(fn)`` runs ``fn`` on small cases against the reference below, prints one
line, and returns the function the next cells should use. Torch results are turned into numpy
(values, plus device and dtype where they matter) before the comparison.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..nn_torch.models import ContextModel
from ._core import Case, Mistake, check_function

__all__ = ["check_masked_cross_entropy_torch", "check_to_device", "check_training_step"]

_RNG_SEED = 404


def _run_check(name, learner, reference, observe, cases, *, mistakes, hint, outputs=None):
    """``check_function`` on ``observe(fn, *args)``; returns ``learner`` or ``reference`` themselves."""
    def wrap(fn):
        return lambda *args: observe(fn, *args)

    planted = [Mistake(wrap(m.wrong), m.hint) for m in mistakes]
    checked = wrap(learner) if callable(learner) else learner
    used = check_function(name, checked, wrap(reference), cases, mistakes=planted, hint=hint, outputs=outputs)
    return learner if used is checked else reference


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
    loss.backward()
    return _as_float(loss), z.grad.numpy()


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


def check_masked_cross_entropy_torch(masked_cross_entropy):
    """Check ``masked_cross_entropy(logits, targets, mask) -> loss`` (a scalar tensor)."""
    mistakes = [
        Mistake(_ce_all_positions, "the loss counts the visible positions too: select the hidden ones "
                "first, logits[mask] (M, V) and targets[mask] (M,)."),
        Mistake(_ce_flipped, "the mask polarity is flipped: True means hidden, and the hidden positions "
                "are the ones scored (logits[mask], not logits[~mask])."),
        Mistake(_ce_sum, "the loss is a sum over the hidden positions: take their mean (the default of "
                "F.cross_entropy), so it does not grow with the batch."),
        Mistake(_ce_mean_over_all, "the sum is divided by all N * L positions: divide by the number of "
                "hidden positions, or let F.cross_entropy average over logits[mask]."),
    ]
    return _run_check("masked_cross_entropy", masked_cross_entropy, _masked_cross_entropy, _observe_loss,
                      _ce_cases(), mistakes=mistakes, outputs=("loss", "dlogits"),
                      hint="pick the hidden positions with the mask, logits[mask] and targets[mask], and "
                           "average -log p(target) over them with F.cross_entropy.")


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


def check_to_device(to_device):
    """Check ``to_device(batch, device) -> (inputs, targets, mask)`` as tensors on ``device``."""
    mistakes = [
        Mistake(_unchanged, "the arrays come back as numpy arrays: turn each into a tensor with "
                "torch.as_tensor(array, dtype=...)."),
        Mistake(_device_ignored, "the tensors stay on the CPU: move each with .to(device) (it returns a new "
                "tensor, so keep what it returns)."),
        Mistake(_all_long, "the mask became a number tensor: keep it bool (dtype=torch.bool), so that "
                "logits[mask] selects positions instead of indexing rows."),
        Mistake(_ids_dtype_kept, "the ids keep their numpy dtype (int32 here): make them torch.long, the dtype "
                "embedding lookups and cross-entropy targets expect."),
    ]
    return _run_check("to_device", to_device, _to_device, _observe_batch, _batch_cases(), mistakes=mistakes,
                      outputs=("inputs", "targets", "mask"),
                      hint="torch.as_tensor(x, dtype=torch.long) for ids, dtype=torch.bool for the mask, "
                           "then .to(device) on each.")


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
    losses = np.array([_as_float(fn(model, optimizer, inputs, targets, mask)) for _ in range(2)])
    return losses, np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])


def check_training_step(training_step):
    """Check ``training_step(model, optimizer, inputs, targets, mask) -> float``, the loss before the step."""
    mistakes = [
        Mistake(_step_no_zero_grad, "the gradients pile up from step to step: call optimizer.zero_grad() "
                "before loss.backward() (backward adds to .grad, it does not overwrite it)."),
        Mistake(_step_no_step, "the weights never change: call optimizer.step() after loss.backward()."),
        Mistake(_step_all_positions, "the loss counts the visible positions too: score only the hidden "
                "ones, logits[mask] and targets[mask]."),
        Mistake(_step_on_targets, "the model reads the targets, where the hidden words are still visible: "
                "give it the inputs (with <mask> at hidden positions)."),
    ]
    return _run_check("training_step", training_step, _training_step, _observe_training,
                      [Case("two steps on one batch", (0,)), Case("another model and batch", (1,))],
                      mistakes=mistakes, outputs=("losses", "weights"),
                      hint="zero the gradients, compute the masked loss of model(inputs), backward, "
                           "optimizer.step(), and return loss.item().")
