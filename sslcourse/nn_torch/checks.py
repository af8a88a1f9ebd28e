"""Argument checks for the torch side, beside ``sc._validation`` (the numpy side's).

Each raises ``TypeError`` or ``ValueError`` naming the argument, what was expected, what came
and the fix. Shape letters: N batch, L positions, V vocabulary.
"""
from __future__ import annotations

import numpy as np
import torch

__all__ = ["as_float_tensor", "check_generator", "check_model_ids", "check_masked_model", "check_module", "check_tensor"]


def check_generator(generator, name="generator"):
    """Check that ``generator`` is a CPU ``torch.Generator``."""
    if not isinstance(generator, torch.Generator):
        raise TypeError(
            f"{name} must be a torch.Generator, got {type(generator).__name__}. "
            f"Make one with {name} = torch.Generator().manual_seed(0)."
        )
    if generator.device.type != "cpu":
        raise ValueError(
            f"{name} must be a CPU generator (batches and masks are drawn on the CPU, then moved), "
            f"got one on {generator.device}. Make it with torch.Generator().manual_seed(0)."
        )
    return generator


def check_tensor(x, name, *, ndim=None, kind=None, device=None, finite=False):
    """Check that ``x`` is a tensor of the expected rank, dtype kind and device.

    Parameters
    ----------
    x : torch.Tensor
    name : str, the argument's name in the message
    ndim : int, optional, exact number of axes
    kind : {"float", "int", "bool"}, optional
    device : torch.device, optional, where the tensor must be
    finite : bool, reject NaN and inf
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(x).__name__}. "
            f"Convert it with torch.as_tensor({name})."
        )
    if ndim is not None and x.dim() != ndim:
        raise ValueError(f"{name} must have {ndim} axes, got shape {tuple(x.shape)}. Reshape it.")
    got = "bool" if x.dtype == torch.bool else "float" if x.is_floating_point() else "int"
    if kind is not None and got != kind:
        fix = {"float": ".double()", "int": ".long()", "bool": ".bool()"}[kind]
        raise TypeError(f"{name} must have a {kind} dtype, got {x.dtype}. Convert it with {name}{fix}.")
    if device is not None and x.device != torch.device(device):
        raise ValueError(
            f"{name} is on {x.device} but the model is on {device}: move the batch to the "
            f"model's device with {name}.to({str(device)!r}) (or the model with model.to({str(x.device)!r}))."
        )
    if finite and x.is_floating_point() and x.numel() and not torch.isfinite(x).all():
        raise ValueError(f"{name} holds NaN or inf, so every result computed from it would be meaningless. "
                         f"Find where it was made (a division by zero, a diverged training) and fix it there.")
    return x


def check_model_ids(ids, *, vocab_size, length, device):
    """Check a batch of ids for a model: int Tensor (N, L <= length), ids in [0, V), on ``device``."""
    check_tensor(ids, "ids", ndim=2, kind="int", device=device)
    if ids.shape[1] > length:
        raise ValueError(
            f"ids must have at most length = {length} positions, got shape {tuple(ids.shape)}. "
            f"Build the model with length={ids.shape[1]} or shorten the sentences."
        )
    if ids.numel() and (ids.min() < 0 or ids.max() >= vocab_size):
        bad = int(ids[(ids < 0) | (ids >= vocab_size)][0])
        raise ValueError(
            f"ids holds {bad}, outside the model's vocabulary of vocab_size = {vocab_size} words. "
            f"Build the model with vocab_size=len(language.vocab) of the data's vocabulary."
        )
    return ids


def check_module(model, name="model", *, kind=None, attrs=(), make=None):
    """Check that ``model`` is an ``nn.Module`` (of class ``kind`` if given) with the attributes ``attrs``.

    ``make`` is the fix shown in the message (how to build a right one).
    """
    wanted = kind.__name__ if isinstance(kind, type) else "torch nn.Module"
    ok = isinstance(model, kind if isinstance(kind, type) else torch.nn.Module)
    missing = next((a for a in attrs if not hasattr(model, a)), None) if ok else None
    if not ok or missing:
        has = f" without .{missing}" if missing else ""
        raise TypeError(f"{name} must be a {wanted}{' with .' + ', .'.join(attrs) if attrs else ''}, got "
                        f"{type(model).__name__}{has}. {make or 'Build one with the package (sc.nn_torch).'}")
    return model


def check_masked_model(model, name="model", attrs=("vocab_size", "pad_id", "mask_id")):
    """Check a masked-word model: an ``nn.Module`` with ``attrs`` (by default ``vocab_size``, ``pad_id`` and
    ``mask_id``; a ``DistributedDataParallel`` or ``torch.compile`` wrapper around one too); returns the core."""
    from torch.nn.parallel import DistributedDataParallel

    core = model.module if isinstance(model, DistributedDataParallel) else model
    core = getattr(core, "_orig_mod", core)
    return check_module(core, name, attrs=attrs,
                        make="Pass a masked-word model of sc.nn_torch: TransformerEncoder, ContextModel or Encoder.")


def as_float_tensor(x, name):
    """An ndarray or Tensor of numbers as a float32 CPU tensor, checked finite."""
    from .._validation import check_array

    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    x = check_array(x, name, dtype_kind="fiub", finite=True)
    return torch.as_tensor(np.asarray(x), dtype=torch.float32)
